/**
 * ONNX neural-network operators: convolutions, pooling, normalisation, Gemm/MatMul, softmax.
 * No layout is assumed beyond what each op's spec fixes (Conv/Pool are channel-first by definition);
 * NHWC models reach them through explicit Transposes.
 *
 * The shape functions (convShape, poolShape, matmulShape) are exported for the quantized variants
 * (QLinearConv, ConvInteger, QLinearMatMul, …) in onnx-quant-rules.ts.
 */
import type { ShapeContext, ShapeRule } from './registry.ts';
import { attrInt, attrInts, attrString, badShape, broadcastShapes, filled, like, normAxis, req, tensor, registerOnce } from './rule-helpers.ts';
import type { TensorType } from '../ir.ts';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [x1_begin, x2_begin, …, x1_end, x2_end, …] as in ONNX `pads`. */
  pads: number[];
  autoPad: string;
}

function windowAttrs(ctx: ShapeContext, spatial: number, kernel: number[]): Window {
  const strides = attrInts(ctx, 'strides') ?? filled(spatial, 1);
  const dilations = attrInts(ctx, 'dilations') ?? filled(spatial, 1);
  const pads = attrInts(ctx, 'pads') ?? filled(2 * spatial, 0);
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  checkWindowLengths(ctx, spatial, kernel, strides, dilations, pads);
  return { kernel, strides, dilations, pads, autoPad };
}

/**
 * The window attributes' lengths against the spatial rank, and positive strides (an absent attribute, undefined,
 * takes its default and passes): windowAttrs's checks, and convShape's, which reads the attributes without defaults.
 */
function checkWindowLengths(ctx: ShapeContext, spatial: number, kernel?: number[], strides?: number[], dilations?: number[], pads?: number[]): void {
  if (kernel !== undefined && kernel.length !== spatial) badShape(ctx, `kernel_shape has ${kernel.length} dims for ${spatial} spatial dims`);
  if (strides !== undefined && strides.length !== spatial) badShape(ctx, `strides has ${strides.length} entries for ${spatial} spatial dims`);
  if (dilations !== undefined && dilations.length !== spatial) badShape(ctx, `dilations has ${dilations.length} entries for ${spatial} spatial dims`);
  if (pads !== undefined && pads.length !== 2 * spatial) badShape(ctx, `pads has ${pads.length} entries for ${spatial} spatial dims`);
  if (strides !== undefined) for (let i = 0; i < spatial; i++) if (strides[i]! <= 0) badShape(ctx, `strides must be positive`);
}

/**
 * Spatial output sizes of a pooling window, as onnxruntime computes them (pool_attributes.h): SAME pads
 * are sized from the undilated kernel, then the dilated window slides over the padded input; ceil_mode
 * rounds up but drops a last window that would start beyond the input and its leading padding.
 */
function poolOutput(ctx: ShapeContext, inSpatial: number[], w: Window, ceil: boolean): number[] {
  return inSpatial.map((inSize, i) => {
    const s = w.strides[i]!;
    const k = w.kernel[i]!;
    const dk = (k - 1) * w.dilations[i]! + 1;
    let padTotal: number;
    let padBegin: number;
    switch (w.autoPad) {
      case 'SAME_UPPER':
      case 'SAME_LOWER':
        padTotal = (Math.ceil(inSize / s) - 1) * s + k - inSize;
        padBegin = w.autoPad === 'SAME_LOWER' ? Math.floor((padTotal + 1) / 2) : Math.floor(padTotal / 2);
        break;
      case 'VALID':
        padTotal = 0;
        padBegin = 0;
        break;
      case 'NOTSET':
      case '':
        padBegin = w.pads[i]!;
        padTotal = padBegin + w.pads[i + inSpatial.length]!;
        break;
      default:
        badShape(ctx, `unknown auto_pad '${w.autoPad}'`);
    }
    const span = (inSize + padTotal - dk) / s;
    let out = (ceil ? Math.ceil(span) : Math.floor(span)) + 1;
    if (ceil && (out - 1) * s >= inSize + padBegin) out--;
    if (out < 1) badShape(ctx, `window of ${dk} does not fit input size ${inSize} (output ${out})`);
    return out;
  });
}

/**
 * An INTS attribute's entry i, or `def` when the attribute is absent; `list` is the attribute as attrInts read it
 * (its length checked by the caller against the spatial rank, as windowAttrs does).
 */
function entryOr(list: number[] | undefined, i: number, def: number): number {
  return list === undefined ? def : list[i]!;
}

/**
 * Conv output shape: X [N, C, D1…Dn], W [M, C/group, k1…kn] → [N, M, O1…On]. The same checks and sizes as
 * windowAttrs and the ONNX spec's output formula, read straight from the attributes: no Window object and no default arrays per node
 * (every layer of a CNN is a Conv).
 */
