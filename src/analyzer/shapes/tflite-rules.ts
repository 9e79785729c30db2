/**
 * Shape rules for TFLite builtin operators (domain 'tflite'), NHWC, one entry per BuiltinOperator name.
 * Semantics follow TensorFlow Lite's kernels (tensorflow/lite/kernels/*.cc, `Prepare`):
 * - Padding SAME: out = ceil(in / stride); VALID: out = ceil((in − (k − 1)·dilation) / stride).
 * - Filters: CONV_2D [Cout, Kh, Kw, Cin/groups], DEPTHWISE_CONV_2D [1, Kh, Kw, Cout], FULLY_CONNECTED [Nout, K],
 *   TRANSPOSE_CONV inputs (output_shape, weights [Cout, Kh, Kw, Cin], input, bias?).
 * - Parameters that arrive as tensors (axes, paddings, begin/end/strides, perm, sizes, multiples) must be
 *   constant or constant-folded: small integer values travel in `TensorType.value`, so the shape sub-graphs
 *   converters emit (SHAPE → STRIDED_SLICE → PACK → RESHAPE) fold to numbers.
 * Output dtypes: activation dtype of input 0 unless the op defines another (SHAPE int32, DEQUANTIZE float32,
 * ARG_MAX output_type, CAST out_data_type). QUANTIZE cannot know its output type from its input alone (float → int8
 * or uint8, int8 ↔ uint8 requantize); the rule guesses int8 (uint8 for an int8 input) and the declared type in
 * the file is authoritative.
 */
import type { DType } from '../dtype.ts';
import type { TensorType } from '../ir.ts';
import { registerShapeRules, type ShapeContext, type ShapeRule } from './registry.ts';
import {
  attrInt,
  attrInts,
  attrString,
  badShape,
  broadcastShapes,
  divFor,
  foldBroadcast,
  like,
  normAxis,
  product,
  req,
  tensor,
  valueOf,
} from './rule-helpers.ts';

// ---------------------------------------------------------------------------------------------- helpers

/** TFLite TensorType names used by options (CastOptions, ArgMaxOptions, ShapeOptions) → IR dtype. */
const OPTION_DTYPES: Record<string, DType> = {
  FLOAT32: 'float32',
  FLOAT16: 'float16',
  INT32: 'int32',
  UINT8: 'uint8',
  INT64: 'int64',
  BOOL: 'bool',
  INT16: 'int16',
  INT8: 'int8',
  FLOAT64: 'float64',
  UINT32: 'uint32',
  UINT16: 'uint16',
};

function optionDtype(ctx: ShapeContext, name: string, def: DType): DType {
  const v = ctx.attr(name);
  return typeof v === 'string' ? (OPTION_DTYPES[v] ?? def) : def;
}

function rankIs(ctx: ShapeContext, t: TensorType, rank: number, what: string): void {
  if (t.shape.length !== rank) badShape(ctx, `${what} should have rank ${rank}, got [${t.shape.join(',')}]`);
}

/** TensorFlow SAME/VALID output size. */
export function windowOut(inSize: number, k: number, stride: number, dilation: number, padding: string): number {
  const effective = (k - 1) * dilation + 1;
  return padding === 'VALID' ? Math.ceil((inSize - effective + 1) / stride) : Math.ceil(inSize / stride);
}

function spatial(ctx: ShapeContext, x: TensorType, kh: number, kw: number, dilations = true): [number, number] {
  const padding = attrString(ctx, 'padding', 'SAME');
  const sh = attrInt(ctx, 'stride_h', 1) || 1;
  const sw = attrInt(ctx, 'stride_w', 1) || 1;
  const dh = dilations ? attrInt(ctx, 'dilation_h_factor', 1) || 1 : 1;
  const dw = dilations ? attrInt(ctx, 'dilation_w_factor', 1) || 1 : 1;
  if (kh < 1 || kw < 1) badShape(ctx, `window ${kh}x${kw}: sizes must be at least 1`);
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1) badShape(ctx, `strides ${sh}x${sw} / dilations ${dh}x${dw} must be at least 1`);
  const h = windowOut(x.shape[1]!, kh, sh, dh, padding);
  const w = windowOut(x.shape[2]!, kw, sw, dw, padding);
  if (h <= 0 || w <= 0) badShape(ctx, `window ${kh}x${kw} does not fit input [${x.shape.join(',')}] with padding ${padding}`);
  return [h, w];
}

