/**
 * Runtime RAM of the STEdgeAI Core 3.x / 4.x "lite" code generator (every 3.0/4.0 zoo report lists
 * `use-lite-runtime, use-st-ai`), counted from the structures it leaves in RAM.
 *
 * Mechanism (ST's own generated files, docs/targets.md "Runtime RAM and code flash"):
 * - A lite kernel is called with all its parameters as `static const` values or literals
 *   (`forward_lite_conv2d_*`, `forward_lite_dense_is8os8ws8`, `forward_lite_nl_softmax_is8os8`,
 *   `forward_lite_maxpool_is8os8_*`, `forward_lite_pad_*`, conversions): nothing in RAM.
 * - A layer without a lite kernel stays a "hybrid layer": network.c declares its `ai_array`, `ai_tensor`,
 *   `ai_intq_info_list` and `ai_layer` objects `AI_STATIC` (writable: `.data` pointers are patched per call in
 *   `forward_lite_<layer>()`), so they land in network.o `.data`. The runtime library itself has no
 *   `.data`/`.bss` in lite builds. Runtime RAM = network.o `.data + .bss`.
 * - Each tensor a hybrid layer touches is declared once, whatever the number of hybrid layers sharing it.
 *
 * Object sizes (Cortex-M, GCC, 32-bit pointers), solved from ST's "Requested memory size by section" tables of 20
 * STEdgeAI 3.0.0 lite reports against the objects declared in their network.c
 * (data/st-generated/runtime-lite-3.0.0-reports.json; exact on 10, within 4 B on 6): ai_array 16 B + ai_tensor
 * with its 4-D shape and stride 60 B, ai_intq_info_list 8 B per quantized tensor, ai_layer 96 B (eltwise int8,
 * dense int8) or 116 B (transpose), `.bss` 8–16 B; pool 112 B in `.data` + its zero pool_pad data (20 B) in `.bss`
 * (measured on ST's 3.0.0 Yamnet and SSD reports). Conv (148 B) and conv + fused max pool (192 B) objects: the same
 * common 88 B plus their fields (inferred from the layout and ST's layers_conv2d.h, see LITE_OBJECT_BYTES).
 * Constant-only subgraphs (lite-constant-folding.ts) leave no layer; a graph output they compute is one copy layer
 * (96 B) with two tensors (the stored constant and the output).
 *
 * Which layers stay hybrid (int8 graphs) is read off the same files plus the lite generated code found in the
 * search corpus: eltwise with two operands (`forward_eltwise_integer_INT8`), average / global-average pools and
 * MEAN (`forward_ap_integer_INT8`), dense with per-channel weights (`forward_dense_integer_SSSA_ch`; per-tensor
 * dense is lite), LUT non-linearities (`forward_nl_integer`: sigmoid, tanh, swish, hard-swish …), concat,
 * slice/split/gather, transpose, resize (upsample), matmul, reduce. Lite: conv / depthwise / pointwise, per-tensor
 * dense, softmax, max pool, pad, ReLU/ReLU6/clip (fused), quantize / dequantize.
 */
import type { Analysis, ConvGeometry, Layer, ResizeMode } from '../analyzer/layer.ts';
import { constantFolding, liteFoldedWeightsDeltaBytes, type ConstantFolding } from '../analyzer/memory/lite-constant-folding.ts';
import { liteConvCallFor, runsLiteInt8Kernel } from '../analyzer/memory/lite-conv-kernel.ts';
import { liteFusedConvPools } from '../analyzer/memory/liveness.ts';

