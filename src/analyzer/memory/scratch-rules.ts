/**
 * Kernel scratch (working) buffers, per op kind, from CMSIS-NN's public `*_get_buffer_size` functions
 * (ARM-software/CMSIS-NN @99f736a6, v7.0.0+43; ../shared/st-toolchain-facts.md §3). Bytes, int8 kernels.
 *
 * Engines: 'dsp' = ARM_MATH_DSP (Cortex-M4/M7/M33 with DSP), 'mve' = ARM_MATH_MVEI (Cortex-M55/M85),
 * 'none' = neither (M0/M3, or M33 without DSP). GCC builds are assumed (Arm Compiler 6 adds a 1×1 buffer).
 *
 * ST's runtime (NetworkRuntime*.a) is not CMSIS-NN: its scratch arrays are listed per layer in its reports and
 * differ (docs/memory.md "Scratch"). These rules are the public, documented approximation.
 *
 * This module imports only types and st-scratch-rules.ts so the per-op table (layer-ops.ts) can reference it without a cycle.
 */
import type { ConvGeometry, LayerOp } from '../layer.ts';
import { stScratchBytes } from './st-scratch-rules.ts';

/**
 * Kernel library whose scratch rules apply: 'st' = ST's own runtime (NetworkRuntime*.a, the `*_sssa8_ch`
 * kernels X-CUBE-AI / ST Edge AI generate calls to on STM32 MCUs; st-scratch-rules.ts), or CMSIS-NN built for
 * 'dsp' (Cortex-M4/M7/M33), 'mve' (Cortex-M55/M85) or 'none' (M0/M3).
 */
export type ScratchEngineName = 'st' | 'dsp' | 'mve' | 'none';

/** The CMSIS-NN builds. */
export type CmsisNnEngine = 'dsp' | 'mve' | 'none';

/** The layer fields the rules read (a Layer or a reader's draft). */
export interface ScratchLayerView {
  op: LayerOp;
  /** Compute dtype (float32 layers use ST's float kernels under the 'st' engine). */
  dtype?: string;
  perChannel?: boolean;
  inputShapes: number[][];
  outputShapes: number[][];
  layout: 'NCHW' | 'NHWC';
  conv?: ConvGeometry;
}

/** CMSIS-NN `CH_IN_BLOCK_MVE` (Include/arm_nnsupportfunctions.h). */
const CH_IN_BLOCK_MVE = 124;

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/** [H, W, C] of a 4-D activation in the layer's layout; undefined for other ranks. */
export function hwc(shape: readonly number[] | undefined, layout: 'NCHW' | 'NHWC'): [number, number, number] | undefined {
  if (!shape || shape.length !== 4) return undefined;
  return layout === 'NHWC' ? [shape[1]!, shape[2]!, shape[3]!] : [shape[2]!, shape[3]!, shape[1]!];
}

/**
 * `arm_convolve_s8_get_buffer_size` (general im2col path, arm_convolve_get_buffer_sizes_s8.c):
 * DSP / no-DSP: 2·align4(Kh·Kw·Cin)·sizeof(int16) bytes; MVE: 4·ceil(Kh·Kw·Cin/16)·16 bytes.
 */
export function convGeneralScratchBytes(kh: number, kw: number, cin: number, engine: CmsisNnEngine): number {
  const col = kh * kw * cin;
  if (engine === 'mve') return 4 * Math.ceil(col / 16) * 16;
  return 2 * align4(col) * 2;
}

/**
 * `arm_convolve_wrapper_s8_get_buffer_size`: 1×1 kernels with pad 0, dilation 1 and stride 1 use
 * `arm_convolve_1x1_s8_fast` (0 bytes with GCC; `2·Cin·2` only under Arm Compiler 6, not modelled); 1×1 with
 * stride ≠ 1 uses `arm_convolve_1x1_s8` (0 bytes); 1×N on MVE (input H = 1, Kh = 1, (stride_w·Cin) % 4 = 0)
 * uses `arm_convolve_1_x_n_s8`: max(Kw·Cin + pad_x·Cin, (Kw−1)·Cin + pad_right·Cin); everything else the
 * general im2col buffer.
 */
