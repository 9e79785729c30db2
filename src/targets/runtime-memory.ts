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
 *   and the hybrid objects' initialisers, counted; + base + per layer + Σ price × [kernel function linked], fitted
 *   per tool version, over the kernel functions selectLitePricedFunctions picks from LITE_CANDIDATE_FUNCTIONS by
 *   leave-one-model-out on the fit's own rows. The pick is part of the fit, so calibrate's leave-one-model-out
 *   (which fits without the held-out model) is nested; `check` uses the pick on every row (on the 4.0 rows: deep
 *   3×3 conv, generic k×k conv, dense).
 *   Legacy: base + per layer + per per-channel scale + per distinct kernel, fitted.
 */
import { stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';
import { nnls } from './latency/nnls.ts';
import type { ModelFeatures } from './model-features.ts';
import { looByGroup } from './calibration/loo.ts';
import { liteRuntimeRamBytes } from './runtime-lite.ts';

/**
 * The kernel functions the lite code-flash model may price (one coefficient each, the bytes the linker pulls in for
 * them): every function `kernelFunctionOf` (runtime-lite.ts) returns, in its order. Which of them are priced is not
 * chosen by hand: `selectLitePricedFunctions` picks the subset on the rows the fit learns from (docs/targets.md
 * "Code flash").
 */
export const LITE_CANDIDATE_FUNCTIONS = ['conv2d_rgb', 'pw', 'conv2d_deep_3x3', 'conv2d', 'dw_3x3', 'dw', 'dense'] as const;
export type LitePricedFunction = (typeof LITE_CANDIDATE_FUNCTIONS)[number];

/**
 * The kernel functions (runtime-lite.ts kernelFunctionOf) each candidate stands for: one dense price for the lite
 * per-tensor kernel and the hybrid per-channel one. ST's 3.0 reports put the hybrid `forward_dense_integer_SSSA_ch`
 * at 1,824 B of library .text (simple_lin_N_4 vs simple_lin_1 PerChannel, whose code differs by three hybrid
 * per-channel dense layers; Cortex-M4 library).
 */
const PRICED_AS: Record<LitePricedFunction, string[]> = {
  conv2d_rgb: ['conv2d_rgb'],
  pw: ['pw'],
  conv2d_deep_3x3: ['conv2d_deep_3x3'],
  conv2d: ['conv2d'],
  dw_3x3: ['dw_3x3'],
  dw: ['dw'],
  dense: ['dense', 'dense_ch'],
};

/** 1 when the graph links a kernel function the candidate stands for, else 0. */
function linksFunction(f: ModelFeatures, fn: LitePricedFunction): number {
  const linked = f.runtimeObjects.kernelFunctions;
  // a feature record from before kernelFunctions existed would price no function at all: say so instead
  if (!linked) throw new Error('runtimeObjects.kernelFunctions missing: regenerate the stored features (calibration/extract-features.ts)');
  return PRICED_AS[fn].some((k) => linked.includes(k)) ? 1 : 0;
}

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

/** The fitted feature set per quantity and code generator; `priced`: the kernel functions a lite code-flash fit prices. */
export function runtimeFeatureSet(quantity: RuntimeQuantity, family: RuntimeFamily, priced: readonly LitePricedFunction[] = []): FeatureSet {
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
      names: ['base', 'layers', ...priced.map((fn) => `uses_${fn}`)],
      vector: (f) => [1, f.runtimeObjects.layers, ...priced.map((fn) => linksFunction(f, fn))],
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
  /** Lite code flash: the kernel functions priced, as selectLitePricedFunctions chose them on this fit's rows. */
  pricedFunctions?: LitePricedFunction[];
  models: number;
  rows: number;
}

export interface RuntimeMemoryRow {
  features: ModelFeatures;
  bytes: number;
  /** The architecture the row measures (calibration `arch`): the group the inner leave-one-model-out holds out. */
  model: string;
}

function fitVectors(rows: { v: number[]; bytes: number; offset?: number }[]): number[] {
  // relative error: each row weighted by 1/bytes; the known offset is taken off the target
  return nnls(
    rows.map((r) => r.v.map((x) => x / r.bytes)),
    rows.map((r) => 1 - (r.offset ?? 0) / r.bytes),
  ).x;
}

/** Mean absolute relative error (%) of a feature set, each model predicted by a fit on the other models. */
function leaveOneModelOutMapePct(rows: RuntimeMemoryRow[], set: FeatureSet): number {
  const outcomes = looByGroup(
    rows.map((r) => ({ model: r.model, v: set.vector(r.features), bytes: r.bytes, offset: set.offset?.(r.features) ?? 0 })),
    (r) => r.model,
    (train) => fitVectors(train),
    (coef, r) => r.offset + r.v.reduce((s, x, j) => s + x * coef[j]!, 0),
    (r) => r.bytes,
  );
  return outcomes.reduce((s, o) => s + Math.abs(o.errorPct), 0) / Math.max(1, outcomes.length);
}

/** Subsets of `items`, smallest first, each size in list order (lexicographic by index). */
function subsetsBySize<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  const grow = (start: number, picked: T[], size: number) => {
    if (picked.length === size) return void out.push(picked);
    for (let i = start; i < items.length; i++) grow(i + 1, [...picked, items[i]!], size);
  };
  for (let size = 0; size <= items.length; size++) grow(0, [], size);
  return out;
}