/** Bytes of the writable objects network.c declares per hybrid tensor / layer (see header). */
export const LITE_OBJECT_BYTES = {
  /** ai_array: format, size, data, data_start. */
  array: 16,
  /** ai_tensor with its 4-D shape and stride arrays. */
  tensorDescriptor: 60,
  /** One tensor as network.c declares it: an ai_array + an ai_tensor. */
  tensor: 76,
  /** ai_intq_info_list of a quantized tensor (its scale / zero-point arrays are const). */
  intq: 8,
  /** ai_layer of an eltwise / dense / pool / … hybrid layer. */
  layer: 96,
  /** ai_layer of a transpose (carries its permutation). */
  transposeLayer: 116,
  /**
   * ai_layer of a pool in network.o `.data`: the common 88 B (eltwise 96 = 88 + two function pointers) + pool_size 8 +
   * pool_stride 8 + pool_pad's ai_shape 8 + count_include_pad 4 = 116, measured 112 (ST's 3.0.0 Yamnet and SSD reports:
   * their `.data` is exact with every pool 112 B; data/st-generated/ev7-reports-3.0.0-zoo-services.json).
   */
  poolLayer: 112,
  /**
   * The pool's zero-valued pool_pad data (`AI_SHAPE_INIT(4, 0, 0, 0, 0)`): all zeros, so GCC puts it in `.bss`, not
   * `.data` (Yamnet 3.0.0: `.bss` 32 B = 8 + 20 + alignment, one pool). In runtime RAM, not in the flash initialiser.
   */
  poolPadBss: 20,
  /**
   * ai_layer of a convolution (`ai_layer_conv2d`, ST's layers_conv2d.h AI_LAYER_CONV2D_FIELDS_DECLARE): the common
   * 88 B + groups 4 + nl_params 4 + nl_func 4 + filter_stride 8 + dilation 8 + filter_pad (ai_shape 8 + its 4-D data
   * 16) + in/out channel formats 8.
   */
  convLayer: 148,
  /**
   * ai_layer of a convolution with its max pool fused (`ai_layer_conv2d_nl_pool`, same header): the convolution's
   * 148 B + pool_size 8 + pool_stride 8 + pool_pad (8 + 16) + pool_func 4.
   */
  convPoolLayer: 192,
  /** network.o .bss when any hybrid layer exists (besides pools' zero pool_pad data). */
  bss: 8,
} as const;

const LUT_ACTIVATIONS = new Set(['sigmoid', 'tanh', 'hardswish', 'hardsigmoid', 'swish', 'gelu', 'leakyrelu', 'prelu']);

/**
 * A convolution with int8 weights whose input is float32 (a QDQ file that quantizes the weights of a layer but not
 * its input; TFLite's dequantized-weight form): ST's lite generator runs it as its float kernel on weights it stores
 * as float32. ST Edge AI Core 4.0.0's network.c of a TCN (data/st-generated/tcn-float-conv-4.0.0.json) runs four
 * dilated 128→128 5×1 convolutions as `forward_lite_conv2d_if32of32wf32_group`, each on a 327,680 B weights array
 * (81,920 weights × 4 B; its two undilated 128→128 5×1 int8 convolutions keep 81,920 B arrays), with
 * `forward_lite_node_convert_integer_is8of32` before and `…_if32os8` after, and no per-channel scale array; the
 * library has no float-activation kernel with integer weights (231 `forward_lite_*` symbols of
 * NetworkRuntime1200_CM7_GCC.a). Code flash counts the float kernel (libraryCallsOf), the weights flash of the lite
 * generator the weights as float32 (`RuntimeObjectCounts.liteWeightsDeltaBytes`).
 */
export function runsFloatConvOnInt8Weights(l: Layer): boolean {
  return (l.op === 'Conv' || l.op === 'DepthwiseConv') && l.weightDtype === 'int8' && (l.inputDtypes[0] ?? l.dtype) === 'float32';
}


/** Why a layer has no lite kernel in STEdgeAI 3.x/4.x (undefined: lite, nothing in RAM). */
export function liteHybridReason(l: Layer): string | undefined {
  switch (l.op) {
    case 'Max':
    case 'Min':
      // against a constant: a clip, folded into the lite kernel before it (ReLU6 written as MINIMUM/MAXIMUM)
      return l.inputs.length > 1 ? 'eltwise' : undefined;
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div':
      return 'eltwise';
    case 'AveragePool':
    case 'GlobalAveragePool':
    case 'ReduceMean':
    case 'ReduceSum':
      return 'pool';
    case 'Dense':
      return l.perChannel ? 'dense-per-channel' : undefined;
    case 'Conv':
    case 'DepthwiseConv':
      // every lite convolution kernel is per-channel (`forward_lite_conv2d_*_sssa8_ch`, `forward_lite_dw_sssa8_ch`);
      // an int8 convolution with one weight scale keeps a layer object (`forward_conv2d_sssa8`-style)
      // (a float-input one runs ST's float kernel, a direct lite call: runsFloatConvOnInt8Weights)
      return l.weightDtype === 'int8' && l.perChannel === false && !runsFloatConvOnInt8Weights(l) ? 'conv-per-tensor' : undefined;
    case 'MatMul':
      return 'matmul';
    case 'Activation':
      return l.activation && LUT_ACTIVATIONS.has(l.activation) ? 'nl-lut' : undefined;
    case 'Concat':
    case 'Split':
    case 'Slice':
    case 'Gather':
      return 'datamove';
    case 'Transpose':
      return 'transpose';
    case 'Resize':
      return 'resize';
    default:
      return undefined;
  }
}

