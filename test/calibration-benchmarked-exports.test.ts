/**
 * The fft rows whose benchmarked file is our stand-in with a per-channel FULLY_CONNECTED and its PADs folded into the
 * convolutions as SAME padding (benchmarked-exports.ts, analyzer/fold-pads.ts): the file-size evidence recorded with
 * them, ST's own export of the same network as the transform's oracle, and every quantity counted on that export.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { runtimeLoo } from '../src/targets/calibration/calibrate.ts';
import { benchmarkedExportAnalysis } from '../src/targets/calibration/benchmarked-exports.ts';
import { DATA_DIR, loadCalibrationRows, loadFeatureStore } from '../src/targets/calibration/dataset.ts';
import { isPerTensorInt8Dense, liteRuntimeRamBytes, runtimeObjectCounts } from '../src/targets/runtime-lite.ts';
import { litePeakBytes } from '../src/targets/activation-peak.ts';
import { parseCsv } from '../src/targets/calibration/csv.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

interface Sibling {
  lfsOid: string;
  lfsSize: number;
  classes: number;
}
interface IdentityRecord {
  zooPath: string;
  lfsSize: number;
  standInRef: string;
  rows: string[];
  benchmarkedExport?: { differs: string; classes: number; denseInputChannels: number; siblings: Sibling[] };
}

const identity = JSON.parse(readFileSync(join(DATA_DIR, 'published/zoo-4x-file-identity.json'), 'utf8')) as { records: IdentityRecord[] };
const marked = identity.records.filter((r) => r.benchmarkedExport);
const rows = loadCalibrationRows();
const byId = new Map(rows.map((r) => [r.rowId, r]));
const store = loadFeatureStore();
/** The stand-in's own features (a marked row reads its export's). */
const standInFeatures = (rec: IdentityRecord) => store.get(rec.standInRef)!.features;

interface ExportLayer {
  op: string;
  kernel?: number[];
  strides?: number[];
  pads?: number[];
  perChannel?: boolean;
  inputShape: number[];
  outputShape: number[];
}
/** ST's food101 export of MobileNet v1 0.25 224 fft, layer by layer as our analyzer reads it. */
const stExport = JSON.parse(readFileSync(join(DATA_DIR, 'published/zoo-4x-fft-export-layers.json'), 'utf8')) as { sha256: string; classes: number; litePoolBytesOurPlan: number; layers: ExportLayer[] };