/** Output = input 0 (shape and dtype), small value carried through `fold` when given. */
function unary(fold?: (x: number) => number): ShapeRule {
  return (ctx) => {
    const x = req(ctx, 0);
    return [like(x, fold && x.value ? x.value.map(fold) : undefined)];
  };
}

/** Same shape as input 0 with another dtype. */
function convert(dtypeOf: (ctx: ShapeContext, x: TensorType) => DType): ShapeRule {
  return (ctx) => {
    const x = req(ctx, 0);
    const dtype = dtypeOf(ctx, x);
    const intTarget = dtype.startsWith('int') || dtype.startsWith('uint');
    return [tensor(dtype, [...x.shape], x.value ? (intTarget ? x.value.map(Math.trunc) : x.value) : undefined)];
  };
}

/** Broadcasting binary op (ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM, …), small values folded. */
function binary(fold?: (dtype: DType) => (a: number, b: number) => number, dtype?: DType): ShapeRule {
  return (ctx) => {
    const a = req(ctx, 0);
    const b = req(ctx, 1);
    const shape = broadcastShapes(ctx, [a.shape, b.shape]);
    // the fold function only for operands that both carry values (foldBroadcast gives none otherwise)
    const value = fold && a.value && b.value ? foldBroadcast([a, b], shape, fold(a.dtype) as (...xs: number[]) => number) : undefined;
    return [tensor(dtype ?? a.dtype, shape, value)];
  };
}

/** Reductions (MEAN, SUM, REDUCE_MAX, …): input, axes (constant); keep_dims option. */
function reduce(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const rank = x.shape.length;
  const axes = new Set(valueOf(ctx, 1, 'reduction axes').map((a) => normAxis(ctx, a, rank)));
  const keep = attrInt(ctx, 'keep_dims', 0) !== 0;
  const shape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.has(i)) shape.push(d);
    else if (keep) shape.push(1);
  });
  return [tensor(x.dtype, shape)];
}

/** Resolves a target shape with at most one −1 against `count` elements. */
function resolveShape(ctx: ShapeContext, target: number[], count: number): number[] {
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) badShape(ctx, `new shape [${target.join(',')}] has more than one -1`);
  if (target.some((d) => d < -1 || !Number.isInteger(d))) badShape(ctx, `new shape [${target.join(',')}] is invalid`);
  const known = product(target.filter((d) => d !== -1));
  if (unknown === 1) {
    if (known === 0 || count % known !== 0) badShape(ctx, `cannot reshape ${count} elements to [${target.join(',')}]`);
    return target.map((d) => (d === -1 ? count / known : d));
  }
  if (known !== count) badShape(ctx, `cannot reshape ${count} elements to [${target.join(',')}]`);
  return [...target];
}

/** begin/end/stride resolution of one dim, TensorFlow StridedSlice semantics (masks handled by the caller). */
function sliceDim(dim: number, begin: number | undefined, end: number | undefined, stride: number): number {
  const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);
  if (stride > 0) {
    const b = begin === undefined ? 0 : clamp(begin < 0 ? begin + dim : begin, 0, dim);
    const e = end === undefined ? dim : clamp(end < 0 ? end + dim : end, 0, dim);
    return Math.max(0, Math.ceil((e - b) / stride));
  }
  const b = begin === undefined ? dim - 1 : clamp(begin < 0 ? begin + dim : begin, -1, dim - 1);
  const e = end === undefined ? -1 : clamp(end < 0 ? end + dim : end, -1, dim - 1);
  return Math.max(0, Math.ceil((e - b) / stride));
}

function sliceStart(dim: number, begin: number | undefined, stride: number): number {
  if (begin === undefined) return stride > 0 ? 0 : dim - 1;
  const b = begin < 0 ? begin + dim : begin;
  return stride > 0 ? Math.min(Math.max(b, 0), dim) : Math.min(Math.max(b, -1), dim - 1);
}

