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

export type RuntimeQuantity = 'code-flash' | 'runtime-ram';
export type RuntimeFamily = 'lite' | 'legacy';

/** 'lite' for STEdgeAI Core 3.x/4.x (and X-CUBE-AI 11/12), 'legacy' for STM32Cube.AI 7.x/8.x. */
export function runtimeFamily(toolVersion: string): RuntimeFamily {
  return stAllocatorFamily(toolVersion) === 'stedgeai-lite' ? 'lite' : 'legacy';
}

interface FeatureSet {
  names: string[];
  vector: (f: ModelFeatures) => number[];
  /** Bytes known without fitting (coefficient 1), added to the fitted part. */
  offset?: (f: ModelFeatures) => number;
}

/** The fitted feature set per quantity and code generator. */
export function runtimeFeatureSet(quantity: RuntimeQuantity, family: RuntimeFamily): FeatureSet {
  if (quantity === 'runtime-ram') {
    return {
      names: ['base', 'activation_tensors', 'param_tensors', 'layers'],
      vector: (f) => {
        const o = f.runtimeObjects;
        return [1, o.activationTensors, o.paramTensors, o.layers];
      },
    };
  }
  if (family === 'lite') {
    return {
      names: ['base', 'layers', 'per_channel_scales', ...KERNEL_FAMILIES.map((f) => `uses_${f.name}`)],
      vector: (f) => {
        const o = f.runtimeObjects;
        return [1, o.layers, o.perChannelScales, ...familyFlags(f)];
      },
      // the hybrid layers' writable objects are initialised from flash: their runtime RAM bytes, once more
      offset: (f) => liteRuntimeRamBytes(f.runtimeObjects.lite),
    };
  }
  return {
    names: ['base', 'layers', 'per_channel_scales', 'distinct_kernels'],
    vector: (f) => {
      const o = f.runtimeObjects;
      return [1, o.layers, o.perChannelScales, f.kernelKinds.length];
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
  const vectors = usable.map((r) => ({ v: set.vector(r.features), bytes: r.bytes, offset: set.offset?.(r.features) ?? 0 }));
  if (quantity === 'runtime-ram' && family === 'lite') {
    return { quantity, toolVersion, method: 'lite-objects', features: [], coef: [], models, rows: usable.length };
  }
  if (vectors.length < 2) return undefined;
  return { quantity, toolVersion, method: 'nnls', features: set.names, coef: fitVectors(vectors), models, rows: usable.length };
}

export function predictRuntimeBytes(fit: RuntimeMemoryFit, f: ModelFeatures): number {
  if (fit.method === 'lite-objects') return liteRuntimeRamBytes(f.runtimeObjects.lite);
  const set = runtimeFeatureSet(fit.quantity, runtimeFamily(fit.toolVersion));
  return (set.offset?.(f) ?? 0) + set.vector(f).reduce((s, x, j) => s + x * fit.coef[j]!, 0);
}
