/**
 * Per-canonical-op knowledge for fused layers, one entry per `LayerOp` (see ../../shared STYLE: "per-operator
 * knowledge in a table"). Every reader (ONNX fusion, TFLite 1:1) builds a layer draft and calls `finishLayer`,
 * so kind, MACs, ST's MACC and output bytes are computed identically whatever the file format.
 *
 * Our MACs (docs/analyze.md):
 * - Conv/DepthwiseConv: Cout·Hout·Wout·(Cin/group)·Kh·Kw (= output elements × Cin/group × Kh·Kw, batch included).
 * - ConvTranspose: input elements × (Cout/group)·Kh·Kw (every input pixel scatters one kernel).
 * - Dense / MatMul: M·N·K (= output elements × K).
 * - Everything else is counted in operations (`macsUnit: 'op'`): elementwise/activation/convert = output
 *   elements, pooling = output elements × window, global pool/reduce = input elements, data movement = 0.
 *
 * ST's MACC (`stMacc`, ST Edge AI `analyze` "macc", model level): rules from
 * ../shared/st-toolchain-facts.md §1.7, each reproduced exactly against public analyze reports there
 * (R-U5, R-N6, R-N6b, R-MP). Rules marked "assumed" were not seen in a report.
 */
import { storageBytes, type DType } from './dtype.ts';
import type { Layer, LayerKind, LayerOp } from './layer.ts';
import { sameElementsAndBytes } from './memory/overlap-rules.ts';
import { kernelScratchBytes, type ScratchEngineName } from './memory/scratch-rules.ts';

/**
 * The kernel library a layer runs on, for scratch-buffer rules: 'st' = ST's MCU runtime (rules read off generated
 * code, memory/st-scratch-rules.ts); CMSIS-NN 'dsp' = Cortex-M4/M7/M33, 'mve' = Helium/M55, 'none' = M0/M3.
 */
export type ScratchEngine = ScratchEngineName;

/** Figures a reader supplies; `finishLayer` computes the rest. Weight figures default to 0. */
export type LayerDraft = Omit<
  Layer,
  'kind' | 'macs' | 'macsUnit' | 'stMacc' | 'outputBytes' | 'params' | 'weightBytes' | 'biasBytes' | 'quantParamBytes' | 'constBytes'
> &
  Partial<Pick<Layer, 'params' | 'weightBytes' | 'biasBytes' | 'quantParamBytes' | 'constBytes'>>;

/** What an op entry reads: a layer whose derived figures may not be filled in yet. */
export type LayerShapeView = LayerDraft | Layer;

export interface LayerOpEntry {
  kind(layer: LayerShapeView): LayerKind;
  macsUnit: 'mac' | 'op';
  /** Our MACs (macsUnit 'mac') or elementary operations (macsUnit 'op'). */
  macs(layer: LayerShapeView): number;
  /** ST Edge AI's model-level MACC for the same layer, fused activation included. */
  stMacc(layer: LayerShapeView): number;
  /** Where the stMacc rule comes from. */
  stMaccSource: string;
  /** Runs in place over its (single) input: views and elementwise activations. Memory planning may refine. */
  inPlace(layer: LayerShapeView): boolean;
  /** Kernel scratch buffer bytes on the given engine (ST runtime or CMSIS-NN rules; read by memory planning). */
  scratchBytes(layer: LayerShapeView, engine: ScratchEngine): number;
}

// ---------------------------------------------------------------------------------------------- helpers

// (indexed loops: shape arrays of several element kinds reach these, and a for-of over them is left as iterator
// calls that allocate a result object per element)
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

function outElements(l: LayerShapeView): number {
  const shapes = l.outputShapes;
  let n = 0;
  for (let i = 0; i < shapes.length; i++) n += elementCount(shapes[i]!);
  return n;
}

function inElements(l: LayerShapeView, operand = 0): number {
  const s = l.inputShapes[operand];
  return s ? elementCount(s) : 0;
}

/** Output channel count of a 4-D activation in the layer's layout (last dim for NHWC, dim 1 for NCHW). */
function channelsOf(shape: readonly number[] | undefined, layout: 'NCHW' | 'NHWC'): number {
  if (!shape || shape.length === 0) return 1;
  if (shape.length === 1) return shape[0]!;
  return layout === 'NHWC' ? shape[shape.length - 1]! : shape[1]!;
}

function kernelArea(l: LayerShapeView): number {
  return l.conv ? l.conv.kernel[0] * l.conv.kernel[1] : 1;
}

function hasBias(l: LayerShapeView): boolean {
  return (l.biasBytes ?? 0) > 0;
}

