/**
 * The latency model's features: per layer kind the work (MACs or elementary ops), the output elements
 * (requantize + store per element), the bytes moved through internal vs external memory, the number of
 * kernel layers and one per-inference constant. A target's latency in cycles is Σ coefficient × feature
 * (coefficients ≥ 0, fitted per engine), times a tool-version factor; milliseconds = cycles / clock.
 * Which features an engine uses is data (FEATURE_SETS), chosen by leave-one-model-out error.
 */
import type { ModelFeatures } from '../model-features.ts';
import type { MemoryMapping } from '../memory-map.ts';
import type { LayerWork } from './layer-work.ts';

export const LATENCY_FEATURES = [
  'macs_conv', // k×k convolution (k > 1)
  'macs_pointwise', // 1×1 convolution
  'macs_depthwise',
  'macs_dense', // dense + activation×activation matmul
  'macs_gemm', // conv + pointwise + dense: one GEMM kernel family (XNNPACK on the MPU CPUs)
  'macs_short', // conv/dense MACs whose reduction is < 32 long (poorly vectorised; counted again here)
  'macs_long', // conv/dense MACs whose reduction is ≥ 256 long (GEMM-like; counted again here)
  'macs_dw_s2_same', // stride-2 depthwise with implicit TF-SAME padding (counted again here; see docs/targets.md)
  'ops_eltwise', // add, mul … (elementary ops)
  'ops_pool', // pooling + global pooling
  'ops_other', // activation, softmax, quantize/dequantize, data movement
  'elems_stream', // input + output elements of non-MAC kernels (memory-streaming ops)
  'out_conv', // output elements of conv/pointwise/depthwise/dense layers
  'reads_conv', // Σ MACs/Cout of k×k and 1×1 convs: input-window (im2col) reads
  'bytes_act_internal', // activation bytes read+written while the pool sits in internal RAM
  'bytes_act_external', // … while (part of) the pool sits in external RAM
  'bytes_weights_internal',
  'bytes_weights_external',
  'layers', // per-kernel-call overhead
  'inference', // per-inference constant
  'elems_pool_in', // input elements of pooling layers (max / average / global pools): streamed by the pool kernel
  'macs_conv_cubeai', // k×k conv MACs again when measured with STM32Cube.AI 7.x/8.x (legacy runtime); 0 for STEdgeAI 3.x/4.x and predictions
  'bytes_external', // bytes over an external bus: activation bytes while the pool is (partly) in external RAM (less a fused conv + max pool's rows, bytes_fused_rows) + weight bytes streamed from external flash
  'taps_im2col', // kernel taps copied or padding-filled into s16 im2col columns (per-tap overhead of the column-building kernels)
  'bytes_im2col', // bytes those taps copy and widen to s16 (per-byte work of the same kernels)
  'ops_maxpool', // window ops of max pools (ST's lite max pool kernel; layer-work.ts isMaxPool)
  'elems_avgpool_in', // input elements of average / global-average pools and MEAN (ST's hybrid forward_ap_integer_INT8)
  'macs_direct', // 1×1 conv MACs + k×k MACs of ST's direct int8 lite kernels (deep_3x3, deep, dilated: layer-work.ts isDirectInt8Conv)
  'macs_columns', // the other k×k conv MACs: kernels that build s16 im2col columns (generic, rgb, per-tensor hybrid) or run no lite kernel
  'macs_conv_direct', // k×k MACs of ST's direct int8 lite kernels alone (deep_3x3, deep, dilated), the 1×1 convs apart
  'bytes_weights_reread_internal', // filter re-reads beyond the first (layer-work.ts weightBytesStreamed: k×k filters larger than the M7's D-cache) while weights sit in internal flash
] as const;
export type LatencyFeature = (typeof LATENCY_FEATURES)[number];

/**
 * Features added after the N6 set was chosen, for the MPU sets (macs_gemm, macs_dw_s2_same, elems_stream) and the
 * Cortex-M7 set (the others): the N6 and default sets leave them out.
 */