/** Folds a row-major slice of a small value: `starts`/`steps`/`sizes` per input dim. */
function foldSlice(x: TensorType, starts: number[], steps: number[], sizes: number[]): number[] | undefined {
  if (!x.value || product(sizes) > 64) return undefined;
  const strides = x.shape.map((_, i) => product(x.shape.slice(i + 1)));
  const out: number[] = [];
  const idx = new Array<number>(sizes.length).fill(0);
  const n = product(sizes);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < sizes.length; d++) off += (starts[d]! + idx[d]! * steps[d]!) * strides[d]!;
    out.push(x.value[off]!);
    for (let d = sizes.length - 1; d >= 0; d--) {
      if (++idx[d]! < sizes[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

const bit = (mask: number, i: number): boolean => ((mask >> i) & 1) === 1;

function stridedSlice(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const begin = valueOf(ctx, 1, 'STRIDED_SLICE begin');
  const end = valueOf(ctx, 2, 'STRIDED_SLICE end');
  const strides = ctx.inputs[3] ? valueOf(ctx, 3, 'STRIDED_SLICE strides') : begin.map(() => 1);
  const beginMask = attrInt(ctx, 'begin_mask', 0);
  const endMask = attrInt(ctx, 'end_mask', 0);
  const ellipsisMask = attrInt(ctx, 'ellipsis_mask', 0);
  const newAxisMask = attrInt(ctx, 'new_axis_mask', 0);
  const shrinkMask = attrInt(ctx, 'shrink_axis_mask', 0);
  const offset = attrInt(ctx, 'offset', 0) !== 0;
  const rank = x.shape.length;
  // Expand the sparse spec (ellipsis, new axes) into one entry per input dim, as TF's BuildDenseSpec does.
  type Spec = { begin?: number; end?: number; stride: number; shrink: boolean };
  const dense: Spec[] = [];
  const newAxesAt: number[] = []; // output positions of inserted 1-dims, by dense index before which they appear
  let inDim = 0;
  for (let i = 0; i < begin.length; i++) {
    if (bit(ellipsisMask, i)) {
      const remainingSpecs = begin.slice(i + 1).filter((_, j) => !bit(newAxisMask, i + 1 + j)).length;
      const covered = rank - inDim - remainingSpecs;
      for (let k = 0; k < covered; k++) dense.push({ stride: 1, shrink: false }), inDim++;
      continue;
    }
    if (bit(newAxisMask, i)) {
      newAxesAt.push(dense.length);
      continue;
    }
    const stride = strides[i] ?? 1;
    if (stride === 0) badShape(ctx, 'STRIDED_SLICE stride 0');
    const shrink = bit(shrinkMask, i);
    let b: number | undefined = bit(beginMask, i) ? undefined : begin[i];
    let e: number | undefined = bit(endMask, i) ? undefined : end[i];
    if (offset && b !== undefined && e !== undefined) e = b + e;
    if (shrink) {
      const dim = x.shape[inDim]!;
      const start = (b ?? 0) < 0 ? (b ?? 0) + dim : (b ?? 0);
      b = start;
      e = start + 1;
    }
    dense.push({ begin: b, end: e, stride, shrink });
    inDim++;
  }
  while (dense.length < rank) dense.push({ stride: 1, shrink: false });
  if (dense.length > rank) badShape(ctx, `STRIDED_SLICE spec has ${dense.length} dims for an input of rank ${rank}`);

  const outShape: number[] = [];
  const starts: number[] = [];
  const sizes: number[] = [];
  dense.forEach((s, d) => {
    for (const at of newAxesAt) if (at === d) outShape.push(1);
    const dim = x.shape[d]!;
    const size = sliceDim(dim, s.begin, s.end, s.stride);
    starts.push(sliceStart(dim, s.begin, s.stride));
    sizes.push(size);
    if (!s.shrink) outShape.push(size);
  });
  for (const at of newAxesAt) if (at >= dense.length) outShape.push(1);
  const value = foldSlice(
    x,
    starts,
    dense.map((s) => s.stride),
    sizes,
  );
  return [tensor(x.dtype, outShape, value)];
}

function concat(ctx: ShapeContext, inputs: TensorType[], axisAttr: number): TensorType[] {
  const first = inputs[0];
  if (!first) badShape(ctx, 'no inputs');
  const rank = first.shape.length;
  const axis = normAxis(ctx, axisAttr, rank);
  const shape = [...first.shape];
  shape[axis] = 0;
  for (const t of inputs) {
    if (t.shape.length !== rank) badShape(ctx, `inputs of different ranks`);
    t.shape.forEach((d, i) => {
      if (i !== axis && d !== first.shape[i]) badShape(ctx, `input shapes [${first.shape.join(',')}] and [${t.shape.join(',')}] differ off the axis`);
    });
    shape[axis]! += t.shape[axis]!;
  }
  // Fold small values along axis 0 of 1-D tensors (shape vectors).
  const value = rank === 1 && inputs.every((t) => t.value) ? inputs.flatMap((t) => t.value!) : undefined;
  return [tensor(first.dtype, shape, value)];
}

function present(ctx: ShapeContext): TensorType[] {
  return ctx.inputs.filter((t): t is TensorType => t !== undefined);
}

function conv2d(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const w = req(ctx, 1);
  rankIs(ctx, x, 4, 'CONV_2D input');
  rankIs(ctx, w, 4, 'CONV_2D filter');
  const cinPerGroup = w.shape[3]!;
  if (cinPerGroup <= 0 || x.shape[3]! % cinPerGroup !== 0) {
    badShape(ctx, `input channels ${x.shape[3]} are not a multiple of the filter's ${cinPerGroup}`);
  }
  const [h, wd] = spatial(ctx, x, w.shape[1]!, w.shape[2]!);
  return [tensor(x.dtype, [x.shape[0]!, h, wd, w.shape[0]!])];
}

function depthwise(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const w = req(ctx, 1);
  rankIs(ctx, x, 4, 'DEPTHWISE_CONV_2D input');
  rankIs(ctx, w, 4, 'DEPTHWISE_CONV_2D filter');
  const cout = w.shape[3]!;
  const multiplier = attrInt(ctx, 'depth_multiplier', 0);
  if (multiplier > 0 && cout !== x.shape[3]! * multiplier && cout % x.shape[3]! !== 0) {
    badShape(ctx, `filter channels ${cout} ≠ input channels ${x.shape[3]} × depth_multiplier ${multiplier}`);
  }
  const [h, wd] = spatial(ctx, x, w.shape[1]!, w.shape[2]!);
  return [tensor(x.dtype, [x.shape[0]!, h, wd, cout])];
}

function pool(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  rankIs(ctx, x, 4, 'pool input');
  const kh = attrInt(ctx, 'filter_height', 1);
  const kw = attrInt(ctx, 'filter_width', 1);
  const [h, w] = spatial(ctx, x, kh, kw, false);
  return [tensor(x.dtype, [x.shape[0]!, h, w, x.shape[3]!])];
}

function fullyConnected(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const w = req(ctx, 1);
  rankIs(ctx, w, 2, 'FULLY_CONNECTED weights');
  const [nOut, k] = [w.shape[0]!, w.shape[1]!];
  const count = product(x.shape);
  if (k <= 0 || count % k !== 0) badShape(ctx, `input [${x.shape.join(',')}] is not a multiple of the weights' depth ${k}`);
  if (attrInt(ctx, 'keep_num_dims', 0) !== 0) {
    if (x.shape[x.shape.length - 1] !== k) badShape(ctx, `keep_num_dims: input's last dim ${x.shape[x.shape.length - 1]} ≠ ${k}`);
    return [tensor(x.dtype, [...x.shape.slice(0, -1), nOut])];
  }
  return [tensor(x.dtype, [count / k, nOut])];
}

function transposeConv(ctx: ShapeContext): TensorType[] {
  const outShape = valueOf(ctx, 0, 'TRANSPOSE_CONV output_shape');
  const x = req(ctx, 2);
  if (outShape.length !== 4) badShape(ctx, `output_shape [${outShape.join(',')}] should have 4 values`);
  return [tensor(x.dtype, outShape)];
}

function batchMatmul(ctx: ShapeContext): TensorType[] {
  const a = req(ctx, 0);
  const b = req(ctx, 1);
  if (a.shape.length < 2 || b.shape.length < 2) badShape(ctx, 'BATCH_MATMUL operands need rank ≥ 2');
  const adjX = attrInt(ctx, 'adj_x', 0) !== 0;
  const adjY = attrInt(ctx, 'adj_y', 0) !== 0;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const m = adjX ? ac : ar;
  const ka = adjX ? ar : ac;
  const kb = adjY ? bc : br;
  const n = adjY ? br : bc;
  if (ka !== kb) badShape(ctx, `inner dims ${ka} and ${kb} differ`);
  const batch = broadcastShapes(ctx, [a.shape.slice(0, -2), b.shape.slice(0, -2)]);
  return [tensor(a.dtype, [...batch, m, n])];
}

function pad(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const pads = valueOf(ctx, 1, 'paddings');
  const rank = x.shape.length;
  if (pads.length !== 2 * rank) badShape(ctx, `paddings hold ${pads.length} values for rank ${rank}`);
  return [tensor(x.dtype, x.shape.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!))];
}

function reshape(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const shapeInput = ctx.inputs[1];
  let target: number[] | undefined;
  // TF Lite: the shape input wins when it is present with at least one value; else the new_shape option.
  if (shapeInput && !(shapeInput.shape.length === 1 && shapeInput.shape[0] === 0)) target = valueOf(ctx, 1, 'RESHAPE shape');
  else target = attrInts(ctx, 'new_shape');
  if (!target) badShape(ctx, 'RESHAPE has neither a shape input nor a new_shape option');
  return [tensor(x.dtype, resolveShape(ctx, target, product(x.shape)), x.value ? [...x.value] : undefined)];
}

function squeeze(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const dims = attrInts(ctx, 'squeeze_dims') ?? [];
  const rank = x.shape.length;
  const drop = new Set(dims.map((d) => normAxis(ctx, d, rank)));
  const shape = x.shape.filter((d, i) => (drop.size === 0 ? d !== 1 : !drop.has(i)));
  for (const i of drop) if (x.shape[i] !== 1) badShape(ctx, `cannot squeeze dim ${i} of size ${x.shape[i]}`);
  return [tensor(x.dtype, shape, x.value ? [...x.value] : undefined)];
}

function expandDims(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const axisValue = valueOf(ctx, 1, 'EXPAND_DIMS axis')[0];
  if (axisValue === undefined) badShape(ctx, 'EXPAND_DIMS axis is empty');
  const axis = normAxis(ctx, axisValue, x.shape.length + 1);
  const shape = [...x.shape];
  shape.splice(axis, 0, 1);
  return [tensor(x.dtype, shape, x.value ? [...x.value] : undefined)];
}

function pack(ctx: ShapeContext): TensorType[] {
  const ins = present(ctx);
  const first = ins[0];
  if (!first) badShape(ctx, 'PACK has no inputs');
  for (const t of ins) {
    if (t.shape.join(',') !== first.shape.join(',')) badShape(ctx, `PACK inputs [${first.shape.join(',')}] and [${t.shape.join(',')}] differ`);
  }
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), first.shape.length + 1);
  const shape = [...first.shape];
  shape.splice(axis, 0, ins.length);
  let value: number[] | undefined;
  if (ins.every((t) => t.value)) {
    // Interleave: out[outer, k, inner] = ins[k][outer, inner].
    const outer = product(first.shape.slice(0, axis));
    const inner = product(first.shape.slice(axis));
    value = [];
    for (let o = 0; o < outer; o++) for (const t of ins) value.push(...t.value!.slice(o * inner, (o + 1) * inner));
  }
  return [tensor(first.dtype, shape, value)];
}

