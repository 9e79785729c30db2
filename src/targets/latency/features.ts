/**
 * The latency model's features: per layer kind the work (MACs or elementary ops), the bytes moved through
 * internal vs external memory, the number of kernel layers and one per-inference constant. A target's
 * latency in cycles is Σ coefficient × feature (coefficients ≥ 0, fitted per engine), times a tool-version
 * factor; milliseconds = cycles / clock.
 */
import type { ModelFeatures } from '../model-features.ts';
import type { MemoryMapping } from '../memory-map.ts';

export const LATENCY_FEATURES = [
  'macs_conv', // k×k convolution (k > 1)
  'macs_pointwise', // 1×1 convolution
  'macs_depthwise',
  'macs_dense', // dense + activation×activation matmul
  'ops_eltwise', // add, mul … (elementary ops)
  'ops_pool', // pooling + global pooling
  'ops_other', // activation, softmax, quantize/dequantize, data movement
  'bytes_act_internal', // activation bytes read+written while the pool sits in internal RAM
  'bytes_act_external', // … while (part of) the pool sits in external RAM
  'bytes_weights_internal',
  'bytes_weights_external',
  'layers', // per-kernel-call overhead
  'inference', // per-inference constant
] as const;
export type LatencyFeature = (typeof LATENCY_FEATURES)[number];

export interface Placement01 {
  /** Share of activation traffic in external RAM (0 … 1). */
  activationExternalShare: number;
  weightsExternal: boolean;
}

export function placementOf(m: MemoryMapping): Placement01 {
  const act = m.placements.filter((p) => p.role === 'activations');
  const total = act.reduce((s, p) => s + p.bytes, 0);
  const ext = act.filter((p) => p.external).reduce((s, p) => s + p.bytes, 0);
  return {
    activationExternalShare: total ? ext / total : 0,
    weightsExternal: m.placements.some((p) => p.role === 'weights' && p.external),
  };
}

export function latencyFeatureVector(f: ModelFeatures, place: Placement01): number[] {
  const k = f.macsByKind;
  const moved = f.activationBytesMoved;
  const values: Record<LatencyFeature, number> = {
    macs_conv: k.conv,
    macs_pointwise: k.pointwise,
    macs_depthwise: k.depthwise,
    macs_dense: k.dense + k.matmul,
    ops_eltwise: k.eltwise,
    ops_pool: k.pool + k.globalpool,
    ops_other: k.activation + k.softmax + k.convert + k.datamove + k.other,
    bytes_act_internal: moved * (1 - place.activationExternalShare),
    bytes_act_external: moved * place.activationExternalShare,
    bytes_weights_internal: place.weightsExternal ? 0 : f.weightBytes,
    bytes_weights_external: place.weightsExternal ? f.weightBytes : 0,
    layers: f.kernelLayers,
    inference: 1,
  };
  return LATENCY_FEATURES.map((n) => values[n]);
}
