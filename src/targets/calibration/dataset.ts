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
  /** Rows sharing a key share one cost model in cycles (see profile engines). */
  calibrationKey: string;
  clockMHz: number;
  toolVersion: string;
  arch: string;
  standIn: StandInKind;
  /** Stand-in whose features are used (the fallback file when the primary has none). */
  featuresRef?: string;
  memoryComparable: boolean;
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

/** MP2 NPU/GPU: per-tensor models run on the NPU, per-channel ones mainly on the GPU (facts §4.5). */
export function mp2KeySuffix(perTensor: boolean): string {
  return perTensor ? ':per-tensor' : ':per-channel';
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
      let key = engine.calibrationKey;
      if (engine.kind === 'mpu-gpu-npu') key += mp2KeySuffix(r.quantization === 'per-tensor');
      else if (table === 'mpu' && r.quantization === 'per-tensor') key += ':per-tensor'; // TFLite CPU kernels differ too
      // MPU runtimes (TFLite in X-LINUX-AI 5 vs 6) differ per model, not by one factor: one fit per version
      if (table === 'mpu') key += `@${r.tool_version ?? ''}`;
      rows.push({
        rowId: r.row_id!,
        table,
        target: r.target!,
        engine: r.engine!,
        calibrationKey: key,
        clockMHz: engine.clockMHz,
        toolVersion: r.tool_version ?? '',
        arch: r.arch!,
        standIn,
        featuresRef,
        memoryComparable,
        model: r.model ?? '',
        resolution: r.resolution ?? '',
        quantization: r.quantization ?? '',
        source: r.source ?? '',
        approximate: r.approximate === 'true',
        features: featuresRef ? store.get(featuresRef)!.features : undefined,
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
  return dedupeRelabelled(rows);
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
