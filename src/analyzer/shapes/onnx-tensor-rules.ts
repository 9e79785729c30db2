/**
 * ONNX tensor-manipulation operators: Reshape, Transpose, Concat, Split, Slice, Gather, Pad, Resize, …,
 * and the shape sub-graph ops exporters emit (Shape, Size, Cast, ConstantOfShape, Range, Expand, Tile).
 * Small integer values are folded through them so a Reshape fed by Shape → Gather → Unsqueeze → Concat
 * gets a concrete target shape.
 */
import type { TensorType } from '../ir.ts';
import { ONNX_DTYPES, type DType } from '../dtype.ts';
import type { ShapeContext, ShapeRule } from './registry.ts';
import {
  attrInt,
  attrInts,
  attrString,
  attrTensor,
  attrTensorValue,
  badShape,
  broadcastShapes,
  castValue,
  filled,
  foldBroadcast,
  INT64_MAX_AS_NUMBER,
  like,
  needsRuntime,
  normAxis,
  opt,
  registerOnce,
  unsupportedForm,
  product,
  req,
  tensor,
  valueOf,
} from './rule-helpers.ts';

function onnxDType(ctx: ShapeContext, code: number): DType {
  const d = ONNX_DTYPES[code];
  if (!d) badShape(ctx, `unknown ONNX data type ${code}`);
  return d;
}

