/**
 * Quantization operators: ONNX QuantizeLinear / DequantizeLinear / DynamicQuantizeLinear, the QOperator
 * forms (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger) and the com.microsoft contrib ops
 * (QuantizeLinear/DequantizeLinear, QLinearAdd/Mul/Sigmoid/LeakyRelu/GlobalAveragePool/AveragePool/Concat,
 * MatMulIntegerToFloat, DynamicQuantizeMatMul). Output dtypes follow the zero point (or output_dtype).
 */
import { ONNX_DTYPES, type DType } from '../dtype.ts';
import type { TensorType } from '../ir.ts';
import type { ShapeContext, ShapeRule } from './registry.ts';
import { convShape, matmulShape, poolShape } from './onnx-nn-rules.ts';
import { attrInt, badShape, broadcastShapes, dtypeOfInput, normAxis, req, tensor , registerOnce } from './rule-helpers.ts';

/**
 * The output_dtype attribute of a QuantizeLinear/DequantizeLinear (0 when absent). Read here first, a property
 * load that sees only the few attribute layouts of Q/DQ nodes, rather than through ctx.attr, which every rule
 * shares with every attribute name: on a QDQ graph two nodes in three are Q/DQ and almost none has the attribute.
 */
function outputDTypeCode(ctx: ShapeContext): number {
  if (ctx.node.attrs['output_dtype'] === undefined) return 0;
  return attrInt(ctx, 'output_dtype', 0);
}

/** QuantizeLinear(x, y_scale, y_zero_point?): dtype from output_dtype (opset ≥ 21), else zero point, else uint8. */
const quantizeLinear: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const code = outputDTypeCode(ctx);
  let dtype: DType = dtypeOfInput(ctx, 2, 'uint8');
  if (code) {
    const d = ONNX_DTYPES[code];
    if (!d) badShape(ctx, `unknown output_dtype ${code}`);
    dtype = d;
  }
  return [tensor(dtype, x.shape)];
};

/** DequantizeLinear(x, x_scale, x_zero_point?): same shape as x, dtype of the scale (float32/float16/bfloat16). */
const dequantizeLinear: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const code = outputDTypeCode(ctx);
  const dtype = code ? (ONNX_DTYPES[code] ?? badShape(ctx, `unknown output_dtype ${code}`)) : dtypeOfInput(ctx, 1, 'float32');
  return [tensor(dtype, x.shape)];
};

const dynamicQuantizeLinear: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  return [tensor('uint8', [...x.shape]), tensor('float32', []), tensor('uint8', [])];
};

/** QLinearConv(x, x_s, x_zp, w, w_s, w_zp, y_s, y_zp, B?) */
const qlinearConv: ShapeRule = (ctx) => [tensor(dtypeOfInput(ctx, 7, req(ctx, 0).dtype), convShape(ctx, req(ctx, 0), req(ctx, 3)))];

/** QLinearMatMul(a, a_s, a_zp, b, b_s, b_zp, y_s, y_zp) */
const qlinearMatMul: ShapeRule = (ctx) => [
  tensor(dtypeOfInput(ctx, 7, req(ctx, 0).dtype), matmulShape(ctx, req(ctx, 0).shape, req(ctx, 3).shape)),
];

/** QLinearAdd / QLinearMul (A, A_s, A_zp, B, B_s, B_zp, C_s, C_zp): broadcast, dtype of C_zp or A. */
const qlinearBinary: ShapeRule = (ctx) => [
  tensor(dtypeOfInput(ctx, 7, req(ctx, 0).dtype), broadcastShapes(ctx, [req(ctx, 0).shape, req(ctx, 3).shape])),
];

/** QLinearSigmoid / QLinearLeakyRelu / QLinearSoftmax (X, X_s, X_zp, Y_s, Y_zp): like X, dtype of Y_zp or X. */
const qlinearUnary: ShapeRule = (ctx) => [tensor(dtypeOfInput(ctx, 4, req(ctx, 0).dtype), [...req(ctx, 0).shape])];