export function convScratchBytes(layer: ScratchLayerView, engine: CmsisNnEngine): number {
  const g = layer.conv;
  if (!g || g.group !== 1) return 0;
  const [kh, kw] = g.kernel;
  const [pt, pl, pb, pr] = g.pads;
  const noPad = pt === 0 && pl === 0 && pb === 0 && pr === 0;
  const unitDilation = g.dilations[0] === 1 && g.dilations[1] === 1;
  if (kh === 1 && kw === 1 && noPad && unitDilation) return 0;
  const input = hwc(layer.inputShapes[0], layer.layout);
  if (engine === 'mve' && input && input[0] === 1 && kh === 1 && (g.strides[1] * g.cin) % 4 === 0 && unitDilation) {
    return Math.max(kw * g.cin + pl * g.cin, (kw - 1) * g.cin + pr * g.cin);
  }
  return convGeneralScratchBytes(kh, kw, g.cin, engine);
}

/**
 * `arm_depthwise_conv_wrapper_s8_get_buffer_size` (arm_depthwise_conv_get_buffer_sizes_s8.c), for
 * depth multiplier 1 (Cin = Cout), batch 1, dilation 1:
 * DSP: 0 for 3×3 with pads ≤ 1 (`arm_depthwise_conv_3x3_s8`), else Cin·Kh·Kw·2 (`arm_depthwise_conv_s8_opt`);
 * MVE: 4·CH_IN_BLOCK_MVE·Kh·Kw; no DSP: 0. MVE with Cin = 1 and Cout > 1 runs as a convolution: conv buffer
 * + Kh·Kw·Cout. Other cases (multiplier > 1, dilation) use `arm_depthwise_conv_s8`: 0.
 */
export function depthwiseScratchBytes(layer: ScratchLayerView, engine: CmsisNnEngine): number {
  const g = layer.conv;
  if (!g) return 0;
  const [kh, kw] = g.kernel;
  const unitDilation = g.dilations[0] === 1 && g.dilations[1] === 1;
  const batch = layer.inputShapes[0]?.[0] ?? 1;
  if (!unitDilation || batch !== 1) return 0;
  if (engine === 'mve' && g.cin === 1 && g.cout > 1) {
    return convGeneralScratchBytes(kh, kw, 1, engine) + kh * kw * g.cout;
  }
  if (g.cin !== g.cout) return 0;
  if (engine === 'dsp') {
    const smallPads = g.pads.every((p) => p <= 1);
    return kh === 3 && kw === 3 && smallPads ? 0 : g.cin * kh * kw * 2;
  }
  if (engine === 'mve') return 4 * CH_IN_BLOCK_MVE * kh * kw;
  return 0;
}

/** `arm_fully_connected_s8_get_buffer_size`: MVE keeps a kernel-sum buffer of Cout·4 bytes; DSP/no-DSP 0. */
export function denseScratchBytes(layer: ScratchLayerView, engine: CmsisNnEngine): number {
  if (engine !== 'mve') return 0;
  const out = layer.outputShapes[0];
  const cout = out && out.length > 0 ? out[out.length - 1]! : 0;
  return cout * 4;
}

/** `arm_avgpool_s8_get_buffer_size(output_x, ch)`: DSP ch·4 bytes (an int32 row accumulator); MVE / no-DSP 0. */
export function avgPoolScratchBytes(layer: ScratchLayerView, engine: CmsisNnEngine): number {
  if (engine !== 'dsp') return 0;
  const out = hwc(layer.outputShapes[0], layer.layout);
  return out ? out[2] * 4 : 0;
}

/** Scratch bytes for one layer: ST's runtime rules for 'st', CMSIS-NN's for the other engines. */
export function kernelScratchBytes(layer: ScratchLayerView, engine: ScratchEngineName): number {
  return engine === 'st' ? stScratchBytes(layer) : cmsisNnScratchBytes(layer, engine);
}

/**
 * Scratch bytes for one layer on one CMSIS-NN engine. Max pooling, softmax and elementwise kernels have no
 * get_buffer_size function in CMSIS-NN, so they need none.
 */
export function cmsisNnScratchBytes(layer: ScratchLayerView, engine: CmsisNnEngine): number {
  switch (layer.op) {
    case 'Conv':
      return convScratchBytes(layer, engine);
    case 'DepthwiseConv':
      return depthwiseScratchBytes(layer, engine);
    case 'Dense':
      return denseScratchBytes(layer, engine);
    case 'AveragePool':
      return avgPoolScratchBytes(layer, engine);
    default:
      return 0;
  }
}
