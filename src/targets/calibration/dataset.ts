/**
 * The calibration data set: published rows (data/published/*.csv) joined with the features of their
 * stand-in models (data/features/*.json). Works without ../shared.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelFeatures } from '../model-features.ts';
import type { TargetProfile } from '../profile-schema.ts';
import { builtinProfiles } from '../resolve.ts';
import { parseCsv } from './csv.ts';
import { featureFileName, type FeatureRecord } from './feature-store.ts';
import type { StandInKind } from './model-sources.ts';
import { mpuCpuPath } from '../latency/runtime-path.ts';
import { relabelledCopies } from '../runtime-copies.ts';
import { markMemoryCopies } from './memory-copies.ts';
import { markWeightForms, type WeightsForm } from './weight-forms.ts';
import { markBenchmarkedExports, type BenchmarkedExport } from './benchmarked-exports.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DATA_DIR = join(REPO, 'data');

const KIB = 1024;

export interface PublishedFigures {
  inferenceMs?: number;
  activationRamBytes?: number;
  runtimeRamBytes?: number;
  weightsFlashBytes?: number;
  codeFlashBytes?: number;
  internalRamBytes?: number;
  externalRamBytes?: number;
}

export interface CalibrationRow {
  rowId: string;
  table: 'mcu' | 'npu' | 'mpu';
  target: string;
  engine: string;
  /** The engine's kind (profile engines: 'mcu-m7', 'mcu-m33' …): picks the lite runtime library for code flash. */
  engineKind?: string;
  /** Rows sharing a key share one cost model in cycles (see profile engines). */
  calibrationKey: string;
  clockMHz: number;
  toolVersion: string;
  arch: string;
  standIn: StandInKind;
  /** Stand-in whose features are used (the fallback file when the primary has none). */
  featuresRef?: string;
  memoryComparable: boolean;
  /** False where ST's own tables contradict the stand-in's timing on this engine (model-sources TIMING_CONTRADICTIONS). */
  latencyComparable: boolean;
  /**
   * Set when the row is a relabelled copy of an older table's row (runtime-copies.ts), not a measurement under
   * its tool version: the row id it copies. Such rows fit and score nothing (latency, runtime RAM, code flash).
   */
  relabelledCopyOf?: string;
  /**
   * Set when only the memory columns are an older tool's figures printed under this row's label (the time was
   * re-measured): the older table, e.g. 'stedgeai-2.0 (…README.md)' (memory-copies.ts). Left out of memory figures.
   */
  memoryCopyOf?: string;
  /** Set when ST's weights figure of this row is its weight blob in the application form (weight-forms.ts). */
  weightsForm?: WeightsForm;
  /**
   * Set when the file ST benchmarked is the stand-in changed in known ways (benchmarked-exports.ts): `features` are
   * then that export's (every quantity is computed on it), `featuresRef` still names the stand-in file.
   */
  benchmarkedExport?: BenchmarkedExport;
  /** MPU tables: share of the time ST measured on the NPU (MP2), when published. */
  npuPct?: number;
  model: string;
  resolution: string;
  quantization: string;
  source: string;
  approximate: boolean;
  features?: ModelFeatures;
  published: PublishedFigures;
}

export function loadFeatureStore(dir = join(DATA_DIR, 'features')): Map<string, FeatureRecord> {
  const store = new Map<string, FeatureRecord>();
  if (!existsSync(dir)) return store;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const rec = JSON.parse(readFileSync(join(dir, f), 'utf8')) as FeatureRecord;
    store.set(rec.ref, rec);
  }
  return store;
}

const num = (v: string | undefined, scale = 1): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n * scale : undefined;
};

/**
 * MP2 NPU/GPU: per-tensor models run on the NPU, per-channel ones mainly on the GPU (facts §4.5). Where ST's
 * table says where the time went (%NPU), that measurement decides: a few per-channel models ran ≥ 90 % on
 * the NPU (ST YOLO LC v1, YOLOv8n-seg, tiny YOLO v2), and a GPU cost model cannot describe them.
 */
export function mp2KeySuffix(perTensor: boolean, npuPct?: number): string {
  if (npuPct !== undefined) return npuPct >= 50 ? ':npu' : ':gpu';
  return perTensor ? ':npu' : ':gpu';
}

/** The calibration key of an MPU row: engine family, then runtime path (CPU) or NPU/GPU regime (MP2). */
export function mpuKey(baseKey: string, engineKind: string, toolVersion: string, perTensor: boolean, f: ModelFeatures | undefined, npuPct?: number): string {
  if (engineKind === 'mpu-gpu-npu') return baseKey + mp2KeySuffix(perTensor, npuPct);
  // TFLite on the Cortex-A: XNNPACK or the built-in kernels (latency/runtime-path.ts); per-tensor kernels differ too
  return `${baseKey}:${mpuCpuPath(f?.runtimeShapeOps, toolVersion)}${perTensor ? ':per-tensor' : ''}`;
}

