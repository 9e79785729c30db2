/**
 * The work one layer asks of an engine, in the units the latency model prices: MACs by kind, output
 * elements, bytes moved, elements streamed by non-MAC kernels, one kernel call. A model's latency features
 * are the sums of these over its layers (ModelFeatures.latencyWork), so the fitted linear model can be
 * applied to each layer alone: Σ per-layer time + per-inference constant = the predicted total, exactly.
 */
import type { Analysis, Layer } from '../../analyzer/layer.ts';
import { elementCount } from '../../analyzer/layer-ops.ts';
import { liteConvCallOf, type LiteConvKernel } from '../../analyzer/memory/lite-conv-kernel.ts';
import { fusedConvPools } from '../runtime-lite.ts';

export const WORK_TERMS = [
  'macs_conv', // k×k convolution (k > 1)
  'macs_pointwise', // 1×1 convolution
  'macs_depthwise',
  'macs_dense', // dense + activation×activation matmul
  'macs_gemm', // conv + pointwise + dense + matmul: what a GEMM library (XNNPACK, CMSIS-NN) runs as one kernel family
  'macs_short', // conv/dense MACs whose reduction is < 32 long
  'macs_long', // conv/dense MACs whose reduction is ≥ 256 long
  'macs_dw_s2_same', // stride-2 depthwise with TensorFlow SAME padding left implicit (asymmetric pads)
  'ops_eltwise',
  'ops_pool',
  'ops_other', // activation, softmax, quantize/dequantize, data movement
  'elems_stream', // input + output elements of non-MAC kernels (eltwise, pool, reduce, activation, convert, data movement)
  'out_conv', // output elements of conv/pointwise/depthwise/dense layers
  'reads_conv', // Σ MACs/Cout of k×k and 1×1 convs (input-window reads)
  'bytes_act', // activation bytes read + written
  'bytes_weights', // kernel weights + biases
  'layers', // kernel calls (views excluded)
  'elems_pool_in', // input elements of pooling layers (max / average / global): what a pool kernel streams
  'bytes_weights_streamed', // weight bytes a Cortex-M kernel reads per inference (see weightBytesStreamed)
  'taps_im2col', // kernel taps copied (or padding-filled) into s16 im2col columns: groups × output pixels × kh × kw (see buildsIm2colColumns)
  'bytes_im2col', // bytes copied into those columns and widened to s16: output pixels × kh × kw × Cin
  'ops_maxpool', // window ops of max pools (ST's lite max pool kernel, or fused into the conv before it): see isMaxPool
  'elems_avgpool_in', // input elements of average / global-average pools and MEAN (ST's hybrid forward_ap_integer_INT8)
  'bytes_fused_rows', // of bytes_act: a fused conv + max pool's conv output and pool input, kept in the kernel's rows buffer on ST's MCU runtime (analysisLayerWorks)
  'macs_conv_direct', // of macs_conv: k×k MACs of ST's lite kernels that multiply the int8 input in place (see isDirectInt8Conv)
] as const;
export type WorkTerm = (typeof WORK_TERMS)[number];
export type LayerWork = Record<WorkTerm, number>;

/** Σ over shapes of Π dims, in the order `reduce` adds them (indexed loops: no iterator results or closures). */
function elems(shapes: readonly (readonly number[])[], count = shapes.length): number {
  let s = 0;
  for (let i = 0; i < count; i++) s = s + elementCount(shapes[i]!);
  return s;
}

/**
 * The Cortex-M7's L1 data cache (16 KiB on the STM32H7 and STM32F7, whose latency model reads
 * `bytes_weights_streamed`; the Cortex-M33/M55 targets borrow that fit, and with it this threshold): a filter larger
 * than this does not stay cached from one output-pixel pair to the next.
 */
export const M7_DCACHE_BYTES = 16 * 1024;
/** Output pixels an im2col convolution computes per pass over its filter (CMSIS-NN `arm_convolve_s8`, DSP path: two columns). */
export const IM2COL_PIXELS_PER_PASS = 2;