function unpack(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const num = attrInt(ctx, 'num', 0) || x.shape[axis]!;
  if (num !== x.shape[axis]) badShape(ctx, `UNPACK num ${num} ≠ dim ${x.shape[axis]}`);
  const shape = x.shape.filter((_, i) => i !== axis);
  return Array.from({ length: num }, (_, k) => {
    const starts = x.shape.map((_, i) => (i === axis ? k : 0));
    const sizes = x.shape.map((d, i) => (i === axis ? 1 : d));
    return tensor(x.dtype, [...shape], foldSlice(x, starts, x.shape.map(() => 1), sizes));
  });
}

function transpose(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const perm = valueOf(ctx, 1, 'TRANSPOSE perm');
  if (perm.length !== x.shape.length) badShape(ctx, `perm [${perm.join(',')}] does not match rank ${x.shape.length}`);
  return [tensor(x.dtype, perm.map((p) => x.shape[normAxis(ctx, p, x.shape.length)]!))];
}

function resize(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  rankIs(ctx, x, 4, 'resize input');
  const size = valueOf(ctx, 1, 'resize size');
  if (size.length !== 2) badShape(ctx, `resize size [${size.join(',')}] should hold 2 values`);
  return [tensor(x.dtype, [x.shape[0]!, size[0]!, size[1]!, x.shape[3]!])];
}

