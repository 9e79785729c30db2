/**
 * Predicted time per layer, for the report's per-layer latency chart and table columns. The targets module's
 * latency model is linear: cycles = Σ coefficient × feature, each feature a sum over layers (work per kind,
 * output elements, bytes moved, one per kernel call) plus one per-inference constant. Applying the same
 * coefficients to one layer's features, with the whole model's memory placement, attributes the total to
 * layers exactly: Σ layers + per-inference constant = the predicted total. That identity is checked here;
 * if the model ever stops being linear, no per-layer figures are given rather than wrong ones.
 */
import type { Analysis } from '../analyzer/layer.ts';
import { calibratedModels } from '../targets/evaluate.ts';
import { modelForEngine } from '../targets/latency/engine-models.ts';
import { latencyFeatureVector, LATENCY_FEATURES, placementOf } from '../targets/latency/features.ts';
import { predictScaled } from '../targets/latency/fit.ts';
import { mapMemory } from '../targets/memory-map.ts';
import { modelFeatures } from '../targets/model-features.ts';
import { resolveTarget } from '../targets/resolve.ts';

const INFERENCE = LATENCY_FEATURES.indexOf('inference');

export interface LayerLatency {
  /** ms per layer, by layer index. */
  layerMs: number[];
  /** The per-inference constant of the model (not attributed to any layer). */
  perInferenceMs: number;
}

/** Per-layer latency on one target, or undefined when the target has no calibrated latency model. */
export function layerLatencyFor(analysis: Analysis, target: string, expectedTotalMs: number | null): LayerLatency | undefined {
  if (expectedTotalMs === null) return undefined;
  const profile = resolveTarget(target);
  const engine = profile.engines.find((e) => e.id === profile.defaultEngine);
  if (!engine) return undefined;
  const whole = modelFeatures(analysis);
  const model = modelForEngine(calibratedModels().engineModels, engine.calibrationKey, whole, engine.kind);
  if (!model) return undefined;
  const key = model.kind === 'borrowed' ? model.borrowedFrom! : model.key;
  const scale = model.kind === 'borrowed' ? model.ratio! : 1;
  const version = model.kind === 'borrowed' ? model.fit.referenceVersion : undefined;
  // Placement (internal vs external memory) is a property of the whole model on this target.
  const placement = placementOf(mapMemory(profile, { activationBytes: whole.activationPeakBytes, weightBytes: whole.weightBytes, runtimeRamBytes: 0, codeFlashBytes: 0 }));
  const ms = (x: number[]): number => predictScaled(model.fit, x, engine.clockMHz, version) * scale;

  const perInference = LATENCY_FEATURES.map((_, j) => (j === INFERENCE ? latencyFeatureVector(whole, placement, key)[j]! : 0));
  const layerMs = analysis.layers.map((layer) => {
    const one: Analysis = {
      ...analysis,
      layers: [layer],
      totals: { ...analysis.totals, weightBytes: layer.weightBytes, activationPeakBytes: whole.activationPeakBytes },
    };
    const x = latencyFeatureVector(modelFeatures(one), placement, key);
    x[INFERENCE] = 0;
    return ms(x);
  });
  const perInferenceMs = ms(perInference);
  const sum = layerMs.reduce((a, b) => a + b, 0) + perInferenceMs;
  if (!(Math.abs(sum - expectedTotalMs) <= 1e-6 * Math.max(1, expectedTotalMs))) return undefined;
  return { layerMs, perInferenceMs };
}
