/**
 * Which convolution kernel ST's STEdgeAI Core 3.x / 4.x "lite" MCU code generator calls for an int8 convolution,
 * and whether it first copies the input into a padded buffer (`<layer>_pad_before`, `forward_lite_pad_constant`).
 * One rule, read off every convolution call of the lite `network.c` files we hold
 * (data/st-generated/conv-kernel-calls-lite.json, docs/memory-4x.md "Which lite conv kernel"); code flash
 * (targets/runtime-lite.ts), latency (targets/latency/layer-work.ts) and the lite activation pool (st4x-plan.ts)
 * all ask it.
 *
 * The rule, by geometry (Cin, Cout, kernel, stride, dilation):
 * - 1×1: stride 1 → `forward_lite_pw_sssa8_ch`; strided → pointwise from Cin·Cout ≥ 1,024 (32→64 /2 in two files),
 *   else the generic `forward_lite_conv2d_sssa8_ch` (16→32 /2 in two files).
 * - dilation > 1 → `forward_lite_conv2d_dilated_sssa8_ch` ("valid padding", lite_conv2d.h: a padded copy; no
 *   generated file with an int8 dilated convolution was found).
 * - Cin = 3 → `forward_lite_conv2d_rgb_sssa8_ch`, padding inside (3→16, 3→32 3×3/1; no strided one was read: the
 *   rule keeps rgb for them, as before).
 * - per-tensor weights → the hybrid layer `forward_conv2d_integer_SSSA`, whatever the geometry (`liteConvCallFor`).
 * - 3×3 stride 1, Cin ≥ 8: from Cin·Cout ≥ 320 `forward_lite_conv2d_deep_3x3_sssa8_ch` on a padded copy (32→10 and
 *   32→20 in ST's own SSD MobileNet v1 3.0.0 network.c, generated with the default `balanced` optimization; 16→24 in
 *   two 4.0.1 files; 16→32, 24→32, 32→32 … 80→96, 64→128, 48→48: eleven files); Cin·Cout 256 (16→16) the generic
 *   `forward_lite_conv2d_sssa8_ch` on a padded copy; below (1→16, 8→8, 8→16) the generic kernel with the padding
 *   inside. 16→16 is split in ST's own files: every one of them makes the padded copy and passes the same 5,408 B
 *   scratch, but the kernel on the copy is the generic one in two lite networks (ResNet v1 8 3.0.0, search id
 *   4059486110, ×2 on 32×32 — the zoo topology itself; a YOLOv8-tiny 4.0.0 its authors generated with
 *   `optimization=ram`, ×6 on 24×24) and deep_3x3 in one (a 3.0.0 MNIST ResNet, 66833973634, ×4 on 28×28; also, outside
 *   the lite files, a legacy-C-API U-Net, 56518958216, ×2 on 64×64). Nothing the generator's output shows separates
 *   them: per-channel weights, input zero point −128, padded copy and scratch are the same; spatial size (24, 32
 *   generic; 28, 64 deep) is not monotone; I/O float32 / int8 / int8; two of the three lite files are the same tool
 *   version. The rule takes the majority of the lite calls, the generic kernel (2 of 3 networks, 8 of 12 calls), and
 *   the 4 MNIST calls are the ones it does not reproduce (docs/memory-4x.md "Which lite conv kernel", session 8). The
 *   generation options are known for one file only (YOLOv8-tiny, `ram`; the zoo's tables use `balanced`): if the
 *   option decides, this choice is wrong for the zoo rows. Until session 8 the rule said deep_3x3 here; the H747
 *   latency LOO was better with that (4.71 % against 8.55 %, ResNet v1 8 +3.1 → +26.1 %), which is no evidence about
 *   the generator and does not decide it.
 * - every other k×k (strided 3×3, 5×1 …): `forward_lite_conv2d_deep_sssa8_ch` on a padded copy from Cin ≥ 8 and
 *   Cin·Cout ≥ 1,024 (32→32, 32→64, 64→64 /2; 128→128 5×1), else the generic kernel with the padding inside
 *   (1→8, 8→16, 16→32 /2; 1→64 10×4/2).
 * The header's own words (lite_conv2d.h: deep "valid padding, channels ≥ 8", generic "same padding or channels < 8")
 * are the direction, not the thresholds: 8→8 and 8→16 run generic, 16→16 mostly runs generic on a valid-padding copy,
 * and the stride-1 3×3 deep threshold is below the strided one (16→32 3×3/1 deep_3x3, 16→32 3×3/2 generic).
 */
import type { ConvGeometry, Layer } from '../layer.ts';

/**
 * `forward_lite_<kernel>_sssa8_ch`, or 'conv2d_integer_SSSA': a convolution with per-tensor weights is no lite kernel
 * but the hybrid layer `forward_conv2d_integer_SSSA` (lite network.c files: CCT 4.0.0, YOLOv8n's runtime RAM).
 */
export type LiteConvKernel = 'pw' | 'conv2d_rgb' | 'conv2d_deep_3x3' | 'conv2d_deep' | 'conv2d_dilated' | 'conv2d' | 'conv2d_integer_SSSA';

export interface LiteConvCall {
  /** The kernel, as in `forward_lite_<kernel>_sssa8_ch`. */
  kernel: LiteConvKernel;
  /**
   * The kernel takes valid padding only, so a padded convolution runs as a `_pad_before` copy
   * (`forward_lite_pad_constant`) + the kernel on it; false: the kernel applies the padding itself.
   */
  paddedCopy: boolean;
}

