/**
 * Kernel scratch bytes of ST's own MCU runtime (NetworkRuntime*.a: the `forward_*_sssa8_ch` int8 kernels and
 * the float kernels X-CUBE-AI / ST Edge AI generate calls to). ST does not document these; every formula below
 * is read off the `*_scratch0` arrays of public generated `network.c` files, each listing per layer the kernel,
 * the tensor shapes and the scratch array size (docs/memory.md "ST runtime scratch" has the table of
 * observations). Sources (repository@commit, file X-CUBE-AI/App/network.c unless said):
 * - [EM]  borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071 CM7/X-CUBE-AI/App/network.c — ST Edge AI
 *         Core 9.0.0, the model zoo's st_mnist_v1_28_tfs_int8.tflite itself (-O ram).
 * - [MV2] Flora233333/STM32-Infer-MobileNetV2@8d17cc77 — stm.ai 8.1.0, MobileNet v2 0.35 96×96 int8.
 * - [YH]  hajimi-yzy/YOLO-Human-Detection-Project-Based-on-STM32H750@7b6db1ef — ST Edge AI 2.2, int8 detector.
 * - [DF]  darkyfoxy/AI_on_STM32@e5c767a2 — X-CUBE-AI 6.0, MobileNet v1-like int8 (`*_integer_SSSA_ch`).
 * - [CNN] an X-CUBE-AI network.c for a 64×64 CNN (conv2d_nl_pool ×3, gemm_11..13; search corpus id 66931226037).
 * - [GS]  a generated `gesture` network.c, 64×64 RGB int8 CNN with pad_before layers (search corpus id 54628393116).
 * The rules hold across 6.0 → 9.0 / Edge AI 2.2 wherever the same layer shape appears in several files.
 */
import type { ScratchLayerView } from './scratch-rules.ts';

/** Bytes one ST int8 kernel budget holds for the im2col of deep convolutions (observed constant, see convInt8). */
export const ST_DEEP_CONV_IM2COL_BYTES = 5120;

const isFloat = (l: ScratchLayerView) => l.dtype === 'float32' || l.dtype === 'float16' || l.dtype === 'float64';

/**
 * Convolution, groups = 1, int8 (`forward_pw_sssa8_ch`, `forward_conv2d_sssa8_ch`, `forward_conv2d_rgb_sssa8_ch`,
 * `forward_conv2d_deep_3x3_sssa8_ch`):
 * - 1×1 unpadded (pointwise): 4·Cin + 10·Cout. 27 distinct (Cin, Cout) pairs fit exactly, e.g. 8→48: 512,
 *   336→56: 1,904, 48→5: 242 [MV2, YH]; 16→32: 384, 128→128: 1,792, 256→2: 1,044 [DF]; 32→64: 768 [EM].
 *   This is the 512 B above input + output in ST's published MobileNet v2 0.35 figures (8→48 expansion).
 * - Cin = 1: 4·Kh·Kw·Cin + 32·Cout: 3×3 1→16: 548 [EM], 1→8: 292 [DF], 1→32: 1,060 [CNN].
 * - Cin = 3 (the RGB first layer, `forward_conv2d_rgb_sssa8_ch`): 4·Kh·Kw·(Cin + Cout) + 32·Cout:
 *   3×3/2 3→16 on 96×96: 1,196 [MV2, YH], 3×3/1 3→16 on 64×64 [GS] and 32×32 [C3]: 1,196 — no width or
 *   stride term — and
 *   3×3/1 3→8 on 32×32 (fused with a max pool): 652 (search corpus id 38900538860).
 * - deeper inputs (`forward_conv2d_deep_3x3_sssa8_ch`, also fused with a pool): 4·Kh·Kw·Cin + 14·Cout + 5,120 —
 *   the Cin = 1 formula's im2col term plus a fixed 5,120 B budget, with 14 instead of 32 bytes per output channel.
 *   Eleven observations in five files fit exactly (the lite VGG also has 32→64: 7,168 and 64→128: 9,216): 3×3 16→32: 6,144 [EM, ST Edge AI 9.0]; 32→64: 7,168
 *   and 64→128: 9,216 [CNN]; 16→24: 6,032 and 24→32: 6,432 [GS]; 32→64 + pool: 7,168 and 64→64: 8,320 in a 2024
 *   network.c (search corpus id 37854052235, whose RGB 3→32 conv has 2,284 B = the Cin = 3 rule); the STEdgeAI
 *   3.0/4.0 lite kernels 32→32: 6,720 and 64→64: 8,320 (data/st-generated/scratch-observations-lite.json). (Until session 3 the rule was
 *   32·Cout + 5,120, which is the same number when Cin = Cout / 2 — EM and CNN — and left GS and the lite pair
 *   "unexplained".) A 2023 X-CUBE-AI file [C3] (search corpus id 18445407568, 32×32 RGB CNN) has 10·Cout instead
 *   of 14·Cout: 16→32: 6,016, 32→32: 6,592 (an older kernel); its 16→16 `forward_conv2d_deep_sssa8_ch_nl_pool`
 *   with a 4×4 pool has 5,344 B, which neither fits.
 */
