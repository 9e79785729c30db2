/**
 * TFLite operators → layers, one layer per operator (every TFLite op is already one quantized kernel).
 *
 * - Per-op roles come from ./op-table.ts; kind, MACs, ST MACC and output bytes from `finishLayer`
 *   (src/analyzer/layer-ops.ts), exactly as for ONNX.
 * - Fused activations (fused_activation_function) stay on the layer (`activation`).
 * - Operators whose every output was constant-folded by shape inference (the SHAPE → STRIDED_SLICE → PACK chain
 *   that feeds a RESHAPE) produce no layer: their results are compile-time constants, as in ST's toolchain.
 * - Weight bytes = kernel + bias bytes of conv/dense layers as stored (int8 weights, int32 biases): ST's MCU
 *   "Weights Flash" convention (../shared/architectures.md §0). Other constant operands count as `constBytes`,
 *   parameter operands (axes, paddings, shapes) as neither. `quantParamBytes` = the weight and bias quantization
 *   parameters as a deployment stores them: 4 bytes per float32 scale + one element of the tensor's type per zero point.
 * - A buffer several operators share (converters de-duplicate identical constants) is charged to the first layer
 *   that reads it only, so layer bytes add up to what the file stores; `params` stays per layer (logical count).
 * - Dtypes are the ones the file declares (TFLite types every tensor); shapes come from inference.
 */
import { storageBytes, type DType } from '../dtype.ts';
import { collectActivationTensors } from '../fuse/tensors.ts';
import { constByteLength } from '../fuse/const-size.ts';
import type { ConstData, IRModel, IRNode, TensorInfo, TensorType } from '../ir.ts';
import { finishLayer, type LayerDraft } from '../layer-ops.ts';
import type { ActivationTensor, ConvGeometry, Layer } from '../layer.ts';
import { windowOut } from '../shapes/tflite-rules.ts';
import { FUSED_ACTIVATIONS, TFLITE_OPS, type TfliteOpInfo } from './op-table.ts';
import { storedRegionKey } from './reader.ts';

export interface TfliteLayers {
  layers: Layer[];
  tensors: ActivationTensor[];
  warnings: string[];
  partial: boolean;
}

function quantParamBytes(info: TensorInfo | undefined): number {
  const q = info?.quant;
  if (!q) return 0;
  return 4 * q.scales.length + q.zeroPoints.length * Math.max(1, storageBytes(info!.dtype, 1));
}

function shapeOf(types: ReadonlyMap<string, TensorType>, model: IRModel, name: string): number[] {
  const t = types.get(name);
  if (t) return [...t.shape];
  const declared = model.graph.tensors.get(name)?.shape;
  return declared ? declared.map((d) => (typeof d === 'number' ? d : 1)) : [];
}

