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
 * - Code flash, lite: counted, not fitted: the code of ST's runtime library the linker keeps for the entry points
 *   network.c references (runtime-lite.ts libraryFunctionsOf; section sizes of the GCC library of the row's tool version
 *   and core, `runtimeLibraryFor`), 4 B per per-channel scale, 256 B per LUT non-linearity's table and the hybrid
 *   objects' initialisers (network.o `.data`); fitted per tool version (NNLS): base + per kernel section (a layer's or
 *   a padded copy's call) + per hybrid layer, the generated network.c around the calls. Nothing is chosen per fit, so calibrate's leave-one-model-out is the plain
 *   refit without the held-out model.
 *   Legacy: base + per layer + per per-channel scale + per distinct kernel, fitted.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';
import { nnls } from './latency/nnls.ts';
import type { ModelFeatures } from './model-features.ts';
import type { EngineKind } from './profile-schema.ts';
import { liteDataBytes, liteRuntimeRamBytes } from './runtime-lite.ts';

/**
 * An ST GCC runtime library read section by section (data/st-generated/runtime-library-*.json, each with its source):
 * per entry point, the sections the linker's --gc-sections keeps for it (its closure over the archive's relocations)
 * and each section's bytes.
 */
interface RuntimeLibrarySizes {
  library: string;
  sectionBytes: Record<string, number>;
  entryPoints: Record<string, string[]>;
}

/**
 * The library records held: STEdgeAI Core 3.0.0 (runtime 11.0, NetworkRuntime1100) for Cortex-M7 and Cortex-M33, and
 * 4.0.0 (runtime 12.0, NetworkRuntime1200) for Cortex-M7. No 4.0.0 Cortex-M33 archive was found.
 */
export const RUNTIME_LIBRARY_RECORDS = {
  '3.0-cm7': 'runtime-library-1100-cm7.json',
  '3.0-cm33': 'runtime-library-1100-cm33.json',
  '4.0-cm7': 'runtime-library-1200-cm7.json',
} as const;
export type RuntimeLibraryRecord = keyof typeof RUNTIME_LIBRARY_RECORDS;

/**
 * The library record that prices a row's (or a check's) code flash: the archive of its tool version and core, as ST's
 * reports name it (3.0.0 reports: NetworkRuntime1100_CM7_GCC.a on the STM32H7, NetworkRuntime1100_CM33_GCC.a on the
 * STM32U5; data/st-generated/ev7-reports-3.0.0-zoo-services.json). Cortex-M33 with 4.0: the 3.0 M33 record, since no
 * 4.0 M33 archive is held and the core matters more than the version: on the M7 the 3.0 archive is a constant 156 B
 * below the 4.0 one on every H747 row's function set (one common section: the fitted base takes it), while the M33
 * archive is 500 B above the M7 one on Yamnet's nine functions and the difference grows with the functions linked.
 * Any other core (Cortex-M55 host of the N6, unknown): the M7 record of the version. Versions other than 3.x (11.x)
 * take the 4.0 records (the newest held).
 */
export function runtimeLibraryFor(toolVersion: string, engineKind?: EngineKind | string): RuntimeLibraryRecord {
  const major = Number(/(\d+)(?:\.\d+)*\s*$/.exec(toolVersion)?.[1]);
  const v3 = major === 3 || major === 11;
  if (engineKind === 'mcu-m33') return '3.0-cm33';
  return v3 ? '3.0-cm7' : '4.0-cm7';
}

const LIBRARY_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../data/st-generated');
const libraries = new Map<RuntimeLibraryRecord, RuntimeLibrarySizes>();
function runtimeLibrary(record: RuntimeLibraryRecord): RuntimeLibrarySizes {
  let lib = libraries.get(record);
  if (!lib) {
    lib = JSON.parse(readFileSync(join(LIBRARY_DIR, RUNTIME_LIBRARY_RECORDS[record]), 'utf8')) as RuntimeLibrarySizes;
    libraries.set(record, lib);
  }
  return lib;
}

/**
 * Bytes of ST's runtime library the linker keeps for these entry points (runtime-lite.ts libraryFunctionsOf):
 * the union of their closures, each section counted once (helpers shared by two kernels are linked once), in the
 * library record given (default the 4.0.0 Cortex-M7 one). Counted from the library, not fitted. An entry point the
 * record lacks is an error, not 0 B.
 */
