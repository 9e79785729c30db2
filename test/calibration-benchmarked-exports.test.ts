/**
 * The fft rows whose benchmarked file is our stand-in with a per-channel FULLY_CONNECTED (benchmarked-exports.ts):
 * the file-size evidence recorded with them, the runtime RAM counted on that export, and ST's own object sizes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { runtimeLoo } from '../src/targets/calibration/calibrate.ts';
import { runtimeRamFeatures } from '../src/targets/calibration/benchmarked-exports.ts';
import { DATA_DIR, loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { isPerTensorInt8Dense, liteRuntimeRamBytes, runtimeObjectCounts } from '../src/targets/runtime-lite.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

interface Sibling {
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
      const f = byId.get(rec.rows[0]!)!.features!;
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

  it('marks the rows of those files (3.0 and 4.0 tables), each reading the stand-in the record names', () => {
    const ids = rows.filter((r) => r.benchmarkedExport === 'dense-per-channel').map((r) => r.rowId);
    expect(ids.sort()).toEqual(marked.flatMap((r) => r.rows).sort());
    expect(ids.length).toBe(10);
    for (const rec of marked) for (const id of rec.rows) expect(byId.get(id)!.featuresRef).toBe(rec.standInRef);
  });

  it("the per-channel dense adds ST's measured object cost: the increment of one per-channel dense in ST's 3.0.0 reports", () => {
    // model_simple_lin_N_6 → N_7 (PerChannel): one more DENSE_TYPE hybrid layer, network.o .data +416 B
    const doc = JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/runtime-lite-3.0.0-reports.json'), 'utf8')) as { records: { report: string; networkO: { data: number } }[] };
    const data = (name: string) => doc.records.find((r) => r.report.includes(`/${name}.onnx-`))!.networkO.data;
    const perDense = data('model_simple_lin_N_7_PerChannel_quant_random_1') - data('model_simple_lin_N_6_PerChannel_quant_random_1');
    for (const rec of marked) {
      const o = byId.get(rec.rows[0]!)!.features!.runtimeObjects;
      expect(o.litePerChannelDense!.layersByReason['dense-per-channel']).toBe(1);
      expect(liteRuntimeRamBytes(o.litePerChannelDense!) - liteRuntimeRamBytes(o.lite), rec.standInRef).toBe(perDense);
    }
  });

  it('runtime RAM of every marked row is within ±3 % of the published figure (leave-one-model-out record)', () => {
    const loo = new Map(runtimeLoo(rows, 'runtimeRam').map((o) => [o.item.rowId, o]));
    for (const rec of marked) {
      for (const id of rec.rows) {
        const o = loo.get(id)!;
        expect(o.predicted).toBe(liteRuntimeRamBytes(runtimeRamFeatures(byId.get(id)!).runtimeObjects.lite));
        expect(Math.abs(o.predicted - o.actual) / o.actual, `${id} ${o.predicted} vs ${o.actual}`).toBeLessThan(0.03);
      }
    }
  });

  it('an unmarked row keeps its stand-in count', () => {
    const gray = byId.get('mcu-zoo-4-9')!; // MobileNet v1 0.25 96 grayscale: the benchmarked file itself
    expect(gray.benchmarkedExport).toBeUndefined();
    expect(runtimeRamFeatures(gray)).toBe(gray.features);
  });

  it.skipIf(!HAVE_SHARED)("the stand-ins' heads are per-tensor int8 dense layers (the legacy converter's), the transform's only change", async () => {
    for (const rec of marked) {
      const a = await analyzeForTargets(join(MODELS_DIR, rec.standInRef));
      const dense = a.layers.filter((l) => l.op === 'Dense');
      expect(dense.length).toBe(1);
      expect(isPerTensorInt8Dense(dense[0]!)).toBe(true);
      const o = runtimeObjectCounts(a);
      expect(o.litePerChannelDense!.layers).toBe(o.lite.layers + 1);
    }
  });
});