export interface LiteHybridCount {
  /** Hybrid layers per reason. */
  layersByReason: Record<string, number>;
  layers: number;
  transposeLayers: number;
  poolLayers: number;
  convLayers: number;
  /** Convolutions with the max pool after them fused (`forward_conv2d_sssa8_ch_nl_pool`); counted in `layers`, not in `convLayers`. */
  convPoolLayers?: number;
  /** Distinct tensors touched by hybrid layers (activations, and a dense layer's weights, bias and scratch). */
  tensors: number;
  /** Of which quantized (carry an ai_intq_info_list). */
  quantizedTensors: number;
}

const isQuantized = (dtype: string): boolean => dtype === 'int8' || dtype === 'uint8' || dtype === 'int16' || dtype === 'int4';

/**
 * Max pools ST fuses into the convolution that produces their input: the pair becomes one hybrid
 * `conv2d_nl_pool` layer (`forward_conv2d_sssa8_ch_nl_pool`), its objects in RAM, where either alone would be a lite
 * kernel. The rule is the lite generator's one definition, analyzer/memory/liveness.ts `liteFusedConvPools` (the
 * lite pool fuses the same pairs): a max pool with stride > 1 and no padding whose input is an int8 convolution's
 * output read by nothing else. Returns the fused pool layer → its convolution.
 */
export function fusedConvPools(a: Analysis): Map<Layer, Layer> {
  return liteFusedConvPools(a);
}

export function liteHybridCount(a: Analysis): LiteHybridCount {
  return hybridCount(a, a.layers.map((l) => (l.kind === 'view' ? undefined : liteHybridReason(l))), fusedConvPools(a), constantFolding(a));
}

/**
 * An int8 dense layer with one weight scale: ST's lite kernel `forward_lite_dense_is8os8ws8`, nothing in RAM. The same
 * layer quantized per output channel is the hybrid `forward_dense_integer_SSSA_ch` (liteHybridReason).
 */
export function isPerTensorInt8Dense(l: Layer): boolean {
  return l.op === 'Dense' && l.weightDtype === 'int8' && l.perChannel === false && (l.inputDtypes[0] ?? l.dtype) === 'int8';
}

/**
 * liteHybridCount with what its caller already has: `reasons[i]` = liteHybridReason(a.layers[i]) (views may be left
 * undefined), the fused conv + pool pairs (fusedConvPools) and the constant folding.
 */
function hybridCount(a: Analysis, reasons: readonly (string | undefined)[], fused: Map<Layer, Layer>, folding: ConstantFolding): LiteHybridCount {
  const layersByReason: Record<string, number> = {};
  const tensors = new Map<string, boolean>();
  let layers = 0;
  let transposeLayers = 0;
  let poolLayers = 0;
  let convLayers = 0;
  let convPoolLayers = 0;
  const fusedConvs = new Set(fused.values());
  for (let i = 0; i < a.layers.length; i++) {
    const l = a.layers[i]!;
    if (l.kind === 'view' || folding.layers.has(l.index)) continue;
    if (fused.has(l)) {
      // one conv2d_nl_pool object: the conv's input(s), the pool's output, weights, bias and two scratch tensors
      // (the second, the pooled rows, quantized: `conv2d_0_scratch1` carries an intq in ST's network.c)
      layers++;
      convPoolLayers++;
      layersByReason['conv-pool'] = (layersByReason['conv-pool'] ?? 0) + 1;
      const c = fused.get(l)!;
      c.inputs.forEach((t, i) => tensors.set(t, isQuantized(c.inputDtypes[i] ?? c.dtype)));
      l.outputs.forEach((t, i) => tensors.set(t, isQuantized(l.outputDtypes[i] ?? l.dtype)));
      tensors.set(`${c.name}#weights`, true);
      tensors.set(`${c.name}#bias`, false);
      tensors.set(`${c.name}#scratch0`, false);
      tensors.set(`${c.name}#scratch1`, true);
      continue;
    }
    if (fusedConvs.has(l)) continue;
    const why = reasons[i];
    if (!why) continue;
    layers++;
    if (why === 'transpose') transposeLayers++;
    if (why === 'pool') poolLayers++;
    if (why === 'conv-per-tensor') convLayers++;
    layersByReason[why] = (layersByReason[why] ?? 0) + 1;
    l.inputs.forEach((t, i) => tensors.set(t, isQuantized(l.inputDtypes[i] ?? l.dtype)));
    l.outputs.forEach((t, i) => tensors.set(t, isQuantized(l.outputDtypes[i] ?? l.dtype)));
    if (why === 'eltwise' && l.inputs.length === 1) tensors.set(`${l.name}#constant`, true); // the constant operand (e.g. a folded BatchNorm scale)
    if (why === 'dense-per-channel' || why === 'conv-per-tensor') {
      // weights (quantized), bias (int32, no intq), scratch (int16, no intq): ST's gemm_<n>_{weights,bias,scratch0}
      tensors.set(`${l.name}#weights`, true);
      tensors.set(`${l.name}#bias`, false);
      tensors.set(`${l.name}#scratch`, false);
    }
  }
  // a graph output computed from constants: one copy layer (CONCAT_TYPE, forward_concat) from the stored constant
  for (const r of folding.results) {
    if (!r.isGraphOutput) continue;
    layers++;
    layersByReason['constant-output'] = (layersByReason['constant-output'] ?? 0) + 1;
    tensors.set(`${r.name}#constant`, isQuantized(r.dtype));
    tensors.set(r.name, isQuantized(r.dtype));
  }
  const quantizedTensors = [...tensors.values()].filter(Boolean).length;
  return { layersByReason, layers, transposeLayers, poolLayers, convLayers, ...(convPoolLayers ? { convPoolLayers } : {}), tensors: tensors.size, quantizedTensors };
}