const FEATURES_AFTER_N6_SET = new Set<LatencyFeature>(['macs_gemm', 'macs_dw_s2_same', 'elems_stream', 'elems_pool_in', 'macs_conv_cubeai', 'bytes_external', 'taps_im2col', 'bytes_im2col', 'ops_maxpool', 'elems_avgpool_in', 'macs_direct', 'macs_columns', 'macs_conv_direct', 'bytes_weights_reread_internal']);
const MCU_ERA_FEATURES = LATENCY_FEATURES.filter((f) => !FEATURES_AFTER_N6_SET.has(f));
export const DEFAULT_FEATURES: LatencyFeature[] = [...MCU_ERA_FEATURES];
/**
 * TFLite + XNNPACK: one GEMM kernel family, depthwise kernels, streaming ops, the packed weights streamed from
 * DDR once per inference (far more than the A7's L2 in total; on the MPUs all memory is DDR, placed 'external'),
 * per-op dispatch, invoke.
 */
const XNNPACK_FEATURES: LatencyFeature[] = ['macs_gemm', 'macs_depthwise', 'elems_stream', 'bytes_weights_internal', 'bytes_weights_external', 'layers', 'inference'];
/** TFLite built-in kernels: the same, plus a cost per conv output element (per-channel requantization, the ARM32 generic depthwise loop). */
const TFLITE_BUILTIN_FEATURES: LatencyFeature[] = ['macs_gemm', 'macs_depthwise', 'out_conv', 'elems_stream', 'layers', 'inference'];
/**
 * Features each calibration key uses (base key before ':' / '@'); others use DEFAULT_FEATURES.
 * MCU, N6 and MP2 sets: chosen among ~8 candidate sets by the leave-one-model-out error itself (so their
 * reported error is mildly optimistic). The Cortex-A7 set is fixed by what TFLite + XNNPACK does (see
 * docs/targets.md "MPU CPU"): one GEMM family, depthwise, the slow stride-2 depthwise, streaming ops, calls.
 */
export const FEATURE_SETS: Record<string, LatencyFeature[]> = {
  // M7 (docs/targets.md "Latency"): MACs per kind (pooling by the input elements it streams); GEMM-like MACs; the
  // im2col work of the convs that build s16 columns, per tap and per byte (layer-work.ts buildsIm2colColumns;
  // session 8: in place of reads_im2col, which priced a byte of a 3-byte RGB tap like one of a 16-byte tap); bytes
  // over an external bus (SDRAM activations, and weights streamed from Quad-SPI as each kernel reads them); per
  // layer and per inference.
  // The legacy runtime's k×k conv kernels cost more per MAC than the lite generator's (docs/targets.md): an extra
  // term that only STM32Cube.AI 7.x/8.x rows carry, so predictions (STEdgeAI 4.0) never use it.
  // Session 9: pooling priced per kernel (layer-work.ts isMaxPool): ST's lite max pool per window op, the hybrid average
  // pool per input element, in place of one price per input element for both (elems_pool_in). Decided before its
  // leave-one-out was run, with two alternatives fixed at the same time and only reported (M7_POOL_ALTERNATIVES).
  // Session 11 (issue 7: the H747 rows SqueezeNet +26/+30 %, ResNet v1 8 +22 %, ST YOLO LC −13 %) tried three changes to
  // this set, each committed before the leave-one-out that judged it; none is kept (M7_KERNEL_ALTERNATIVES, docs/targets.md
  // "Session 11: why the worst H747 rows miss").
  'cortex-m7': ['macs_conv', 'macs_pointwise', 'macs_depthwise', 'macs_dense', 'ops_eltwise', 'ops_other', 'ops_maxpool', 'elems_avgpool_in', 'macs_conv_cubeai', 'macs_long', 'taps_im2col', 'bytes_im2col', 'bytes_external', 'layers', 'inference'],
  // N6 NPU: everything (weights always stream from octoFlash; epochs per layer)
  'n6-neural-art': [...MCU_ERA_FEATURES],
  // MP2 GPU (OpenVX): GEMM-family MACs, depthwise MACs (slow on the GPU), per layer, per inference
  'mp2-npu-gpu': ['macs_gemm', 'macs_depthwise', 'layers', 'inference'],
  // Cortex-A7/A35, TFLite: by runtime path (latency/runtime-path.ts)
  'cortex-a7x2:xnnpack': XNNPACK_FEATURES,
  'cortex-a7x1:xnnpack': XNNPACK_FEATURES,
  'cortex-a35x2:xnnpack': XNNPACK_FEATURES,
  'cortex-a7x2:builtin': TFLITE_BUILTIN_FEATURES,
  'cortex-a7x1:builtin': TFLITE_BUILTIN_FEATURES,
  'cortex-a35x2:builtin': TFLITE_BUILTIN_FEATURES,
};