function strides(shape: number[]): number[] {
  const s = filled(shape.length, 1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** Calls fn with each multi-index of `shape` in row-major order. */
function forEachIndex(shape: number[], fn: (idx: number[]) => void): void {
  const n = product(shape);
  const idx = filled(shape.length, 0);
  for (let k = 0; k < n; k++) {
    fn(idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** Axes from input `inputIndex` when present (newer opsets), else from attribute `axes`. */
function axesFrom(ctx: ShapeContext, inputIndex: number): number[] | undefined {
  if (ctx.node.inputs[inputIndex]) return valueOf(ctx, inputIndex, 'axes');
  return attrInts(ctx, 'axes');
}

const constant: ShapeRule = (ctx) => {
  const t = attrTensor(ctx, 'value');
  if (t) return [tensor(t.dtype, [...t.shape], attrTensorValue(t))];
  const f = ctx.attr('value_float');
  if (typeof f === 'number') return [tensor('float32', [], [f])];
  const fs = ctx.attr('value_floats');
  if (Array.isArray(fs)) return [tensor('float32', [fs.length], fs as number[])];
  const i = ctx.attr('value_int');
  if (typeof i === 'number') return [tensor('int64', [], [i])];
  const is = ctx.attr('value_ints');
  if (Array.isArray(is)) return [tensor('int64', [is.length], is as number[])];
  const s = ctx.attr('value_string');
  if (typeof s === 'string') return [tensor('string', [])];
  const ss = ctx.attr('value_strings');
  if (Array.isArray(ss)) return [tensor('string', [ss.length])];
  unsupportedForm(ctx, `a Constant without value/value_float(s)/value_int(s)/value_string(s) (e.g. sparse_value)`);
};

const shapeOp: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  const clampAxis = (a: number): number => Math.min(r, Math.max(0, a < 0 ? a + r : a));
  const start = clampAxis(attrInt(ctx, 'start', 0));
  const end = clampAxis(attrInt(ctx, 'end', r));
  const dims = x.shape.slice(start, Math.max(start, end));
  return [tensor('int64', [dims.length], dims)];
};

const reshape: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const target = ctx.node.inputs[1] ? valueOf(ctx, 1, 'target shape') : attrInts(ctx, 'shape');
  if (!target) badShape(ctx, `no target shape`);
  const allowZero = attrInt(ctx, 'allowzero', 0) === 1;
  const xs = x.shape;
  const n = target.length;
  // one pass over the target: 0 copies the input's dim (unless allowzero), -1 is counted and found, the rest is
  // checked and multiplied (the errors in the order of the checks: copies, -1 count, values, element count)
  const out = new Array<number>(n);
  let minus = 0;
  let minusAt = -1;
  for (let i = 0; i < n; i++) {
    let d = target[i]!;
    if (d === 0 && !allowZero) {
      if (i >= xs.length) badShape(ctx, `0 at position ${i} copies a dim the input [${xs}] does not have`);
      d = xs[i]!;
    } else if (d === -1) {
      minus++;
      if (minusAt < 0) minusAt = i;
    }
    out[i] = d;
  }
  if (minus > 1) badShape(ctx, `more than one -1 in target shape [${target}]`);
  let known = 1;
  for (let i = 0; i < n; i++) {
    const d = out[i]!;
    if (d < -1 || !Number.isInteger(d)) badShape(ctx, `invalid target shape [${target}]`);
    if (d !== -1) known *= d;
  }
  const total = product(xs);
  if (minus === 1) {
    if (known === 0 || total % known !== 0) badShape(ctx, `cannot reshape [${xs}] to [${target}]`);
    out[minusAt] = total / known;
  } else if (known !== total) {
    badShape(ctx, `cannot reshape [${xs}] (${total} elements) to [${out}]`);
  }
  return [tensor(x.dtype, out, x.value)];
};

const flatten: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  let axis = attrInt(ctx, 'axis', 1);
  if (axis < 0) axis += r;
  if (axis < 0 || axis > r) badShape(ctx, `axis ${attrInt(ctx, 'axis', 1)} out of range for rank ${r}`);
  return [tensor(x.dtype, [product(x.shape.slice(0, axis)), product(x.shape.slice(axis))], x.value)];
};

/** Whether `perm` holds each of 0 … r − 1 once (what sorting it and comparing with 0 … r − 1 tells). */
function isPermutation(perm: readonly number[], r: number): boolean {
  if (perm.length !== r) return false;
  let seen = 0; // a bit per axis: ranks above 31 take the sorted comparison
  if (r > 31) return [...perm].sort((a, b) => a - b).every((p, i) => p === i);
  for (let i = 0; i < r; i++) {
    const p = perm[i]!;
    if (!Number.isInteger(p) || p < 0 || p >= r || (seen & (1 << p)) !== 0) return false;
    seen |= 1 << p;
  }
  return true;
}

const transpose: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  const perm = attrInts(ctx, 'perm') ?? x.shape.map((_, i) => r - 1 - i);
  if (!isPermutation(perm, r)) badShape(ctx, `perm [${perm}] is not a permutation of rank ${r}`);
  const shape = new Array<number>(r);
  for (let i = 0; i < r; i++) shape[i] = x.shape[perm[i]!]!;
  let value: number[] | undefined;
  if (x.value) {
    const st = strides(x.shape);
    value = [];
    forEachIndex(shape, (idx) => value!.push(x.value![idx.reduce((off, v, d) => off + v * st[perm[d]!]!, 0)]!));
  }
  return [tensor(x.dtype, shape, value)];
};

/**
 * The axes as a bit per axis of a rank-`rank` tensor (normAxis on each, so out-of-range axes throw in order), or
 * undefined for ranks above 31 (callers then use a Set). Repeated axes set one bit.
 */
function axisBits(ctx: ShapeContext, axes: readonly number[], rank: number): number | undefined {
  if (rank > 31) return undefined;
  let bits = 0;
  for (let i = 0; i < axes.length; i++) bits |= 1 << normAxis(ctx, axes[i]!, rank);
  return bits;
}

/** The number of axes set in `bits`. */
function bitCount(bits: number): number {
  let n = 0;
  for (let b = bits; b !== 0; b &= b - 1) n++;
  return n;
}

const squeeze: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  const axes = axesFrom(ctx, 1);
  const shape: number[] = [];
  if (!axes || axes.length === 0) {
    for (let i = 0; i < r; i++) if (x.shape[i] !== 1) shape.push(x.shape[i]!);
    return [tensor(x.dtype, shape, x.value)];
  }
  const bits = axisBits(ctx, axes, r);
  if (bits === undefined) {
    const norm = new Set(axes.map((a) => normAxis(ctx, a, r)));
    for (const a of norm) if (x.shape[a] !== 1) badShape(ctx, `cannot squeeze axis ${a} of size ${x.shape[a]}`);
    return [tensor(x.dtype, x.shape.filter((_, i) => !norm.has(i)), x.value)];
  }
  // the axes in the order first given (a Set's order), each checked once
  let checked = 0;
  for (let i = 0; i < axes.length; i++) {
    const a = normAxis(ctx, axes[i]!, r);
    if ((checked & (1 << a)) !== 0) continue;
    checked |= 1 << a;
    if (x.shape[a] !== 1) badShape(ctx, `cannot squeeze axis ${a} of size ${x.shape[a]}`);
  }
  for (let i = 0; i < r; i++) if ((bits & (1 << i)) === 0) shape.push(x.shape[i]!);
  return [tensor(x.dtype, shape, x.value)];
};