/** network.o .data + .bss of the lite generator for these hybrid objects (runtime RAM). */
export function liteRuntimeRamBytes(c: LiteHybridCount): number {
  return liteDataBytes(c) + liteBssBytes(c);
}

/**
 * network.o `.data` of these hybrid objects: what the startup code copies from flash (the code-flash initialiser
 * term; ST's "RT total FLASH" counts `.data`, not `.bss`).
 */
export function liteDataBytes(c: LiteHybridCount): number {
  if (c.layers === 0) return 0;
  const b = LITE_OBJECT_BYTES;
  const convPool = c.convPoolLayers ?? 0;
  return c.tensors * b.tensor + c.quantizedTensors * b.intq + (c.layers - c.transposeLayers - c.poolLayers - (c.convLayers ?? 0) - convPool) * b.layer +
    c.transposeLayers * b.transposeLayer +
    c.poolLayers * b.poolLayer +
    (c.convLayers ?? 0) * b.convLayer +
    convPool * b.convPoolLayer;
}

/** network.o `.bss` of these hybrid objects: 8 B and each pool's zero pool_pad data. */
export function liteBssBytes(c: LiteHybridCount): number {
  return c.layers === 0 ? 0 : LITE_OBJECT_BYTES.bss + c.poolLayers * LITE_OBJECT_BYTES.poolPadBss;
}

/**
 * What ST's generated code declares for a model, counted on our analysis: the legacy runtime (STM32Cube.AI
 * 7.x/8.x) keeps every layer, tensor and parameter tensor as writable objects in RAM; the lite generator keeps
 * only the hybrid ones (`lite`). `perChannelScales` (one float per output channel of a per-channel layer) is
 * what the lite generator writes into flash beside each kernel call (`…_t_weight_0_fmt_scale_const_f32[]`).
 */
export interface RuntimeObjectCounts {
  /** Layers that execute a kernel (views excluded). */
  layers: number;
  /** Distinct activation tensors the layers read or write (graph input and output included). */
  activationTensors: number;
  /** Weight and bias tensors of layers with parameters. */
  paramTensors: number;
  /** Output channels of per-channel quantized layers. */
  perChannelScales: number;
  lite: LiteHybridCount;
  /**
   * The entry points of ST's runtime library network.c references for this graph (`libraryFunctionsOf`), distinct,
   * sorted: the roots of what the linker keeps of the library (runtime-memory.ts counts their code).
   */
  libraryFunctions?: string[];
  /** Layers whose non-linearity is a 256-entry int8 lookup table network.c writes into flash (`forward_nl_integer`). */
  lutTables?: number;
  /**
   * Kernel calls of the lite generator's network.c: one per layer that runs (views and constant-only layers excluded,
   * lite-constant-folding.ts; one copy per graph output computed from constants) and one per padded copy a
   * convolution's kernel needs (`forward_lite_pad_constant` before a valid-padding kernel). ST's 3.0.0 Yamnet and SSD
   * network.c: 21 and 88 calls, ours the same, kernel by kernel. The legacy generator folds nothing and splits no
   * padding into calls of its own: `layers`.
   */
  liteCalls?: number;
  /**
   * Weights of the lite generator minus the file's constants (the analysis's weights flash figure): constant-only
   * subgraphs are stored as their results (lite-constant-folding.ts), and the int8 weights of a convolution run as
   * ST's float kernel as float32 (`runsFloatConvOnInt8Weights`: +3 B per weight). Absent when 0.
   */
  liteWeightsDeltaBytes?: number;
  /**
   * Convolutions with int8 weights on a float32 input (`runsFloatConvOnInt8Weights`: ST's float kernel), constant-only
   * ones excluded. No calibration row has one: evaluate.ts labels the latency of such a model thin. Absent when 0.
   */
  floatInputInt8WeightConvs?: number;
  /**
   * Layers that execute a kernel but map to no function of ST's library record (uint8 or int4 weights, 16-bit
   * activations, transposed convolutions, unknown ops …), counted per op and types: the library code they
   * would link is not in the code-flash figure, which is then a lower bound (`check` says so). Keys: `uncountedKey`, the
   * op and the types its kernel takes ("Conv (input uint8, weights uint8)", "Dequantize (int16 → float32)"). Absent
   * when none.
   */
  uncountedLayers?: Record<string, number>;
}