/**
 * The pooling variants fixed with the session-9 M7 set before its leave-one-out was run (docs/targets.md "Pooling per
 * kernel"), reported beside it: B keeps one price per input element for every pool plus an extra, non-negative one for
 * the average pools (the hybrid kernel costs at least the lite one, both in input elements); C is the previous set.
 */
export const M7_POOL_ALTERNATIVES: Record<string, LatencyFeature[]> = {
  B: FEATURE_SETS['cortex-m7']!.flatMap((f) => (f === 'ops_maxpool' ? ['elems_pool_in' as const] : [f])),
  C: FEATURE_SETS['cortex-m7']!.flatMap((f) => (f === 'ops_maxpool' ? ['elems_pool_in' as const] : f === 'elems_avgpool_in' ? [] : [f])),
};

/**
 * Session 11's three Cortex-M7 feature choices (issue 7), each committed before its leave-one-out and judged; none kept,
 * reported by `node --import tsx src/targets/calibration/m7-alternatives.ts` (docs/targets.md "Session 11: why the worst
 * H747 rows miss"). The set in use is the session-9 one.
 * - A (c712fbc): k×k MACs priced by the inner loop ST's lite kernel runs: the direct int8 k×k kernels (deep_3x3, deep,
 *   dilated: layer-work.ts isDirectInt8Conv) with the 1×1 convs (`macs_direct`), the s16-column kernels apart
 *   (`macs_columns`). H747 4.0 6.77 → 6.99 %, F769 7.05 → 8.14 %.
 * - B (c5ad2ab): the same, the direct k×k kernels with their own price (`macs_conv_direct`). H747 6.78 %, F769 6.79 %;
 *   the full fit prices direct and column k×k MACs alike (0.83 cycles/MAC) and keeps the max pool at 16.4 cycles per
 *   window op: the worst rows do not move (SqueezeNet +25.5 / +29.3 %, ResNet v1 8 +21.6 %, ST YOLO LC −12.8 %).
 * - C (3be5cd9): the k×k filter re-reads that miss the D-cache priced from internal flash too
 *   (`bytes_weights_reread_internal`). H747 6.79 %, worst row 30.1 → 20.6 % (ResNet v1 8 +6.8 %, SqueezeNet +16.3 / +20.6 %,
 *   ST YOLO LC unchanged −12.8 %), but F769 7.05 → 11.16 % (EfficientNet LC −2.4 → +12.0 %) and ST MNIST +0.7 → −15.4 %:
 *   beyond the F769 goal, so not kept.
 */
export const M7_KERNEL_ALTERNATIVES: Record<string, LatencyFeature[]> = {
  A: ['macs_columns', 'macs_direct', ...FEATURE_SETS['cortex-m7']!.filter((f) => f !== 'macs_conv' && f !== 'macs_pointwise')],
  B: ['macs_columns', 'macs_conv_direct', 'macs_pointwise', ...FEATURE_SETS['cortex-m7']!.filter((f) => f !== 'macs_conv' && f !== 'macs_pointwise')],
  C: [...FEATURE_SETS['cortex-m7']!, 'bytes_weights_reread_internal'],
};

/** The feature set of a key: the longest ':'-prefix of the key (version '@…' dropped) that has one. */
export function featuresFor(key: string): LatencyFeature[] {
  const parts = key.split('@')[0]!.split(':');
  for (let n = parts.length; n > 0; n--) {
    const set = FEATURE_SETS[parts.slice(0, n).join(':')];
    if (set) return set;
  }
  return DEFAULT_FEATURES;
}

/** Features whose value depends on the share of activations in external RAM. */
const EXTERNAL_ACTIVATION_FEATURES: ReadonlySet<LatencyFeature> = new Set<LatencyFeature>(['bytes_act_external', 'bytes_external']);

/** Whether `key`'s feature set prices activation bytes in external RAM apart from internal ones. */
export function pricesExternalActivations(key: string): boolean {
  return featuresFor(key).some((f) => EXTERNAL_ACTIVATION_FEATURES.has(f));
}

