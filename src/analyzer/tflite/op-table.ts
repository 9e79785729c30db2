/**
 * TFLite builtin operator → what its layer is, one entry per BuiltinOperator name.
 *
 * Every TFLite operator is one (quantized) kernel, so a layer is one operator. Operand roles:
 * - `weight` / `bias`: kernel weights and bias (ST's MCU "Weights Flash" = these bytes, int8 + int32);
 * - `params`: operands that are parameters of the op rather than data (axes, paddings, perm, begin/end/strides,
 *   new shape, sizes, multiples, output_shape): stored in the file but not layer constants;
 * - any other constant operand is a layer constant (`constBytes`): scalar MINIMUM/MAXIMUM bounds, BN-as-MUL/ADD
 *   scale/offset vectors, PRELU alphas, lookup tables.
 * `geometry` says how conv geometry (kernel, strides, pads, group) is read from the operands and options.
 */
import type { Activation, LayerOp } from '../layer.ts';

export type TfliteGeometry = 'conv' | 'depthwise' | 'transposeConv' | 'pool' | 'dense';

export interface TfliteOpInfo {
  layerOp: LayerOp;
  weight?: number;
  bias?: number;
  params?: number[];
  geometry?: TfliteGeometry;
  /** Activation of a standalone activation op (LOGISTIC → sigmoid …). */
  activation?: Activation;
}

const act = (activation: Activation): TfliteOpInfo => ({ layerOp: 'Activation', activation });
const op = (layerOp: LayerOp, params?: number[]): TfliteOpInfo => (params ? { layerOp, params } : { layerOp });

export const TFLITE_OPS: Record<string, TfliteOpInfo> = {
  CONV_2D: { layerOp: 'Conv', weight: 1, bias: 2, geometry: 'conv' },
  DEPTHWISE_CONV_2D: { layerOp: 'DepthwiseConv', weight: 1, bias: 2, geometry: 'depthwise' },
  TRANSPOSE_CONV: { layerOp: 'ConvTranspose', weight: 1, bias: 3, params: [0], geometry: 'transposeConv' },
  FULLY_CONNECTED: { layerOp: 'Dense', weight: 1, bias: 2, geometry: 'dense' },
  // BATCH_MATMUL of two activations is a MatMul; with a constant right operand it becomes a Dense (see layers.ts).
  BATCH_MATMUL: op('MatMul'),
  AVERAGE_POOL_2D: { layerOp: 'AveragePool', geometry: 'pool' },
  MAX_POOL_2D: { layerOp: 'MaxPool', geometry: 'pool' },
  L2_POOL_2D: { layerOp: 'AveragePool', geometry: 'pool' },

  ADD: op('Add'),
  SUB: op('Sub'),
  MUL: op('Mul'),
  DIV: op('Div'),
  MINIMUM: op('Min'),
  MAXIMUM: op('Max'),
  SQUARED_DIFFERENCE: op('Sub'),

  // MEAN over the spatial axes of a 4-D tensor becomes GlobalAveragePool (layers.ts).
  MEAN: op('ReduceMean', [1]),
  SUM: op('ReduceSum', [1]),
  REDUCE_MAX: op('GlobalMaxPool', [1]),
  // ARG_MAX/ARG_MIN reduce one axis: counted like a global max (input elements); LayerOp has no ArgMax.
  ARG_MAX: op('GlobalMaxPool', [1]),
  ARG_MIN: op('GlobalMaxPool', [1]),

  SOFTMAX: op('Softmax'),
  LOG_SOFTMAX: op('Softmax'),
  LOGISTIC: act('sigmoid'),
  TANH: act('tanh'),
  RELU: act('relu'),
  RELU6: act('relu6'),
  RELU_N1_TO_1: act('clip'),
  RELU_0_TO_1: act('clip'),
  LEAKY_RELU: act('leakyrelu'),
  HARD_SWISH: act('hardswish'),
  PRELU: act('prelu'),
  GELU: act('gelu'),

  QUANTIZE: op('Quantize'),
  DEQUANTIZE: op('Dequantize'),
  CAST: op('Cast'),

  RESHAPE: op('Reshape', [1]),
  SQUEEZE: op('Reshape'),
  EXPAND_DIMS: op('Reshape', [1]),
  SHAPE: op('Shape'),
  STRIDED_SLICE: op('Slice', [1, 2, 3]),
  SLICE: op('Slice', [1, 2]),
  SPLIT: op('Split', [0]),
  SPLIT_V: op('Split', [1, 2]),
  UNPACK: op('Split'),
  PACK: op('Concat'),
  CONCATENATION: op('Concat'),
  // TILE repeats its input along axes: a copy like Concat.
  TILE: op('Concat', [1]),
  GATHER: op('Gather'),
  PAD: op('Pad', [1]),
  PADV2: op('Pad', [1, 2]),
  MIRROR_PAD: op('Pad', [1]),
  TRANSPOSE: op('Transpose', [1]),
  SPACE_TO_DEPTH: op('Transpose'),
  DEPTH_TO_SPACE: op('Transpose'),
  RESIZE_NEAREST_NEIGHBOR: op('Resize', [1]),
  RESIZE_BILINEAR: op('Resize', [1]),
};

/** TFLite fused_activation_function option → layer activation (undefined for NONE). */
export const FUSED_ACTIVATIONS: Record<string, Activation | undefined> = {
  NONE: undefined,
  RELU: 'relu',
  RELU6: 'relu6',
  RELU_N1_TO_1: 'clip',
  TANH: 'tanh',
};
