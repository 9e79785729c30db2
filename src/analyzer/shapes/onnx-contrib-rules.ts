/**
 * com.microsoft contrib operators that onnxruntime's quantizer and graph optimizers write into saved
 * models (besides the QLinear* family in onnx-quant-rules.ts): fused convolutions and matmuls, NHWC
 * pooling, quantized Gemm, GELU variants.
 */
import type { ShapeContext, ShapeRule } from './registry.ts';
import { convShape, matmulShape, poolShape } from './onnx-nn-rules.ts';
import { attrInt, badShape, dtypeOfInput, like, registerOnce, req, tensor, unsupportedForm } from './rule-helpers.ts';

function transposedLast2(shape: number[]): number[] {
  if (shape.length < 2) return shape;
  const s = [...shape];
  [s[s.length - 2], s[s.length - 1]] = [s[s.length - 1]!, s[s.length - 2]!];
  return s;
}

/** QGemm(A, a_scale, a_zp, B, b_scale, b_zp, C?, y_scale?, y_zp?): int8/uint8 output when y_scale is given, else float. */
const qgemm: ShapeRule = (ctx) => {
  const a = req(ctx, 0);
  const b = req(ctx, 3);
  if (a.shape.length !== 2 || b.shape.length !== 2) badShape(ctx, `QGemm needs 2-D operands, got [${a.shape}] and [${b.shape}]`);
  const [m, ka] = attrInt(ctx, 'transA', 0) ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, n] = attrInt(ctx, 'transB', 0) ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (ka !== kb) badShape(ctx, `inner dims differ: ${ka} vs ${kb}`);
  const quantOut = ctx.inputs[7] !== undefined;
  return [tensor(quantOut ? dtypeOfInput(ctx, 8, 'uint8') : 'float32', [m, n])];
};

/** FusedMatMul(A, B): transA/transB swap the last two dims; the batch-transposing forms are left partial. */
const fusedMatMul: ShapeRule = (ctx) => {
  if (attrInt(ctx, 'transBatchA', 0) || attrInt(ctx, 'transBatchB', 0)) unsupportedForm(ctx, 'FusedMatMul with transBatchA/transBatchB');
  const a = attrInt(ctx, 'transA', 0) ? transposedLast2(req(ctx, 0).shape) : req(ctx, 0).shape;
  const b = attrInt(ctx, 'transB', 0) ? transposedLast2(req(ctx, 1).shape) : req(ctx, 1).shape;
  return [tensor(req(ctx, 0).dtype, matmulShape(ctx, a, b))];
};

/** NhwcMaxPool(x [N, H, W, C]) → [N, H', W', C] with the ONNX MaxPool attributes. */
const nhwcMaxPool: ShapeRule = (ctx: ShapeContext) => {
  const x = req(ctx, 0);
  const r = x.shape.length;
  const nchw = { dtype: x.dtype, shape: [x.shape[0]!, x.shape[r - 1]!, ...x.shape.slice(1, -1)] };
  const out = poolShape(ctx, nchw);
  return [tensor(x.dtype, [out[0]!, ...out.slice(2), out[1]!])];
};

const sameAsInput: ShapeRule = (ctx) => [like(req(ctx, 0))];

registerOnce('com.microsoft', {
  QGemm: qgemm,
  FusedConv: (ctx) => [tensor(req(ctx, 0).dtype, convShape(ctx, req(ctx, 0), req(ctx, 1)))],
  FusedMatMul: fusedMatMul,
  NhwcMaxPool: nhwcMaxPool,
  Gelu: sameAsInput,
  FastGelu: sameAsInput,
  BiasGelu: sameAsInput,
  QuickGelu: sameAsInput,
});