export function convShape(ctx: ShapeContext, x: TensorType, w: TensorType): number[] {
  const xs = x.shape;
  const ws = w.shape;
  const rank = xs.length;
  const spatial = rank - 2;
  if (spatial < 1) badShape(ctx, `input rank ${rank} is too small for a convolution`);
  if (ws.length !== rank) badShape(ctx, `weight rank ${ws.length} differs from input rank ${rank}`);
  const group = attrInt(ctx, 'group', 1);
  if (!(group >= 1)) badShape(ctx, `group ${group} is not a positive count`);
  if (xs[1] !== ws[1]! * group) {
    badShape(ctx, `input channels ${xs[1]} ≠ weight channels ${ws[1]} × group ${group}`);
  }
  const kernel = attrInts(ctx, 'kernel_shape');
  const strides = attrInts(ctx, 'strides');
  const dilations = attrInts(ctx, 'dilations');
  const pads = attrInts(ctx, 'pads');
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  checkWindowLengths(ctx, spatial, kernel, strides, dilations, pads);
  // one comparison per node for the usual spelling, instead of one per spatial dim
  const mode = autoPad === 'NOTSET' || autoPad === '' ? 0 : autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER' ? 1 : autoPad === 'VALID' ? 2 : -1;
  if (mode < 0) badShape(ctx, `unknown auto_pad '${autoPad}'`);
  let h = 0;
  const out: number[] | undefined = spatial === 2 ? undefined : [xs[0]!, ws[0]!];
  for (let i = 0; i < spatial; i++) {
    const inSize = xs[i + 2]!;
    const s = entryOr(strides, i, 1);
    const dk = (entryOr(kernel, i, ws[i + 2]!) - 1) * entryOr(dilations, i, 1) + 1;
    const size =
      mode === 0
        ? Math.floor((inSize + entryOr(pads, i, 0) + entryOr(pads, i + spatial, 0) - dk) / s) + 1
        : mode === 1
          ? Math.ceil(inSize / s)
          : Math.ceil((inSize - dk + 1) / s);
    if (size < 1) badShape(ctx, `window of ${dk} does not fit input size ${inSize} (output ${size})`);
    if (out !== undefined) out.push(size);
    else if (i === 0) h = size;
    else return [xs[0]!, ws[0]!, h, size]; // the 2-D case as one literal (packed, no growth)
  }
  return out!;
}

/** Pooling output shape over [N, C, D1…Dn] (kernel_shape required; ceil_mode; dilations). */
export function poolShape(ctx: ShapeContext, x: TensorType): number[] {
  const spatial = x.shape.length - 2;
  if (spatial < 1) badShape(ctx, `input rank ${x.shape.length} is too small for pooling`);
  const kernel = attrInts(ctx, 'kernel_shape');
  if (!kernel) badShape(ctx, `kernel_shape attribute is required`);
  if (kernel.some((k) => !Number.isInteger(k) || k <= 0)) badShape(ctx, `kernel_shape [${kernel.join(', ')}] is not a list of positive sizes`);
  const win = windowAttrs(ctx, spatial, kernel);
  const ceil = attrInt(ctx, 'ceil_mode', 0) === 1;
  return [x.shape[0]!, x.shape[1]!, ...poolOutput(ctx, x.shape.slice(2), win, ceil)];
}

/** numpy matmul: 1-D operands promoted then squeezed, batch dims broadcast. */
export function matmulShape(ctx: ShapeContext, a: number[], b: number[]): number[] {
  if (a.length === 0 || b.length === 0) badShape(ctx, `MatMul operands must not be scalars`);
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const k1 = a2[a2.length - 1]!;
  const k2 = b2[b2.length - 2]!;
  if (k1 !== k2) badShape(ctx, `inner dims differ: [${a.join(',')}] × [${b.join(',')}]`);
  const batch = broadcastShapes(ctx, [a2.slice(0, -2), b2.slice(0, -2)]);
  const out = [...batch];
  if (a.length > 1) out.push(a2[a2.length - 2]!);
  if (b.length > 1) out.push(b2[b2.length - 1]!);
  return out;
}

function globalPool(ctx: ShapeContext): TensorType[] {
  const x = req(ctx, 0);
  if (x.shape.length < 3) badShape(ctx, `input rank ${x.shape.length} is too small for global pooling`);
  return [tensor(x.dtype, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)])];
}

const pool: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const shape = poolShape(ctx, x);
  return [tensor(x.dtype, shape), tensor('int64', [...shape])];
};

