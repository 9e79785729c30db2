/**
 * ST's YOLOv8n pose N6 rows print STEdgeAI 2.0.0's memory figures under the 4.0.0 label
 * (data/published/npu-memory-copies.json): the loader marks them and calibrate leaves them out of the memory figures.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { calibrate } from '../src/targets/calibration/calibrate.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const KiB = 1024;
const facts = JSON.parse(readFileSync(join(REPO_ROOT, 'data/published/npu-memory-copies.json'), 'utf8')) as {
  copies: { rowId: string; olderTable: { internalRamKiB: number; weightsFlashKiB: number; inferenceMs: number } }[];
  regenerated: { file: string; internalRamKiB: number; weightsFlashKiB: number }[];
};

describe('N6 rows whose memory columns are an older tool\'s', () => {
  const rows = loadCalibrationRows();
  const byId = new Map(rows.map((r) => [r.rowId, r]));

  it("YOLOv8n pose 192/256/320: ST's 4.0.0 memory figures equal the 2.0.0 README's to the digit, the times do not", () => {
    expect(facts.copies.length).toBe(3);
    for (const c of facts.copies) {
      const r = byId.get(c.rowId)!;
      expect(r.toolVersion).toBe('stedgeai-4.0');
      expect(r.memoryCopyOf).toMatch(/^stedgeai-2\.0 /);
      expect(r.published.internalRamBytes! / KiB).toBeCloseTo(c.olderTable.internalRamKiB, 2);
      expect(r.published.weightsFlashBytes! / KiB).toBeCloseTo(c.olderTable.weightsFlashKiB, 2);
      // the time column was re-measured (faster with 4.0.0): the row keeps its latency
      expect(r.published.inferenceMs!).toBeLessThan(c.olderTable.inferenceMs);
      expect(r.relabelledCopyOf).toBeUndefined();
    }
  });

  it('the sibling detection row was regenerated between 2.0.0 and 4.0.0 (every memory figure differs) and stays in', () => {
    const od = rows.find((r) => r.table === 'npu' && r.featuresRef === 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite')!;
    const older = facts.regenerated.find((x) => x.file === 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite')!;
    expect(od.memoryCopyOf).toBeUndefined();
    expect(od.published.internalRamBytes! / KiB).not.toBeCloseTo(older.internalRamKiB, 0);
    expect(od.published.weightsFlashBytes! / KiB).not.toBeCloseTo(older.weightsFlashKiB, 0);
  });

  it('calibrate scores the pose row for latency but not for activation RAM or weights flash', () => {
    const rep = calibrate({ rows });
    const n6 = rep.records.filter((x) => x.target === 'stm32n6570-dk' && x.rowId === 'npu-zoo-4-280');
    expect(n6.map((x) => x.quantity)).toEqual(['latency']);
    const act = rep.targets.find((t) => t.target === 'stm32n6570-dk')!.errors.activationRam;
    expect(act.details!.some((d) => d.includes('YOLOv8n pose per channel 256'))).toBe(true);
  });
});