/**
 * ST's lite `forward_lite_conv2d_deep_3x3_sssa8_ch`: the kernel ST's lite generator calls for an 8-bit stride-1 3×3
 * convolution with per-channel weights from Cin·Cout 320 (32→10) up (analyzer/memory/lite-conv-kernel.ts, the one
 * rule code flash and the lite pool use; data/st-generated/conv-kernel-calls-lite.json). It runs on a padded copy of
 * its input and reads the window straight from it, so it builds no im2col columns. Every other k×k and 1×1
 * convolution (the generic kernel of 8→8 and 8→16, the strided `deep` kernel, the per-tensor hybrid
 * `forward_conv2d_integer_SSSA`, float ones) reads its input window element by element.
 */
export function isDeep3x3Conv(l: Layer): boolean {
  return liteConvCallOf(l)?.kernel === 'conv2d_deep_3x3';
}

/**
 * The lite kernels whose library code widens the input window into s16 im2col columns: their closure in
 * NetworkRuntime1200_CM7_GCC.a (data/st-generated/runtime-library-1200-cm7.json `entryPoints`) reaches
 * `st_int8_to16_*` and the padding routines `ai_padding_opt_*`, then `st_sssa8[_ch]_nn_mat_mult_kernel*_opt` (two
 * columns × the filter, as CMSIS-NN's `arm_nn_mat_mult_kernel_s8_s16`). The pointwise, `deep`, `deep_3x3` and
 * `dilated` kernels reach no `st_int8_to16_*`: they multiply the int8 input where it lies (`*_nt_t`,
 * `st_sssa8_ch_nn_mat_mult_deep_conv2d_3x3`), on a padded copy where there is padding.
 */
const IM2COL_COLUMN_KERNELS: ReadonlySet<LiteConvKernel> = new Set<LiteConvKernel>(['conv2d', 'conv2d_rgb', 'conv2d_integer_SSSA']);

/**
 * Whether a convolution builds s16 im2col columns. CMSIS-NN `arm_convolve_s8` (DSP path, the Cortex-M7's; @99f736a6)
 * does, per output pixel and kernel tap, one `arm_memcpy_s8` of Cin bytes from the input, or one `arm_memset_s8` of Cin
 * bytes of −input_offset where the tap falls in the padding, then widens the pixel's kh·kw·Cin column to s16
 * (`arm_s8_to_s16_unordered_with_offset`) and multiplies two columns by the filter; a grouped conv does it once per
 * group with Cin/groups bytes. Its wrapper sends a 1×1 stride-1 convolution to `arm_convolve_1x1_s8_fast`
 * (`arm_nn_mat_mult_nt_t_s8`, no columns). ST's lite library: the kernels in IM2COL_COLUMN_KERNELS (the one lite conv
 * rule, lite-conv-kernel.ts, says which a layer calls); a 1×1 stride-1 conv builds none in any of them (the per-tensor
 * hybrid's closure also holds `st_sssa8_nn_mat_mult_nt_t`, the pointwise path). A conv that runs no lite int8 kernel
 * (float, uint8 or int4 weights …): CMSIS-NN's wrapper rule, columns for every conv but 1×1.
 */
export function buildsIm2colColumns(l: Layer): boolean {
  const c = l.conv;
  if ((l.kind !== 'conv' && l.kind !== 'pointwise') || !c) return false;
  const oneByOne = c.kernel[0] === 1 && c.kernel[1] === 1;
  const call = liteConvCallOf(l);
  if (call === undefined) return !oneByOne;
  if (oneByOne && c.strides[0] === 1 && c.strides[1] === 1) return false;
  return IM2COL_COLUMN_KERNELS.has(call.kernel);
}

/**
 * The lite k×k kernels whose inner loop multiplies the int8 input where it lies, as the pointwise kernel does, with no
 * s16 im2col columns: their closures in NetworkRuntime1200_CM7_GCC.a (data/st-generated/runtime-library-1200-cm7.json
 * `entryPoints`) reach `st_sssa8_ch_nn_mat_mult_deep_conv2d_3x3` (deep_3x3), `st_sssa8_ch_nn_mat_mult_conv2d_nt_t` /
 * `st_sssa8_ch_nn_mat_mult_conv2d_dilated_nt_t` with `st_sssa8_ch_fullW_prefetch` + `weights_2channels_prefetch` (deep,
 * dilated), the same family as `forward_lite_pw_sssa8_ch` (`st_sssa8_ch_nn_mat_mult_pw_nt_t`, `st_sssa8_ch_fullW_prefetch`,
 * `weights_2channels_prefetch`), and no `st_int8_to16_*`. The other k×k kernels (generic, rgb, the per-tensor hybrid) build
 * columns (IM2COL_COLUMN_KERNELS) and multiply them with `st_sssa8[_ch]_nn_mat_mult_kernel*_opt`.
 */
