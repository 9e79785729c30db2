/**
 * Calibration rows whose stand-in file differs from the file ST benchmarked in known ways, recorded with the
 * benchmarked file's identity (data/published/zoo-4x-file-identity.json, `benchmarkedExport`), and the analysis of
 * that export: what every quantity of such a row (activations, runtime RAM, code flash, latency) is computed on.
 *
 * 'per-channel-dense-no-pad': the benchmarked file is our stand-in with its int8 FULLY_CONNECTED quantized per output
 * channel and its explicit PADs folded into the convolutions that read them as SAME padding. ST's zoo 4.x fft
 * MobileNets (tf_flowers, STEdgeAI 3.0/4.0 H747 rows) are re-exports of the legacy fork's files we hold: ST's food101
 * sibling of MobileNet v1 0.25 224 fft (the file itself: sha256 = its zoo LFS oid) has a per-channel FULLY_CONNECTED
 * (101 weight and bias scales) and no PAD operators, its stride-2 depthwise convolutions SAME-padded (0, 0, 1, 1),
 * where the legacy file has a per-tensor one and PAD ((0, 1), (0, 1)) → VALID depthwise; the folded legacy analysis
 * is ST's file layer for layer but for the class count (test/calibration-benchmarked-exports.test.ts). Each tf_flowers
 * file's LFS size is its sibling's minus, per class fewer, the dense weights (Cin B), the int32 bias (4 B) and a
 * float scale + int64 zero point on both the weights and the bias (24 B) — to the byte on five pairs, so the rest of
 * the graph is the sibling's (docs/targets.md "Session 12: runtime RAM of the fft rows", "Session 12 (padfft12)").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../../analyzer/layer.ts';
import { foldPadsIntoConvs } from '../../analyzer/fold-pads.ts';
import { isPerTensorInt8Dense } from '../runtime-lite.ts';
import type { CalibrationRow } from './dataset.ts';
import type { FeatureRecord } from './feature-store.ts';

export type BenchmarkedExport = 'per-channel-dense-no-pad';

interface IdentityRecord {
  zooPath: string;
  standInRef: string;
  rows: string[];
  benchmarkedExport?: { differs: BenchmarkedExport };
}

const FILE = 'zoo-4x-file-identity.json';

function identityRecords(dataDir: string): IdentityRecord[] {
  const path = join(dataDir, 'published', FILE);
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as { records: IdentityRecord[] }).records;
}

/**
 * Sets `benchmarkedExport` on the rows of every identity record that has one, and gives them the features of that
 * export (stored beside the stand-in's by extract-features: FeatureRecord.benchmarkedExport). A listed row the data no
 * longer has, whose features are not the record's stand-in, or whose stand-in has no stored export features is an
 * error: the claim is about that file.
 */
export function markBenchmarkedExports(rows: CalibrationRow[], dataDir: string, store: ReadonlyMap<string, FeatureRecord>): void {
  const byId = new Map(rows.map((r) => [r.rowId, r]));
  for (const rec of identityRecords(dataDir)) {
    if (!rec.benchmarkedExport) continue;
    const differs = rec.benchmarkedExport.differs;
    const exported = store.get(rec.standInRef)?.benchmarkedExport;
    if (exported?.differs !== differs) throw new Error(`data/features: ${rec.standInRef} has no '${differs}' export features; regenerate them (calibration/extract-features.ts)`);
    for (const id of rec.rows) {
      const row = byId.get(id);
      if (!row) throw new Error(`data/published/${FILE}: row ${id} is not in the published data any more`);
      if (row.featuresRef !== rec.standInRef) throw new Error(`data/published/${FILE}: row ${id} reads ${row.featuresRef ?? 'no features'}, not ${rec.standInRef}`);
      row.benchmarkedExport = differs;
      row.features = exported.features;
    }
  }
}

/**
 * The analysis of the benchmarked export of a stand-in: explicit PADs folded into their convolutions as SAME padding
 * (analyzer/fold-pads.ts) and every per-tensor int8 dense layer quantized per output channel (one weight scale and
 * zero point per channel where the stand-in stores one: quantParamBytes × Cout, ST's food101 file's 1,313 B for 101
 * classes against the legacy head's 13 B).
 */
export function benchmarkedExportAnalysis(a: Analysis, differs: BenchmarkedExport): Analysis {
  if (differs !== 'per-channel-dense-no-pad') throw new Error(`unknown benchmarked export '${differs as string}'`);
  const folded = foldPadsIntoConvs(a);
  let quantParamDelta = 0;
  const layers = folded.layers.map((l) => {
    if (!isPerTensorInt8Dense(l)) return l;
    const cout = l.outputShapes[0]?.at(-1) ?? 1;
    quantParamDelta += l.quantParamBytes * (cout - 1);
    return { ...l, perChannel: true, quantParamBytes: l.quantParamBytes * cout };
  });
  return { ...folded, layers, totals: { ...folded.totals, quantParamBytes: folded.totals.quantParamBytes + quantParamDelta } };
}

/** The stand-in refs with a benchmarked export and which one (what extract-features stores export features for). */
export function benchmarkedExportsByStandIn(dataDir: string): Map<string, BenchmarkedExport> {
  const out = new Map<string, BenchmarkedExport>();
  for (const rec of identityRecords(dataDir)) if (rec.benchmarkedExport) out.set(rec.standInRef, rec.benchmarkedExport.differs);
  return out;
}