const unsqueeze: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const axes = axesFrom(ctx, 1);
  if (!axes) badShape(ctx, `axes are required`);
  const outRank = x.shape.length + axes.length;
  const bits = axisBits(ctx, axes, outRank);
  const norm = bits === undefined ? new Set(axes.map((a) => normAxis(ctx, a, outRank))) : undefined;
  if ((norm === undefined ? bitCount(bits!) : norm.size) !== axes.length) badShape(ctx, `repeated axes [${axes}]`);
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < outRank; i++) shape.push((norm === undefined ? (bits! & (1 << i)) !== 0 : norm.has(i)) ? 1 : x.shape[j++]!);
  return [tensor(x.dtype, shape, x.value)];
};

const concat: ShapeRule = (ctx) => {
  const inputs = ctx.inputs;
  const ins: TensorType[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const t = inputs[k];
    if (t !== undefined) ins.push(t);
  }
  if (ins.length === 0) req(ctx, 0);
  const first = ins[0]!.shape;
  const r = first.length;
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), r);
  const shape = first.slice();
  shape[axis] = 0;
  for (let k = 0; k < ins.length; k++) {
    const ts = ins[k]!.shape;
    if (ts.length !== r) badShape(ctx, `inputs have different ranks (${r} and ${ts.length})`);
    for (let i = 0; i < r; i++) {
      if (i !== axis && ts[i] !== shape[i]) badShape(ctx, `inputs differ on axis ${i}: [${first}] vs [${ts}]`);
    }
    shape[axis]! += ts[axis]!;
  }
  let value: number[] | undefined;
  if (ins.every((t) => t.value) && product(shape) <= 64) {
    const outer = product(shape.slice(0, axis));
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const t of ins) {
        const chunk = product(t.shape.slice(axis));
        value.push(...t.value!.slice(o * chunk, (o + 1) * chunk));
      }
    }
  }
  return [tensor(ins[0]!.dtype, shape, value)];
};

const split: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const dim = x.shape[axis]!;
  const nOut = ctx.node.outputs.length;
  let sizes = ctx.node.inputs[1] ? valueOf(ctx, 1, 'split sizes') : attrInts(ctx, 'split');
  if (!sizes) {
    const numOutputs = attrInt(ctx, 'num_outputs', nOut);
    if (numOutputs !== nOut || nOut < 1) badShape(ctx, `num_outputs ${numOutputs} but the node has ${nOut} outputs`);
    const chunk = Math.ceil(dim / numOutputs);
    sizes = Array.from({ length: numOutputs }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== dim) badShape(ctx, `split sizes [${sizes}] do not add up to ${dim}`);
  let start = 0;
  const outs = new Array<TensorType>(sizes.length);
  for (let k = 0; k < sizes.length; k++) {
    const s = sizes[k]!;
    const shape = x.shape.slice();
    shape[axis] = s;
    let value: number[] | undefined;
    if (x.value && x.shape.length === 1) value = x.value.slice(start, start + s);
    start += s;
    outs[k] = tensor(x.dtype, shape, value);
  }
  return outs;
};