/** QLinearGlobalAveragePool (X, x_s, x_zp, y_s, y_zp), channels_last attribute. */
const qlinearGlobalAveragePool: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  if (r < 3) badShape(ctx, `input rank ${r} is too small for global pooling`);
  const shape = attrInt(ctx, 'channels_last', 0)
    ? [x.shape[0]!, ...x.shape.slice(1, -1).map(() => 1), x.shape[r - 1]!]
    : [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
  return [tensor(dtypeOfInput(ctx, 4, x.dtype), shape)];
};

/** QLinearAveragePool (X, x_s, x_zp, y_s, y_zp), channels_last attribute. */
const qlinearAveragePool: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const dtype = dtypeOfInput(ctx, 4, x.dtype);
  if (!attrInt(ctx, 'channels_last', 0)) return [tensor(dtype, poolShape(ctx, x))];
  const r = x.shape.length;
  const nchw: TensorType = { dtype: x.dtype, shape: [x.shape[0]!, x.shape[r - 1]!, ...x.shape.slice(1, -1)] };
  const out = poolShape(ctx, nchw);
  return [tensor(dtype, [out[0]!, ...out.slice(2), out[1]!])];
};

/** QLinearConcat (Y_s, Y_zp, then (X, X_s, X_zp) triples), axis attribute. */
const qlinearConcat: ShapeRule = (ctx) => {
  const xs: TensorType[] = [];
  for (let i = 2; i < ctx.inputs.length; i += 3) xs.push(req(ctx, i));
  if (xs.length === 0) badShape(ctx, `no inputs to concatenate`);
  const r = xs[0]!.shape.length;
  const axis = normAxis(ctx, attrInt(ctx, 'axis', 0), r);
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((s, t) => {
    if (t.shape.length !== r || t.shape.some((d, i) => i !== axis && d !== shape[i])) {
      badShape(ctx, `inputs [${xs[0]!.shape}] and [${t.shape}] cannot be concatenated on axis ${axis}`);
    }
    return s + t.shape[axis]!;
  }, 0);
  return [tensor(dtypeOfInput(ctx, 1, xs[0]!.dtype), shape)];
};

registerOnce('', {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  DynamicQuantizeLinear: dynamicQuantizeLinear,
  QLinearConv: qlinearConv,
  QLinearMatMul: qlinearMatMul,
  ConvInteger: (ctx) => [tensor('int32', convShape(ctx, req(ctx, 0), req(ctx, 1)))],
  MatMulInteger: (ctx) => [tensor('int32', matmulShape(ctx, req(ctx, 0).shape, req(ctx, 1).shape))],
});

registerOnce('com.microsoft', {
  QuantizeLinear: quantizeLinear,
  DequantizeLinear: dequantizeLinear,
  QLinearAdd: qlinearBinary,
  QLinearMul: qlinearBinary,
  QLinearSigmoid: qlinearUnary,
  QLinearLeakyRelu: qlinearUnary,
  QLinearSoftmax: qlinearUnary,
  QLinearGlobalAveragePool: qlinearGlobalAveragePool,
  QLinearAveragePool: qlinearAveragePool,
  QLinearConcat: qlinearConcat,
  /** MatMulIntegerToFloat(A, B, a_scale, b_scale, a_zp?, b_zp?, bias?) → float. */
  MatMulIntegerToFloat: (ctx) => [tensor(dtypeOfInput(ctx, 2, 'float32'), matmulShape(ctx, req(ctx, 0).shape, req(ctx, 1).shape))],
  /** DynamicQuantizeMatMul(A float, B int8, b_scale, b_zp?, bias?) → float. */
  DynamicQuantizeMatMul: (ctx) => [tensor(req(ctx, 0).dtype, matmulShape(ctx, req(ctx, 0).shape, req(ctx, 1).shape))],
});