export function loadCalibrationRows(opts: { dataDir?: string; profiles?: TargetProfile[] } = {}): CalibrationRow[] {
  const dataDir = opts.dataDir ?? DATA_DIR;
  const profiles = new Map((opts.profiles ?? builtinProfiles()).map((p) => [p.id, p]));
  const store = loadFeatureStore(join(dataDir, 'features'));
  const rows: CalibrationRow[] = [];
  for (const table of ['mcu', 'npu', 'mpu'] as const) {
    const path = join(dataDir, 'published', `${table}.csv`);
    if (!existsSync(path)) continue;
    for (const r of parseCsv(readFileSync(path, 'utf8'))) {
      const profile = profiles.get(r.target!);
      const engine = profile?.engines.find((e) => e.id === r.engine);
      if (!profile || !engine) continue;
      let featuresRef: string | undefined;
      let standIn = r.stand_in as StandInKind;
      let memoryComparable = r.memory_comparable === 'true';
      if (r.stand_in_ref && store.has(r.stand_in_ref)) featuresRef = r.stand_in_ref;
      else if (r.fallback_ref && store.has(r.fallback_ref)) {
        featuresRef = r.fallback_ref;
        standIn = 'same-arch-file';
        memoryComparable = false;
      }
      const features = featuresRef ? store.get(featuresRef)!.features : undefined;
      const npuPct = num(r.npu_pct);
      let key = engine.calibrationKey;
      if (table === 'mpu') key = mpuKey(key, engine.kind, r.tool_version ?? '', r.quantization === 'per-tensor', features, npuPct);
      rows.push({
        rowId: r.row_id!,
        table,
        target: r.target!,
        engine: r.engine!,
        engineKind: engine.kind,
        calibrationKey: key,
        clockMHz: engine.clockMHz,
        toolVersion: r.tool_version ?? '',
        arch: r.arch!,
        standIn,
        featuresRef,
        memoryComparable,
        latencyComparable: r.latency_comparable !== 'false',
        npuPct,
        model: r.model ?? '',
        resolution: r.resolution ?? '',
        quantization: r.quantization ?? '',
        source: r.source ?? '',
        approximate: r.approximate === 'true',
        features,
        published: {
          inferenceMs: num(r.inference_ms),
          activationRamBytes: num(r.activation_ram_kib, KIB),
          runtimeRamBytes: num(r.runtime_ram_kib, KIB),
          weightsFlashBytes: num(r.weights_flash_kib, KIB),
          codeFlashBytes: num(r.code_flash_kib, KIB),
          internalRamBytes: num(r.internal_ram_kib, KIB),
          externalRamBytes: num(r.external_ram_kib, KIB),
        },
      });
    }
  }
  const kept = dedupeLegacyCopies(dedupeRelabelled(rows));
  const copies = relabelledCopies(kept);
  for (const r of kept) {
    const of = copies.get(r.rowId);
    if (of !== undefined) r.relabelledCopyOf = of;
  }
  markMemoryCopies(kept, dataDir);
  markWeightForms(kept, dataDir);
  markBenchmarkedExports(kept, dataDir, store);
  return kept;
}

/**
 * The 2024 fork's MP157 tables (labelled X-LINUX-AI 5.0) repeat the 2023 fork's image-classification times to
 * the digit (138.1, 46.8, 23.55, 39.48 … ms): one measurement, copied, not a 5.0 measurement. The copy is
 * dropped and the 2023 row kept; rows that differ (the object-detection ones, re-measured) stay.
 */
export function dedupeLegacyCopies(rows: CalibrationRow[]): CalibrationRow[] {
  const key = (r: CalibrationRow) => [r.table, r.target, r.engine, r.arch, r.resolution, r.published.inferenceMs].join('|');
  const older = new Set(rows.filter((r) => r.rowId.startsWith('mpu-legacy-bvenreply-') && r.published.inferenceMs).map(key));
  return rows.filter((r) => !(r.rowId.startsWith('mpu-legacy-elhadidy-') && r.published.inferenceMs && older.has(key(r))));
}

/**
 * Zoo 4.1 relabelled many 4.0 rows without re-measuring (calibration README): the same measurement under two
 * releases must count once, or it would weigh double in fits and error figures. The later row is kept.
 */
export function dedupeRelabelled(rows: CalibrationRow[]): CalibrationRow[] {
  const byKey = new Map<string, CalibrationRow>();
  for (const r of rows) {
    const key = [r.target, r.engine, r.calibrationKey, r.toolVersion, r.featuresRef ?? r.model, r.resolution, r.quantization, JSON.stringify(r.published)].join('|');
    byKey.delete(key);
    byKey.set(key, r);
  }
  return [...byKey.values()];
}

export { featureFileName };
