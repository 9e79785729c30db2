/**
 * Which bytes a layer's output may share with an input it consumes last ("juxtaposed/overlapping elementary
 * areas", ST patent US 11,500,767; ../shared/st-toolchain-facts.md §2). One entry per LayerOp.
 *
 * - view: no kernel; the output is the input buffer (Reshape/Flatten/Squeeze/Unsqueeze/Identity/Dropout).
 * - elementwise: element i of the output is written after element i of the input is read, so the output may
 *   sit on the input (true in place when the element sizes match; int8 → float32 Dequantize may start at the
 *   input's offset when walked from the end). Activations, Quantize/Dequantize/Cast, BatchNorm, Softmax
 *   (row-wise: reads a row before writing it) and elementwise binary ops whose operand has the output's
 *   element count.
 * - rows: a window kernel (Conv, DepthwiseConv, MaxPool, AveragePool) and Pad write output row by row; once
 *   row y is written, walking forward, it only reads input rows ≥ y·stride − pad_top; walking backward, rows
 *   ≤ y·stride − pad_top + (Kh−1)·dilation. See `rowOverlap`.
 * - none: the kernel reads the whole input for each output element (Dense, MatMul, global pooling, reductions),
 *   or moves data in an order we do not model (Concat, Split, Slice, Gather, Transpose, Resize, ConvTranspose).
 *
 * Evidence: an X-CUBE-AI generated network.c (borealis-zhe/STM32H7_EMNIST_with_touchscreen@8cb19983,
 * CM7/X-CUBE-AI/App/network.c, `network_configure_activations`) places `conversion_0` at the input's offset
 * (elementwise in place), each conv/depthwise output below and overlapping its input, and the Pad output
 * 960 B below its input, ending where it ends: exactly the forward bound `rowOverlap` computes for that Pad
 * (14×14×16 → 16×16×16). docs/memory.md lists the offsets.
 */
import type { Layer, LayerOp } from '../layer.ts';
import { hwc } from './scratch-rules.ts';

export type OverlapKind = 'view' | 'elementwise' | 'rows' | 'none';

export const OVERLAP_KIND: Record<LayerOp, OverlapKind> = {
  Conv: 'rows',
  DepthwiseConv: 'rows',
  ConvTranspose: 'none',
  Dense: 'none',
  MatMul: 'none',
  Add: 'elementwise',
  Sub: 'elementwise',
  Mul: 'elementwise',
  Div: 'elementwise',
  Max: 'elementwise',
  Min: 'elementwise',
  AveragePool: 'rows',
  MaxPool: 'rows',
  GlobalAveragePool: 'none',
  GlobalMaxPool: 'none',
  ReduceMean: 'none',
  ReduceSum: 'none',
  Softmax: 'elementwise',
  Activation: 'elementwise',
  BatchNorm: 'elementwise',
  Concat: 'none',
  Split: 'none',
  Slice: 'none',
  Gather: 'none',
  Pad: 'rows',
  Resize: 'none',
  Transpose: 'none',
  Reshape: 'view',
  Quantize: 'elementwise',
  Dequantize: 'elementwise',
  Cast: 'elementwise',
  Shape: 'none',
  Unknown: 'none',
};

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** Offset bounds of an output relative to an input it may overlap (see OverlapRule). */
export interface OverlapBounds {
  /** Safe when offset(output) − offset(input) ≤ this (walking upwards). */
  forwardDeltaBytes?: number;
  /** Safe when offset(output) − offset(input) ≥ this (walking downwards). */
  backwardDeltaBytes?: number;
}

interface RowGeometry {
  kh: number;
  stride: number;
  dilation: number;
  padTop: number;
}

function rowGeometry(layer: Layer): RowGeometry | undefined {
  if (layer.conv) {
    return { kh: layer.conv.kernel[0], stride: layer.conv.strides[0], dilation: layer.conv.dilations[0], padTop: layer.conv.pads[0] };
  }
  if (layer.op === 'Pad') {
    const i = hwc(layer.inputShapes[0], layer.layout);
    const o = hwc(layer.outputShapes[0], layer.layout);
    if (!i || !o || o[0] < i[0]) return undefined;
    // The split of the H padding is not on the layer; symmetric (TF SAME puts the odd row at the bottom).
    return { kh: 1, stride: 1, dilation: 1, padTop: Math.floor((o[0] - i[0]) / 2) };
  }
  return undefined;
}