const ELTWISE_OPERATION: Partial<Record<Layer['op'], string>> = { Add: 'sum', Sub: 'sub', Mul: 'mul', Div: 'div', Max: 'max', Min: 'min' };

/** Integer conversion kernels by (input, output) dtype (`forward_lite_node_convert_integer_<in><out>`). */
const CONVERT_CODE: Record<string, string> = { float32: 'f32', int8: 's8', uint8: 'u8' };

const hasPadding = (c: ConvGeometry): boolean => c.pads.some((p) => p !== 0);

/**
 * The entry points of ST's runtime library (NetworkRuntime*_GCC.a) the lite generator's network.c references for
 * one layer: the lite kernel it calls directly, or for a hybrid layer the layer function and the operator / pool
 * functions its `ai_layer` object points to (ST Edge AI Core 3.0.0 / 4.0.0 network.c, docs/targets.md "Code
 * flash"). `fusedInto`: the max pool fused into this convolution (`fusedConvPools`), which makes it a
 * `forward_conv2d_*_nl_pool` hybrid layer. Float32 layers map to the library's float kernels; a layer that calls
 * nothing of its own (a clip folded into the kernel before it, an int8 activation fused into its producer, a
 * conversion between equal types) returns [].
 */
export function libraryFunctionsOf(l: Layer, fusedPool?: Layer): string[] {
  return libraryCallsOf(l, fusedPool, liteHybridReason(l)) ?? [];
}

/**
 * libraryFunctionsOf, with undefined for a layer that calls a function the library record has no size for (uint8
 * or int4 weights, 16-bit activations and their conversions, transposed convolutions, unknown ops): the code-flash
 * figure of such a graph is a lower bound (`RuntimeObjectCounts.uncountedLayers`).
 */
function libraryCallsOf(l: Layer, fusedPool: Layer | undefined, hybridReason: string | undefined): string[] | undefined {
  if (l.op === 'Quantize' || l.op === 'Dequantize') return conversionCallsOf(l);
  const c = l.conv;
  const float = l.dtype === 'float32' && (l.weightDtype === undefined || l.weightDtype === 'float32');
  // the library's integer conv / dense kernels: 8-bit activations and int8 weights (one gate with latency and the lite pool)
  const int8Kernel = runsLiteInt8Kernel(l);
  if (runsFloatConvOnInt8Weights(l)) {
    // the float kernel, then a conversion to the layer's 8-bit output when it has one (the TCN's `…_if32os8`)
    const kernel = floatFunctionsOf(l, undefined)!;
    const out = l.outputDtypes[0] ?? l.dtype;
    if (out === 'float32') return kernel;
    const convert = conversionCall('float32', out);
    return convert === undefined ? undefined : [...kernel, convert];
  }
  if (l.op === 'Conv' && c && int8Kernel) return int8ConvCalls(c, l.perChannel, fusedPool);
  if (l.op === 'DepthwiseConv' && c && int8Kernel) return int8DepthwiseCalls(c, l.perChannel);
  if (l.op === 'Dense' && int8Kernel) return [l.perChannel ? 'forward_dense_integer_SSSA_ch' : 'forward_lite_dense_is8os8ws8'];
  if (l.op === 'Resize') {
    const fn = resizeCallOf(l);
    return fn === undefined ? undefined : [fn];
  }
  if (l.op === 'Concat' && (l.sourceOps ?? []).some((o) => o === 'TILE' || o === 'Tile')) return ['forward_tile'];
  // data movement: one function whatever the element type
  const moved = DATAMOVE_FUNCTION[l.op];
  if (moved) return [moved];
  const operation = ELTWISE_OPERATION[l.op];
  if (operation && (l.op === 'Max' || l.op === 'Min') && l.inputs.length < 2) return []; // a clip folded into the kernel before it
  if (float) return floatFunctionsOf(l, operation);
  if (l.dtype !== 'int8' && l.dtype !== 'uint8') return undefined;
  if (operation) return ['forward_eltwise_integer_INT8', `ai_${operation}_buffer_INT8`, `ai_${operation}_f32`];
  switch (l.op) {
    case 'MaxPool':
      return ['forward_lite_maxpool_is8os8_scalepos'];
    case 'AveragePool':
    case 'GlobalAveragePool':
    case 'ReduceMean':
      return ['forward_ap_integer_INT8'];
    case 'ReduceSum':
      return ['forward_reduce'];
    case 'Softmax':
      return ['forward_lite_nl_softmax_is8os8'];
    case 'Activation':
      // without a lookup table an int8 activation is fused into the kernel that produces its input
      return hybridReason === 'nl-lut' ? ['forward_nl_integer'] : [];
    default:
      return undefined;
  }
}