/** ONNX Slice start/end clamping for one axis; returns [start, count]. */
function sliceAxis(dim: number, start: number, end: number, step: number): [number, number] {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), dim);
    end = Math.min(Math.max(end, 0), dim);
  } else {
    start = Math.min(Math.max(start, 0), dim - 1);
    end = Math.min(Math.max(end, -1), dim - 1);
  }
  return [start, Math.max(0, Math.ceil((end - start) / step))];
}

const slice: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (ctx.opset < 10) {
    starts = attrInts(ctx, 'starts') ?? badShape(ctx, `starts attribute is required`);
    ends = attrInts(ctx, 'ends') ?? badShape(ctx, `ends attribute is required`);
    axes = attrInts(ctx, 'axes');
  } else {
    starts = valueOf(ctx, 1, 'starts');
    ends = valueOf(ctx, 2, 'ends');
    axes = ctx.node.inputs[3] ? valueOf(ctx, 3, 'axes') : undefined;
    steps = ctx.node.inputs[4] ? valueOf(ctx, 4, 'steps') : undefined;
  }
  if (starts.length !== ends.length) badShape(ctx, `starts and ends have different lengths`);
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  const begin = filled(r, 0);
  const step = filled(r, 1);
  const shape = [...x.shape];
  axes.forEach((a, i) => {
    const ax = normAxis(ctx, a, r);
    const st = steps![i]!;
    if (st === 0) badShape(ctx, `step 0 on axis ${a}`);
    const e = Math.abs(ends[i]!) >= INT64_MAX_AS_NUMBER ? Math.sign(ends[i]!) * Number.MAX_SAFE_INTEGER : ends[i]!;
    const [b, count] = sliceAxis(x.shape[ax]!, starts[i]!, e, st);
    begin[ax] = b;
    step[ax] = st;
    shape[ax] = count;
  });
  let value: number[] | undefined;
  if (x.value) {
    const st = strides(x.shape);
    value = [];
    forEachIndex(shape, (idx) => value!.push(x.value![idx.reduce((off, v, d) => off + (begin[d]! + v * step[d]!) * st[d]!, 0)]!));
  }
  return [tensor(x.dtype, shape, value)];
};

const gather: ShapeRule = (ctx) => {
  const data = req(ctx, 0);
  const indices = req(ctx, 1);
  const r = data.shape.length;
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), r);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  let value: number[] | undefined;
  if (data.value && indices.value && product(shape) <= 64) {
    const dim = data.shape[axis]!;
    const inner = product(data.shape.slice(axis + 1));
    const outer = product(data.shape.slice(0, axis));
    value = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of indices.value) {
        const i = raw < 0 ? raw + dim : raw;
        if (i < 0 || i >= dim) badShape(ctx, `index ${raw} out of range for dim ${dim}`);
        value.push(...data.value.slice((o * dim + i) * inner, (o * dim + i + 1) * inner));
      }
    }
  }
  return [tensor(data.dtype, shape, value)];
};

const pad: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  let pads: number[];
  let axes: number[] | undefined;
  if (ctx.opset < 11) {
    pads = attrInts(ctx, ctx.opset < 2 ? 'paddings' : 'pads') ?? badShape(ctx, `pads attribute is required`);
  } else {
    pads = valueOf(ctx, 1, 'pads');
    axes = ctx.node.inputs[3] ? valueOf(ctx, 3, 'axes').map((a) => normAxis(ctx, a, r)) : undefined;
  }
  axes ??= x.shape.map((_, i) => i);
  if (pads.length !== 2 * axes.length) badShape(ctx, `pads has ${pads.length} entries for ${axes.length} axes`);
  const shape = [...x.shape];
  axes.forEach((a, i) => {
    shape[a] = x.shape[a]! + pads[i]! + pads[i + axes!.length]!;
    if (shape[a]! < 0) badShape(ctx, `padding makes axis ${a} negative`);
  });
  return [tensor(x.dtype, shape)];
};