/**
 * Cin·Cout from which a stride-1 3×3 convolution (Cin ≥ 8) calls `forward_lite_conv2d_deep_3x3_sssa8_ch` on a padded
 * copy: the smallest product seen that way wherever it occurs (32→10 ×5 in ST's own SSD MobileNet v1 network.c; 16→16,
 * 256, is split, see the header; no product in between was found).
 */
export const LITE_DEEP_3X3_CHANNEL_PRODUCT = 320;
/**
 * Cin·Cout from which a stride-1 3×3 convolution (Cin ≥ 8) runs on a `_pad_before` copy: 16→16 (256) has the copy in
 * all three networks that have it; 8→16 (128) keeps the padding inside the generic kernel.
 */
export const LITE_PADDED_COPY_3X3_CHANNEL_PRODUCT = 256;
/** Cin·Cout from which any other convolution calls the deep kernel (k×k) or the pointwise one (strided 1×1). */
export const LITE_DEEP_CONV_CHANNEL_PRODUCT = 1024;
/** The deep kernels need 8 input channels ("number of channels >= 8", lite_conv2d.h). */
const DEEP_MIN_CIN = 8;

/** The kernel and padding of a convolution with this geometry (see the header for the evidence). */
export function liteConvCall(g: ConvGeometry): LiteConvCall {
  const product = g.cin * g.cout;
  const unitStride = g.strides[0] === 1 && g.strides[1] === 1;
  if (g.kernel[0] === 1 && g.kernel[1] === 1) return { kernel: unitStride || product >= LITE_DEEP_CONV_CHANNEL_PRODUCT ? 'pw' : 'conv2d', paddedCopy: false };
  // grouped (not depthwise) int8 convolutions: no lite file shows one; the generic kernel, padding as today's 8.1 split
  if (g.group > 1) return { kernel: 'conv2d', paddedCopy: true };
  if (g.dilations.some((d) => d > 1)) return { kernel: 'conv2d_dilated', paddedCopy: true };
  if (g.cin === 3) return { kernel: 'conv2d_rgb', paddedCopy: false };
  if (g.cin < DEEP_MIN_CIN) return { kernel: 'conv2d', paddedCopy: false };
  if (g.kernel[0] === 3 && g.kernel[1] === 3 && unitStride) {
    if (product >= LITE_DEEP_3X3_CHANNEL_PRODUCT) return { kernel: 'conv2d_deep_3x3', paddedCopy: true };
    // 16→16: the generic kernel on a padded copy, the majority of ST's files (see the header)
    return { kernel: 'conv2d', paddedCopy: product >= LITE_PADDED_COPY_3X3_CHANNEL_PRODUCT };
  }
  return product >= LITE_DEEP_CONV_CHANNEL_PRODUCT ? { kernel: 'conv2d_deep', paddedCopy: true } : { kernel: 'conv2d', paddedCopy: false };
}

/**
 * The call for a convolution with this geometry and weight quantization: per-tensor weights (`perChannel` false) run
 * the hybrid layer `forward_conv2d_integer_SSSA`, which takes its padding inside (its `ai_layer_conv2d` carries
 * `filter_pad`: the CCT network.c of ST Edge AI Core 4.0.0 declares 3×3/2 ones with padding (1, 1, 1, 1) and no
 * `_pad_before`) and whose library code builds im2col columns (its closure in NetworkRuntime1200_CM7_GCC.a:
 * `st_int8_to16_*`, `st_sssa8_nn_mat_mult_kernel*`, no deep 3×3 routine); per-channel ones `liteConvCall`.
 */
export function liteConvCallFor(g: ConvGeometry, perChannel: boolean | undefined): LiteConvCall {
  return perChannel === false ? { kernel: 'conv2d_integer_SSSA', paddedCopy: false } : liteConvCall(g);
}

/**
 * The call of a layer the lite generator runs as an 8-bit convolution: a (non-depthwise) Conv whose input is 8-bit
 * (a QDQ convolution whose trailing DequantizeLinear the analyzer fused into it has a float32 output but is an int8
 * kernel: Conv → Relu → QuantizeLinear is in the file). undefined for anything else (`runsLiteInt8Kernel` false:
 * float or 16-bit activations, uint8 or int4 weights; depthwise, dense …).
 */
export function liteConvCallOf(l: Layer): LiteConvCall | undefined {
  if (l.op !== 'Conv' || !l.conv || !runsLiteInt8Kernel(l)) return undefined;
  return liteConvCallFor(l.conv, l.perChannel);
}

/**
 * Whether ST's lite library has an 8-bit kernel for this conv / depthwise / dense layer: 8-bit activations in and
 * out and int8 weights. The one gate code flash (targets/runtime-lite.ts), latency and the lite pool share: uint8 or
 * int4 weights and 16-bit activations (A16W8) run none of the library's integer kernels we hold (code flash counts
 * them as uncounted layers, a lower bound), and a float-input convolution with int8 weights runs ST's float kernel on
 * weights stored as float32 (a 4.0.0 TCN, docs/targets.md), not an int8 one.
 */
export function runsLiteInt8Kernel(l: Layer): boolean {
  const input = l.inputDtypes[0] ?? l.dtype;
  const is8bit = (t: string): boolean => t === 'int8' || t === 'uint8';
  return is8bit(input) && l.dtype !== 'int16' && l.dtype !== 'uint16' && l.weightDtype === 'int8';
}