/** SAME padding split as TensorFlow does it: total = max((out−1)·s + (k−1)·d + 1 − in, 0), begin = ⌊total/2⌋. */
function samePads(inSize: number, outSize: number, k: number, stride: number, dilation: number): [number, number] {
  const total = Math.max((outSize - 1) * stride + (k - 1) * dilation + 1 - inSize, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

function num(node: IRNode, name: string, def: number): number {
  const v = node.attrs[name];
  return typeof v === 'number' && v !== 0 ? v : def;
}

function geometry(kind: TfliteOpInfo['geometry'], node: IRNode, x: number[], w: number[] | undefined, out: number[]): ConvGeometry | undefined {
  if (!kind) return undefined;
  if (kind === 'dense') {
    if (!w || w.length !== 2) return undefined;
    return { kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1, cin: w[1]!, cout: w[0]! };
  }
  if (x.length !== 4) return undefined;
  const cin = x[3]!;
  let kh: number;
  let kw: number;
  let cout: number;
  let group: number;
  if (kind === 'pool') {
    kh = num(node, 'filter_height', 1);
    kw = num(node, 'filter_width', 1);
    cout = cin;
    group = cin;
  } else {
    if (!w || w.length !== 4) return undefined;
    kh = w[1]!;
    kw = w[2]!;
    if (kind === 'conv') {
      cout = w[0]!;
      group = w[3]! > 0 ? Math.max(1, Math.round(cin / w[3]!)) : 1;
    } else if (kind === 'depthwise') {
      cout = w[3]!;
      group = cin;
    } else {
      cout = w[0]!;
      group = 1;
    }
  }
  const sh = num(node, 'stride_h', 1);
  const sw = num(node, 'stride_w', 1);
  const dh = kind === 'pool' ? 1 : num(node, 'dilation_h_factor', 1);
  const dw = kind === 'pool' ? 1 : num(node, 'dilation_w_factor', 1);
  let pads: [number, number, number, number] = [0, 0, 0, 0];
  if (node.attrs.padding !== 'VALID') {
    // For TRANSPOSE_CONV the window slides over the output: the roles of input and output swap.
    const [inH, inW, outH, outW] = kind === 'transposeConv' ? [out[1]!, out[2]!, x[1]!, x[2]!] : [x[1]!, x[2]!, out[1]!, out[2]!];
    const [top, bottom] = samePads(inH, outH ?? windowOut(inH, kh, sh, dh, 'SAME'), kh, sh, dh);
    const [left, right] = samePads(inW, outW ?? windowOut(inW, kw, sw, dw, 'SAME'), kw, sw, dw);
    pads = [top, left, bottom, right];
  }
  return { kernel: [kh, kw], strides: [sh, sw], dilations: [dh, dw], pads, group, cin, cout };
}

/**
 * BATCH_MATMUL: the reduction length K depends on adj_x (K = a's second-last dim when set), so it is recorded
 * as `conv.cin` (and N as `cout`) like a Dense layer's, for MAC counting.
 */
function matmulGeometry(node: IRNode, a: number[], b: number[]): ConvGeometry | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const k = node.attrs.adj_x ? a[a.length - 2]! : a[a.length - 1]!;
  const n = node.attrs.adj_y ? b[b.length - 2]! : b[b.length - 1]!;
  return { kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1, cin: k, cout: n };
}

export function buildTfliteLayers(model: IRModel, types: Map<string, TensorType>): TfliteLayers {
  const g = model.graph;
  const warnings: string[] = [];
  let partial = false;
  const layers: Layer[] = [];

  // TFLite declares the dtype of every tensor: it is authoritative (shape rules can only guess QUANTIZE's).
  const typed = new Map<string, TensorType>();
  for (const [name, t] of types) {
    const declared = g.tensors.get(name)?.dtype;
    typed.set(name, declared && declared !== 'unknown' ? { ...t, dtype: declared } : t);
  }
  const dtypeOf = (name: string): DType => g.tensors.get(name)?.dtype ?? typed.get(name)?.dtype ?? 'unknown';

  /** Tensors whose values are known before run time: stored constants and the outputs of folded operators. */
  const folded = new Set<string>();
  const isConst = (name: string): boolean => name !== '' && (g.tensors.get(name)?.data !== undefined || folded.has(name));
  /**
   * Stored buffers already charged to a layer: a buffer several operators share is in flash once. Told apart by
   * where they are stored in the file (the reader's region, so a constant still on disk is not read), or for a
   * constant not made by the reader by its view's position.
   */
  const charged = new Set<string>();
  const chargeOnce = (data: ConstData): number => {
    const key = storedRegionKey(data) ?? `view ${data.bytes.byteOffset}:${data.bytes.byteLength}`;
    if (charged.has(key)) return 0;
    charged.add(key);
    return constByteLength(data);
  };

  for (const node of g.nodes) {
    const outputsKnown = node.outputs.length > 0 && node.outputs.every((o) => typed.get(o)?.value !== undefined);
    if (outputsKnown) {
      for (const o of node.outputs) folded.add(o);
      continue;
    }

    let info = TFLITE_OPS[node.opType];
    const unknown = !info;
    if (!info) {
      info = { layerOp: 'Unknown' };
      partial = true;
      warnings.push(`operator '${node.name}' (${node.opType}) is unknown to edgefit: counted as an Unknown layer with zero figures (partial)`);
    }
    let layerOp = info.layerOp;
    let weightIndex = info.weight;
    let geometryKind = info.geometry;
    if (node.opType === 'BATCH_MATMUL' && node.inputs[1] && isConst(node.inputs[1])) {
      layerOp = 'Dense';
      weightIndex = 1;
    }

    const params = new Set(info.params ?? []);
    const activationInputs: string[] = [];
    let weightBytes = 0;
    let biasBytes = 0;
    let paramsCount = 0;
    let qpBytes = 0;
    let constBytes = 0;
    let weightDtype: DType | undefined;
    let perChannel: boolean | undefined;
    node.inputs.forEach((name, k) => {
      if (name === '') return;
      const tensorInfo = g.tensors.get(name);
      if (!isConst(name)) {
        activationInputs.push(name);
        return;
      }
      const data = tensorInfo?.data;
      if (!data) return; // folded shape arithmetic: no stored bytes
      const elements = data.shape.reduce((a, b) => a * b, 1);
      if (k === weightIndex) {
        weightBytes += chargeOnce(data);
        paramsCount += elements;
        qpBytes += quantParamBytes(tensorInfo);
        weightDtype = data.dtype;
        perChannel = (tensorInfo?.quant?.scales.length ?? 0) > 1;
      } else if (k === info!.bias) {
        biasBytes += chargeOnce(data);
        paramsCount += elements;
        qpBytes += quantParamBytes(tensorInfo);
      } else if (!params.has(k)) {
        constBytes += chargeOnce(data);
      }
    });

    const x = activationInputs[0] ? shapeOf(typed, model, activationInputs[0]) : [];
    const outShapes = node.outputs.map((o) => shapeOf(typed, model, o));
    if (node.opType === 'MEAN') {
      const axes = node.inputs[1] ? typed.get(node.inputs[1])?.value : undefined;
      if (x.length === 4 && axes && axes.length === 2 && axes.map((a) => (a < 0 ? a + 4 : a)).sort().join(',') === '1,2') {
        layerOp = 'GlobalAveragePool';
      }
    }
    const w = weightIndex !== undefined && node.inputs[weightIndex] ? shapeOf(typed, model, node.inputs[weightIndex]!) : undefined;
    if (layerOp === 'MatMul') geometryKind = undefined;
    // The data input of TRANSPOSE_CONV is operand 2 (operand 0 is output_shape, a parameter).
    let conv = geometry(geometryKind, node, x, w, outShapes[0] ?? []);
    if (node.opType === 'BATCH_MATMUL') conv = matmulGeometry(node, x, node.inputs[1] ? shapeOf(typed, model, node.inputs[1]) : []);

    const fusedName = node.attrs.fused_activation_function;
    let activation = info.activation;
    if (typeof fusedName === 'string' && fusedName !== 'NONE') {
      activation = FUSED_ACTIVATIONS[fusedName];
      if (!activation) warnings.push(`operator '${node.name}': fused activation ${fusedName} is not modelled`);
    }

    const outputDtypes = node.outputs.map(dtypeOf);
    const draft: LayerDraft = {
      index: layers.length,
      name: node.name,
      op: layerOp,
      sourceOps: [node.opType],
      nodeNames: [node.name],
      inputs: activationInputs,
      outputs: [...node.outputs],
      inputShapes: activationInputs.map((i) => shapeOf(typed, model, i)),
      outputShapes: outShapes,
      inputDtypes: activationInputs.map(dtypeOf),
      outputDtypes,
      dtype: outputDtypes[0] ?? 'unknown',
      layout: 'NHWC',
      params: paramsCount,
      weightBytes: weightBytes + biasBytes,
      biasBytes,
      quantParamBytes: qpBytes,
      constBytes,
    };
    if (weightDtype) draft.weightDtype = weightDtype;
    if (perChannel !== undefined && weightDtype) draft.perChannel = perChannel;
    if (conv) draft.conv = conv;
    if (activation) draft.activation = activation;
    // the interpolation is the op itself in TFLite; kept on the layer as an ONNX Resize keeps its mode
    if (layerOp === 'Resize') draft.resizeMode = node.opType === 'RESIZE_BILINEAR' ? 'linear' : 'nearest';
    if (unknown) draft.unknown = true;
    layers.push(finishLayer(draft));
  }

  const tensors = collectActivationTensors(layers, g.inputs, g.outputs, typed);
  return { layers, tensors, warnings, partial };
}
