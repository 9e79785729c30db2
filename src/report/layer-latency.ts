/**
 * Predicted time per layer, for the report's per-layer latency chart and table columns. The split is the targets
 * module's own (TargetResult.layerLatencyMs: Σ layers + per-inference constant = the predicted total).
 * That identity is checked here; if it ever fails, no per-layer figures are given rather than wrong ones.
 */
import type { Analysis } from '../analyzer/layer.ts';
import { evaluateTargets, type TargetResult } from '../targets/evaluate.ts';

export interface LayerLatency {
  /** ms per layer, by layer index. */
  layerMs: number[];
  /** The per-inference constant of the model (not attributed to any layer). */
  perInferenceMs: number;
}

/** Per-layer latency on one target (TargetResult.layerLatencyMs), or undefined when the target has none. */
export function layerLatencyFor(analysis: Analysis, target: string, expectedTotalMs: number | null): LayerLatency | undefined {
  if (expectedTotalMs === null) return undefined;
  const [r] = evaluateTargets(analysis, [target]);
  return r ? layerLatencyOf(r, expectedTotalMs) : undefined;
}

/**
 * The same from a result already evaluated (no second evaluation: a user's profile given as a path has an id
 * that `evaluateTargets` cannot look up again).
 */
export function layerLatencyOf(r: TargetResult, expectedTotalMs: number | null = r.latencyMs): LayerLatency | undefined {
  if (expectedTotalMs === null) return undefined;
  if (!r.layerLatencyMs || r.perInferenceMs === null) return undefined;
  const layerMs = r.layerLatencyMs;
  const perInferenceMs = r.perInferenceMs;
  const sum = layerMs.reduce((a, b) => a + b, 0) + perInferenceMs;
  if (!(Math.abs(sum - expectedTotalMs) <= 1e-6 * Math.max(1, expectedTotalMs))) return undefined;
  return { layerMs, perInferenceMs };
}