describe('fft exports with a per-channel dense head (zoo 4.x MobileNets)', () => {
  it('each sibling export is the benchmarked file plus, per class, a per-channel dense row: weights, int32 bias, scale + int64 zero point on both', () => {
    expect(marked.map((r) => r.zooPath.split('/').at(-1))).toEqual([
      'mobilenetv1_a025_224_fft_int8.tflite',
      'mobilenetv1_a025_96_fft_int8.tflite',
      'mobilenetv1_a050_224_fft_int8.tflite',
      'mobilenetv2_a035_128_fft_int8.tflite',
      'mobilenetv2_a035_224_fft_int8.tflite',
    ]);
    let pairs = 0;
    for (const rec of marked) {
      const e = rec.benchmarkedExport!;
      // the dense input width recorded is the stand-in's: its dense MACs are Cin × classes
      const f = standInFeatures(rec);
      expect(f.macsByKind.dense, rec.standInRef).toBe(e.denseInputChannels * e.classes);
      for (const s of e.siblings) {
        const perClassPerChannel = e.denseInputChannels + 4 + 2 * (4 + 8);
        const perClassPerTensor = e.denseInputChannels + 4;
        expect(s.lfsSize - rec.lfsSize, `${rec.zooPath} vs a ${s.classes}-class sibling`).toBe((s.classes - e.classes) * perClassPerChannel);
        expect(s.lfsSize - rec.lfsSize).not.toBe((s.classes - e.classes) * perClassPerTensor);
        pairs++;
      }
    }
    expect(pairs).toBe(5);
  });

  it('marks the rows of those files (H747 3.0 and 4.0 tables, MP135 / MP157 / MP257 rows of the same README), each reading the stand-in the record names', () => {
    const ids = rows.filter((r) => r.benchmarkedExport === 'per-channel-dense-no-pad').map((r) => r.rowId);
    expect(ids.sort()).toEqual(marked.flatMap((r) => r.rows).sort());
    expect(ids.length).toBe(25);
    // an MPU row is listed where ST's table links the same file (model_file = the record's zoo path)
    const mpu = new Map(parseCsv(readFileSync(join(DATA_DIR, 'published/mpu.csv'), 'utf8')).map((r) => [r.row_id!, r]));
    for (const rec of marked) {
      for (const id of rec.rows) {
        const row = byId.get(id)!;
        if (row.table === 'mpu') expect(mpu.get(id)!.model_file, id).toBe(rec.zooPath);
        expect(row.featuresRef).toBe(rec.standInRef);
        expect(row.features).toEqual(store.get(rec.standInRef)!.benchmarkedExport!.features);
      }
    }
  });

  it("the per-channel dense adds ST's measured object cost: the increment of one per-channel dense in ST's 3.0.0 reports", () => {
    // model_simple_lin_N_6 → N_7 (PerChannel): one more DENSE_TYPE hybrid layer, network.o .data +416 B
    const doc = JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/runtime-lite-3.0.0-reports.json'), 'utf8')) as { records: { report: string; networkO: { data: number } }[] };
    const data = (name: string) => doc.records.find((r) => r.report.includes(`/${name}.onnx-`))!.networkO.data;
    const perDense = data('model_simple_lin_N_7_PerChannel_quant_random_1') - data('model_simple_lin_N_6_PerChannel_quant_random_1');
    for (const rec of marked) {
      // the export's own count (what the marked rows read) against the stand-in's: one per-channel dense more, and
      // nothing else (folding the PADs adds or removes no hybrid object)
      const exported = byId.get(rec.rows[0]!)!.features!.runtimeObjects.lite;
      const standIn = standInFeatures(rec).runtimeObjects.lite;
      expect(exported.layersByReason['dense-per-channel']).toBe(1);
      expect(exported.layers).toBe(standIn.layers + 1);
      expect(liteRuntimeRamBytes(exported) - liteRuntimeRamBytes(standIn), rec.standInRef).toBe(perDense);
    }
  });

  it('runtime RAM of every marked row is within ±3 % of the published figure (leave-one-model-out record)', () => {
    const loo = new Map(runtimeLoo(rows, 'runtimeRam').map((o) => [o.item.rowId, o]));
    for (const rec of marked) {
      for (const id of rec.rows.filter((i) => i.startsWith('mcu-'))) {
        const o = loo.get(id)!;
        expect(o.predicted).toBe(liteRuntimeRamBytes(byId.get(id)!.features!.runtimeObjects.lite));
        expect(Math.abs(o.predicted - o.actual) / o.actual, `${id} ${o.predicted} vs ${o.actual}`).toBeLessThan(0.03);
      }
    }
  });

  it('an unmarked row keeps its stand-in count', () => {
    const gray = byId.get('mcu-zoo-4-9')!; // MobileNet v1 0.25 96 grayscale: the benchmarked file itself
    expect(gray.benchmarkedExport).toBeUndefined();
    expect(gray.features).toEqual(store.get(gray.featuresRef!)!.features);
    expect(store.get(gray.featuresRef!)!.benchmarkedExport).toBeUndefined();
  });

  it.skipIf(!HAVE_SHARED)("the transformed legacy v1 0.25 224 fft is ST's food101 export layer for layer, but for the class count", async () => {
    const rec = marked[0]!;
    const a = await analyzeForTargets(join(MODELS_DIR, rec.standInRef));
    const e = benchmarkedExportAnalysis(a, 'per-channel-dense-no-pad');
    // the head's [1, classes] tensors: 5 tf_flowers classes here, 101 food101 classes in ST's file
    const classes = (s: number[]) => (s.length === 2 && s[1] === rec.benchmarkedExport!.classes ? [s[0]!, stExport.classes] : s);
    const ours = e.layers.map((l) => ({
      op: l.op,
      ...(l.conv ? { kernel: l.conv.kernel, strides: l.conv.strides, pads: l.conv.pads } : {}),
      ...(l.perChannel !== undefined ? { perChannel: l.perChannel } : {}),
      inputShape: classes(l.inputShapes[0]!),
      outputShape: classes(l.outputShapes[0]!),
    }));
    expect(ours).toEqual(stExport.layers);
    expect(a.layers.length - e.layers.length).toBe(4);
    // connectivity survives the re-indexing: every layer reads the tensor the one before it writes
    for (let i = 1; i < e.layers.length; i++) expect(e.layers[i]!.inputs[0]).toBe(e.layers[i - 1]!.outputs[0]);
    for (const t of e.tensors) for (const c of t.consumers) expect(e.layers[c]!.inputs).toContain(t.name);
    // the lite pool of ST's file (our plan of it) is the transformed stand-in's: the head is not at the peak
    expect(litePeakBytes(e)).toBe(stExport.litePoolBytesOurPlan);
  });

  it.skipIf(!HAVE_SHARED)("the stored export features are the export's, and the v1 224 export pools grow by rule 3's padded copy over the PAD's", async () => {
    const growth = new Map<string, number>();
    for (const rec of marked) {
      const a = await analyzeForTargets(join(MODELS_DIR, rec.standInRef));
      const stored = store.get(rec.standInRef)!.benchmarkedExport!.features;
      expect(stored.activationPeakBytesLite).toBe(litePeakBytes(benchmarkedExportAnalysis(a, 'per-channel-dense-no-pad')));
      growth.set(rec.zooPath.split('/').at(-1)!, stored.activationPeakBytesLite! - standInFeatures(rec).activationPeakBytesLite!);
    }
    // peak at the first stride-2 depthwise (112×112×C in): the PAD wrote 113×113×C, the lite `_pad_before` of its SAME
    // padding (0, 0, 1, 1) writes (H + Kh − 1) × (W + Kw − 1) = 114×114×C (docs/memory-4x.md rule 3)
    expect(growth.get('mobilenetv1_a025_224_fft_int8.tflite')).toBe((114 * 114 - 113 * 113) * 16);
    expect(growth.get('mobilenetv1_a050_224_fft_int8.tflite')).toBe((114 * 114 - 113 * 113) * 32);
  });

  it.skipIf(!HAVE_SHARED)("the stand-ins' heads are per-tensor int8 dense layers (the legacy converter's)", async () => {
    for (const rec of marked) {
      const a = await analyzeForTargets(join(MODELS_DIR, rec.standInRef));
      const dense = a.layers.filter((l) => l.op === 'Dense');
      expect(dense.length).toBe(1);
      expect(isPerTensorInt8Dense(dense[0]!)).toBe(true);
      // the export counts that head as ST's hybrid per-channel dense (forward_dense_integer_SSSA_ch): one object more
      const exported = runtimeObjectCounts(benchmarkedExportAnalysis(a, 'per-channel-dense-no-pad')).lite;
      expect(exported.layersByReason['dense-per-channel']).toBe(1);
      expect(exported.layers).toBe(runtimeObjectCounts(a).lite.layers + 1);
    }
  });
});