function splitInto(ctx: ShapeContext, x: TensorType, axis: number, sizes: number[]): TensorType[] {
  return sizes.map((s) => {
    const shape = [...x.shape];
    shape[axis] = s;
    return tensor(x.dtype, shape);
  });
}

function split(ctx: ShapeContext): TensorType[] {
  // SPLIT inputs: (axis, input)
  const x = req(ctx, 1);
  const axis = normAxis(ctx, valueOf(ctx, 0, 'SPLIT axis')[0] ?? 0, x.shape.length);
  const n = attrInt(ctx, 'num_splits', ctx.node.outputs.length) || ctx.node.outputs.length;
  if (x.shape[axis]! % n !== 0) badShape(ctx, `dim ${x.shape[axis]} does not split into ${n} equal parts`);
  return splitInto(ctx, x, axis, new Array<number>(n).fill(x.shape[axis]! / n));
}

function splitV(ctx: ShapeContext): TensorType[] {
  // SPLIT_V inputs: (input, size_splits, axis)
  const x = req(ctx, 0);
  const axis = normAxis(ctx, valueOf(ctx, 2, 'SPLIT_V axis')[0] ?? 0, x.shape.length);
  const sizes = [...valueOf(ctx, 1, 'SPLIT_V size_splits')];
  const dim = x.shape[axis]!;
  const unknown = sizes.indexOf(-1);
  if (unknown >= 0) sizes[unknown] = dim - sizes.filter((s) => s !== -1).reduce((a, b) => a + b, 0);
  if (sizes.reduce((a, b) => a + b, 0) !== dim) badShape(ctx, `size_splits [${sizes.join(',')}] do not add up to ${dim}`);
  return splitInto(ctx, x, axis, sizes);
}

