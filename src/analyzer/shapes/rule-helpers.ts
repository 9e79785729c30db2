/**
 * Small helpers shared by the shape rules: attribute access with defaults, axis normalisation, broadcasting,
 * and the constant-folding of small values (the shape sub-graphs exporters emit: Shape → Gather → Concat →
 * Reshape). Errors name the node so a user can find it.
 */
import type { ConstData, TensorType } from '../ir.ts';
import type { DType } from '../dtype.ts';
import { EdgefitError } from '../errors.ts';
import { decodeSmallConst } from '../const-data.ts';
import { findShapeRule, registerShapeRules, type ShapeContext, type ShapeRule } from './registry.ts';

/** Tensors up to this many elements carry their folded `value` (shape vectors, axes, scales). */
export const MAX_VALUE_ELEMENTS = 64;

/** ONNX uses INT64_MAX / INT64_MIN as "to the end" in Slice; decoded int64 arrive as ±9.223372036854776e18. */
export const INT64_MAX_AS_NUMBER = 9223372036854775807;

/** Op type as users read it: contrib domains prefixed (`com.microsoft:QLinearAdd`), ONNX and TFLite ops bare. */
export function opLabel(node: { domain: string; opType: string }): string {
  const d = node.domain;
  return d && d !== 'ai.onnx' && d !== 'tflite' ? `${d}:${node.opType}` : node.opType;
}

/** `node 'name' (Op)`; infer.ts labels nodes the same way. */
export function where(ctx: ShapeContext): string {
  return `node '${ctx.node.name}' (${opLabel(ctx.node)})`;
}

export function badShape(ctx: ShapeContext, message: string): never {
  throw new EdgefitError('BAD_SHAPE', `${where(ctx)}: ${message}`);
}

/** The rule cannot resolve the output without a runtime value (a shape computed from data): partial result. */
export function needsRuntime(ctx: ShapeContext, what: string): never {
  throw new EdgefitError('DYNAMIC_DIM', `${where(ctx)}: ${what} is only known at run time`);
}

/** A legal form this analyser does not model (sparse constants, batch-transposed matmuls): partial result. */
export function unsupportedForm(ctx: ShapeContext, what: string): never {
  throw new EdgefitError('DYNAMIC_DIM', `${where(ctx)}: ${what} is not supported by the shape rules`);
}

/** Required input i (throws BAD_SHAPE when absent). */
export function req(ctx: ShapeContext, i: number): TensorType {
  const t = ctx.inputs[i];
  if (!t) badShape(ctx, `input ${i} is required but missing`);
  return t;
}

/** Optional input i (undefined when omitted). */
export function opt(ctx: ShapeContext, i: number): TensorType | undefined {
  return ctx.inputs[i];
}

/** The folded value of input i, or a DYNAMIC_DIM error naming what was needed. */
export function valueOf(ctx: ShapeContext, i: number, what: string): number[] {
  const t = req(ctx, i);
  if (!t.value) needsRuntime(ctx, `${what} (input ${i} '${ctx.node.inputs[i]}')`);
  return t.value;
}

export function attrInt(ctx: ShapeContext, name: string, def: number): number {
  const v = ctx.attr(name);
  if (v === undefined) return def;
  if (typeof v !== 'number') badShape(ctx, `attribute ${name} should be an int`);
  return v;
}

export function attrFloat(ctx: ShapeContext, name: string, def: number): number {
  return attrInt(ctx, name, def);
}

export function attrInts(ctx: ShapeContext, name: string): number[] | undefined {
  const v = ctx.attr(name);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return [v];
  if (!Array.isArray(v)) badShape(ctx, `attribute ${name} should be a list of ints`);
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') badShape(ctx, `attribute ${name} should be a list of ints`);
  return v as number[];
}

export function attrString(ctx: ShapeContext, name: string, def: string): string {
  const v = ctx.attr(name);
  if (v === undefined) return def;
  if (typeof v !== 'string') badShape(ctx, `attribute ${name} should be a string`);
  return v;
}

export function attrTensor(ctx: ShapeContext, name: string): ConstData | undefined {
  const v = ctx.attr(name);
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || !('bytes' in v)) badShape(ctx, `attribute ${name} should be a tensor`);
  return v;
}

