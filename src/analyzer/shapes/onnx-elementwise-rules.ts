/**
 * ONNX elementwise operators: unary activations and math (output = input shape), and the multidirectional
 * broadcasting binary/variadic ops (Add, Mul, Equal, Where, Max, …). Small integer values are folded so
 * exporters' shape arithmetic (Mul/Add/Div/Sub/Equal/Where on dims) stays known.
 */
import type { TensorType } from '../ir.ts';
import type { DType } from '../dtype.ts';
import type { ShapeContext, ShapeRule } from './registry.ts';
import { broadcastShapes, divFor, foldBroadcast, like, req, sameDims, tensor, registerOnce } from './rule-helpers.ts';

/** Output = input 0, same shape and dtype; optional fold of small values. */
function unary(fold?: (x: number) => number): ShapeRule {
  return (ctx) => {
    const x = req(ctx, 0);
    return [like(x, fold && x.value ? x.value.map(fold) : undefined)];
  };
}

/** The default output dtype of a broadcasting op: input 0's. */
function input0DType(ctx: ShapeContext): DType {
  return req(ctx, 0).dtype;
}

/**
 * Broadcast over all present inputs; output dtype from `dtypeOf` (default: input 0). Operands of one shape (the
 * activations of a SiLU's Mul, a residual Add) give the first one's shape array back, shared (see infer.ts).
 */
/** `pairwise`: `fold` is binary and folds any number of operands from the left (foldBroadcast; variadic ops). */
function broadcasting(fold?: (dtype: DType) => (...xs: number[]) => number, dtypeOf: (ctx: ShapeContext) => DType = input0DType, pairwise = false): ShapeRule {
  return (ctx) => {
    const inputs = ctx.inputs;
    if (inputs.length === 2) {
      // two operands with no values to fold (a SiLU's Mul, a residual Add, a scale by a constant): no operand list
      const a = inputs[0];
      const b = inputs[1];
      if (a !== undefined && b !== undefined && !(fold !== undefined && a.value !== undefined && b.value !== undefined)) {
        const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(ctx, [a.shape, b.shape]);
        return [tensor(dtypeOf(ctx), shape)];
      }
    }
    const ins: TensorType[] = [];
    // only a rule that folds reads the values, and only while every operand so far has one (an ONNX
    // constant's value is decoded when first read)
    let allValues = fold !== undefined;
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i];
      if (t === undefined) continue;
      ins.push(t);
      if (allValues && !t.value) allValues = false;
    }
    if (ins.length === 0) req(ctx, 0);
    const shape = sameDims(ins) ? ins[0]!.shape : broadcastShapes(ctx, ins.map(shapeOf));
    const dtype = dtypeOf(ctx);
    if (!fold) return [tensor(dtype, shape)];
    const x0 = req(ctx, 0);
    // the fold function only for operands that all carry values (foldBroadcast gives none otherwise)
    return [tensor(dtype, shape, allValues ? foldBroadcast(ins, shape, fold(x0.dtype), pairwise) : undefined)];
  };
}

/** Whether two shapes have the same dims (then broadcasting gives the first back). */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function shapeOf(t: TensorType): number[] {
  return t.shape;
}

const bool = (): DType => 'bool';
const truthy = (b: boolean): number => (b ? 1 : 0);

const unaryRules: Record<string, ShapeRule> = {
  Identity: unary((x) => x),
  Relu: unary((x) => Math.max(0, x)),
  Neg: unary((x) => -x),
  Abs: unary((x) => Math.abs(x)),
  Floor: unary((x) => Math.floor(x)),
  Ceil: unary((x) => Math.ceil(x)),
  Round: unary((x) => {
    // round half to even, as ONNX Round
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
  }),
  Sign: unary((x) => Math.sign(x)),
  Not: unary((x) => (x ? 0 : 1)),
  Sqrt: unary(),
  Exp: unary(),
  Log: unary(),
  Reciprocal: unary(),
  Erf: unary(),
  Sigmoid: unary(),
  HardSigmoid: unary(),
  HardSwish: unary(),
  Tanh: unary(),
  LeakyRelu: unary(),
  Elu: unary(),
  Selu: unary(),
  Celu: unary(),
  ThresholdedRelu: unary(),
  Softplus: unary(),
  Softsign: unary(),
  Mish: unary(),
  Gelu: unary(),
  Sin: unary(),
  Cos: unary(),
  Tan: unary(),
  Asin: unary(),
  Acos: unary(),
  Atan: unary(),
  Sinh: unary(),
  Cosh: unary(),
  Asinh: unary(),
  Acosh: unary(),
  Atanh: unary(),
  IsNaN: (ctx) => [tensor('bool', [...req(ctx, 0).shape])],
  IsInf: (ctx) => [tensor('bool', [...req(ctx, 0).shape])],
  /** Clip: opset < 11 min/max attributes, ≥ 11 optional min/max inputs; output always like input 0. */
  Clip: unary(),
  /** Elementwise with a learnt slope that broadcasts unidirectionally to X. */
  PRelu: broadcasting(),
  /** Output 0 like X; output 1 (mask, training only) bool of the same shape. */
  Dropout: (ctx) => {
    const x = req(ctx, 0);
    return [like(x, x.value), tensor('bool', [...x.shape])];
  },
};

const binaryRules: Record<string, ShapeRule> = {
  Add: broadcasting(() => (a, b) => a + b),
  Sub: broadcasting(() => (a, b) => a - b),
  Mul: broadcasting(() => (a, b) => a * b),
  Div: broadcasting((dt) => divFor(dt)),
  Pow: broadcasting(() => (a, b) => a ** b),
  Mod: broadcasting(),
  BitShift: broadcasting(),
  // variadic: folded pairwise (a node may have 10^5 operands)
  Max: broadcasting(() => (a, b) => Math.max(a, b), input0DType, true),
  Min: broadcasting(() => (a, b) => Math.min(a, b), input0DType, true),
  Sum: broadcasting(() => (a, b) => a + b, input0DType, true),
  Mean: broadcasting(),
  Equal: broadcasting(() => (a, b) => truthy(a === b), bool),
  Less: broadcasting(() => (a, b) => truthy(a < b), bool),
  LessOrEqual: broadcasting(() => (a, b) => truthy(a <= b), bool),
  Greater: broadcasting(() => (a, b) => truthy(a > b), bool),
  GreaterOrEqual: broadcasting(() => (a, b) => truthy(a >= b), bool),
  And: broadcasting(() => (a, b) => truthy(!!a && !!b), bool),
  Or: broadcasting(() => (a, b) => truthy(!!a || !!b), bool),
  Xor: broadcasting(() => (a, b) => truthy(!!a !== !!b), bool),
  /** Where(cond, X, Y): three-way broadcast, dtype of X. */
  Where: broadcasting(
    () => (c, x, y) => (c ? x : y),
    (ctx) => req(ctx, 1).dtype,
  ),
};

registerOnce('', { ...unaryRules, ...binaryRules });