/** Resize (opset 10: X, scales; ≥ 11: X, roi, scales, sizes; ≥ 18: axes, keep_aspect_ratio_policy). */
const resize: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  const scalesIdx = ctx.opset < 11 ? 1 : 2;
  const sizesIdx = 3;
  const axes = (attrInts(ctx, 'axes') ?? x.shape.map((_, i) => i)).map((a) => normAxis(ctx, a, r));
  const shape = [...x.shape];
  const sizesIn = ctx.opset >= 11 ? opt(ctx, sizesIdx) : undefined;
  if (sizesIn && sizesIn.shape[0] !== 0) {
    const sizes = valueOf(ctx, sizesIdx, 'sizes');
    if (sizes.length !== axes.length) badShape(ctx, `sizes has ${sizes.length} entries for ${axes.length} axes`);
    const policy = attrString(ctx, 'keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((a, i) => (shape[a] = sizes[i]!));
    } else {
      const ratios = axes.map((a, i) => sizes[i]! / x.shape[a]!);
      const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      axes.forEach((a) => (shape[a] = Math.round(scale * x.shape[a]!)));
    }
    return [tensor(x.dtype, shape)];
  }
  if (!ctx.node.inputs[scalesIdx]) badShape(ctx, `neither scales nor sizes is given`);
  const scales = valueOf(ctx, scalesIdx, 'scales');
  if (scales.length !== axes.length) badShape(ctx, `scales has ${scales.length} entries for ${axes.length} axes`);
  axes.forEach((a, i) => (shape[a] = Math.floor(x.shape[a]! * scales[i]!)));
  return [tensor(x.dtype, shape)];
};

/** Upsample (deprecated): scales attribute (opset 7–8) or input 1 (opset 9). */
const upsample: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const scales = ctx.node.inputs[1] ? valueOf(ctx, 1, 'scales') : (attrInts(ctx, 'scales') ?? badShape(ctx, `scales are required`));
  if (scales.length !== x.shape.length) badShape(ctx, `scales has ${scales.length} entries for rank ${x.shape.length}`);
  return [tensor(x.dtype, x.shape.map((d, i) => Math.floor(d * scales[i]!)))];
};

const constantOfShape: ShapeRule = (ctx) => {
  const shape = valueOf(ctx, 0, 'output shape');
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) badShape(ctx, `invalid shape [${shape}]`);
  const v = attrTensor(ctx, 'value');
  const dtype = v?.dtype ?? 'float32';
  const fill = v ? (attrTensorValue(v)?.[0] ?? 0) : 0;
  const n = product(shape);
  return [tensor(dtype, shape, n <= 64 ? filled(n, fill) : undefined)];
};

const range: ShapeRule = (ctx) => {
  const start = valueOf(ctx, 0, 'start')[0]!;
  const limit = valueOf(ctx, 1, 'limit')[0]!;
  const delta = valueOf(ctx, 2, 'delta')[0]!;
  if (delta === 0) badShape(ctx, `delta is 0`);
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const value = n <= 64 ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined;
  return [tensor(req(ctx, 0).dtype, [n], value)];
};

const expand: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const target = valueOf(ctx, 1, 'target shape');
  const shape = broadcastShapes(ctx, [x.shape, target]);
  return [tensor(x.dtype, shape, foldBroadcast([x], shape, (v) => v))];
};

const tile: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const repeats = valueOf(ctx, 1, 'repeats');
  if (repeats.length !== x.shape.length) badShape(ctx, `repeats has ${repeats.length} entries for rank ${x.shape.length}`);
  return [tensor(x.dtype, x.shape.map((d, i) => d * repeats[i]!))];
};

const cast: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const to = onnxDType(ctx, attrInt(ctx, 'to', 1));
  return [tensor(to, [...x.shape], x.value?.map((v) => castValue(v, to)))];
};

