import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrate, CALIBRATION_ERROR_PATH, latencyLoo, type CalibrationReport } from '../src/targets/calibration/calibrate.ts';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { looByGroup } from '../src/targets/calibration/loo.ts';
import { fitScaled, predictScaled, type FitRow } from '../src/targets/latency/fit.ts';
import { builtinProfiles } from '../src/targets/resolve.ts';

interface Row extends FitRow {
  model: string;
}

// cycles = 2·macs + 100·layers; model C is an outlier (3× slower than the rule)
const synthetic: Row[] = [
  { model: 'A', x: [1e6, 10], y: 0, version: 'v', clockMHz: 100 },
  { model: 'A', x: [4e6, 10], y: 0, version: 'v', clockMHz: 100 },
  { model: 'B', x: [2e6, 30], y: 0, version: 'v', clockMHz: 100 },
  { model: 'B', x: [8e6, 30], y: 0, version: 'v', clockMHz: 100 },
  { model: 'C', x: [3e6, 20], y: 0, version: 'v', clockMHz: 100 },
  { model: 'D', x: [5e6, 5], y: 0, version: 'v', clockMHz: 100 },
].map((r) => ({ ...r, y: ((r.model === 'C' ? 3 : 1) * (2 * r.x[0]! + 100 * r.x[1]!)) / (r.clockMHz * 1000) }));

const loo = (rows: Row[]) =>
  looByGroup(
    rows,
    (r) => r.model,
    (train) => fitScaled(train),
    (fit, r) => predictScaled(fit, r.x, r.clockMHz, r.version),
    (r) => r.y,
  );

describe('leave-one-model-out', () => {
  it('predicts each model from a fit that never saw any of its rows', () => {
    const out = loo(synthetic);
    // models A, B, D follow the rule exactly but the fit without them still contains the outlier C
    const c = out.filter((o) => o.item.model === 'C');
    // C is predicted by the clean rule: 3× too fast, i.e. −66.7 %
    for (const o of c) expect(o.errorPct).toBeCloseTo(-66.67, 1);
    // exactly the prediction of a fit on the other models' rows…
    const without = fitScaled(synthetic.filter((r) => r.model !== 'C'));
    expect(c[0]!.predicted).toBeCloseTo(predictScaled(without, c[0]!.item.x, 100, 'v'), 9);
    // …and not the in-sample fit's, which saw C
    const inSample = predictScaled(fitScaled(synthetic), c[0]!.item.x, 100, 'v');
    expect(Math.abs(inSample - c[0]!.predicted) / c[0]!.predicted).toBeGreaterThan(0.01);
  });

  it('groups by model, not by row: duplicating a row of model C changes other predictions but never C’s own', () => {
    const base = loo(synthetic);
    const dup = loo([...synthetic, synthetic[4]!, synthetic[4]!]);
    const pc = (o: typeof base, m: string) => o.filter((x) => x.item.model === m).map((x) => x.predicted);
    expect(pc(dup, 'C')[0]).toBeCloseTo(pc(base, 'C')[0]!, 9);
    expect(Math.abs(pc(dup, 'A')[0]! - pc(base, 'A')[0]!)).toBeGreaterThan(1e-6);
  });
});

describe('calibration against ST’s published tables', () => {
  const report = calibrate();
  const stored = JSON.parse(readFileSync(CALIBRATION_ERROR_PATH, 'utf8')) as CalibrationReport;

  it('the stored error table (data/calibration-error.json) is what calibrate computes now', () => {
    for (const t of report.targets) {
      const s = stored.targets.find((x) => x.target === t.target)!;
      for (const q of ['latency', 'activationRam', 'weightsFlash'] as const) {
        const now = t.errors[q].summary?.mapePct;
        if (now === undefined) expect(s.errors[q].summary, `${t.target} ${q}`).toBeUndefined();
        else expect(s.errors[q].summary?.mapePct, `${t.target} ${q}`).toBeCloseTo(now, 1);
      }
    }
    // and the whole file, notes and details included (check and the report print them): `edgefit calibrate --write` after
    // any change to the fits or their wording (the MPU details had drifted for a session before this line)
    expect(readFileSync(CALIBRATION_ERROR_PATH, 'utf8')).toBe(JSON.stringify(report, null, 1) + '\n');
  });

  it('every leave-one-out prediction is within the worst error the table reports, and MAPE is their mean', () => {
    const calibTargets = new Map(builtinProfiles().map((p) => [p.id, new Set(p.calibrationTargets)]));
    for (const t of report.targets.filter((x) => x.errors.latency.summary)) {
      const e = t.errors.latency;
      // the figure is over the 'scored' rows (thin = borrowed model, contradicted = stand-in timing refuted by ST)
      const scored = report.records.filter((r) => r.quantity === 'latency' && calibTargets.get(t.target)!.has(r.target) && r.toolVersion === e.toolVersion && r.role === 'scored');
      const recs = scored.length ? scored : report.records.filter((r) => r.quantity === 'latency' && calibTargets.get(t.target)!.has(r.target) && r.toolVersion === e.toolVersion && r.role !== 'contradicted');
      expect(recs.length).toBe(e.summary!.rows);
      for (const r of recs) {
        expect(Math.abs(r.errorPct)).toBeLessThanOrEqual(Math.abs(e.summary!.worstPct) + 0.01);
        // the record's error is its prediction against the published figure it cites
        expect(r.errorPct).toBeCloseTo((100 * (r.predicted - r.published)) / r.published, 0);
      }
      const mape = recs.reduce((s, r) => s + Math.abs(r.errorPct), 0) / recs.length;
      expect(mape).toBeCloseTo(e.summary!.mapePct, 1);
    }
  });

  it('leave-one-out error is not in-sample error: it is larger on the H747', () => {
    const profiles = new Map(builtinProfiles().map((p) => [p.id, p]));
    const rows = loadCalibrationRows().filter((r) => r.calibrationKey === 'cortex-m7');
    const looOut = latencyLoo(rows, profiles);
    const mape = (xs: { errorPct: number }[]) => xs.reduce((s, o) => s + Math.abs(o.errorPct), 0) / xs.length;
    const inSample = looByGroup(
      rows.filter((r) => r.features && r.published.inferenceMs && r.toolVersion),
      () => 'all', // one group: the "held-out" set is everything, so we fit on nothing…
      () => undefined,
      () => undefined,
      () => 1,
    );
    expect(inSample).toHaveLength(0); // …and looByGroup refuses to predict without a fit
    expect(mape(looOut)).toBeGreaterThan(2);
    expect(looOut.length).toBeGreaterThan(60);
  });

  it('weights flash: our int8 weight bytes match ST’s MCU "Weights Flash" within 1 % on the H747', () => {
    const w = report.targets.find((t) => t.target === 'stm32h747i-disco')!.errors.weightsFlash;
    expect(w.summary!.models).toBeGreaterThanOrEqual(10);
    expect(w.summary!.mapePct).toBeLessThan(1);
  });
});