function convInt8(l: ScratchLayerView): number {
  const g = l.conv!;
  const [kh, kw] = g.kernel;
  const noPad = g.pads.every((p) => p === 0);
  if (kh === 1 && kw === 1 && noPad) return 4 * g.cin + 10 * g.cout;
  if (g.cin === 1) return 4 * kh * kw * g.cin + 32 * g.cout;
  if (g.cin === 3) return 4 * kh * kw * (g.cin + g.cout) + 32 * g.cout;
  return 4 * kh * kw * g.cin + 14 * g.cout + ST_DEEP_CONV_IM2COL_BYTES;
}

/**
 * Depthwise, int8 (`forward_dw_3x3_sssa8_ch`, `forward_dw_sssa8_ch`): C·(4·Kh·Kw + 1) + 1, i.e. 37·C + 1 for
 * 3×3 — 12 channel counts from 8 to 336 fit exactly (8: 297, 16: 593, 48: 1,777, 144: 5,329, 336: 12,433)
 * [EM, MV2, YH, DF]. Only 3×3 kernels were observed; the Kh·Kw dependence is inferred.
 */
function depthwiseInt8(l: ScratchLayerView): number {
  const g = l.conv!;
  const c = Math.max(g.cin, g.cout);
  return c * (4 * g.kernel[0] * g.kernel[1] + 1) + 1;
}

/**
 * Dense, int8: per-tensor weights (`forward_dense_integer_SSSA`, what TFLite int8 FULLY_CONNECTED uses) 2·Cin
 * (64→36: 128 [EM], 1280→15: 2,560 [MV2], 64→1: 128 [CNN]); per-channel (`…_SSSA_ch`) 2·Cin + 10·Cout
 * (4608→32: 9,536, 32→64: 704 [CNN]).
 */
function denseInt8(l: ScratchLayerView): number {
  const input = l.inputShapes[0];
  const output = l.outputShapes[0];
  const cin = l.conv?.cin ?? (input && input.length > 0 ? input[input.length - 1]! : 0);
  const cout = l.conv?.cout ?? (output && output.length > 0 ? output[output.length - 1]! : 0);
  return l.perChannel ? 2 * cin + 10 * cout : 2 * cin;
}

/** Softmax, int8 (`forward_sm_integer`): 4 bytes per class (36 classes: 144 [EM], 15: 60 [MV2]). */
function softmaxInt8(l: ScratchLayerView): number {
  const out = l.outputShapes[0];
  return out && out.length > 0 ? 4 * out[out.length - 1]! : 0;
}

/**
 * Float convolution (`forward_conv2d_if32of32wf32`): one im2col column, Kh·Kw·Cin float32 (16, 27, 8, 16 and 96
 * elements observed; st-toolchain-facts §2.2); float depthwise has none.
 */
function convFloat(l: ScratchLayerView): number {
  const g = l.conv!;
  return g.group === 1 ? g.kernel[0] * g.kernel[1] * g.cin * 4 : 0;
}

/**
 * Scratch bytes ST's runtime allocates for one layer. Average/max pooling (`forward_ap_integer_INT8`,
 * `forward_mp_integer_INT8`), elementwise, pad, concat, resize and conversion kernels have no scratch array in
 * any of the files above.
 */
export function stScratchBytes(l: ScratchLayerView): number {
  switch (l.op) {
    case 'Conv':
      if (!l.conv) return 0;
      if (isFloat(l)) return convFloat(l);
      return l.conv.group === 1 ? convInt8(l) : 0;
    case 'DepthwiseConv':
      if (!l.conv || isFloat(l)) return 0;
      return depthwiseInt8(l);
    case 'Dense':
      return isFloat(l) ? 0 : denseInt8(l);
    case 'Softmax':
      return isFloat(l) ? 0 : softmaxInt8(l);
    default:
      return 0;
  }
}
