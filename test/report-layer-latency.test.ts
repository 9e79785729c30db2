/**
 * Per-layer latency in the report is the targets module's calibrated total split over layers. The split must
 * add up: Σ per-layer + per-inference overhead = evaluateTargets' latency, on every default target.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import { layerLatencyFor } from '../src/report/layer-latency.ts';
import { DEFAULT_TARGETS, evaluateTargets } from '../src/targets/evaluate.ts';
import { buildZooModel } from '../src/zoo/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgefit-layer-latency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('per-layer latency attribution', () => {
  it('adds up to the predicted total on every default target (ST EfficientNet LC v1, 128 px)', () => {
    const m = buildZooModel('st_efficientnet_lc_v1', { resolution: 128, classes: 5 });
    const path = join(dir, 'eff.onnx');
    writeFileSync(path, m.bytes);
    const analysis = analyzeFile(path);
    analysis.totals.activationPeakBytes = planMemory(analysis)!.planners.st.peakBytes;
    const results = evaluateTargets(analysis, DEFAULT_TARGETS);
    let attributed = 0;
    for (const r of results) {
      const per = layerLatencyFor(analysis, r.id, r.latencyMs);
      if (r.latencyMs === null) {
        expect(per).toBeUndefined();
        continue;
      }
      expect(per, `${r.id}: the latency model is no longer a sum over layers`).toBeDefined();
      expect(per!.layerMs).toHaveLength(analysis.layers.length);
      expect(per!.layerMs.every((v) => v >= 0)).toBe(true);
      const sum = per!.layerMs.reduce((a, b) => a + b, 0) + per!.perInferenceMs;
      expect(sum).toBeCloseTo(r.latencyMs, 6);
      // views move no data and run no kernel: no time
      analysis.layers.forEach((l, i) => l.kind === 'view' && expect(per!.layerMs[i]).toBe(0));
      attributed++;
    }
    expect(attributed).toBeGreaterThanOrEqual(5);
  });
});