const DIRECT_INT8_KERNELS: ReadonlySet<LiteConvKernel> = new Set<LiteConvKernel>(['conv2d_deep_3x3', 'conv2d_deep', 'conv2d_dilated']);

/**
 * Whether a k×k convolution runs one of ST's direct int8 lite kernels (DIRECT_INT8_KERNELS: the one lite conv rule,
 * lite-conv-kernel.ts, says which a layer calls). Session 11: its MACs (`macs_conv_direct`) are priced with the 1×1
 * convs on the Cortex-M7 (features.ts `macs_direct`), the column-building k×k kernels apart (`macs_columns`).
 */
export function isDirectInt8Conv(l: Layer): boolean {
  if (l.kind !== 'conv') return false;
  const call = liteConvCallOf(l);
  return call !== undefined && DIRECT_INT8_KERNELS.has(call.kernel);
}

/**
 * The im2col work of a convolution that builds columns (buildsIm2colColumns), 0 otherwise: `taps` = groups × output
 * pixels × kh × kw (one copy or padding fill each; padding taps count as taps), `bytes` = output pixels × kh × kw × Cin
 * (what those copies move and the widening converts to s16).
 */
export function im2colWork(l: Layer, outputPixels: number): { taps: number; bytes: number } {
  const c = l.conv;
  if (!c || !buildsIm2colColumns(l)) return { taps: 0, bytes: 0 };
  const window = outputPixels * c.kernel[0] * c.kernel[1];
  return { taps: window * Math.max(1, c.group), bytes: window * c.cin };
}

/**
 * Weight bytes a Cortex-M kernel reads from weight memory per inference. A k×k convolution (CMSIS-NN
 * `arm_convolve_s8`, DSP path; ST's lite conv kernels share the structure) builds two im2col columns and then
 * multiplies them by the whole filter, so it reads the filter once per pair of output pixels; a filter larger than
 * the D-cache comes from weight memory every time (from Quad-SPI flash on the H747 once weights exceed internal
 * flash: YOLOv8n's 3×3 convs re-read 212 MB of a 3 MB model). 1×1 convs (`arm_nn_mat_mult_nt_t_s8` loops over
 * output channels outside the pixels, one filter row of Cin bytes at a time), depthwise and dense layers read their
 * weights once.
 */
export function weightBytesStreamed(l: Layer, outputPixels: number): number {
  const c = l.conv;
  const im2colConv = l.kind === 'conv' && c !== undefined && c.group === 1;
  if (!im2colConv || l.weightBytes <= M7_DCACHE_BYTES) return l.weightBytes;
  return l.weightBytes * Math.ceil(outputPixels / IM2COL_PIXELS_PER_PASS);
}

/**
 * Output pixels (Π of the spatial dims: all but batch and channels) of a layer's first output, NCHW or NHWC, any rank
 * ≥ 3 (a 1-D convolution's N×C×L has L positions); 1 for lower ranks.
 */
function outputPixelsOf(l: Layer): number {
  const s = l.outputShapes[0];
  if (!s || s.length < 3) return 1;
  return elementCount(l.layout === 'NCHW' ? s.slice(2) : s.slice(1, -1));
}

function dtypeBytes(dt: string | undefined): number {
  return dt === 'float32' || dt === 'int32' ? 4 : dt === 'float16' || dt === 'int16' ? 2 : 1;
}

/** Bytes of a layer's first `count` inputs (default all), at their element types. */
function inputBytes(l: Layer, count = l.inputShapes.length): number {
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += elementCount(l.inputShapes[i]!) * dtypeBytes(l.inputDtypes[i]);
  return bytes;
}