/** ST counts a fused activation as its own `nl_*` row of 1 × output elements (§1.7, R-N6 `nl_2_nl`). */
function fusedActivationMacc(l: LayerShapeView): number {
  if (l.op === 'Activation') return 0; // the layer is the activation
  return l.activation && l.activation !== 'none' ? outElements(l) : 0;
}

/** Reduction length K of a Dense layer: conv geometry cin when the reader set it, else the input's last dim. */
function denseK(l: LayerShapeView): number {
  if (l.conv) return l.conv.cin;
  const s = l.inputShapes[0];
  return s && s.length > 0 ? s[s.length - 1]! : 0;
}

/**
 * Scratch bytes per op and engine: ST's runtime rules (memory/st-scratch-rules.ts, from generated network.c files)
 * or CMSIS-NN's get_buffer_size rules (memory/scratch-rules.ts, st-toolchain-facts §3).
 */
const scratchRule = (l: LayerShapeView, engine: ScratchEngine): number => kernelScratchBytes(l, engine);
const never = (): boolean => false;

function convLike(kindOf: (l: LayerShapeView) => LayerKind): LayerOpEntry {
  return {
    kind: kindOf,
    macsUnit: 'mac',
    macs: (l) => (l.conv ? outElements(l) * (l.conv.cin / l.conv.group) * kernelArea(l) : 0),
    stMacc: (l) => {
      if (!l.conv) return 0;
      const cout = l.conv.cout;
      return outElements(l) * (l.conv.cin / l.conv.group) * kernelArea(l) + (hasBias(l) ? cout : 0) + fusedActivationMacc(l);
    },
    stMaccSource:
      'st-toolchain-facts §1.7 Conv2D/DepthwiseConv2D: Hout·Wout·Cout·Kh·Kw·Cin/group + Cout (bias once), fused activation +1×out',
    inPlace: never,
    scratchBytes: scratchRule,
  };
}

function elementwise(kind: LayerKind, stFactor: number, source: string, inPlace = false): LayerOpEntry {
  return {
    kind: () => kind,
    macsUnit: 'op',
    macs: (l) => outElements(l),
    stMacc: (l) => stFactor * outElements(l) + fusedActivationMacc(l),
    stMaccSource: source,
    inPlace: (l) => inPlace || sameElementsAndBytes(l), // memory/overlap-rules.ts
    scratchBytes: scratchRule,
  };
}

function dataMove(kind: LayerKind, source: string, inPlace = false): LayerOpEntry {
  return {
    kind: () => kind,
    macsUnit: 'op',
    macs: () => 0,
    stMacc: () => 0,
    stMaccSource: source,
    inPlace: () => inPlace,
    scratchBytes: scratchRule,
  };
}

function windowPool(): LayerOpEntry {
  return {
    kind: () => 'pool',
    macsUnit: 'op',
    macs: (l) => outElements(l) * kernelArea(l),
    stMacc: (l) => outElements(l) * kernelArea(l) + fusedActivationMacc(l),
    stMaccSource: 'st-toolchain-facts §1.7 MaxPool/AvgPool: out_elements·Kh·Kw (R-N6 25·32·16·4 = 51,200)',
    inPlace: never,
    scratchBytes: scratchRule,
  };
}

function reduction(): LayerOpEntry {
  return {
    kind: () => 'globalpool',
    macsUnit: 'op',
    macs: (l) => inElements(l),
    stMacc: (l) => inElements(l),
    stMaccSource: 'st-toolchain-facts §1.7 global average (MEAN): input elements (6·8·64 = 3,072)',
    inPlace: never,
    scratchBytes: scratchRule,
  };
}

// ---------------------------------------------------------------------------------------------- the table

