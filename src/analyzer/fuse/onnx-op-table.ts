/**
 * ONNX op type → what the fused layer is, one entry per op type (domain-qualified where it matters).
 * Operand roles say which static inputs are kernel weights, biases, weight quantization parameters, or
 * activation quantization parameters (the latter are not layer constants: they travel with activations).
 * Any other static operand is a layer constant (`constBytes`), except small int64 shape-like operands.
 */
import type { Activation, LayerOp } from '../layer.ts';

export type OpFamily =
  | 'conv' // Conv-like with a 4-D (or 3-D) kernel
  | 'convT'
  | 'gemm' // Dense when the weight operand is static, else MatMul
  | 'eltwise'
  | 'pool'
  | 'globalpool'
  | 'reduce'
  | 'softmax'
  | 'activation'
  | 'batchnorm'
  | 'move'
  | 'view'
  | 'convert'
  | 'shape';

export interface OnnxOpInfo {
  layerOp: LayerOp;
  family: OpFamily;
  /** Operand index of the kernel weight (conv/gemm). */
  weight?: number;
  bias?: number;
  /** Operand indices of the weight's scale / zero point (QLinear* and *Integer ops). */
  weightQuant?: number[];
  /** Operand indices of activation scales / zero points (QLinear* ops). */
  activationQuant?: number[];
  /** Integer op whose int32 result is rescaled by a following Cast → Mul(scale) → Add(bias) epilogue. */
  integerEpilogue?: boolean;
  activation?: Activation;
}

const conv = (extra: Partial<OnnxOpInfo> = {}): OnnxOpInfo => ({ layerOp: 'Conv', family: 'conv', weight: 1, bias: 2, ...extra });
const elt = (layerOp: LayerOp, extra: Partial<OnnxOpInfo> = {}): OnnxOpInfo => ({ layerOp, family: 'eltwise', ...extra });
const act = (activation: Activation, extra: Partial<OnnxOpInfo> = {}): OnnxOpInfo => ({ layerOp: 'Activation', family: 'activation', activation, ...extra });
const move = (layerOp: LayerOp): OnnxOpInfo => ({ layerOp, family: 'move' });
const view: OnnxOpInfo = { layerOp: 'Reshape', family: 'view' };