/** Normalises a possibly negative axis against `rank`; BAD_SHAPE when out of range. */
export function normAxis(ctx: ShapeContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) badShape(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** `n` copies of `v` (a loop: `new Array(n).fill(v)` is a runtime call, several times slower on the short arrays rules make). */
export function filled(n: number, v: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = v;
  return out;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether every shape has the dims of the first (then broadcasting gives the first back). */
export function sameDims(shapes: readonly { shape: readonly number[] }[]): boolean {
  const first = shapes[0]!.shape;
  for (let k = 1; k < shapes.length; k++) {
    const s = shapes[k]!.shape;
    if (s === first) continue;
    if (s.length !== first.length) return false;
    for (let i = 0; i < s.length; i++) if (s[i] !== first[i]) return false;
  }
  return true;
}

/** Multidirectional (numpy) broadcasting of any number of shapes. */
export function broadcastShapes(ctx: ShapeContext, shapes: number[][]): number[] {
  let rank = 0;
  for (let k = 0; k < shapes.length; k++) rank = Math.max(rank, shapes[k]!.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) out[i] = 1;
  for (let k = 0; k < shapes.length; k++) {
    const s = shapes[k]!;
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!;
      const o = out[off + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[off + i] = d;
      else badShape(ctx, `shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')} cannot be broadcast`);
    }
  }
  return out;
}

/** Row-major strides of `shape`, with 0 stride on broadcast dims when seen from `outShape`. */
function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const strides = filled(outShape.length, 0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const oi = outShape.length - shape.length + i;
    strides[oi] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

/**
 * Applies `fn` elementwise over broadcast small values; undefined when any value is missing or the result is large.
 * `pairwise` (the variadic Max, Min, Sum): `fn` is binary and applied from the left over the operands, fn(fn(a, b), c) …,
 * one operand given back as it is; a spread of one argument per operand overflowed the call stack on a node with 10^5
 * inputs. Otherwise `fn` takes every operand at once (fixed-arity ops: Add, Where …).
 */
export function foldBroadcast(
  inputs: (TensorType | undefined)[],
  outShape: number[],
  fn: (...xs: number[]) => number,
  pairwise = false,
): number[] | undefined {
  const n = product(outShape);
  if (n > MAX_VALUE_ELEMENTS) return undefined;
  if (inputs.some((t) => !t || !t.value)) return undefined;
  const ts = inputs as TensorType[];
  const strides = ts.map((t) => broadcastStrides(t.shape, outShape));
  const out = new Array<number>(n);
  const idx = filled(outShape.length, 0);
  const operand = (j: number): number => {
    let off = 0;
    for (let d = 0; d < idx.length; d++) off += idx[d]! * strides[j]![d]!;
    return ts[j]!.value![off]!;
  };
  for (let k = 0; k < n; k++) {
    if (pairwise) {
      let acc = operand(0);
      for (let j = 1; j < ts.length; j++) acc = fn(acc, operand(j));
      out[k] = acc;
    } else {
      const args = new Array<number>(ts.length);
      for (let j = 0; j < ts.length; j++) args[j] = operand(j);
      out[k] = fn(...args);
    }
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A TensorType, with `value` attached only when given and small. */
export function tensor(dtype: DType, shape: number[], value?: number[]): TensorType {
  if (value && value.length === product(shape) && value.length <= MAX_VALUE_ELEMENTS) return { dtype, shape, value };
  return { dtype, shape };
}

/** Same shape and dtype as `t` (its shape array, shared: see infer.ts), optionally carrying a new value. */
export function like(t: TensorType, value?: number[]): TensorType {
  return tensor(t.dtype, t.shape, value);
}

export function isIntDType(d: DType): boolean {
  return d.startsWith('int') || d.startsWith('uint') || d === 'bool';
}

/** Integer division semantics of ONNX Div on integer tensors (truncation toward zero). */
export function divFor(dtype: DType): (a: number, b: number) => number {
  return isIntDType(dtype) ? (a, b) => Math.trunc(a / b) : (a, b) => a / b;
}

/** Rounds a folded float to an integer for integer dtypes (used by Cast). */
export function castValue(v: number, to: DType): number {
  if (to === 'bool') return v ? 1 : 0;
  if (isIntDType(to)) return Math.trunc(v);
  if (to === 'float32') return Math.fround(v);
  return v;
}

/** Value of a constant tensor held in an attribute (Constant.value, ConstantOfShape.value), when small. */
export function attrTensorValue(data: ConstData): number[] | undefined {
  return decodeSmallConst(data, MAX_VALUE_ELEMENTS);
}

/** The dtype a zero-point-like optional input implies, else `def`. */
export function dtypeOfInput(ctx: ShapeContext, i: number, def: DType): DType {
  return ctx.inputs[i]?.dtype ?? def;
}

/** registerShapeRules, refusing an op type that already has a rule (one entry per op type, STYLE.md). */
export function registerOnce(domain: string, table: Record<string, ShapeRule>): void {
  for (const op of Object.keys(table)) {
    if (findShapeRule(domain, op)) throw new Error(`shape rule for ${domain || 'ai.onnx'}:${op} registered twice`);
  }
  registerShapeRules(domain, table);
}