export function libraryCodeBytes(functions: readonly string[], record: RuntimeLibraryRecord = '4.0-cm7'): number {
  const lib = runtimeLibrary(record);
  const kept = new Set<string>();
  for (const fn of functions) {
    const sections = lib.entryPoints[fn];
    if (!sections) throw new Error(`${fn}: not in the ${lib.library} size record (data/st-generated/${RUNTIME_LIBRARY_RECORDS[record]})`);
    sections.forEach((s) => kept.add(s));
  }
  let bytes = 0;
  for (const s of kept) bytes += lib.sectionBytes[s]!;
  return bytes;
}

/** Bytes of one LUT non-linearity's table in flash: 256 int8 entries (`…_nl_params_data[]` in ST's network.c). */
export const LUT_TABLE_BYTES = 256;

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
  /** Bytes known without fitting (coefficient 1), added to the fitted part; `engineKind`: the row's core. */
  offset?: (f: ModelFeatures, engineKind?: EngineKind | string) => number;
}

/** The fitted feature set per quantity and code generator (`toolVersion` picks the lite runtime library). */
export function runtimeFeatureSet(quantity: RuntimeQuantity, family: RuntimeFamily, toolVersion = ''): FeatureSet {
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
      // network.c around the kernel calls: the stai_network_* API and toolchain helpers (base), each kernel section
      // (`LITE_KERNEL_SECTION`: a layer's call, or a padded copy's, with its constant arguments; runtime-lite.ts
      // liteCalls) and a hybrid layer's extra: its forward_lite_<layer>() wrapper patching data pointers and its
      // constant tensor chain
      names: ['base', 'kernel_sections', 'hybrid_layers'],
      vector: (f) => [1, f.runtimeObjects.liteCalls ?? f.runtimeObjects.layers, f.runtimeObjects.lite.layers],
      // counted, not fitted: the runtime library's code the linker keeps for the entry points the graph references,
      // one float per output channel of each per-channel layer (network.c's `…_t_weight_0_fmt_scale_const_f32[]`),
      // each LUT non-linearity's 256-byte table, and the hybrid layers' writable objects, initialised from flash (their
      // `.data`; the `.bss` part is zeroed, not copied)
      offset: (f, engineKind) => {
        const o = f.runtimeObjects;
        if (!o.libraryFunctions) throw new Error('runtimeObjects.libraryFunctions missing: regenerate the stored features (calibration/extract-features.ts)');
        return libraryCodeBytes(o.libraryFunctions, runtimeLibraryFor(toolVersion, engineKind)) + SCALE_BYTES * o.perChannelScales + LUT_TABLE_BYTES * (o.lutTables ?? 0) + liteDataBytes(o.lite);
      },
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
  /** The row's core (profile engine kind): picks the lite runtime library (`runtimeLibraryFor`). */
  engineKind?: EngineKind | string;
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
  if (quantity === 'runtime-ram' && family === 'lite') {
    return { quantity, toolVersion, method: 'lite-objects', features: [], coef: [], models, rows: usable.length };
  }
  const set = runtimeFeatureSet(quantity, family, toolVersion);
  const vectors = usable.map((r) => ({ v: set.vector(r.features), bytes: r.bytes, offset: set.offset?.(r.features, r.engineKind) ?? 0 }));
  if (vectors.length < 2) return undefined;
  return { quantity, toolVersion, method: 'nnls', features: set.names, coef: fitVectors(vectors), models, rows: usable.length };
}

/** `engineKind`: the target's core (profile engine kind), which picks the lite runtime library (`runtimeLibraryFor`). */
export function predictRuntimeBytes(fit: RuntimeMemoryFit, f: ModelFeatures, engineKind?: EngineKind | string): number {
  if (fit.method === 'lite-objects') return liteRuntimeRamBytes(f.runtimeObjects.lite);
  const set = runtimeFeatureSet(fit.quantity, runtimeFamily(fit.toolVersion), fit.toolVersion);
  return (set.offset?.(f, engineKind) ?? 0) + set.vector(f).reduce((s, x, j) => s + x * fit.coef[j]!, 0);
}