/** An int8 convolution's calls: its kernel (with a max pool fused into it, the kernel's `_nl_pool` form), and a padded copy before a valid-padding-only kernel. */
function int8ConvCalls(c: ConvGeometry, perChannel: Layer['perChannel'], fusedPool: Layer | undefined): string[] {
  // one rule for which kernel, shared with latency and the lite pool (analyzer/memory/lite-conv-kernel.ts)
  const { kernel: k, paddedCopy } = liteConvCallFor(c, perChannel);
  if (k === 'conv2d_integer_SSSA') return ['forward_conv2d_integer_SSSA'];
  if (fusedPool) {
    const conv = k === 'conv2d_deep_3x3' ? 'forward_conv2d_deep_3x3_sssa8_ch_nl_pool' : k === 'conv2d_deep' ? 'forward_conv2d_deep_sssa8_ch_nl_pool' : 'forward_conv2d_sssa8_ch_nl_pool';
    return [conv, 'pool_func_mp_array_integer_INT8'];
  }
  const fn = `forward_lite_${k}_sssa8_ch`;
  // a kernel that takes valid padding only runs a padded convolution as a pad_before copy + the kernel
  return paddedCopy && hasPadding(c) ? [fn, 'forward_lite_pad_constant'] : [fn];
}

/** An int8 depthwise convolution's calls: per-tensor, channel-multiplier, 3×3 (valid padding only: a padded copy first) or general kernel. */
function int8DepthwiseCalls(c: ConvGeometry, perChannel: Layer['perChannel']): string[] {
  if (perChannel === false) return ['forward_conv2d_integer_SSSA'];
  if (c.cout !== c.cin) return ['forward_lite_dw_dm_sssa8_ch'];
  // the 3×3 depthwise kernel takes valid padding only (ST's lite_dw.h), as the MobileNet network.c's pad_before copies show
  if (c.kernel[0] === 3 && c.kernel[1] === 3) return hasPadding(c) ? ['forward_lite_dw_3x3_sssa8_ch', 'forward_lite_pad_constant'] : ['forward_lite_dw_3x3_sssa8_ch'];
  return ['forward_lite_dw_sssa8_ch'];
}

const DATAMOVE_FUNCTION: Partial<Record<Layer['op'], string>> = {
  Concat: 'forward_concat',
  Split: 'forward_split',
  Slice: 'forward_slice',
  Gather: 'forward_gather',
  Transpose: 'forward_transpose',
  Pad: 'forward_lite_pad_constant',
  MatMul: 'forward_matmul',
  Cast: 'forward_cast',
};

/**
 * A resize's interpolation, whatever the file format: both readers keep it on the layer (`Layer.resizeMode`: an ONNX
 * Resize / Upsample's `mode`, a TFLite RESIZE_BILINEAR / RESIZE_NEAREST_NEIGHBOR op); nearest when absent (a layer
 * built by hand).
 */
export function resizeModeOf(l: Layer): ResizeMode {
  return l.resizeMode ?? 'nearest';
}

/**
 * The library function of a resize (ST Edge AI Core 3.0.0 SSD network.c, data/st-generated/ev7-reports-3.0.0-zoo-services.json):
 * a 1×1 image resized is a repetition, run as `forward_tile` (ST's `tile_62`: RESIZE_BILINEAR 1×1 → 2×2 int8; the
 * nearest mode gives the same copy); a bilinear resize (TFLite RESIZE_BILINEAR, ONNX mode 'linear') runs
 * `forward_upsample_bilinear_is8os8` on int8 (three calls there) and the layer function `forward_upsample_bilinear`
 * otherwise (it dispatches to the float, 16-bit and uint8 kernels); nearest `forward_upsample_nearest`. ONNX's
 * 'cubic' has no function in ST's library (none named *cubic* among the entry points of
 * data/st-generated/runtime-library-*.json): undefined, the layer is uncounted.
 */
