/**
 * Runtime RAM and code flash of ST's MCU runtime, which the MCU tables publish beside activations and
 * weights (facts §1.5: code flash = the linked kernels + network.c + toolchain objects; runtime RAM = their
 * .data/.bss). Two code generators, two models (docs/targets.md "Runtime RAM and code flash"):
 *
 * - STEdgeAI Core 3.x/4.x, the "lite" generator (`stAllocatorFamily` = 'stedgeai-lite'): runtime RAM is the
 *   writable objects network.c declares for the layers that have no lite kernel, counted from the graph and
 *   priced with the object sizes of ST's own reports (runtime-lite.ts). No fitted parameter.
 * - STM32Cube.AI 7.x/8.x (legacy runtime): every layer, activation tensor and parameter tensor is an object in
 *   RAM; bytes = base + a·activation tensors + b·parameter tensors + c·layers, non-negative, fitted per tool
 *   version on the published rows.
 * - Code flash (both): base + per layer + per per-channel scale (the float each output channel's requantisation
 *   keeps in flash) + Σ kernel-family cost × [family used], fitted per tool version (legacy: the number of
 *   distinct kernels instead of the families); lite: plus the hybrid objects' initialisers, counted, not fitted.
 *
 * Features from before runtime objects were counted (no `runtimeObjects`) fall back to the previous vector:
 *     bytes = base + per_layer × kernel layers + q × per-channel quant-param bytes + Σ family cost × [family used]
 */