/**
 * Row-walking bounds. With Ri, Ro the bytes of an input/output row (W·C elements; layout-neutral since ST
 * runs channel-last kernels) and Hin input rows:
 *   forward  F = min over output rows y of  clamp(y·s − pt, 0, Hin)·Ri − (y+1)·Ro
 *   backward B = max over output rows y of  clamp(y·s − pt + (Kh−1)·dil + 1, 0, Hin)·Ri − y·Ro
 * i.e. the output row just written never covers an input row a later output row still reads.
 */
export function rowOverlap(layer: Layer, inputOperand: number): OverlapBounds | undefined {
  return rowOverlapWith(layer, inputOperand, rowGeometry(layer));
}

function rowOverlapWith(layer: Layer, inputOperand: number, geo: RowGeometry | undefined): OverlapBounds | undefined {
  const inDims = hwc(layer.inputShapes[inputOperand], layer.layout);
  const outDims = hwc(layer.outputShapes[0], layer.layout);
  if (!geo || !inDims || !outDims) return undefined;
  const inBytes = elementBytes(layer.inputDtypes[inputOperand]);
  const outBytes = elementBytes(layer.outputDtypes[0]);
  if (inBytes <= 0 || outBytes <= 0 || outDims[0] <= 0) return undefined;
  const rowIn = inDims[1] * inDims[2] * inBytes;
  const rowOut = outDims[1] * outDims[2] * outBytes;
  const hin = inDims[0];
  const lastRowSpan = (geo.kh - 1) * geo.dilation + 1;
  let forward = Infinity;
  let backward = -Infinity;
  const rows = outDims[0];
  // (no closures here: this runs for every row-walking layer of every plan)
  const candidates = rows <= ROW_BY_ROW_LIMIT ? undefined : rowCandidates(rows, geo.stride, [geo.padTop, geo.padTop + hin, geo.padTop - lastRowSpan, geo.padTop + hin - lastRowSpan]);
  const count = candidates ? candidates.length : rows;
  for (let i = 0; i < count; i++) {
    const y = candidates ? candidates[i]! : i;
    const firstRow = y * geo.stride - geo.padTop;
    forward = Math.min(forward, Math.min(hin, Math.max(0, firstRow)) * rowIn - (y + 1) * rowOut);
    backward = Math.max(backward, Math.min(hin, Math.max(0, firstRow + lastRowSpan)) * rowIn - y * rowOut);
  }
  return { forwardDeltaBytes: forward, backwardDeltaBytes: backward };
}

/** Heights up to this are visited row by row (see rowCandidates). */
const ROW_BY_ROW_LIMIT = 4096;

/**
 * Output rows at which the row bounds can reach their extremes. Both bounds are piecewise linear in the row
 * index y, the pieces changing only where y·stride crosses one of `crossings` (where the clamp to [0, Hin]
 * starts or stops acting); a linear piece has its extremes at its ends. So the first and last rows and the
 * integers around each crossing give the same min/max as visiting every row, in O(1) for any height (a
 * hostile 2^40-row tensor no longer loops). Small heights are visited row by row.
 */
export function rowCandidates(rows: number, stride: number, crossings: number[]): number[] {
  if (rows <= ROW_BY_ROW_LIMIT) return Array.from({ length: rows }, (_, y) => y);
  const out = new Set<number>([0, rows - 1]);
  for (const c of crossings) {
    const y = c / stride;
    for (const k of [Math.floor(y) - 1, Math.floor(y), Math.ceil(y), Math.ceil(y) + 1]) if (k >= 0 && k < rows) out.add(k);
  }
  return [...out];
}

/**
 * Elementwise bounds for N elements of ei input bytes and eo output bytes: forward, element i is written after
 * it is read and must not cover element i+1: F = min over i of (i+1)(ei − eo); backward, it must not cover
 * element i−1: B = max over i of i(ei − eo).
 */
