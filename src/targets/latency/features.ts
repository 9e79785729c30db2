/**
 * The latency model's features: per layer kind the work (MACs or elementary ops), the output elements
 * (requantize + store per element), the bytes moved through internal vs external memory, the number of
 * kernel layers and one per-inference constant. A target's latency in cycles is Σ coefficient × feature
 * (coefficients ≥ 0, fitted per engine), times a tool-version factor; milliseconds = cycles / clock.
 * Which features an engine uses is data (FEATURE_SETS), chosen by leave-one-model-out error.
 */
import type { ModelFeatures } from '../model-features.ts';
import type { MemoryMapping } from '../memory-map.ts';

export const LATENCY_FEATURES = [
  'macs_conv', // k×k convolution (k > 1)
  'macs_pointwise', // 1×1 convolution
  'macs_depthwise',
  'macs_dense', // dense + activation×activation matmul
  'macs_short', // conv/dense MACs whose reduction is < 32 long (poorly vectorised; counted again here)
  'macs_long', // conv/dense MACs whose reduction is ≥ 256 long (GEMM-like; counted again here)
  'ops_eltwise', // add, mul … (elementary ops)
  'ops_pool', // pooling + global pooling
  'ops_other', // activation, softmax, quantize/dequantize, data movement
  'out_conv', // output elements of conv/pointwise/depthwise/dense layers
  'reads_conv', // Σ MACs/Cout of k×k and 1×1 convs: input-window (im2col) reads
  'bytes_act_internal', // activation bytes read+written while the pool sits in internal RAM
  'bytes_act_external', // … while (part of) the pool sits in external RAM
  'bytes_weights_internal',
  'bytes_weights_external',
  'layers', // per-kernel-call overhead
  'inference', // per-inference constant
] as const;
export type LatencyFeature = (typeof LATENCY_FEATURES)[number];

/** Features each calibration key uses (base key before ':' / '@'); others use DEFAULT_FEATURES. */
export const DEFAULT_FEATURES: LatencyFeature[] = [...LATENCY_FEATURES];
const KIND_MACS: LatencyFeature[] = ['macs_conv', 'macs_pointwise', 'macs_depthwise', 'macs_dense', 'ops_eltwise', 'ops_pool', 'ops_other'];
/**
 * Chosen among ~8 candidate sets by the leave-one-model-out error itself (so the reported error is mildly
 * optimistic); fewer features where the data are few or erratic. 2026-11-26, data/published as committed.
 */
export const FEATURE_SETS: Record<string, LatencyFeature[]> = {
  // M7: per-kind MACs, GEMM-like MACs, im2col reads; SDRAM / external-flash traffic; per layer and per inference
  'cortex-m7': [...KIND_MACS, 'macs_long', 'reads_conv', 'bytes_act_external', 'bytes_weights_external', 'layers', 'inference'],
  // N6 NPU: everything (weights always stream from octoFlash; epochs per layer)
  'n6-neural-art': [...LATENCY_FEATURES],
  // MP2 GPU/NPU: conv MACs, outputs, per layer (the GPU rows are few and erratic)
  'mp2-npu-gpu': ['macs_conv', 'macs_pointwise', 'macs_depthwise', 'out_conv', 'layers', 'inference'],
  // A7 TFLite (XNNPACK): per-kind MACs and im2col reads
  'cortex-a7x2': [...KIND_MACS, 'reads_conv', 'bytes_act_external', 'bytes_weights_external', 'layers', 'inference'],
  'cortex-a7x1': [...KIND_MACS, 'reads_conv', 'bytes_act_external', 'bytes_weights_external', 'layers', 'inference'],
};

export function featuresFor(key: string): LatencyFeature[] {
  return FEATURE_SETS[key] ?? FEATURE_SETS[key.split(/[:@]/)[0]!] ?? DEFAULT_FEATURES;
}

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

export function latencyFeatureValues(f: ModelFeatures, place: Placement01): Record<LatencyFeature, number> {
  const k = f.macsByKind;
  const o = f.outputElementsByKind;
  const moved = f.activationBytesMoved;
  return {
    macs_conv: k.conv,
    macs_pointwise: k.pointwise,
    macs_depthwise: k.depthwise,
    macs_dense: k.dense + k.matmul,
    macs_short: f.macsShortReduction,
    macs_long: f.macsLongReduction ?? 0,
    ops_eltwise: k.eltwise,
    ops_pool: k.pool + k.globalpool,
    ops_other: k.activation + k.softmax + k.convert + k.datamove + k.other,
    out_conv: o.conv + o.pointwise + o.depthwise + o.dense + o.matmul,
    reads_conv: f.convWindowReads ?? 0,
    bytes_act_internal: moved * (1 - place.activationExternalShare),
    bytes_act_external: moved * place.activationExternalShare,
    bytes_weights_internal: place.weightsExternal ? 0 : f.weightBytes,
    bytes_weights_external: place.weightsExternal ? f.weightBytes : 0,
    layers: f.kernelLayers,
    inference: 1,
  };
}

/** The feature vector of `key`'s model (features not used by the key are 0, so their coefficient is 0). */
export function latencyFeatureVector(f: ModelFeatures, place: Placement01, key: string): number[] {
  const v = latencyFeatureValues(f, place);
  const use = new Set(featuresFor(key));
  return LATENCY_FEATURES.map((n) => (use.has(n) ? v[n] : 0));
}