import type { LayerOp } from '../analyzer/layer.ts';
import { stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';
import { nnls } from './latency/nnls.ts';
import type { ModelFeatures } from './model-features.ts';
import { liteRuntimeRamBytes } from './runtime-lite.ts';

/** Kernel families a runtime links separately (grouping LayerOps that share an implementation). */
export const KERNEL_FAMILIES: { name: string; ops: LayerOp[] }[] = [
  { name: 'conv', ops: ['Conv', 'ConvTranspose'] },
  { name: 'depthwise', ops: ['DepthwiseConv'] },
  { name: 'dense', ops: ['Dense', 'MatMul'] },
  { name: 'eltwise', ops: ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min'] },
  { name: 'pool', ops: ['AveragePool', 'MaxPool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceSum'] },
  { name: 'activation', ops: ['Activation', 'Softmax', 'BatchNorm'] },
  { name: 'datamove', ops: ['Concat', 'Split', 'Slice', 'Gather', 'Pad', 'Resize', 'Transpose'] },
  { name: 'convert', ops: ['Quantize', 'Dequantize', 'Cast'] },
];

const familyFlags = (f: ModelFeatures): number[] => {
  const ops = new Set(f.kernelKinds.map((k) => k.split(':')[0] as LayerOp));
  return KERNEL_FAMILIES.map((fam) => (fam.ops.some((o) => ops.has(o)) ? 1 : 0));
};

/**
 * quant_param_bytes: per-channel requantization parameters. ST's generated code keeps them with the code, not
 * with the weights: across MobileNet widths (same kernels, same layer count) code flash grows by ≈ 0.3 B per
 * byte of our per-channel scale/zero-point figure (v1 0.5→1.0: +21.5 KiB; v2 0.35→1.4: +66.5 KiB).
 */
export const RUNTIME_FEATURES = ['base', 'layers', 'quant_param_bytes', ...KERNEL_FAMILIES.map((f) => `uses_${f.name}`)];

/** The fallback vector (features without `runtimeObjects`). */
export function runtimeFeatureVector(f: ModelFeatures): number[] {
  return [1, f.kernelLayers, f.quantParamBytes, ...familyFlags(f)];
}

export type RuntimeQuantity = 'code-flash' | 'runtime-ram';
export type RuntimeFamily = 'lite' | 'legacy';

/** 'lite' for STEdgeAI Core 3.x/4.x (and X-CUBE-AI 11/12), 'legacy' for STM32Cube.AI 7.x/8.x. */
export function runtimeFamily(toolVersion: string): RuntimeFamily {
  return stAllocatorFamily(toolVersion) === 'stedgeai-lite' ? 'lite' : 'legacy';
}

interface FeatureSet {
  names: string[];
  vector: (f: ModelFeatures) => number[] | undefined;
  /** Bytes known without fitting (coefficient 1), added to the fitted part. */
  offset?: (f: ModelFeatures) => number;
}

/** The fitted feature set per quantity and code generator (undefined vector: the model lacks runtimeObjects). */
export function runtimeFeatureSet(quantity: RuntimeQuantity, family: RuntimeFamily): FeatureSet {
  if (quantity === 'runtime-ram') {
    return {
      names: ['base', 'activation_tensors', 'param_tensors', 'layers'],
      vector: (f) => {
        const o = f.runtimeObjects;
        return o && [1, o.activationTensors, o.paramTensors, o.layers];
      },
    };
  }
  if (family === 'lite') {
    return {
      names: ['base', 'layers', 'per_channel_scales', ...KERNEL_FAMILIES.map((f) => `uses_${f.name}`)],
      vector: (f) => {
        const o = f.runtimeObjects;
        return o && [1, o.layers, o.perChannelScales, ...familyFlags(f)];
      },
      // the hybrid layers' writable objects are initialised from flash: their runtime RAM bytes, once more
      offset: (f) => (f.runtimeObjects ? liteRuntimeRamBytes(f.runtimeObjects.lite) : 0),
    };
  }
  return {
    names: ['base', 'layers', 'per_channel_scales', 'distinct_kernels'],
    vector: (f) => {
      const o = f.runtimeObjects;
      return o && [1, o.layers, o.perChannelScales, f.kernelKinds.length];
    },
  };
}

export interface RuntimeMemoryFit {
  /** What is modelled: 'code-flash' or 'runtime-ram'. */
  quantity: RuntimeQuantity;
  toolVersion: string;
  /**
   * 'lite-objects': STEdgeAI 3.x/4.x runtime RAM counted from the hybrid layers' objects (no fitted parameter);
   * 'nnls': non-negative least squares on `features`.
   */
  method: 'lite-objects' | 'nnls';
  features: string[];
  coef: number[];
  /** The previous vector's fit (RUNTIME_FEATURES), used for features without `runtimeObjects`. */
  fallbackCoef: number[];
  models: number;
  rows: number;
}

export interface RuntimeMemoryRow {
  features: ModelFeatures;
  bytes: number;
}

function fitVectors(rows: { v: number[]; bytes: number; offset?: number }[]): number[] {
  // relative error: each row weighted by 1/bytes; the known offset is taken off the target
  return nnls(
    rows.map((r) => r.v.map((x) => x / r.bytes)),
    rows.map((r) => 1 - (r.offset ?? 0) / r.bytes),
  ).x;
}

export function fitRuntimeMemory(quantity: RuntimeQuantity, toolVersion: string, rows: RuntimeMemoryRow[], models: number): RuntimeMemoryFit | undefined {
  const usable = rows.filter((r) => r.bytes > 0);
  const family = runtimeFamily(toolVersion);
  const set = runtimeFeatureSet(quantity, family);
  const withObjects = usable.flatMap((r) => {
    const v = set.vector(r.features);
    return v ? [{ v, bytes: r.bytes, offset: set.offset?.(r.features) ?? 0 }] : [];
  });
  const fallbackCoef = usable.length >= 2 ? fitVectors(usable.map((r) => ({ v: runtimeFeatureVector(r.features), bytes: r.bytes }))) : [];
  if (quantity === 'runtime-ram' && family === 'lite') {
    return { quantity, toolVersion, method: 'lite-objects', features: [], coef: [], fallbackCoef, models, rows: usable.length };
  }
  if (withObjects.length < 2) return undefined;
  return { quantity, toolVersion, method: 'nnls', features: set.names, coef: fitVectors(withObjects), fallbackCoef, models, rows: usable.length };
}

export function predictRuntimeBytes(fit: RuntimeMemoryFit, f: ModelFeatures): number {
  if (fit.method === 'lite-objects' && f.runtimeObjects) return liteRuntimeRamBytes(f.runtimeObjects.lite);
  const set = fit.method === 'nnls' ? runtimeFeatureSet(fit.quantity, runtimeFamily(fit.toolVersion)) : undefined;
  const v = set?.vector(f);
  if (set && v) return (set.offset?.(f) ?? 0) + v.reduce((s, x, j) => s + x * fit.coef[j]!, 0);
  if (!fit.fallbackCoef.length) return 0;
  return runtimeFeatureVector(f).reduce((s, x, j) => s + x * fit.fallbackCoef[j]!, 0);
}