export function elementwiseOverlap(count: number, inElementBytes: number, outElementBytes: number): OverlapBounds {
  const diff = inElementBytes - outElementBytes;
  return {
    forwardDeltaBytes: diff >= 0 ? diff : count * diff,
    backwardDeltaBytes: diff >= 0 ? (count - 1) * diff : 0,
  };
}

export function elementBytes(dtype: string | undefined): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
    case 'float8e4m3fn':
    case 'float8e4m3fnuz':
    case 'float8e5m2':
    case 'float8e5m2fnuz':
      return 1;
    default:
      return 0; // sub-byte and unknown: no overlap modelled
  }
}

/**
 * ST overlaps a 1×1 convolution's output with its input when the output is at most twice the input, and not
 * beyond (inferred from the published activation RAM: MobileNet v1 0.25's 8→16 pointwise at 112×112 must
 * overlap to reach 206,991 B, while MobileNet v2 0.35's 8→48 at 112×112 (702,976 B = 100,352 + 602,112 + 512)
 * and EfficientNet LC v1's 8→24 do not). Above 2× we keep the two buffers disjoint.
 */
export const POINTWISE_MAX_OVERLAP_EXPANSION = 2;

function pointwiseExpansionTooLarge(layer: Layer): boolean {
  const g = layer.conv;
  if (layer.op !== 'Conv' || !g || g.kernel[0] !== 1 || g.kernel[1] !== 1) return false;
  const i = layer.inputShapes[0];
  const o = layer.outputShapes[0];
  if (!i || !o) return false;
  return product(o) * elementBytes(layer.outputDtypes[0]) > POINTWISE_MAX_OVERLAP_EXPANSION * product(i) * elementBytes(layer.inputDtypes[0]);
}

/**
 * The overlap a layer allows between its (single) output and its input operand `operand`, or undefined.
 * Callers check that the input dies at this layer.
 */
export function layerOverlap(layer: Layer, operand: number): OverlapBounds | undefined {
  if (layer.outputs.length !== 1) return undefined;
  switch (OVERLAP_KIND[layer.op]) {
    case 'elementwise': {
      const inShape = layer.inputShapes[operand];
      const outShape = layer.outputShapes[0];
      if (!inShape || !outShape || product(inShape) !== product(outShape)) return undefined;
      const ei = elementBytes(layer.inputDtypes[operand]);
      const eo = elementBytes(layer.outputDtypes[0]);
      if (ei <= 0 || eo <= 0) return undefined;
      return elementwiseOverlap(product(outShape), ei, eo);
    }
    case 'rows': {
      if (operand !== 0 || pointwiseExpansionTooLarge(layer)) return undefined;
      const bounds = forwardOnly(rowOverlap(layer, 0));
      if (!bounds) return undefined;
      const endBound = stRowEndBoundBytes(layer) ?? Infinity;
      const margin = stRgbConvMarginBytes(layer);
      const rgbEnd = stRgbConvEndBoundBytes(layer) ?? Infinity;
      return { forwardDeltaBytes: Math.min(bounds.forwardDeltaBytes!, endBound, rgbEnd, margin === undefined ? Infinity : -margin) };
    }
    default:
      return undefined;
  }
}

/**
 * ST's bound at the last rows of a row kernel: its output ends at least (Kh_eff − stride)·(Wout + 1)·Cout bytes
 * below its input's end (Kh_eff = (Kh − 1)·dilation + 1; a row of Wout + 1 pixels), i.e.
 * d ≤ I − O − (Kh_eff − stride)·(Wout + 1)·Cout, which is 1 pixel per row stricter than the exact bound where the last
 * rows decide it (an output larger than its input). It reproduces every such offset in the generated files:
 * borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071 (ST Edge AI 9.0, the zoo's st_mnist_v1_28_tfs_int8.tflite)
 * `conv2d_1` 3×3/2 1→16 at d = −2,592 (exact bound −2,408), depthwise `conv2d_2` 3×3/1 at −480 (−448), `conv2d_3`
 * 3×3/1 16→32 after its pad copy at −3,136 (−2,944), the Pad at −960 (= exact); Flora233333/STM32-Infer-MobileNetV2
 * @8d17cc77 (stm.ai 8.1.0) `conv2d_1` RGB 3×3/2 3→16 at −10,000 (−9,792) and every pad copy. With it our st plan for
 * st_mnist is 13,376 B, the pool ST generated for that file (13,184 B before). Undefined when the shapes are unknown.
 */