/** Reductions: axes attribute (older opsets) or input 1 (ReduceSum ≥ 13, others ≥ 18); keepdims; noop_with_empty_axes. */
function reduce(fold?: (xs: number[]) => number): ShapeRule {
  return (ctx) => {
    const x = req(ctx, 0);
    const r = x.shape.length;
    const axes = axesFrom(ctx, 1);
    const keep = attrInt(ctx, 'keepdims', 1) === 1;
    if ((!axes || axes.length === 0) && attrInt(ctx, 'noop_with_empty_axes', 0) === 1) return [like(x, x.value)];
    const set = new Set(axes && axes.length > 0 ? axes.map((a) => normAxis(ctx, a, r)) : x.shape.map((_, i) => i));
    const shape = keep ? x.shape.map((d, i) => (set.has(i) ? 1 : d)) : x.shape.filter((_, i) => !set.has(i));
    const value = fold && x.value && r === 1 ? [fold(x.value)] : undefined;
    return [tensor(x.dtype, shape, value)];
  };
}

const argReduce: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), x.shape.length);
  const keep = attrInt(ctx, 'keepdims', 1) === 1;
  const shape = keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return [tensor('int64', shape)];
};

const depthToSpace: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const b = attrInt(ctx, 'blocksize', 0);
  if (x.shape.length !== 4 || b < 1 || x.shape[1]! % (b * b) !== 0) badShape(ctx, `bad input [${x.shape}] for blocksize ${b}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return [tensor(x.dtype, [n, c / (b * b), h * b, w * b])];
};

const spaceToDepth: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const b = attrInt(ctx, 'blocksize', 0);
  if (x.shape.length !== 4 || b < 1 || x.shape[2]! % b !== 0 || x.shape[3]! % b !== 0) badShape(ctx, `bad input [${x.shape}] for blocksize ${b}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return [tensor(x.dtype, [n, c * b * b, h / b, w / b])];
};

const topK: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', -1), x.shape.length);
  const k = ctx.opset < 10 ? attrInt(ctx, 'k', 0) : valueOf(ctx, 1, 'k')[0]!;
  const shape = [...x.shape];
  shape[axis] = k;
  return [tensor(x.dtype, shape), tensor('int64', [...shape])];
};

const gatherND: ShapeRule = (ctx) => {
  const data = req(ctx, 0);
  const idx = req(ctx, 1);
  const b = attrInt(ctx, 'batch_dims', 0);
  const last = idx.shape[idx.shape.length - 1]!;
  return [tensor(data.dtype, [...idx.shape.slice(0, -1), ...data.shape.slice(b + last)])];
};

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

registerOnce('', {
  Constant: constant,
  Shape: shapeOp,
  Size: (ctx) => [tensor('int64', [], [product(req(ctx, 0).shape)])],
  Cast: cast,
  CastLike: (ctx) => [tensor(req(ctx, 1).dtype, [...req(ctx, 0).shape])],
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  GatherElements: (ctx) => [tensor(req(ctx, 0).dtype, [...req(ctx, 1).shape])],
  GatherND: gatherND,
  ScatterND: (ctx) => [like(req(ctx, 0))],
  ScatterElements: (ctx) => [like(req(ctx, 0))],
  Pad: pad,
  Resize: resize,
  Upsample: upsample,
  ConstantOfShape: constantOfShape,
  Range: range,
  Expand: expand,
  Tile: tile,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  ReduceMean: reduce(),
  ReduceSum: reduce(sum),
  ReduceMax: reduce((xs) => Math.max(...xs)),
  ReduceMin: reduce((xs) => Math.min(...xs)),
  ReduceProd: reduce((xs) => xs.reduce((a, b) => a * b, 1)),
  ReduceL1: reduce(),
  ReduceL2: reduce(),
  ReduceLogSum: reduce(),
  ReduceLogSumExp: reduce(),
  ReduceSumSquare: reduce(),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
  CumSum: (ctx) => [like(req(ctx, 0))],
  Trilu: (ctx) => [like(req(ctx, 0))],
  NonZero: (ctx) => needsRuntime(ctx, 'the number of non-zero elements'),
  NonMaxSuppression: (ctx) => needsRuntime(ctx, 'the number of selected boxes'),
});
