/**
 * Which bytes a layer's output may share with an input it consumes last ("juxtaposed/overlapping elementary
 * areas", ST patent US 11,500,767; ../shared/st-toolchain-facts.md §2). One entry per LayerOp.
 *
 * - view: no kernel; the output is the input buffer (Reshape/Flatten/Squeeze/Unsqueeze/Identity/Dropout).
 * - elementwise: element i of the output is written after element i of the input is read, both walked
 *   upwards, so the output may start at the input's offset (true in place when sizes match; a wider output,
 *   e.g. int8 → float32 Dequantize, must start |O − I| bytes lower). Activations, Quantize/Dequantize/Cast,
 *   BatchNorm, Softmax (row-wise: reads a row before writing it) and elementwise binary ops whose operand has
 *   the output's element count.
 * - rows: a window kernel (Conv, DepthwiseConv, MaxPool, AveragePool) writes output row y after which it only
 *   reads input rows ≥ y·stride − pad_top; see `rowOverlapDeltaBytes`.
 * - backward: Pad fills its output from the last row to the first, so the output may end where the input ends.
 * - none: the kernel reads the whole input for each output element (Dense, MatMul, global pooling, reductions),
 *   or moves data in an order we do not model (Concat, Split, Slice, Gather, Transpose, Resize, ConvTranspose).
 *
 * Evidence: an X-CUBE-AI generated network.c (borealis-zhe/STM32H7_EMNIST_with_touchscreen@8cb19983,
 * CM7/X-CUBE-AI/App/network.c, `network_configure_activations`) places `conversion_0` at the input's offset
 * (elementwise in place), each conv/depthwise output below and overlapping its input, and the Pad output
 * ending exactly where its input ends. docs/memory.md lists the offsets.
 */
import type { Layer, LayerOp } from '../layer.ts';
import { hwc } from './scratch-rules.ts';

export type OverlapKind = 'view' | 'elementwise' | 'rows' | 'backward' | 'none';

export const OVERLAP_KIND: Record<LayerOp, OverlapKind> = {
  Conv: 'rows',
  DepthwiseConv: 'rows',
  ConvTranspose: 'none',
  Dense: 'none',
  MatMul: 'none',
  Add: 'elementwise',
  Sub: 'elementwise',
  Mul: 'elementwise',
  Div: 'elementwise',
  Max: 'elementwise',
  Min: 'elementwise',
  AveragePool: 'rows',
  MaxPool: 'rows',
  GlobalAveragePool: 'none',
  GlobalMaxPool: 'none',
  ReduceMean: 'none',
  ReduceSum: 'none',
  Softmax: 'elementwise',
  Activation: 'elementwise',
  BatchNorm: 'elementwise',
  Concat: 'none',
  Split: 'none',
  Slice: 'none',
  Gather: 'none',
  Pad: 'backward',
  Resize: 'none',
  Transpose: 'none',
  Reshape: 'view',
  Quantize: 'elementwise',
  Dequantize: 'elementwise',
  Cast: 'elementwise',
  Shape: 'none',
  Unknown: 'none',
};

const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Largest `offset(output) − offset(input)` at which a row-walking window kernel never overwrites input it
 * still needs: output row y (Ro bytes) is written once rows < y·s − pad_top of the input (Ri bytes each) are
 * dead, so the condition is  out + (y+1)·Ro ≤ in + max(0, y·s − pad_top)·Ri  for every output row y.
 * Layout-neutral: rows are H, a row holds W·C elements (ST runs channel-last kernels).
 */
export function rowOverlapDeltaBytes(layer: Layer, inputOperand: number): number | undefined {
  const g = layer.conv;
  const inDims = hwc(layer.inputShapes[inputOperand], layer.layout);
  const outDims = hwc(layer.outputShapes[0], layer.layout);
  if (!g || !inDims || !outDims) return undefined;
  const inBytes = elementBytes(layer.inputDtypes[inputOperand]);
  const outBytes = elementBytes(layer.outputDtypes[0]);
  if (inBytes <= 0 || outBytes <= 0) return undefined;
  const rowIn = inDims[1] * inDims[2] * inBytes;
  const rowOut = outDims[1] * outDims[2] * outBytes;
  const stride = g.strides[0];
  const padTop = g.pads[0];
  let delta = Infinity;
  for (let y = 0; y < outDims[0]; y++) {
    delta = Math.min(delta, Math.max(0, y * stride - padTop) * rowIn - (y + 1) * rowOut);
  }
  return Number.isFinite(delta) ? delta : undefined;
}

function elementBytes(dtype: string | undefined): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
    case 'uint64':
      return 8;
    case 'float32':
    case 'int32':
    case 'uint32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
    case 'uint16':
      return 2;
    case 'int8':
    case 'uint8':
    case 'bool':
    case 'float8e4m3fn':
    case 'float8e4m3fnuz':
    case 'float8e5m2':
    case 'float8e5m2fnuz':
      return 1;
    default:
      return 0; // sub-byte and unknown: no overlap modelled
  }
}

/** An overlap allowance between a layer's output and one of its inputs (offset difference output − input). */
export interface LayerOverlap {
  inputOperand: number;
  direction: 'forward' | 'backward';
  deltaBytes: number;
}

/**
 * The overlap a layer allows between its (single) output and its input operand `operand`, or undefined.
 * Callers check that the input dies at this layer.
 */
export function layerOverlap(layer: Layer, operand: number, inputSizeBytes: number, outputSizeBytes: number): LayerOverlap | undefined {
  if (layer.outputs.length !== 1) return undefined;
  switch (OVERLAP_KIND[layer.op]) {
    case 'elementwise': {
      const inShape = layer.inputShapes[operand];
      const outShape = layer.outputShapes[0];
      if (!inShape || !outShape || product(inShape) !== product(outShape)) return undefined;
      return { inputOperand: operand, direction: 'forward', deltaBytes: Math.min(0, inputSizeBytes - outputSizeBytes) };
    }
    case 'rows': {
      if (operand !== 0) return undefined;
      const delta = rowOverlapDeltaBytes(layer, operand);
      return delta === undefined ? undefined : { inputOperand: 0, direction: 'forward', deltaBytes: delta };
    }
    case 'backward':
      if (operand !== 0) return undefined;
      return { inputOperand: 0, direction: 'backward', deltaBytes: inputSizeBytes - outputSizeBytes };
    default:
      return undefined;
  }
}

/**
 * Bytes a forward/backward overlap saves compared with two disjoint buffers: I + O − span, where the span
 * is the smallest extent covering both at a safe relative offset.
 */
export function overlapSavingBytes(inputBytes: number, outputBytes: number, direction: 'forward' | 'backward', deltaBytes: number): number {
  // forward: out = in + d with d ≤ delta; span = max(in+I, out+O) − min(in, out).
  // backward: out = in + d with d ≥ delta.
  const spanAt = (d: number) => Math.max(inputBytes, d + outputBytes) - Math.min(0, d);
  let best = inputBytes + outputBytes;
  const candidates =
    direction === 'forward'
      ? [Math.min(deltaBytes, 0), Math.min(deltaBytes, inputBytes - outputBytes), deltaBytes]
      : [Math.max(deltaBytes, 0), Math.max(deltaBytes, inputBytes - outputBytes), deltaBytes];
  for (const d of candidates) {
    const ok = direction === 'forward' ? d <= deltaBytes : d >= deltaBytes;
    if (ok) best = Math.min(best, spanAt(d));
  }
  return Math.max(0, inputBytes + outputBytes - best);
}