export function stRowEndBoundBytes(layer: Layer): number | undefined {
  const geo = rowGeometry(layer);
  const i = hwc(layer.inputShapes[0], layer.layout);
  const o = hwc(layer.outputShapes[0], layer.layout);
  const ei = elementBytes(layer.inputDtypes[0]);
  const eo = elementBytes(layer.outputDtypes[0]);
  if (!geo || !i || !o || ei <= 0 || eo <= 0) return undefined;
  const lastRows = Math.max(0, (geo.kh - 1) * geo.dilation + 1 - geo.stride);
  return i[0] * i[1] * i[2] * ei - o[0] * o[1] * o[2] * eo - lastRows * (o[1] + 1) * o[2] * eo;
}

/** Output rows (each Wout + 1 pixels) ST keeps between an int8 RGB first convolution's output and its input. */
export const ST_RGB_CONV_MARGIN_ROWS = 3;

/**
 * ST's RGB first-layer kernel (`forward_conv2d_rgb_sssa8_ch`: int8, groups 1, Cin = 3) starts its output at least
 * 3·(Wout + 1)·Cout bytes below its input's start, where the exact forward row bound (rowOverlap) allows one output
 * row (Wout·Cout). Measured, not derived: FD-MobileNet 0.25's first conv (3→8, 3×3/2, output smaller than the
 * input) is the peak of its stm.ai 8.1.0 rows, 155,699 B at 224 and 52,408 B at 128 = the uint8 input (150,528 /
 * 49,152) + the 652 B scratch (placed after the input's end, as `conv2d_1_scratch0` in
 * Flora233333/STM32-Infer-MobileNetV2@8d17cc77) + the forward step of the next layer's pad copy (1,800 / 1,032 B,
 * exact as for every `_pad_before` copy in that file) + this margin: 2,715 / 1,568 B (±5 B of KiB rounding) against
 * 3·113·8 = 2,712 and 3·65·8 = 1,560 (one constant for both widths). ST's generated offsets count margins in the
 * same (Wout + 1)·Cout units elsewhere (output end = input end − (Kh − stride)·(Wout + 1)·Cout for
 * borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071 conv2d_1, conv2d_2, conv2d_3 and the MobileNet v2 file's
 * conv2d_1). Why the RGB kernel needs two rows more than the exact bound is not known.
 * Undefined for any other layer.
 */
export function stRgbConvMarginBytes(layer: Layer): number | undefined {
  const g = layer.conv;
  if (layer.op !== 'Conv' || !g || g.group !== 1 || g.cin !== 3) return undefined;
  if (layer.dtype !== 'int8' && layer.dtype !== 'uint8') return undefined;
  const out = hwc(layer.outputShapes[0], layer.layout);
  const eo = elementBytes(layer.outputDtypes[0]);
  if (!out || eo <= 0) return undefined;
  return ST_RGB_CONV_MARGIN_ROWS * (out[1] + 1) * out[2] * eo;
}

/**
 * The same 3-row margin at the other end, for an int8 RGB first convolution with a fused ReLU (or none) rather than
 * ReLU6: its output ends at least 3·(Wout + 1)·Cout bytes below its input's end (d ≤ I − O − margin), where other row
 * kernels keep (Kh − stride) rows (stRowEndBoundBytes). It decides the layer when the output is larger than the
 * input. Measured, not derived: ST FD-MobileNet v1's first conv (3→16, 3×3/2, ReLU, output 65,536 / 200,704 B over a
 * 49,152 / 150,528 B input) and the padded copy after it decide its stm.ai 8.1.0 rows, 72,448 B at 128 and 211,845 B
 * at 224; with this margin (3,120 / 5,424 B) and the 1,196 B scratch after the input's end (`stScratchFollowsInput`)
 * the st plan is 72,428 / 211,820 B, 20 / 25 B under (KiB rounding ±5 B); with (Kh − stride) = 1 row it was
 * −4.5 / −2.3 %, with the margin alone −1.7 / −0.6 %. ReLU6 is left out because ST's stm.ai 8.1.0 MobileNet v2 file
 * (Flora233333/STM32-Infer-MobileNetV2@8d17cc77, `conv2d_1`, 3→16 3×3/2 ReLU6, output larger than the input) ends its
 * output 784 B = 1·(Wout + 1)·Cout below the input's end: its ReLU6 kernel runs with a `_scratch1` output alias, a
 * different code path. Undefined for any other layer.
 */