export const LAYER_OPS: Record<LayerOp, LayerOpEntry> = {
  Conv: convLike((l) => (l.conv && l.conv.kernel[0] === 1 && l.conv.kernel[1] === 1 ? 'pointwise' : 'conv')),
  DepthwiseConv: convLike(() => 'depthwise'),
  ConvTranspose: {
    kind: () => 'conv',
    macsUnit: 'mac',
    macs: (l) => (l.conv ? inElements(l) * (l.conv.cout / l.conv.group) * kernelArea(l) : 0),
    stMacc: (l) =>
      l.conv ? inElements(l) * (l.conv.cout / l.conv.group) * kernelArea(l) + (hasBias(l) ? l.conv.cout : 0) + fusedActivationMacc(l) : 0,
    stMaccSource: 'assumed: our MACs + Cout (bias), like Conv2D; not seen in an ST report',
    inPlace: never,
    scratchBytes: scratchRule,
  },
  Dense: {
    kind: () => 'dense',
    macsUnit: 'mac',
    macs: (l) => outElements(l) * denseK(l),
    stMacc: (l) => {
      const cout = channelsOf(l.outputShapes[0], 'NHWC');
      return outElements(l) * denseK(l) + (hasBias(l) ? cout : 0) + fusedActivationMacc(l);
    },
    stMaccSource: 'st-toolchain-facts §1.7 Dense/Gemm/FullyConnected: Cin·Cout + Cout (792·12 + 12 = 9,516)',
    inPlace: never,
    scratchBytes: scratchRule,
  },
  MatMul: {
    kind: () => 'matmul',
    macsUnit: 'mac',
    // K as for Dense: the reader's geometry when set (BATCH_MATMUL with adjoint operands), else A's last dim.
    macs: (l) => outElements(l) * denseK(l),
    stMacc: (l) => outElements(l) * denseK(l) + fusedActivationMacc(l),
    stMaccSource: 'assumed: M·N·K like Dense without bias; not seen in an ST report',
    inPlace: never,
    scratchBytes: scratchRule,
  },
  Add: elementwise('eltwise', 1, 'st-toolchain-facts §1.7 Eltwise ADD: 1 × output elements (64·64·16 = 65,536)'),
  Sub: elementwise('eltwise', 1, 'assumed like Eltwise ADD: 1 × output elements'),
  Mul: elementwise('eltwise', 1, 'assumed like Eltwise ADD: 1 × output elements'),
  Div: elementwise('eltwise', 1, 'assumed like Eltwise ADD: 1 × output elements'),
  Max: elementwise('eltwise', 1, 'assumed like Eltwise ADD: 1 × output elements'),
  Min: elementwise('eltwise', 1, 'assumed like Eltwise ADD: 1 × output elements'),
  AveragePool: windowPool(),
  MaxPool: windowPool(),
  GlobalAveragePool: reduction(),
  GlobalMaxPool: reduction(),
  ReduceMean: reduction(),
  ReduceSum: reduction(),
  Softmax: elementwise('softmax', 15, 'st-toolchain-facts §1.7 Softmax: 15 × elements (4 → 60, 3 → 45, 2 → 30)'),
  Activation: elementwise(
    'activation',
    1,
    'st-toolchain-facts §1.7 separate activation (ReLU): 1 × output elements at model level (the MCU C-model adds another 1× for Clip/ReLU6)',
    true,
  ),
  BatchNorm: elementwise('eltwise', 1, 'assumed: 1 × elements (scale/offset); not seen in an ST report'),
  Concat: dataMove('datamove', 'st-toolchain-facts §1.7 Concat: 0 (R-MP "Number of operations")'),
  Split: dataMove('datamove', 'assumed 0 like Concat'),
  Slice: dataMove('datamove', 'assumed 0 like Concat'),
  Gather: dataMove('datamove', 'assumed 0 like Concat'),
  Pad: dataMove('datamove', 'assumed 0 like Concat'),
  Transpose: dataMove('datamove', 'assumed 0 like Concat'),
  Resize: {
    kind: () => 'datamove',
    macsUnit: 'op',
    macs: (l) => outElements(l),
    stMacc: (l) => 4 * outElements(l),
    stMaccSource: 'st-toolchain-facts §1.7 Resize (bilinear): 4 × output elements (256·256·2·4 = 524,288)',
    inPlace: never,
    scratchBytes: scratchRule,
  },
  Reshape: dataMove('view', 'st-toolchain-facts §1.7 Reshape/Flatten: 0', true),
  Quantize: elementwise('convert', 1, 'st-toolchain-facts §1.7 Quantize/Cast: 1 × elements (6,400 = 50·64)'),
  Dequantize: elementwise('convert', 1, 'assumed like Quantize: 1 × elements'),
  Cast: elementwise('convert', 1, 'st-toolchain-facts §1.7 Quantize/Cast: 1 × elements'),
  Shape: dataMove('other', 'assumed 0: shape arithmetic'),
  Unknown: {
    kind: () => 'unknown',
    macsUnit: 'op',
    macs: () => 0,
    stMacc: () => 0,
    stMaccSource: 'unknown op: not counted',
    inPlace: never,
    scratchBytes: scratchRule,
  },
};

/** Bytes of a set of tensors, by dtype and shape (sub-byte types packed). */
export function tensorBytes(shapes: readonly number[][], dtypes: readonly DType[]): number {
  let bytes = 0;
  for (let i = 0; i < shapes.length; i++) bytes += storageBytes(dtypes[i] ?? 'unknown', elementCount(shapes[i]!));
  return bytes;
}

