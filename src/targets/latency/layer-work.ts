/**
 * The work one layer asks of an engine, in the units the latency model prices: MACs by kind, output
 * elements, bytes moved, elements streamed by non-MAC kernels, one kernel call. A model's latency features
 * are the sums of these over its layers (ModelFeatures.latencyWork), so the fitted linear model can be
 * applied to each layer alone: Σ per-layer time + per-inference constant = the predicted total, exactly.
 */
import type { Layer } from '../../analyzer/layer.ts';

export const WORK_TERMS = [
  'macs_conv', // k×k convolution (k > 1)
  'macs_pointwise', // 1×1 convolution
  'macs_depthwise',
  'macs_dense', // dense + activation×activation matmul
  'macs_gemm', // conv + pointwise + dense + matmul: what a GEMM library (XNNPACK, CMSIS-NN) runs as one kernel family
  'macs_short', // conv/dense MACs whose reduction is < 32 long
  'macs_long', // conv/dense MACs whose reduction is ≥ 256 long
  'macs_dw_s2_same', // stride-2 depthwise with TensorFlow SAME padding left implicit (asymmetric pads)
  'ops_eltwise',
  'ops_pool',
  'ops_other', // activation, softmax, quantize/dequantize, data movement
  'elems_stream', // input + output elements of non-MAC kernels (eltwise, pool, reduce, activation, convert, data movement)
  'out_conv', // output elements of conv/pointwise/depthwise/dense layers
  'reads_conv', // Σ MACs/Cout of k×k and 1×1 convs (input-window reads)
  'bytes_act', // activation bytes read + written
  'bytes_weights', // kernel weights + biases
  'layers', // kernel calls (views excluded)
  'elems_pool_in', // input elements of pooling layers (max / average / global): what a pool kernel streams
] as const;
export type WorkTerm = (typeof WORK_TERMS)[number];
export type LayerWork = Record<WorkTerm, number>;

/** Σ over shapes of Π dims, in the order `reduce` adds them (indexed loops: no iterator results or closures). */
function elems(shapes: readonly (readonly number[])[], count = shapes.length): number {
  let s = 0;
  for (let i = 0; i < count; i++) s = s + product(shapes[i]!);
  return s;
}

function product(shape: readonly number[]): number {
  let p = 1;
  for (let j = 0; j < shape.length; j++) p = p * shape[j]!;
  return p;
}

function dtypeBytes(dt: string | undefined): number {
  return dt === 'float32' || dt === 'int32' ? 4 : dt === 'float16' || dt === 'int16' ? 2 : 1;
}

export function emptyWork(): LayerWork {
  // A literal in WORK_TERMS order (Object.fromEntries made dictionary-mode objects, slow to read per layer).
  return {
    macs_conv: 0,
    macs_pointwise: 0,
    macs_depthwise: 0,
    macs_dense: 0,
    macs_gemm: 0,
    macs_short: 0,
    macs_long: 0,
    macs_dw_s2_same: 0,
    ops_eltwise: 0,
    ops_pool: 0,
    ops_other: 0,
    elems_stream: 0,
    out_conv: 0,
    reads_conv: 0,
    bytes_act: 0,
    bytes_weights: 0,
    layers: 0,
    elems_pool_in: 0,
  };
}

export function layerWork(l: Layer): LayerWork {
  const w = emptyWork();
  if (l.kind === 'view') return w;
  const outputs = elems(l.outputShapes);
  const k = l.kind;
  if (k === 'conv') w.macs_conv = l.macs;
  else if (k === 'pointwise') w.macs_pointwise = l.macs;
  else if (k === 'depthwise') w.macs_depthwise = l.macs;
  else if (k === 'dense' || k === 'matmul') w.macs_dense = l.macs;
  else if (k === 'eltwise') w.ops_eltwise = l.macs;
  else if (k === 'pool' || k === 'globalpool') {
    w.ops_pool = l.macs;
    w.elems_pool_in = elems(l.inputShapes, Math.min(1, l.inputShapes.length));
  }
  else w.ops_other = l.macs;
  if (k === 'conv' || k === 'pointwise' || k === 'dense' || k === 'matmul') w.macs_gemm = l.macs;
  const c = l.conv;
  const reduction = c ? (c.kernel[0] * c.kernel[1] * c.cin) / Math.max(1, c.group) : k === 'dense' ? (l.inputShapes[0]?.at(-1) ?? 0) : Infinity;
  if (l.macsUnit === 'mac' && reduction < 32) w.macs_short = l.macs;
  if (l.macsUnit === 'mac' && Number.isFinite(reduction) && reduction >= 256) w.macs_long = l.macs;
  if (k === 'depthwise' && c && (c.strides[0] > 1 || c.strides[1] > 1) && (c.pads[0] !== c.pads[2] || c.pads[1] !== c.pads[3])) w.macs_dw_s2_same = l.macs;
  if (l.macsUnit === 'mac') w.out_conv = outputs;
  else w.elems_stream = elems(l.inputShapes) + outputs;
  if ((k === 'conv' || k === 'pointwise') && c) w.reads_conv = l.macs / Math.max(1, c.cout);
  let inBytes = 0;
  for (let i = 0; i < l.inputShapes.length; i++) inBytes += product(l.inputShapes[i]!) * dtypeBytes(l.inputDtypes[i]);
  w.bytes_act = inBytes + l.outputBytes;
  w.bytes_weights = l.weightBytes;
  w.layers = 1;
  return w;
}

/** Σ layerWork over the layers. */
export function modelWork(layers: Layer[]): LayerWork {
  return sumWork(layers.map(layerWork));
}

/** Σ of per-layer work terms, in layer order (modelWork of layers whose layerWork is already known). */
export function sumWork(works: readonly LayerWork[]): LayerWork {
  const sum = emptyWork();
  // every term spelled out (a keyed `sum[t] += w[t]` over WORK_TERMS cost ~1 ms on 500 layers); the same
  // additions in the same order. A term added to WORK_TERMS must be added here too (as in emptyWork).
  for (let i = 0; i < works.length; i++) {
    const w = works[i]!;
    sum.macs_conv += w.macs_conv;
    sum.macs_pointwise += w.macs_pointwise;
    sum.macs_depthwise += w.macs_depthwise;
    sum.macs_dense += w.macs_dense;
    sum.macs_gemm += w.macs_gemm;
    sum.macs_short += w.macs_short;
    sum.macs_long += w.macs_long;
    sum.macs_dw_s2_same += w.macs_dw_s2_same;
    sum.ops_eltwise += w.ops_eltwise;
    sum.ops_pool += w.ops_pool;
    sum.ops_other += w.ops_other;
    sum.elems_stream += w.elems_stream;
    sum.out_conv += w.out_conv;
    sum.reads_conv += w.reads_conv;
    sum.bytes_act += w.bytes_act;
    sum.bytes_weights += w.bytes_weights;
    sum.layers += w.layers;
    sum.elems_pool_in += w.elems_pool_in;
  }
  return sum;
}