export function stRgbConvEndBoundBytes(layer: Layer): number | undefined {
  const margin = stRgbConvMarginBytes(layer);
  if (margin === undefined || layer.activation === 'relu6' || layer.activation === 'clip') return undefined;
  const i = hwc(layer.inputShapes[0], layer.layout);
  const o = hwc(layer.outputShapes[0], layer.layout);
  if (!i || !o) return undefined;
  return i[0] * i[1] * i[2] * elementBytes(layer.inputDtypes[0]) - o[0] * o[1] * o[2] * elementBytes(layer.outputDtypes[0]) - margin;
}

/**
 * ST places the kernel scratch of an int8 RGB first convolution (`forward_conv2d_rgb_sssa8_ch`) directly after the
 * end of that layer's input: `conv2d_1_scratch0` at 41,940 = the input's offset 14,292 + 27,648 in
 * Flora233333/STM32-Infer-MobileNetV2@8d17cc77 (stm.ai 8.1.0). The st planner puts it there when that spot is free
 * (StPlanner.placeAfter). With it the four FD-MobileNet 0.25 stm.ai 8.1.0 / 7.3.0 rows and both ST FD-MobileNet v1
 * rows land within 25 B of the 8.1.0 figures (the FD-MobileNet 0.25 margin, stRgbConvMarginBytes, was measured
 * assuming exactly this placement; before, our planner tucked the scratch under the output). No other published
 * row moves. ST places most scratch arrays after their layer's input (5 of 7 in the ST Edge AI 9.0 EMNIST file,
 * the first four of the MobileNet v2 file), but anchoring every scratch moves MobileNet v2 0.35 from exact to
 * +1,265 B with our packing of the other buffers and closes no row, so only the RGB conv's is anchored.
 */
export function stScratchFollowsInput(layer: Layer): boolean {
  return stRgbConvMarginBytes(layer) !== undefined;
}

/**
 * Bytes an allowed overlap saves compared with two disjoint buffers: I + O − (smallest span covering both at a
 * safe relative offset d, span(d) = max(I, d + O) − min(0, d)).
 */
export function overlapSavingBytes(inputBytes: number, outputBytes: number, bounds: OverlapBounds): number {
  let best = inputBytes + outputBytes;
  const ideal = inputBytes - outputBytes; // the candidate offsets: 0, ideal, and the bound itself
  const f = bounds.forwardDeltaBytes;
  const b = bounds.backwardDeltaBytes;
  if (f !== undefined) {
    best = Math.min(best, spanBytesAt(Math.min(0, f), inputBytes, outputBytes), spanBytesAt(Math.min(ideal, f), inputBytes, outputBytes), spanBytesAt(f, inputBytes, outputBytes));
  }
  if (b !== undefined) {
    best = Math.min(best, spanBytesAt(Math.max(0, b), inputBytes, outputBytes), spanBytesAt(Math.max(ideal, b), inputBytes, outputBytes), spanBytesAt(b, inputBytes, outputBytes));
  }
  return Math.max(0, inputBytes + outputBytes - best);
}

/** span(d) = max(I, d + O) − min(0, d): bytes covering an input and an output placed d bytes above it. */
function spanBytesAt(d: number, inputBytes: number, outputBytes: number): number {
  return Math.max(inputBytes, d + outputBytes) - Math.min(0, d);
}

