/**
 * ST's STM32H747I-DISCO re-identification tables (STEdgeAI 4.0.0) publish internal and external RAM instead of
 * activation RAM. calibrate scores them as activation RAM rows (published = internal + external) on the H747
 * memory-pool descriptor's plan, and records both parts. Oracle: ST's figures, copied from the README (not from our data).
 */
import { describe, expect, it } from 'vitest';
import { calibrate } from '../src/targets/calibration/calibrate.ts';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';

const KiB = 1024;
// stm32ai-modelzoo@e9fc1c2f6c980643a3ad0fcd5650da3580864580 re_identification/mobilenetv2/README.md, MCU memory table
const ST = { internalKiB: 398.25, externalKiB: 804.38 };

describe('H747 rows published as internal / external RAM', () => {
  const rows = loadCalibrationRows().filter((r) => r.target === 'stm32h747i-disco');
  const report = calibrate({ rows: loadCalibrationRows() });
  const record = report.records.find((r) => r.quantity === 'activationRam' && r.rowId === 'mcu-zoo-4-90');

  it('scores MobileNet v2 1.0 256x128 (the exact file) on internal + external, with its parts', () => {
    const row = rows.find((r) => r.rowId === 'mcu-zoo-4-90')!;
    expect(row.published.activationRamBytes).toBeUndefined();
    expect(record).toBeDefined();
    expect(record!.role).toBe('scored');
    expect(record!.published).toBeCloseTo((ST.internalKiB + ST.externalKiB) * KiB, 0);
    expect(record!.parts!.internal.published).toBeCloseTo(ST.internalKiB * KiB, 0);
    expect(record!.parts!.external.published).toBeCloseTo(ST.externalKiB * KiB, 0);
    // external RAM to the two-decimal KiB rounding, the total within the ±3 % goal
    expect(Math.abs(record!.parts!.external.predicted - ST.externalKiB * KiB)).toBeLessThanOrEqual(0.005 * KiB);
    expect(Math.abs(record!.errorPct)).toBeLessThan(3);
    expect(record!.parts!.internal.predicted + record!.parts!.external.predicted).toBe(record!.predicted);
  });

  it('counts the row in the H747 activation RAM figure; rows without a stand-in stay out', () => {
    const h747 = report.targets.find((t) => t.target === 'stm32h747i-disco')!.errors.activationRam;
    const newest = report.records.filter((r) => r.quantity === 'activationRam' && r.target === 'stm32h747i-disco' && r.toolVersion === h747.toolVersion);
    expect(newest.some((r) => r.rowId === 'mcu-zoo-4-90')).toBe(true);
    expect(h747.summary!.rows).toBe(newest.length);
    // MobileNet v2 0.35 256x128: the zoo builder's H×W reconstruction (test/calibration-standins-nonsquare.test.ts)
    expect(newest.some((r) => r.rowId === 'mcu-zoo-4-89')).toBe(true);
    // OSNet 1.0 256x128: no file or reconstruction held
    expect(report.records.some((r) => r.quantity === 'activationRam' && r.rowId === 'mcu-zoo-4-91')).toBe(false);
    // rows published as one activation figure carry no parts
    expect(newest.filter((r) => r.rowId !== 'mcu-zoo-4-90' && r.rowId !== 'mcu-zoo-4-89').every((r) => r.parts === undefined)).toBe(true);
  });
});