/** Completes a reader's layer draft: kind, MACs, ST MACC and output bytes from shapes, dtypes and conv geometry. */
export function finishLayer(draft: LayerDraft): Layer {
  const entry = LAYER_OPS[draft.op];
  // The op entries read shapes, geometry, activation and biasBytes (`?? 0`), never the other defaulted figures,
  // so they run on the draft itself.
  const built = layerInKeyOrder(draft, entry.kind(draft), entry.macs(draft), entry.macsUnit, entry.stMacc(draft), tensorBytes(draft.outputShapes, draft.outputDtypes));
  // The common case: every draft key is a Layer key (readers set no others) and no required key is undefined.
  let draftKeys = 0;
  for (const _ in draft) draftKeys++;
  return draftKeys === built.draftKeysUsed ? built.layer : withoutUndefinedAndWithExtras(built.layer, draft);
}

/**
 * The one definition of a Layer's key order (deterministic JSON): the Layer interface's order, optional keys when
 * defined, the weight figures 0 when the draft has none. `draftKeysUsed` counts the draft's keys it accounts for
 * (present Layer keys, defined or not; -1 when a required one is undefined).
 */
function layerInKeyOrder(d: LayerDraft, kind: LayerKind, macs: number, macsUnit: 'mac' | 'op', stMacc: number, outputBytes: number): { layer: Layer; draftKeysUsed: number } {
  const layer: Partial<Layer> = {
    index: d.index,
    name: d.name,
    op: d.op,
    kind,
    sourceOps: d.sourceOps,
    nodeNames: d.nodeNames,
    inputs: d.inputs,
    outputs: d.outputs,
    inputShapes: d.inputShapes,
    outputShapes: d.outputShapes,
    inputDtypes: d.inputDtypes,
    outputDtypes: d.outputDtypes,
    dtype: d.dtype,
    layout: d.layout,
  };
  // optional and defaulted keys count when present (a reader may declare them all up front, undefined)
  let used = REQUIRED_DRAFT_KEYS.length;
  for (let i = 0; i < OPTIONAL_DRAFT_KEYS.length; i++) if (OPTIONAL_DRAFT_KEYS[i]! in d) used++;
  if (d.weightDtype !== undefined) layer.weightDtype = d.weightDtype;
  if (d.perChannel !== undefined) layer.perChannel = d.perChannel;
  if (d.conv !== undefined) layer.conv = d.conv;
  if (d.activation !== undefined) layer.activation = d.activation;
  if (d.resizeMode !== undefined) layer.resizeMode = d.resizeMode;
  layer.macs = macs;
  layer.macsUnit = macsUnit;
  layer.stMacc = stMacc;
  layer.params = d.params ?? 0;
  layer.weightBytes = d.weightBytes ?? 0;
  layer.biasBytes = d.biasBytes ?? 0;
  layer.quantParamBytes = d.quantParamBytes ?? 0;
  layer.constBytes = d.constBytes ?? 0;
  layer.outputBytes = outputBytes;
  if (d.unknown !== undefined) layer.unknown = d.unknown;
  let allRequired = true;
  for (let i = 0; i < REQUIRED_DRAFT_KEYS.length; i++) if (d[REQUIRED_DRAFT_KEYS[i]!] === undefined) allRequired = false;
  return { layer: layer as Layer, draftKeysUsed: allRequired ? used : -1 };
}

/** The Layer keys a draft must define (the first block of `layerInKeyOrder`, `kind` aside). */
const REQUIRED_DRAFT_KEYS = ['index', 'name', 'op', 'sourceOps', 'nodeNames', 'inputs', 'outputs', 'inputShapes', 'outputShapes', 'inputDtypes', 'outputDtypes', 'dtype', 'layout'] as const satisfies readonly (keyof LayerDraft)[];
/** The optional or defaulted Layer keys a draft may declare (the rest of `layerInKeyOrder`). */
const OPTIONAL_DRAFT_KEYS = ['weightDtype', 'perChannel', 'conv', 'activation', 'resizeMode', 'params', 'weightBytes', 'biasBytes', 'quantParamBytes', 'constBytes', 'unknown'] as const satisfies readonly (keyof LayerDraft)[];

/**
 * The uncommon drafts: `layer` without its undefined values, then any draft key that is not a Layer key (in the
 * draft's order, defined values only).
 */
function withoutUndefinedAndWithExtras(layer: Layer, draft: LayerDraft): Layer {
  const out: Record<string, unknown> = {};
  const built = layer as unknown as Record<string, unknown>;
  for (const k in built) if (built[k] !== undefined) out[k] = built[k];
  const rest = draft as unknown as Record<string, unknown>;
  for (const k in rest) if (!Object.hasOwn(built, k) && rest[k] !== undefined) out[k] = rest[k];
  return out as unknown as Layer;
}