/**
 * Whether a layer runs truly in place (output at its input's offset, same bytes): views, and elementwise ops
 * whose output has the input's element count and element size (activations, int8 ↔ uint8 Quantize, …).
 * The per-op table (layer-ops.ts `inPlace`) reads this; planning uses the finer bounds above.
 */
export function runsInPlace(layer: Pick<Layer, 'op' | 'inputShapes' | 'outputShapes' | 'inputDtypes' | 'outputDtypes'>): boolean {
  const kind = OVERLAP_KIND[layer.op];
  if (kind === 'view') return true;
  return kind === 'elementwise' && sameElementsAndBytes(layer);
}

/** Output 0 has input 0's element count and element size (an elementwise kernel can then run in place). */
export function sameElementsAndBytes(layer: Pick<Layer, 'inputShapes' | 'outputShapes' | 'inputDtypes' | 'outputDtypes'>): boolean {
  const i = layer.inputShapes[0];
  const o = layer.outputShapes[0];
  if (!i || !o || product(i) !== product(o)) return false;
  const ei = elementBytes(layer.inputDtypes[0]);
  return ei > 0 && ei === elementBytes(layer.outputDtypes[0]);
}

/**
 * ST's code generator splits some padded convolutions into a Pad layer and an unpadded convolution
 * (`conv2d_N_pad_before` + `forward_pad`, then the kernel with filter_pad 0): every padded 3×3 depthwise in
 * stm.ai 8.1.0 / ST Edge AI 2.2 output (Flora233333/STM32-Infer-MobileNetV2@8d17cc77,
 * hajimi-yzy/YOLO-Human-Detection-Project-Based-on-STM32H750@7b6db1ef: `forward_dw_3x3_sssa8_ch` only runs
 * unpadded) and the padded 3×3 16→32 convolution of st_mnist_v1 in ST Edge AI 9.0
 * (borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071). The RGB first layer (`forward_conv2d_rgb_sssa8_ch`,
 * Cin = 3) and 1×1 convolutions keep their padding inside the kernel in those files. Float layers are not split.
 */
export function stSplitsPadding(layer: Layer): boolean {
  const g = layer.conv;
  if (!g || (layer.op !== 'Conv' && layer.op !== 'DepthwiseConv')) return false;
  if (!g.pads.some((p) => p > 0)) return false;
  if (layer.dtype !== 'int8' && layer.dtype !== 'uint8') return false;
  if (layer.op === 'Conv' && (g.cin === 3 || (g.kernel[0] === 1 && g.kernel[1] === 1))) return false;
  return hwc(layer.inputShapes[0], layer.layout) !== undefined;
}

/** The Pad and the unpadded convolution ST runs for a layer `stSplitsPadding` accepts (synthetic layers). */
export function splitPadding(layer: Layer): { pad: Layer; conv: Layer; paddedBytes: number } {
  const g = layer.conv!;
  const [h, w, c] = hwc(layer.inputShapes[0], layer.layout)!;
  const [pt, pl, pb, pr] = g.pads;
  const hp = h + pt + pb;
  const wp = w + pl + pr;
  const paddedShape = layer.layout === 'NHWC' ? [1, hp, wp, c] : [1, c, hp, wp];
  const pad: Layer = { ...layer, op: 'Pad', conv: undefined, outputShapes: [paddedShape], outputDtypes: [layer.inputDtypes[0]!] };
  const conv: Layer = { ...layer, inputShapes: [paddedShape, ...layer.inputShapes.slice(1)], conv: { ...g, pads: [0, 0, 0, 0] } };
  return { pad, conv, paddedBytes: hp * wp * c * elementBytes(layer.inputDtypes[0]) };
}

/** Row bounds of a Pad whose top padding is known (rowOverlap assumes symmetric padding for Pad layers); forward only. */
export function padRowOverlap(pad: Layer, padTop: number): OverlapBounds | undefined {
  return forwardOnly(rowOverlapWith(pad, 0, { kh: 1, stride: 1, dilation: 1, padTop }));
}

