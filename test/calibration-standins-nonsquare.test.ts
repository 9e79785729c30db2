/**
 * The re-identification rows of MobileNet v2 0.35 256×128 (STEdgeAI 4.0.0, H747 and N6) get a zoo-builder stand-in:
 * the H×W build without classifier (the pooled features are the output, as in ST's 1.0 256×128 ReID file, which the
 * builder reproduces layer by layer: test/zoo-nonsquare.test.ts). Oracle: ST's published figures, copied here from
 * stm32ai-modelzoo@e9fc1c2f6c980643a3ad0fcd5650da3580864580 re_identification/mobilenetv2/README.md (not from our data).
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../src/targets/calibration/calibrate.ts';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { standInFor, type PublishedRowKey } from '../src/targets/calibration/model-sources.ts';

const KiB = 1024;
const ST_H747 = { internalKiB: 461.32, externalKiB: 0, weightsFlashKiB: 400.59 };
const ST_N6 = { weightsFlashKiB: 553.58 }; // application-blob form (data/published/npu-weight-forms.json)

const reid = (over: Partial<PublishedRowKey>): PublishedRowKey => ({
  model: 'MobileNet v2 0.35 fft',
  file: 'mobilenetv2_a035_256_128_fft_int8.tflite',
  resolution: '256x128x3',
  dataset: 'DeepSportradar',
  format: 'Int8',
  origin: 'zoo-4',
  table: 'mcu',
  ...over,
});

describe('MobileNet v2 0.35 256×128 re-identification rows: zoo-builder H×W stand-in', () => {
  it('declares the H×W no-classifier build with the TFLite file’s uint8 input; MCU memory-comparable, N6 not', () => {
    const mcu = standInFor(reid({}));
    expect([mcu.kind, mcu.ref, mcu.memoryComparable]).toEqual(['zoo-builder', 'zoo:mobilenet_v2_a0.35_256x128x3_c0_iouint8', true]);
    expect(mcu.zoo).toMatchObject({ net: 'mobilenet_v2', alpha: 0.35, resolution: [256, 128], classes: 0, io: 'uint8' });
    const npu = standInFor(reid({ table: 'npu' }));
    expect([npu.kind, npu.ref, npu.memoryComparable]).toEqual(['zoo-builder', mcu.ref, false]);
  });

  it('no stand-in where the builder has no such network or input (OSNet; EfficientNet non-square)', () => {
    expect(standInFor(reid({ model: 'OSNet 1.0 tfs', file: 'osnet_a100_256_128_tfs_int8.tflite' })).kind).toBe('none');
    const eff = standInFor(reid({ model: 'ST EfficientNet LC v1 tfs', file: 'st_efficientnetlcv1_256_128_tfs_int8.tflite', dataset: 'food101' }));
    expect(eff.kind).toBe('none');
  });

  const report = calibrate({ rows: loadCalibrationRows() });
  const rec = (q: string, id: string) => report.records.find((r) => r.quantity === q && r.rowId === id);

  it('H747: scored for activation RAM (internal + external, descriptor plan) and weights flash, within ±3 %', () => {
    const act = rec('activationRam', 'mcu-zoo-4-89')!;
    expect(act.role).toBe('scored');
    expect(act.published).toBeCloseTo((ST_H747.internalKiB + ST_H747.externalKiB) * KiB, 0);
    expect(act.parts!.external).toEqual({ published: 0, predicted: 0 });
    expect(Math.abs(act.errorPct)).toBeLessThan(3);
    const w = rec('weightsFlash', 'mcu-zoo-4-89')!;
    expect(w.published).toBeCloseTo(ST_H747.weightsFlashKiB * KiB, 0);
    // architectures.md §3 α 0.35, int8 W + 4B = 410,208 + 1,284·P with P = 0; ST prints 400.59 KiB
    expect(w.predicted).toBe(410_208);
    expect(Math.abs(w.predicted - ST_H747.weightsFlashKiB * KiB)).toBeLessThanOrEqual(0.005 * KiB);
  });

  it('H747 and N6: the latency rows are in the leave-one-model-out fit', () => {
    expect(rec('latency', 'mcu-zoo-4-89')?.role).toBe('scored');
    expect(rec('latency', 'npu-zoo-4-282')?.role).toBe('scored');
  });

  it('N6: not in the memory figures (stand-in), its weights beside them on the application-blob form', () => {
    expect(rec('weightsFlash', 'npu-zoo-4-282')).toBeUndefined();
    expect(rec('activationRam', 'npu-zoo-4-282')).toBeUndefined();
    const row = loadCalibrationRows().find((r) => r.rowId === 'npu-zoo-4-282')!;
    expect(row.weightsForm).toBe('application-blob');
    expect(Math.abs(row.features!.weightsBlobBytesNeuralArt! - ST_N6.weightsFlashKiB * KiB)).toBeLessThan(0.001 * ST_N6.weightsFlashKiB * KiB);
  });
});