export interface Placement01 {
  /** Share of activation traffic in external RAM (0 … 1). */
  activationExternalShare: number;
  weightsExternal: boolean;
  /**
   * The row was measured with STM32Cube.AI 7.x/8.x (the legacy runtime, whose k×k conv kernels the STEdgeAI 3.x lite
   * generator replaced): turns on `macs_conv_cubeai`. Absent for predictions (newest tool).
   */
  cubeAiRuntime?: boolean;
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

/** `use` as a mask in LATENCY_FEATURES order (per-layer callers build it once). */
export function featureMask(use: ReadonlySet<LatencyFeature>): boolean[] {
  return LATENCY_FEATURES.map((n) => use.has(n));
}

/**
 * The feature values of a work sum (a whole model, or one layer with inference = 0) at a placement, written into
 * `out` (reused across layers, no per-layer objects) in LATENCY_FEATURES order, 0 where `mask` is false. The one
 * definition of each feature's value; test/targets-layer-latency.test.ts checks each position against the name.
 */
export function fillWorkFeatureVector<T extends number[] | Float64Array>(out: T, w: LayerWork, place: Placement01, mask: readonly boolean[], inference: number): T {
  const ext = place.activationExternalShare;
  const wx = place.weightsExternal;
  out[0] = mask[0] ? w.macs_conv : 0;
  out[1] = mask[1] ? w.macs_pointwise : 0;
  out[2] = mask[2] ? w.macs_depthwise : 0;
  out[3] = mask[3] ? w.macs_dense : 0;
  out[4] = mask[4] ? w.macs_gemm : 0;
  out[5] = mask[5] ? w.macs_short : 0;
  out[6] = mask[6] ? w.macs_long : 0;
  out[7] = mask[7] ? w.macs_dw_s2_same : 0;
  out[8] = mask[8] ? w.ops_eltwise : 0;
  out[9] = mask[9] ? w.ops_pool : 0;
  out[10] = mask[10] ? w.ops_other : 0;
  out[11] = mask[11] ? w.elems_stream : 0;
  out[12] = mask[12] ? w.out_conv : 0;
  out[13] = mask[13] ? w.reads_conv : 0;
  out[14] = mask[14] ? w.bytes_act * (1 - ext) : 0;
  out[15] = mask[15] ? w.bytes_act * ext : 0;
  out[16] = mask[16] ? (wx ? 0 : w.bytes_weights) : 0;
  out[17] = mask[17] ? (wx ? w.bytes_weights : 0) : 0;
  out[18] = mask[18] ? w.layers : 0;
  out[19] = mask[19] ? inference : 0;
  out[20] = mask[20] ? w.elems_pool_in : 0;
  out[21] = mask[21] && place.cubeAiRuntime ? w.macs_conv : 0;
  out[22] = mask[22] ? (w.bytes_act - w.bytes_fused_rows) * ext + (wx ? w.bytes_weights_streamed : 0) : 0;
  out[23] = mask[23] ? w.taps_im2col : 0;
  out[24] = mask[24] ? w.bytes_im2col : 0;
  out[25] = mask[25] ? w.ops_maxpool : 0;
  out[26] = mask[26] ? w.elems_avgpool_in : 0;
  out[27] = mask[27] ? w.macs_pointwise + w.macs_conv_direct : 0;
  out[28] = mask[28] ? w.macs_conv - w.macs_conv_direct : 0;
  out[29] = mask[29] ? w.macs_conv_direct : 0;
  out[30] = mask[30] && !wx ? w.bytes_weights_streamed - w.bytes_weights : 0;
  return out;
}

/** The feature vector of one work sum for the feature set `use` (features not in it are 0). */
export function workFeatureVectorUsing(w: LayerWork, place: Placement01, use: ReadonlySet<LatencyFeature>, inference: number): number[] {
  return fillWorkFeatureVector(new Array<number>(LATENCY_FEATURES.length), w, place, featureMask(use), inference);
}

/** The feature vector of `key`'s model (features not used by the key are 0, so their coefficient is 0). */
export function latencyFeatureVector(f: ModelFeatures, place: Placement01, key: string): number[] {
  return workFeatureVectorUsing(f.latencyWork, place, new Set(featuresFor(key)), 1);
}