/**
 * Max pools run other code than average pools in ST's lite runtime (runtime-lite.ts, from ST's 3.0 lite network.c files):
 * a max pool is a lite kernel (`forward_lite_maxpool_is8os8_*`), or is fused into the int8 conv before it
 * (`forward_conv2d_sssa8_ch_nl_pool`, runtime-lite.ts fusedConvPools); average / global-average pools and MEAN stay
 * hybrid layers (`forward_ap_integer_INT8`). A max pool visits every window element (CMSIS-NN `arm_max_pool_s8`'s loop:
 * its window ops, `ops_maxpool`); an average pool over non-overlapping windows reads each input element once
 * (`elems_avgpool_in`, its window ops too).
 */
export function isMaxPool(l: Layer): boolean {
  return l.op === 'MaxPool' || l.op === 'GlobalMaxPool';
}

export function emptyWork(): LayerWork {
  // A literal in WORK_TERMS order (Object.fromEntries made dictionary-mode objects, slow to read per layer).
  return {
    macs_conv: 0,
    macs_pointwise: 0,
    macs_depthwise: 0,
    macs_dense: 0,
    macs_gemm: 0,
    macs_short: 0,
    macs_long: 0,
    macs_dw_s2_same: 0,
    ops_eltwise: 0,
    ops_pool: 0,
    ops_other: 0,
    elems_stream: 0,
    out_conv: 0,
    reads_conv: 0,
    bytes_act: 0,
    bytes_weights: 0,
    layers: 0,
    elems_pool_in: 0,
    bytes_weights_streamed: 0,
    taps_im2col: 0,
    bytes_im2col: 0,
    ops_maxpool: 0,
    elems_avgpool_in: 0,
    bytes_fused_rows: 0,
    macs_conv_direct: 0,
  };
}

export function layerWork(l: Layer): LayerWork {
  const w = emptyWork();
  if (l.kind === 'view') return w;
  const outputs = elems(l.outputShapes);
  const k = l.kind;
  if (k === 'conv') {
    w.macs_conv = l.macs;
    if (isDirectInt8Conv(l)) w.macs_conv_direct = l.macs;
  } else if (k === 'pointwise') w.macs_pointwise = l.macs;
  else if (k === 'depthwise') w.macs_depthwise = l.macs;
  else if (k === 'dense' || k === 'matmul') w.macs_dense = l.macs;
  else if (k === 'eltwise') w.ops_eltwise = l.macs;
  else if (k === 'pool' || k === 'globalpool') {
    w.ops_pool = l.macs;
    w.elems_pool_in = elems(l.inputShapes, Math.min(1, l.inputShapes.length));
    if (isMaxPool(l)) w.ops_maxpool = l.macs;
    else w.elems_avgpool_in = w.elems_pool_in;
  }
  else w.ops_other = l.macs;
  if (k === 'conv' || k === 'pointwise' || k === 'dense' || k === 'matmul') w.macs_gemm = l.macs;
  const c = l.conv;
  const reduction = c ? (c.kernel[0] * c.kernel[1] * c.cin) / Math.max(1, c.group) : k === 'dense' ? (l.inputShapes[0]?.at(-1) ?? 0) : Infinity;
  if (l.macsUnit === 'mac' && reduction < 32) w.macs_short = l.macs;
  if (l.macsUnit === 'mac' && Number.isFinite(reduction) && reduction >= 256) w.macs_long = l.macs;
  if (k === 'depthwise' && c && (c.strides[0] > 1 || c.strides[1] > 1) && (c.pads[0] !== c.pads[2] || c.pads[1] !== c.pads[3])) w.macs_dw_s2_same = l.macs;
  if (l.macsUnit === 'mac') w.out_conv = outputs;
  else w.elems_stream = elems(l.inputShapes) + outputs;
  if ((k === 'conv' || k === 'pointwise') && c) w.reads_conv = l.macs / Math.max(1, c.cout);
  w.bytes_act = inputBytes(l) + l.outputBytes;
  w.bytes_weights = l.weightBytes;
  const pixels = outputPixelsOf(l);
  w.bytes_weights_streamed = weightBytesStreamed(l, pixels);
  const cols = im2colWork(l, pixels);
  w.taps_im2col = cols.taps;
  w.bytes_im2col = cols.bytes;
  w.layers = 1;
  return w;
}