function gather(ctx: ShapeContext): TensorType[] {
  const params = req(ctx, 0);
  const indices = req(ctx, 1);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), params.shape.length);
  const batchDims = attrInt(ctx, 'batch_dims', 0);
  const shape = [...params.shape.slice(0, axis), ...indices.shape.slice(batchDims), ...params.shape.slice(axis + 1)];
  let value: number[] | undefined;
  if (params.value && indices.value && params.shape.length === 1 && batchDims === 0) {
    const dim = params.shape[0]!;
    value = indices.value.map((i) => params.value![i < 0 ? i + dim : i]!);
  }
  return [tensor(params.dtype, shape, value)];
}

function slice(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const begin = valueOf(ctx, 1, 'SLICE begin');
  const size = valueOf(ctx, 2, 'SLICE size');
  if (begin.length !== x.shape.length || size.length !== x.shape.length) badShape(ctx, 'SLICE begin/size do not match the rank');
  const sizes = size.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  sizes.forEach((s, i) => {
    if (s < 0 || begin[i]! < 0 || begin[i]! + s > x.shape[i]!) badShape(ctx, `SLICE [${begin.join(',')}] + [${size.join(',')}] is out of range`);
  });
  return [tensor(x.dtype, sizes, foldSlice(x, begin, begin.map(() => 1), sizes))];
}

function tile(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const multiples = valueOf(ctx, 1, 'TILE multiples');
  if (multiples.length !== x.shape.length) badShape(ctx, `multiples [${multiples.join(',')}] do not match rank ${x.shape.length}`);
  return [tensor(x.dtype, x.shape.map((d, i) => d * multiples[i]!))];
}

function argReduce(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, valueOf(ctx, 1, 'axis')[0] ?? 0, x.shape.length);
  return [tensor(optionDtype(ctx, 'output_type', 'int64'), x.shape.filter((_, i) => i !== axis))];
}

function spaceToDepth(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  rankIs(ctx, x, 4, 'SPACE_TO_DEPTH input');
  const b = attrInt(ctx, 'block_size', 1);
  return [tensor(x.dtype, [x.shape[0]!, x.shape[1]! / b, x.shape[2]! / b, x.shape[3]! * b * b])];
}