/** Keyed by opType for ai.onnx; `com.microsoft::<op>` for contrib ops that differ. */
export const ONNX_OPS: Record<string, OnnxOpInfo> = {
  Conv: conv(),
  QLinearConv: conv({ weight: 3, bias: 8, weightQuant: [4, 5], activationQuant: [1, 2, 6, 7] }),
  ConvInteger: conv({ bias: undefined, weightQuant: [3], activationQuant: [2], integerEpilogue: true }),
  ConvTranspose: { layerOp: 'ConvTranspose', family: 'convT', weight: 1, bias: 2 },
  Gemm: { layerOp: 'Dense', family: 'gemm', weight: 1, bias: 2 },
  MatMul: { layerOp: 'Dense', family: 'gemm', weight: 1 },
  QLinearMatMul: { layerOp: 'Dense', family: 'gemm', weight: 3, weightQuant: [4, 5], activationQuant: [1, 2, 6, 7] },
  MatMulInteger: { layerOp: 'Dense', family: 'gemm', weight: 1, weightQuant: [3], activationQuant: [2], integerEpilogue: true },
  'com.microsoft::QGemm': { layerOp: 'Dense', family: 'gemm', weight: 3, bias: 6, weightQuant: [4, 5], activationQuant: [1, 2, 7, 8] },
  'com.microsoft::DynamicQuantizeMatMul': { layerOp: 'Dense', family: 'gemm', weight: 1, bias: 4, weightQuant: [2, 3] },
  'com.microsoft::MatMulIntegerToFloat': { layerOp: 'Dense', family: 'gemm', weight: 1, bias: 6, weightQuant: [3, 5], activationQuant: [2, 4] },
  'com.microsoft::FusedConv': conv(),
  Add: elt('Add'),
  Sub: elt('Sub'),
  Mul: elt('Mul'),
  Div: elt('Div'),
  Max: elt('Max'),
  Min: elt('Min'),
  Sum: elt('Add'),
  Mean: elt('Add'),
  Pow: elt('Mul'),
  Sqrt: act('none'),
  'com.microsoft::QLinearAdd': elt('Add', { activationQuant: [1, 2, 4, 5, 6, 7] }),
  'com.microsoft::QLinearMul': elt('Mul', { activationQuant: [1, 2, 4, 5, 6, 7] }),
  AveragePool: { layerOp: 'AveragePool', family: 'pool' },
  MaxPool: { layerOp: 'MaxPool', family: 'pool' },
  'com.microsoft::QLinearAveragePool': { layerOp: 'AveragePool', family: 'pool', activationQuant: [1, 2, 3, 4] },
  GlobalAveragePool: { layerOp: 'GlobalAveragePool', family: 'globalpool' },
  GlobalMaxPool: { layerOp: 'GlobalMaxPool', family: 'globalpool' },
  'com.microsoft::QLinearGlobalAveragePool': { layerOp: 'GlobalAveragePool', family: 'globalpool', activationQuant: [1, 2, 3, 4] },
  ReduceMean: { layerOp: 'ReduceMean', family: 'reduce' },
  ReduceSum: { layerOp: 'ReduceSum', family: 'reduce' },
  // Max/min searches: no canonical op of their own; counted like a global max pool (one op per input element).
  ReduceMax: { layerOp: 'GlobalMaxPool', family: 'reduce' },
  ReduceMin: { layerOp: 'GlobalMaxPool', family: 'reduce' },
  ArgMax: { layerOp: 'GlobalMaxPool', family: 'reduce' },
  ArgMin: { layerOp: 'GlobalMaxPool', family: 'reduce' },
  Softmax: { layerOp: 'Softmax', family: 'softmax' },
  LogSoftmax: { layerOp: 'Softmax', family: 'softmax' },
  'com.microsoft::QLinearSoftmax': { layerOp: 'Softmax', family: 'softmax', activationQuant: [1, 2, 3, 4] },
  Relu: act('relu'),
  Clip: act('clip'),
  Sigmoid: act('sigmoid'),
  Tanh: act('tanh'),
  HardSwish: act('hardswish'),
  HardSigmoid: act('hardsigmoid'),
  LeakyRelu: act('leakyrelu'),
  PRelu: act('prelu'),
  Elu: act('none'),
  Selu: act('none'),
  Gelu: act('gelu'),
  Erf: act('none'),
  Exp: act('none'),
  Log: act('none'),
  Abs: act('none'),
  Neg: act('none'),
  Reciprocal: act('none'),
  Floor: act('none'),
  Round: act('none'),
  Softplus: act('none'),
  'com.microsoft::QLinearSigmoid': act('sigmoid', { activationQuant: [1, 2, 3, 4] }),
  'com.microsoft::QLinearLeakyRelu': act('leakyrelu', { activationQuant: [1, 2, 3, 4] }),
  BatchNormalization: { layerOp: 'BatchNorm', family: 'batchnorm' },
  InstanceNormalization: { layerOp: 'BatchNorm', family: 'batchnorm' },
  ImageScaler: { layerOp: 'BatchNorm', family: 'batchnorm' }, // per-channel scale + bias (opset < 10)
  Concat: move('Concat'),
  'com.microsoft::QLinearConcat': { layerOp: 'Concat', family: 'move' },
  Split: move('Split'),
  Slice: move('Slice'),
  Gather: move('Gather'),
  Pad: move('Pad'),
  Resize: move('Resize'),
  Upsample: move('Resize'),
  Transpose: move('Transpose'),
  DepthToSpace: move('Transpose'),
  SpaceToDepth: move('Transpose'),
  Tile: move('Concat'),
  Expand: move('Concat'),
  Reshape: view,
  Flatten: view,
  Squeeze: view,
  Unsqueeze: view,
  Identity: view,
  Dropout: view,
  Cast: { layerOp: 'Cast', family: 'convert' },
  QuantizeLinear: { layerOp: 'Quantize', family: 'convert' },
  DequantizeLinear: { layerOp: 'Dequantize', family: 'convert' },
  DynamicQuantizeLinear: { layerOp: 'Quantize', family: 'convert' },
  Shape: { layerOp: 'Shape', family: 'shape' },
  Size: { layerOp: 'Shape', family: 'shape' },
  ConstantOfShape: { layerOp: 'Shape', family: 'shape' },
  Range: { layerOp: 'Shape', family: 'shape' },
  NonZero: { layerOp: 'Shape', family: 'shape' },
  Equal: elt('Sub'),
  Where: elt('Max'),
};

/** Domains whose ops share the ai.onnx entries (ORT registers QuantizeLinear etc. in com.microsoft too). */
export function onnxOpInfo(domain: string, opType: string): OnnxOpInfo | undefined {
  const d = domain === 'ai.onnx' ? '' : domain;
  if (d !== '') {
    const own = ONNX_OPS[`${d}::${opType}`];
    if (own) return own;
    if (d !== 'com.microsoft') return undefined;
  }
  return ONNX_OPS[opType];
}

export function isQuantizeOp(domain: string, opType: string): boolean {
  return opType === 'QuantizeLinear' && (domain === '' || domain === 'ai.onnx' || domain === 'com.microsoft');
}

export function isDequantizeOp(domain: string, opType: string): boolean {
  return opType === 'DequantizeLinear' && (domain === '' || domain === 'ai.onnx' || domain === 'com.microsoft');
}

/** Activations a conv/dense/eltwise layer absorbs when they follow it directly with a single consumer. */
export const FUSABLE_ACTIVATIONS = new Set(['Relu', 'Clip']);