/**
 * The kernel functions a lite code-flash fit prices, chosen on `rows` alone: the candidates whose presence varies
 * across those rows (one linked by every row or by none is the base's business), every subset of them scored by its
 * leave-one-model-out MAPE on those rows (inner folds), the lowest kept; ties (within 1e-9 %) go to fewer functions,
 * then to the earlier subset in LITE_CANDIDATE_FUNCTIONS order. All subsets are tried (≤ 2^7; 32 on the 4.0 rows).
 * Called per training set, so calibrate's leave-one-model-out is nested: the held-out model never takes part in
 * choosing the functions that predict it.
 */
export function selectLitePricedFunctions(rows: RuntimeMemoryRow[]): LitePricedFunction[] {
  if (new Set(rows.map((r) => r.model)).size < 2) return [];
  const varying = LITE_CANDIDATE_FUNCTIONS.filter((fn) => new Set(rows.map((r) => linksFunction(r.features, fn))).size > 1);
  let best: LitePricedFunction[] = [];
  let bestPct = Infinity;
  for (const subset of subsetsBySize(varying)) {
    const pct = leaveOneModelOutMapePct(rows, runtimeFeatureSet('code-flash', 'lite', subset));
    if (pct < bestPct - 1e-9) [best, bestPct] = [subset, pct];
  }
  return best;
}

export function fitRuntimeMemory(quantity: RuntimeQuantity, toolVersion: string, rows: RuntimeMemoryRow[], models: number): RuntimeMemoryFit | undefined {
  const usable = rows.filter((r) => r.bytes > 0);
  const family = runtimeFamily(toolVersion);
  const priced = quantity === 'code-flash' && family === 'lite' ? selectLitePricedFunctions(usable) : undefined;
  const set = runtimeFeatureSet(quantity, family, priced);
  const vectors = usable.map((r) => ({ v: set.vector(r.features), bytes: r.bytes, offset: set.offset?.(r.features) ?? 0 }));
  if (quantity === 'runtime-ram' && family === 'lite') {
    return { quantity, toolVersion, method: 'lite-objects', features: [], coef: [], models, rows: usable.length };
  }
  if (vectors.length < 2) return undefined;
  return { quantity, toolVersion, method: 'nnls', features: set.names, coef: fitVectors(vectors), ...(priced && { pricedFunctions: priced }), models, rows: usable.length };
}

export function predictRuntimeBytes(fit: RuntimeMemoryFit, f: ModelFeatures): number {
  if (fit.method === 'lite-objects') return liteRuntimeRamBytes(f.runtimeObjects.lite);
  const set = runtimeFeatureSet(fit.quantity, runtimeFamily(fit.toolVersion), fit.pricedFunctions);
  return (set.offset?.(f) ?? 0) + set.vector(f).reduce((s, x, j) => s + x * fit.coef[j]!, 0);
}