/**
 * ST's row kernels (convolution, depthwise, pooling, pad, conv + pool) walk their rows forward, from the first to
 * the last, so an output may overlap its input only from below (d ≤ F): placed above the input's start, output
 * row 0 would overwrite input rows that later output rows still read, and only a kernel walking backwards could
 * use the backward bound B. Every overlap in the generated activation offsets we hold is of the forward kind
 * (borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071, ST Edge AI 9.0: conv2d_1, conv2d_2, the Pad, conv2d_3;
 * Flora233333/STM32-Infer-MobileNetV2@8d17cc77, stm.ai 8.1.0: conv2d_1, every `_pad_before` copy, the stride-2
 * depthwise conv2d_6); no output sits above and across its input in either file.
 */
export function forwardOnly(bounds: OverlapBounds | undefined): OverlapBounds | undefined {
  return bounds && bounds.forwardDeltaBytes !== undefined ? { forwardDeltaBytes: bounds.forwardDeltaBytes } : undefined;
}

/** Pools ST's conv + pool fusion runs inside the conv (stFusedPoolRowsBytes; liveness.ts skips their buffers). */
export const POOL_OPS = new Set<LayerOp>(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool']);

/**
 * ST fuses a convolution with the pooling layer that alone reads its output (`conv2d_nl_pool`,
 * `forward_conv2d_*_sssa8_ch_nl_pool`, `forward_pw_sssa8_ch_nl_pool`): the full convolution output never exists;
 * the kernel keeps `pool_kh` rows of it in `<layer>_scratch1` (Wconv·pool_kh·Cout bytes: 62·2·32 = 3,968,
 * 29·2·64 = 3,712 and 12·2·128 = 3,072 for 2×2 max pools in the 64×64 CNN [CNN]; 32·2·8 = 512 and, for a
 * global average pool, 16·16·16 = 4,096 in a 32×32 CNN (search corpus id 38900538860); 7·7·64 = 3,136 for the
 * pointwise conv + MEAN of st_mnist in ST Edge AI 9.0 [EM]; X-CUBE-AI 6.0 `forward_conv2d_nl_pool_integer_SSSA_ch`
 * [DF]). Returns the bytes of those rows, or undefined when the pair is not fused.
 */
export function stFusedPoolRowsBytes(conv: Layer, pool: Layer): number | undefined {
  if (conv.op !== 'Conv' || !conv.conv || conv.conv.group !== 1 || !POOL_OPS.has(pool.op)) return undefined;
  if (conv.dtype !== 'int8' && conv.dtype !== 'uint8') return undefined;
  const out = hwc(conv.outputShapes[0], conv.layout);
  if (!out) return undefined;
  const global = pool.op === 'GlobalAveragePool' || pool.op === 'GlobalMaxPool';
  const poolKh = global ? out[0] : pool.conv?.kernel[0];
  if (poolKh === undefined) return undefined;
  return out[1] * Math.min(poolKh, out[0]) * out[2] * elementBytes(conv.outputDtypes[0]);
}

/**
 * Row bounds between a fused conv+pool's input and its pooled output: the pair reads input rows as one window
 * of height (pool_kh − 1)·s_conv + Kh·dil, stride s_conv·s_pool (pool padding ignored: ST's pools here are VALID).
 */
export function fusedPoolRowOverlap(conv: Layer, pool: Layer): OverlapBounds | undefined {
  const g = conv.conv!;
  const out = hwc(conv.outputShapes[0], conv.layout)!;
  const global = pool.op === 'GlobalAveragePool' || pool.op === 'GlobalMaxPool';
  const poolKh = global ? out[0] : pool.conv!.kernel[0];
  const poolStride = global ? out[0] : pool.conv!.strides[0];
  const fused: Layer = { ...conv, outputShapes: pool.outputShapes.map((s) => (s.length === 4 ? s : [1, 1, 1, s[s.length - 1]!])), outputDtypes: pool.outputDtypes };
  return forwardOnly(
    rowOverlapWith(fused, 0, {
      kh: (poolKh - 1) * g.strides[0] + (g.kernel[0] - 1) * g.dilations[0] + 1,
      stride: g.strides[0] * poolStride,
      dilation: 1,
      padTop: g.pads[0],
    }),
  );
}