/** ConvTranspose: W [C, M/group, k…]; output_shape wins, else SAME gives in·stride, else the explicit formula. */
const convTranspose: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const w = req(ctx, 1);
  const spatial = x.shape.length - 2;
  if (spatial < 1) badShape(ctx, `input rank ${x.shape.length} is too small for a convolution`);
  if (w.shape.length !== x.shape.length) badShape(ctx, `weight rank ${w.shape.length} differs from input rank ${x.shape.length}`);
  const group = attrInt(ctx, 'group', 1);
  // ONNX: C divisible by group (a group of 0 made the output 0 channels and the layer's MACs NaN: fuzz seed 43)
  if (!(group >= 1) || x.shape[1]! % group !== 0) badShape(ctx, `group ${group} does not divide the ${x.shape[1]} input channels`);
  if (x.shape[1] !== w.shape[0]) badShape(ctx, `input channels ${x.shape[1]} ≠ weight dim 0 ${w.shape[0]}`);
  const kernel = attrInts(ctx, 'kernel_shape') ?? w.shape.slice(2);
  const win = windowAttrs(ctx, spatial, kernel);
  const outPad = attrInts(ctx, 'output_padding') ?? filled(spatial, 0);
  const outputShape = attrInts(ctx, 'output_shape');
  const inSpatial = x.shape.slice(2);
  let outSpatial: number[];
  if (outputShape) {
    outSpatial = outputShape.slice(outputShape.length - spatial);
  } else {
    outSpatial = inSpatial.map((inSize, i) => {
      const s = win.strides[i]!;
      const dk = (win.kernel[i]! - 1) * win.dilations[i]! + 1;
      const full = s * (inSize - 1) + (outPad[i] ?? 0) + dk;
      if (win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER') {
        // total padding is clamped at zero (ORT ComputeTransposePadAndOutputShape)
        return full - Math.max(0, full - inSize * s);
      }
      if (win.autoPad === 'VALID') return full;
      return full - win.pads[i]! - win.pads[i + spatial]!;
    });
  }
  if (outSpatial.some((d) => d < 1)) badShape(ctx, `output size [${outSpatial.join(',')}] is not positive`);
  return [tensor(x.dtype, [x.shape[0]!, w.shape[1]! * group, ...outSpatial])];
};

const gemm: ShapeRule = (ctx) => {
  const a = req(ctx, 0);
  const b = req(ctx, 1);
  if (a.shape.length !== 2 || b.shape.length !== 2) badShape(ctx, `Gemm needs 2-D operands, got [${a.shape}] and [${b.shape}]`);
  const [m, ka] = attrInt(ctx, 'transA', 0) ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
  const [kb, n] = attrInt(ctx, 'transB', 0) ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
  if (ka !== kb) badShape(ctx, `inner dims differ: ${ka} vs ${kb}`);
  return [tensor(a.dtype, [m, n])];
};

/** Outputs 1…4 (training mode / old opsets: running mean/var, saved mean/var) are per-channel vectors. */
const batchNorm: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const c = x.shape.length > 1 ? x.shape[1]! : 1;
  const scale = ctx.inputs[1];
  return [like(x), ...[1, 2, 3, 4].map(() => tensor(scale?.dtype ?? x.dtype, [c]))];
};

/** LayerNormalization: Y like X; Mean / InvStdDev keep dims before `axis` and 1 after. */
const layerNorm: ShapeRule = (ctx) => {
  const x = req(ctx, 0);
  const axis = normAxis(ctx, attrInt(ctx, 'axis', -1), x.shape.length);
  const stat = x.shape.map((d, i) => (i < axis ? d : 1));
  return [like(x), tensor('float32', stat), tensor('float32', [...stat])];
};

const sameAsInput: ShapeRule = (ctx) => [like(req(ctx, 0))];

registerOnce('', {
  Conv: (ctx) => [tensor(req(ctx, 0).dtype, convShape(ctx, req(ctx, 0), req(ctx, 1)))],
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: (ctx) => [tensor(req(ctx, 0).dtype, poolShape(ctx, req(ctx, 0)))],
  LpPool: (ctx) => [tensor(req(ctx, 0).dtype, poolShape(ctx, req(ctx, 0)))],
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Gemm: gemm,
  MatMul: (ctx) => [tensor(req(ctx, 0).dtype, matmulShape(ctx, req(ctx, 0).shape, req(ctx, 1).shape))],
  BatchNormalization: batchNorm,
  InstanceNormalization: sameAsInput,
  LayerNormalization: layerNorm,
  GroupNormalization: sameAsInput,
  LpNormalization: sameAsInput,
  LRN: sameAsInput,
  MeanVarianceNormalization: sameAsInput,
  Softmax: sameAsInput,
  LogSoftmax: sameAsInput,
  Hardmax: sameAsInput,
  /** Deprecated (opset < 10), still in old exports (squeezenet): per-channel scale and bias. */
  ImageScaler: sameAsInput,
});
