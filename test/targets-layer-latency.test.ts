/**
 * TargetResult.layerLatencyMs: the predicted latency split over layers. It must add up (Σ layers + the
 * per-inference constant = latencyMs), give views no time, and be plausible: the input Quantize layer (an
 * element-wise pass over the image) must not carry a large share, which it did when the fit used it as a
 * proxy for "large input image".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { DEFAULT_TARGETS, evaluateTargets } from '../src/targets/evaluate.ts';
import { evaluateProfile } from '../src/targets/evaluate.ts';
import { featureMask, fillWorkFeatureVector, LATENCY_FEATURES } from '../src/targets/latency/features.ts';
import { emptyWork, WORK_TERMS } from '../src/targets/latency/layer-work.ts';
import { modelFeatures } from '../src/targets/model-features.ts';
import { resolveTarget } from '../src/targets/resolve.ts';
import { buildZooModel } from '../src/zoo/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgefit-target-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function analysisOf(net: string, opts: Record<string, number>) {
  const m = buildZooModel(net, opts);
  const path = join(dir, `${net}.onnx`);
  writeFileSync(path, m.bytes);
  return analyzeFile(path);
}

describe('per-layer latency in TargetResult', () => {
  const eff = analysisOf('st_efficientnet_lc_v1', { resolution: 224, classes: 5 });
  const results = evaluateTargets(eff, DEFAULT_TARGETS);

  it('adds up to latencyMs with the per-inference constant, one entry per layer, views 0', () => {
    let split = 0;
    for (const r of results) {
      if (r.latencyMs === null) {
        expect(r.layerLatencyMs).toBeNull();
        continue;
      }
      expect(r.layerLatencyMs, r.id).toHaveLength(eff.layers.length);
      expect(r.perInferenceMs!).toBeGreaterThanOrEqual(0);
      const sum = r.layerLatencyMs!.reduce((a, b) => a + b, 0) + r.perInferenceMs!;
      expect(sum, r.id).toBeCloseTo(r.latencyMs, 6);
      eff.layers.forEach((l, i) => {
        expect(r.layerLatencyMs![i]!, `${r.id} layer ${i}`).toBeGreaterThanOrEqual(0);
        if (l.kind === 'view') expect(r.layerLatencyMs![i]).toBe(0);
      });
      split++;
    }
    expect(split).toBeGreaterThanOrEqual(6);
  });

  it('is plausible: Quantize/Dequantize layers carry under 10 % of the time on every target, and MAC layers most of it', () => {
    for (const r of results) {
      if (!r.layerLatencyMs) continue;
      const share = (pred: (k: string) => boolean) => eff.layers.reduce((s, l, i) => s + (pred(l.kind) ? r.layerLatencyMs![i]! : 0), 0) / r.latencyMs!;
      expect(share((k) => k === 'convert'), r.id).toBeLessThan(0.1);
      expect(share((k) => ['conv', 'pointwise', 'depthwise', 'dense'].includes(k)), r.id).toBeGreaterThan(0.5);
    }
  });

  it('is absent when evaluateProfile gets no layers (stored calibration features)', () => {
    const r = evaluateProfile(modelFeatures(eff), resolveTarget('stm32h747i-disco'));
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.layerLatencyMs).toBeNull();
  });
});

describe('latency feature vector positions', () => {
  it('each position of fillWorkFeatureVector holds the feature LATENCY_FEATURES names there', () => {
    // a work sum whose terms are all different (1, 2, 3 … in WORK_TERMS order), placed half external
    const w = emptyWork();
    WORK_TERMS.forEach((t, i) => (w[t] = i + 1));
    const place = { activationExternalShare: 0.25, weightsExternal: true, cubeAiRuntime: true };
    const expected: Record<string, number> = {
      bytes_act_internal: w.bytes_act * 0.75,
      bytes_act_external: w.bytes_act * 0.25,
      bytes_weights_internal: 0,
      bytes_weights_external: w.bytes_weights,
      inference: 7,
      macs_conv_cubeai: w.macs_conv,
    };
    for (let i = 0; i < LATENCY_FEATURES.length; i++) {
      const name = LATENCY_FEATURES[i]!;
      const only = featureMask(new Set([name]));
      const v = fillWorkFeatureVector(new Array<number>(LATENCY_FEATURES.length), w, place, only, 7);
      const want = expected[name] ?? w[name as keyof typeof w];
      expect(want, name).toBeGreaterThanOrEqual(0);
      expect(v[i], name).toBe(want);
      expect(v.filter((x, j) => j !== i && x !== 0), name).toEqual([]);
    }
  });
});