/**
 * layerWork of each layer of an analysis, with the max pools ST fuses into the convolution before them counted as
 * ST runs the pair (runtime-lite.ts `fusedConvPools`: a max pool with stride > 1, no padding, alone reading an int8
 * conv's output). ST's generator makes the pair one hybrid layer, `forward_conv2d[_deep_3x3|_deep]_sssa8_ch_nl_pool`
 * (data/st-generated/conv-kernel-calls-lite.json "fusedWithPool", 8 calls in 4 network.c files of ST Edge AI Core
 * 4.0.x). What that layer runs, from its closure in NetworkRuntime1200_CM7_GCC.a
 * (data/st-generated/runtime-library-1200-cm7.json `entryPoints`): the lite conv kernel (`forward_lite_conv2d_sssa8_ch`
 * with the s16 column code, or `forward_lite_conv2d_deep_3x3_sssa8_ch`) and, through the layer's pool function
 * (`pool_func_mp_array_integer_INT8` → `forward_lite_maxpool_is8os8_*`), the same lite max pool kernel a separate
 * max pool calls; the conv output never exists as a tensor: the kernel keeps pool_kh rows of it in
 * `<layer>_scratch1` (analyzer/memory/overlap-rules.ts `stFusedPoolRowsBytes`: Wconv·pool_kh·Cout bytes, read off ST's
 * network.c files). So, of the two layers' work, the MACs, im2col work (the generic conv kernel builds columns as the
 * rgb one does: buildsIm2colColumns), the max pool's window ops and the two calls (the layer calls the pool function
 * itself) stay, and the conv's output bytes and the pool's input bytes are marked `bytes_fused_rows`: on ST's MCU
 * runtime they go to and from the rows buffer, a scratch of a few KiB the D-cache holds, not through the activation
 * tensor the placement prices, so the Cortex-M7's `bytes_external` leaves them out (features.ts; before session 9b a
 * 111×111×64 SqueezeNet conv output was priced as written to and read back from SDRAM). `bytes_act` keeps them: the
 * other engines (Neural-ART, TFLite on the MPUs) run their own kernels, not this fusion.
 */
export function analysisLayerWorks(a: Analysis): LayerWork[] {
  const works = a.layers.map(layerWork);
  for (const [pool, conv] of fusedConvPools(a)) {
    const c = works[conv.index];
    const p = works[pool.index];
    if (!c || !p || a.layers[conv.index] !== conv || a.layers[pool.index] !== pool) continue;
    c.bytes_fused_rows = conv.outputBytes;
    p.bytes_fused_rows = inputBytes(pool, Math.min(1, pool.inputShapes.length));
  }
  return works;
}

/** Σ of per-layer work terms, in layer order (a model's work from analysisLayerWorks). */
export function sumWork(works: readonly LayerWork[]): LayerWork {
  const sum = emptyWork();
  // every term spelled out (a keyed `sum[t] += w[t]` over WORK_TERMS cost ~1 ms on 500 layers); the same
  // additions in the same order. A term added to WORK_TERMS must be added here too (as in emptyWork).
  for (let i = 0; i < works.length; i++) {
    const w = works[i]!;
    sum.macs_conv += w.macs_conv;
    sum.macs_pointwise += w.macs_pointwise;
    sum.macs_depthwise += w.macs_depthwise;
    sum.macs_dense += w.macs_dense;
    sum.macs_gemm += w.macs_gemm;
    sum.macs_short += w.macs_short;
    sum.macs_long += w.macs_long;
    sum.macs_dw_s2_same += w.macs_dw_s2_same;
    sum.ops_eltwise += w.ops_eltwise;
    sum.ops_pool += w.ops_pool;
    sum.ops_other += w.ops_other;
    sum.elems_stream += w.elems_stream;
    sum.out_conv += w.out_conv;
    sum.reads_conv += w.reads_conv;
    sum.bytes_act += w.bytes_act;
    sum.bytes_weights += w.bytes_weights;
    sum.layers += w.layers;
    sum.elems_pool_in += w.elems_pool_in;
    sum.bytes_weights_streamed += w.bytes_weights_streamed;
    sum.taps_im2col += w.taps_im2col;
    sum.bytes_im2col += w.bytes_im2col;
    sum.ops_maxpool += w.ops_maxpool;
    sum.elems_avgpool_in += w.elems_avgpool_in;
    sum.bytes_fused_rows += w.bytes_fused_rows;
    sum.macs_conv_direct += w.macs_conv_direct;
  }
  return sum;
}
