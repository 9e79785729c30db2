/**
 * Calibration rows whose stand-in file differs from the file ST benchmarked in one known way, recorded with the
 * benchmarked file's identity (data/published/zoo-4x-file-identity.json, `benchmarkedExport`), and what runtime RAM
 * counts for them.
 *
 * 'dense-per-channel': the benchmarked file is our stand-in with its int8 FULLY_CONNECTED quantized per output
 * channel. ST's zoo 4.x fft MobileNets (tf_flowers, STEdgeAI 3.0/4.0 H747 rows) are re-exports of the legacy fork's
 * files we hold: ST's food101 sibling of MobileNet v1 0.25 224 fft (the file itself: sha256 = its zoo LFS oid) has a
 * per-channel FULLY_CONNECTED (101 weight and bias scales) and no PAD operators, where the legacy file has a
 * per-tensor one; each tf_flowers file's LFS size is its sibling's minus, per class fewer, the dense weights (Cin B),
 * the int32 bias (4 B) and a float scale + int64 zero point on both the weights and the bias (24 B) — to the byte on
 * five pairs (docs/targets.md "Session 12: runtime RAM of the fft rows"). ST's lite generator runs a per-channel
 * dense as the hybrid `forward_dense_integer_SSSA_ch` (runtime-lite.ts), whose objects are runtime RAM.
 *
 * Only the runtime RAM of such a row is counted on the export (`runtimeObjects.litePerChannelDense`); its code flash,
 * activations and latency still read the stand-in's features.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelFeatures } from '../model-features.ts';
import type { CalibrationRow } from './dataset.ts';

export type BenchmarkedExport = 'dense-per-channel';

interface IdentityRecord {
  zooPath: string;
  standInRef: string;
  rows: string[];
  benchmarkedExport?: { differs: BenchmarkedExport };
}

const FILE = 'zoo-4x-file-identity.json';

/**
 * Sets `benchmarkedExport` on the rows of every identity record that has one. A listed row the data no longer has,
 * or whose features are not the record's stand-in, is an error: the claim is about that file.
 */
export function markBenchmarkedExports(rows: CalibrationRow[], dataDir: string): void {
  const path = join(dataDir, 'published', FILE);
  if (!existsSync(path)) return;
  const records = (JSON.parse(readFileSync(path, 'utf8')) as { records: IdentityRecord[] }).records;
  const byId = new Map(rows.map((r) => [r.rowId, r]));
  for (const rec of records) {
    if (!rec.benchmarkedExport) continue;
    for (const id of rec.rows) {
      const row = byId.get(id);
      if (!row) throw new Error(`data/published/${FILE}: row ${id} is not in the published data any more`);
      if (row.featuresRef !== rec.standInRef) throw new Error(`data/published/${FILE}: row ${id} reads ${row.featuresRef ?? 'no features'}, not ${rec.standInRef}`);
      row.benchmarkedExport = rec.benchmarkedExport.differs;
    }
  }
}

/** The features runtime RAM counts for a row: the stand-in's, with the lite objects of the benchmarked export. */
export function runtimeRamFeatures(r: CalibrationRow): ModelFeatures {
  const f = r.features!;
  if (r.benchmarkedExport !== 'dense-per-channel') return f;
  const lite = f.runtimeObjects.litePerChannelDense;
  if (!lite) throw new Error(`${r.rowId}: ${r.featuresRef} has no per-tensor int8 dense layer to export per channel (or its features predate runtimeObjects.litePerChannelDense: regenerate them, calibration/extract-features.ts)`);
  return { ...f, runtimeObjects: { ...f.runtimeObjects, lite } };
}
