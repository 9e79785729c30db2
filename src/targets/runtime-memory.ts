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
 * - Code flash, lite: 4 B per per-channel scale (the float each output channel's requantisation keeps in flash)
 *   and the hybrid objects' initialisers, counted; + base + per layer + Σ price × [kernel function linked] for the
 *   deep 3×3 conv, the generic k×k conv and the dense (lite per-tensor or hybrid per-channel: one price;
 *   LITE_PRICED_FUNCTIONS), fitted per tool version.
 *   Legacy: base + per layer + per per-channel scale + per distinct kernel, fitted.
 */
import { stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';
import { nnls } from './latency/nnls.ts';
import type { ModelFeatures } from './model-features.ts';
import { liteRuntimeRamBytes } from './runtime-lite.ts';

/**
 * Kernel functions whose presence the lite code-flash model prices (one coefficient each, the bytes the linker
 * pulls in for them): the deep 3×3 and generic k×k convolutions and the dense (PRICED_AS). Every zoo network
 * links a pointwise, an input (rgb) convolution and depthwise kernels, so those sit in the base; these three vary
 * across the published rows (docs/targets.md "Code flash").
 */
export const LITE_PRICED_FUNCTIONS = ['conv2d_deep_3x3', 'conv2d', 'dense'] as const;

/**
 * The kernel functions (runtime-lite.ts kernelFunctionOf) each priced entry stands for: one dense price for the lite
 * per-tensor kernel and the hybrid per-channel one. ST's 3.0 reports put the hybrid `forward_dense_integer_SSSA_ch`
 * at 1,824 B of library .text (simple_lin_N_4 vs simple_lin_1 PerChannel, whose code differs by three hybrid
 * per-channel dense layers; Cortex-M4 library).
 */
const PRICED_AS: Record<(typeof LITE_PRICED_FUNCTIONS)[number], string[]> = {
  conv2d_deep_3x3: ['conv2d_deep_3x3'],
  conv2d: ['conv2d'],
  dense: ['dense', 'dense_ch'],
};

/** Bytes of one per-channel scale in flash: a float (MobileNet v1 0.25 → 0.5 fft: +10,977 B for +2,736 channels). */
export const SCALE_BYTES = 4;

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
      names: ['base', 'layers', ...LITE_PRICED_FUNCTIONS.map((fn) => `uses_${fn}`)],
      vector: (f) => {
        const o = f.runtimeObjects;
        // a feature record from before kernelFunctions existed would price no function at all: say so instead
        if (!o.kernelFunctions) throw new Error('runtimeObjects.kernelFunctions missing: regenerate the stored features (calibration/extract-features.ts)');
        const linked = new Set(o.kernelFunctions);
        return [1, o.layers, ...LITE_PRICED_FUNCTIONS.map((fn) => (PRICED_AS[fn].some((k) => linked.has(k)) ? 1 : 0))];
      },
      // counted, not fitted: one float per output channel of each per-channel layer (network.c's
      // `…_t_weight_0_fmt_scale_const_f32[]`), and the hybrid layers' writable objects, initialised from flash
      offset: (f) => SCALE_BYTES * f.runtimeObjects.perChannelScales + liteRuntimeRamBytes(f.runtimeObjects.lite),
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