function resizeCallOf(l: Layer): string | undefined {
  const s = l.inputShapes?.[0];
  if (s && s.length === 4) {
    const [h, w] = l.layout === 'NHWC' ? [s[1], s[2]] : [s[2], s[3]];
    if (h === 1 && w === 1) return 'forward_tile';
  }
  const mode = resizeModeOf(l);
  if (mode === 'nearest') return 'forward_upsample_nearest';
  if (mode === 'cubic') return undefined;
  return l.dtype === 'int8' ? 'forward_upsample_bilinear_is8os8' : 'forward_upsample_bilinear';
}

/** Float activations ST runs as a separate lite kernel (`forward_lite_nl_<name>_if32of32`). */
const FLOAT_ACTIVATION: Partial<Record<NonNullable<Layer['activation']>, string>> = {
  relu: 'relu',
  relu6: 'clip',
  clip: 'clip',
  leakyrelu: 'relu_generic',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  hardswish: 'hard_swish',
  hardsigmoid: 'hard_sigmoid',
  swish: 'swish',
  gelu: 'gelu',
  prelu: 'prelu',
};

/** The library functions of a float32 layer (the library's `_if32of32wf32` kernels and the float layer functions). */
function floatFunctionsOf(l: Layer, operation: string | undefined): string[] | undefined {
  const c = l.conv;
  if (operation) return ['forward_eltwise', `ai_${operation}_buffer_f32`, `ai_${operation}_f32`];
  switch (l.op) {
    case 'Conv':
      // grouped or dilated: the `_group` kernel (the TCN's dilated convolutions, n_groups 1, call it)
      return c && (c.group > 1 || c.dilations.some((d) => d > 1)) ? ['forward_lite_conv2d_if32of32wf32_group'] : ['forward_lite_conv2d_if32of32wf32'];
    case 'DepthwiseConv':
      return ['forward_lite_dw_if32of32wf32'];
    case 'Dense':
      return ['forward_lite_dense_if32of32wf32'];
    case 'MaxPool':
    case 'GlobalMaxPool':
      return ['forward_mp', 'pool_func_mp_array_f32'];
    case 'AveragePool':
    case 'GlobalAveragePool':
    case 'ReduceMean':
      return ['forward_ap', 'pool_func_ap_array_f32'];
    case 'Softmax':
      return ['forward_lite_nl_softmax_if32of32'];
    case 'Activation': {
      const name = l.activation && FLOAT_ACTIVATION[l.activation];
      return name ? [`forward_lite_nl_${name}_if32of32`] : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The conversion kernel of a Quantize / Dequantize layer (`forward_lite_node_convert_integer_if32os8` …): none
 * between equal types; undefined from or to a type the record has no conversion kernel for (int16, uint16 …).
 */
function conversionCallsOf(l: Layer): string[] | undefined {
  const from = l.inputDtypes[0] ?? '';
  const to = l.outputDtypes[0] ?? l.dtype;
  if (!CONVERT_CODE[from] || !CONVERT_CODE[to]) return undefined;
  return from === to ? [] : [conversionCall(from, to)!];
}

/** `forward_lite_node_convert_integer_i<from>o<to>`, undefined for a type the record has no conversion kernel for. */
function conversionCall(from: string, to: string): string | undefined {
  const f = CONVERT_CODE[from];
  const t = CONVERT_CODE[to];
  return f && t ? `forward_lite_node_convert_integer_i${f}o${t}` : undefined;
}

/**
 * How an uncounted layer is named in `uncountedLayers` and in check's lower-bound note: the op (an unknown op by its
 * source op types) and the types its kernel would take: "Dequantize (int16 → float32)", "Conv (input uint8, weights
 * uint8)", "NonMaxSuppression (unknown op, input float32)", a resize with its mode: "Resize (cubic, input int8)".
 */
export function uncountedKey(l: Layer): string {
  const input = l.inputDtypes[0] ?? l.dtype;
  if (l.op === 'Quantize' || l.op === 'Dequantize' || l.op === 'Cast') return `${l.op} (${input} → ${l.outputDtypes[0] ?? l.dtype})`;
  const types = `input ${input}${l.weightDtype ? `, weights ${l.weightDtype}` : ''}`;
  if (l.op === 'Unknown') return `${l.sourceOps.length ? l.sourceOps.join('+') : 'unnamed op'} (unknown op, ${types})`;
  if (l.op === 'Resize') return `Resize (${resizeModeOf(l)}, ${types})`;
  return `${l.op} (${types})`;
}

export function runtimeObjectCounts(a: Analysis): RuntimeObjectCounts {
  const acts = new Set<string>();
  let layers = 0;
  let paramTensors = 0;
  let perChannelScales = 0;
  let lutTables = 0;
  const fused = fusedConvPools(a);
  const fusedPoolOf = new Map([...fused].map(([pool, conv]) => [conv, pool]));
  /** liteHybridReason of each layer, asked once: the library calls, the LUT tables and the hybrid count read it. */
  const reasons = new Array<string | undefined>(a.layers.length);
  const folding = constantFolding(a);
  const lite = new LiteTally();
  for (let i = 0; i < a.layers.length; i++) {
    const l = a.layers[i]!;
    if (l.kind === 'view') continue;
    const reason = (reasons[i] = liteHybridReason(l));
    const floatConv = runsFloatConvOnInt8Weights(l);
    // the legacy figures (layers, tensors, parameters) count every layer; the lite ones skip constant-only layers
    const folded = folding.layers.has(l.index);
    if (!lite.poolsInConv.has(l) && !folded) lite.add(l, fusedPoolOf.get(l), reason, floatConv);
    if (!folded && l.op === 'Activation' && reason === 'nl-lut' && (l.dtype === 'int8' || l.dtype === 'uint8')) lutTables++;
    layers++;
    l.inputs.forEach((t) => acts.add(t));
    l.outputs.forEach((t) => acts.add(t));
    if (l.weightBytes > 0) paramTensors += l.biasBytes > 0 ? 2 : 1;
    // (a convolution run as ST's float kernel has float weights: no scale array)
    if (l.perChannel && !floatConv) perChannelScales += l.conv?.cout ?? l.outputShapes[0]?.at(-1) ?? 0;
  }
  const constantOutputs = folding.results.filter((r) => r.isGraphOutput).length;
  if (constantOutputs) lite.library.add('forward_concat'); // the constant output's copy
  lite.calls += constantOutputs;
  const weightsDelta = liteFoldedWeightsDeltaBytes(a) + lite.floatWeightsDelta;
  return {
    layers,
    activationTensors: acts.size,
    paramTensors,
    perChannelScales,
    lite: hybridCount(a, reasons, fused, folding),
    libraryFunctions: [...lite.library].sort(),
    lutTables,
    liteCalls: lite.calls,
    ...(weightsDelta ? { liteWeightsDeltaBytes: weightsDelta } : {}),
    ...(lite.floatInputConvs ? { floatInputInt8WeightConvs: lite.floatInputConvs } : {}),
    ...(Object.keys(lite.uncounted).length ? { uncountedLayers: lite.uncounted } : {}),
  };
}

/** The lite generator's figures over the layers it runs (constant-only ones left out), summed as runtimeObjectCounts walks them. */
class LiteTally {
  /** Calls of the generated network's run function. */
  calls = 0;
  /** Runtime library functions the calls reach. */
  readonly library = new Set<string>();
  /** Layers no library function is known for, by uncountedKey. */
  readonly uncounted: Record<string, number> = {};
  /** Max pools their convolution's `_nl_pool` kernel runs (the record has one for per-channel convolutions only). */
  readonly poolsInConv = new Set<Layer>();
  floatWeightsDelta = 0;
  floatInputConvs = 0;

  /** Layer `l` (with the max pool fused into it, if any), run by the lite generator. */
  add(l: Layer, pool: Layer | undefined, reason: string | undefined, floatConv: boolean): void {
    const calls = libraryCallsOf(l, pool, reason);
    // a padded copy before the kernel, a conversion after a float kernel run on int8 weights: calls of their own
    this.calls += 1 + (l.op !== 'Pad' && calls?.includes('forward_lite_pad_constant') ? 1 : 0) + (floatConv && (calls?.length ?? 0) > 1 ? 1 : 0);
    if (floatConv) {
      // ST's lite generator stores the int8 kernel as float32: 3 B more per weight (the bias, int32 or float, keeps 4 B)
      this.floatWeightsDelta += 3 * (l.weightBytes - l.biasBytes);
      this.floatInputConvs++;
    }
    if (calls === undefined) {
      const key = uncountedKey(l);
      this.uncounted[key] = (this.uncounted[key] ?? 0) + 1;
    } else for (const fn of calls) this.library.add(fn);
    if (pool && calls?.some((fn) => fn.endsWith('_nl_pool'))) this.poolsInConv.add(pool);
  }
}
