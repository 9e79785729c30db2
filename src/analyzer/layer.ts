/**
 * The fused layer list: what a deployment runtime executes (one kernel per layer) and what users read.
 * Produced from the IR by fusion (ONNX QDQ / QOperator / float graphs) or 1:1 from TFLite operators.
 * Everything after this point (memory planning, targets, reports) works on layers and activation
 * tensors only and never learns which file format a model came from.
 */
import type { DType } from './dtype.ts';
import type { ModelFormat } from './ir.ts';

/** Canonical layer ops, shared by every reader. */
export type LayerOp =
  | 'Conv'
  | 'DepthwiseConv'
  | 'ConvTranspose'
  | 'Dense' // Gemm, FULLY_CONNECTED, MatMul with a constant weight
  | 'MatMul' // MatMul of two activations
  | 'Add'
  | 'Sub'
  | 'Mul'
  | 'Div'
  | 'Max'
  | 'Min'
  | 'AveragePool'
  | 'MaxPool'
  | 'GlobalAveragePool'
  | 'GlobalMaxPool'
  | 'ReduceMean'
  | 'ReduceSum'
  | 'Softmax'
  | 'Activation' // Relu, Relu6/Clip, Sigmoid, Tanh, HardSwish, LeakyRelu, PRelu, HardSigmoid (see `activation`)
  | 'BatchNorm' // un-folded scale/offset
  | 'Concat'
  | 'Split'
  | 'Slice'
  | 'Gather'
  | 'Pad'
  | 'Resize'
  | 'Transpose'
  | 'Reshape' // Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout (views)
  | 'Quantize'
  | 'Dequantize'
  | 'Cast'
  | 'Shape' // shape arithmetic left in the graph at run time
  | 'Unknown';

/** Coarse kind used by latency models and charts. */
export type LayerKind =
  | 'conv' // k×k convolution (k > 1)
  | 'pointwise' // 1×1 convolution
  | 'depthwise'
  | 'dense'
  | 'matmul'
  | 'eltwise'
  | 'pool'
  | 'globalpool'
  | 'activation'
  | 'softmax'
  | 'datamove' // concat, split, slice, gather, pad, transpose, resize
  | 'view' // reshape-like, no data movement
  | 'convert' // quantize, dequantize, cast
  | 'other'
  | 'unknown';

export type Activation = 'relu' | 'relu6' | 'clip' | 'sigmoid' | 'tanh' | 'hardswish' | 'hardsigmoid' | 'leakyrelu' | 'prelu' | 'swish' | 'gelu' | 'none';

export type ResizeMode = 'nearest' | 'linear' | 'cubic';

export interface ConvGeometry {
  kernel: [number, number]; // kh, kw
  strides: [number, number];
  dilations: [number, number];
  pads: [number, number, number, number]; // top, left, bottom, right
  group: number;
  cin: number;
  cout: number;
}

export interface Layer {
  index: number;
  name: string;
  op: LayerOp;
  kind: LayerKind;
  /** Source node op types fused into this layer, e.g. ['DequantizeLinear', 'Conv', 'Relu', 'QuantizeLinear']. */
  sourceOps: string[];
  nodeNames: string[];
  /** Activation tensors read (constants excluded), in operand order. */
  inputs: string[];
  /** Activation tensors written. */
  outputs: string[];
  inputShapes: number[][];
  outputShapes: number[][];
  inputDtypes: DType[];
  outputDtypes: DType[];
  /** Compute/output activation dtype (int8 for quantized layers, float32 for float). */
  dtype: DType;
  /** Layout of 4-D activations. */
  layout: 'NCHW' | 'NHWC';
  /** Weight element type of the kernel (int8, int4, float32 …) when the layer has weights. */
  weightDtype?: DType;
  perChannel?: boolean;
  conv?: ConvGeometry;
  /** Activation applied by this layer (fused or standalone). */
  activation?: Activation;
  /**
   * Interpolation of a Resize layer read from an ONNX Resize / Upsample `mode` attribute (default 'nearest'; the
   * opset-1 Upsample's 'bilinear' is 'linear'). TFLite layers carry it in their source op instead
   * (RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR). ST's runtime runs the two modes with different kernels.
   */
  resizeMode?: ResizeMode;
  /** Multiply-accumulates for conv/dense/matmul; elementary operations for other kinds (see `macsUnit`). */
  macs: number;
  macsUnit: 'mac' | 'op';
  /** The same work counted as ST's analyzer counts MACC (see README "MACs and ST's MACC"). */
  stMacc: number;
  /** Weight + bias element count. */
  params: number;
  /** Kernel weight bytes + bias bytes (int8 1 B, int4 ½ B packed, int32 bias 4 B, float 4 B). */
  weightBytes: number;
  biasBytes: number;
  /** Scales and zero points of weights/biases (per-channel storage), counted separately from weightBytes. */
  quantParamBytes: number;
  /** Other constants the layer reads (scalar operands, BN scale/offset, lookup tables), in bytes. */
  constBytes: number;
  /** Bytes of the output activation tensor(s). */
  outputBytes: number;
  /** Set when the op is unknown to edgefit: shapes may be guessed and figures are zero. */
  unknown?: boolean;
}

/** An activation buffer between layers (graph inputs and outputs included). */
export interface ActivationTensor {
  name: string;
  shape: number[];
  dtype: DType;
  bytes: number;
  /** Index of the producing layer; -1 for a graph input. */
  producer: number;
  /** Indices of consuming layers in schedule order. */
  consumers: number[];
  isGraphInput: boolean;
  isGraphOutput: boolean;
}

export interface TensorSummary {
  name: string;
  shape: number[];
  dtype: DType;
}

export interface ModelSummary {
  path: string;
  format: ModelFormat;
  fileBytes: number;
  producer: string;
  opsets: Record<string, number>;
  inputs: TensorSummary[];
  outputs: TensorSummary[];
}

export interface Totals {
  macs: number;
  /** Sum of layer macs whose unit is 'mac' (conv, dense, matmul) — the usual "MACs" of a network. */
  macsConvDense: number;
  stMacc: number;
  params: number;
  /** Kernel weights + biases: ST's "Weights Flash" convention for MCU int8 models. */
  weightBytes: number;
  /**
   * ST's MCU "Weights Flash" estimate: kernel weights + biases + the other constants layers read
   * (elementwise operands, un-folded BN, anchor tables). Equals weightBytes for plain conv/dense nets.
   */
  weightsFlashBytes?: number;
  quantParamBytes: number;
  /** Every constant byte stored in the file (weights, biases, scales, zero points, scalars, shapes). */
  fileConstBytes: number;
  /** Peak activation RAM of the "st" plan (filled by memory planning). */
  activationPeakBytes?: number;
}

export interface Analysis {
  model: ModelSummary;
  layers: Layer[];
  tensors: ActivationTensor[];
  totals: Totals;
  partial: boolean;
  warnings: string[];
}