function depthToSpace(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  rankIs(ctx, x, 4, 'DEPTH_TO_SPACE input');
  const b = attrInt(ctx, 'block_size', 1);
  return [tensor(x.dtype, [x.shape[0]!, x.shape[1]! * b, x.shape[2]! * b, x.shape[3]! / (b * b)])];
}

const quantizeDtype = (_ctx: ShapeContext, x: TensorType): DType => (x.dtype === 'float32' || x.dtype === 'uint8' ? 'int8' : x.dtype);

// ---------------------------------------------------------------------------------------------- the table

export const TFLITE_SHAPE_RULES: Record<string, ShapeRule> = {
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwise,
  TRANSPOSE_CONV: transposeConv,
  FULLY_CONNECTED: fullyConnected,
  BATCH_MATMUL: batchMatmul,
  AVERAGE_POOL_2D: pool,
  MAX_POOL_2D: pool,
  L2_POOL_2D: pool,

  ADD: binary((d) => (a, b) => a + b),
  SUB: binary((d) => (a, b) => a - b),
  MUL: binary((d) => (a, b) => a * b),
  DIV: binary((d) => divFor(d)),
  FLOOR_DIV: binary(() => (a, b) => Math.floor(a / b)),
  MINIMUM: binary(() => (a, b) => Math.min(a, b)),
  MAXIMUM: binary(() => (a, b) => Math.max(a, b)),
  SQUARED_DIFFERENCE: binary(),
  POW: binary(),
  PRELU: binary(),
  EQUAL: binary(undefined, 'bool'),
  NOT_EQUAL: binary(undefined, 'bool'),
  LESS: binary(undefined, 'bool'),
  LESS_EQUAL: binary(undefined, 'bool'),
  GREATER: binary(undefined, 'bool'),
  GREATER_EQUAL: binary(undefined, 'bool'),

  MEAN: reduce,
  SUM: reduce,
  REDUCE_MAX: reduce,
  REDUCE_MIN: reduce,
  REDUCE_PROD: reduce,

  SOFTMAX: unary(),
  LOG_SOFTMAX: unary(),
  LOGISTIC: unary(),
  TANH: unary(),
  RELU: unary((x) => Math.max(0, x)),
  RELU6: unary((x) => Math.min(6, Math.max(0, x))),
  RELU_N1_TO_1: unary(),
  RELU_0_TO_1: unary(),
  LEAKY_RELU: unary(),
  HARD_SWISH: unary(),
  ELU: unary(),
  GELU: unary(),
  EXP: unary(),
  LOG: unary(),
  SQRT: unary(),
  RSQRT: unary(),
  SQUARE: unary(),
  ABS: unary((x) => Math.abs(x)),
  NEG: unary((x) => -x),
  FLOOR: unary((x) => Math.floor(x)),
  L2_NORMALIZATION: unary(),
  LOCAL_RESPONSE_NORMALIZATION: unary(),

  QUANTIZE: convert(quantizeDtype),
  DEQUANTIZE: convert(() => 'float32'),
  CAST: convert((ctx, x) => optionDtype(ctx, 'out_data_type', x.dtype)),

  RESHAPE: reshape,
  SQUEEZE: squeeze,
  EXPAND_DIMS: expandDims,
  SHAPE: (ctx) => {
    const x = req(ctx, 0);
    return [tensor(optionDtype(ctx, 'out_type', 'int32'), [x.shape.length], [...x.shape])];
  },
  STRIDED_SLICE: stridedSlice,
  SLICE: slice,
  PACK: pack,
  UNPACK: unpack,
  CONCATENATION: (ctx) => concat(ctx, present(ctx), attrInt(ctx, 'axis', 0)),
  PAD: pad,
  PADV2: pad,
  MIRROR_PAD: pad,
  TRANSPOSE: transpose,
  RESIZE_NEAREST_NEIGHBOR: resize,
  RESIZE_BILINEAR: resize,
  SPLIT: split,
  SPLIT_V: splitV,
  GATHER: gather,
  TILE: tile,
  ARG_MAX: argReduce,
  ARG_MIN: argReduce,
  SPACE_TO_DEPTH: spaceToDepth,
  DEPTH_TO_SPACE: depthToSpace,
};

registerShapeRules('tflite', TFLITE_SHAPE_RULES);
