/**
 * Published MPU times beside a prediction are like for like only when the model runs the same TFLite kernels as
 * the file ST timed. ST's EfficientNet LC v1 TFLite has a run-time SHAPE op (Keras Flatten), so TFLite on the
 * Cortex-A7 drops XNNPACK for it (latency/runtime-path.ts, evidence in docs/targets.md); a QDQ ONNX build of the
 * same network has no such op and is priced on XNNPACK: its A7 rows are flagged, the held file's are not.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReportInput } from '../src/report/build-input.ts';
import { publishedLine } from '../src/cli/commands/demo.ts';
import { findPublishedFigures } from '../src/report/published.ts';
import type { PublishedFigure, ReportInput } from '../src/report/types.ts';
import { buildZooModel } from '../src/zoo/index.ts';
import { REPO_ROOT, sharedModels } from './helpers/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-published-path-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const QUERY = { arch: 'st_efficientnet_lc_v1', resolutions: [224], datasets: ['tf_flowers'] };
const TARGETS = ['stm32mp157f-dk2', 'stm32mp135f-dk2', 'stm32h747i-disco'];

describe('published MPU times and the runtime path', () => {
  it('flags the A7 times of ST\'s TFLite file beside a QDQ ONNX build, and leaves them out of the demo line', async () => {
    const m = buildZooModel('st_efficientnet_lc_v1', { resolution: 224, classes: 5 });
    const path = join(tmp, `${m.name}.onnx`);
    writeFileSync(path, m.bytes);
    const input = await buildReportInput(path, { targets: TARGETS, published: QUERY });
    const a7 = (input.published ?? []).filter((f) => f.metric === 'latencyMs' && f.targetId.startsWith('stm32mp1'));
    expect(a7.map((f) => f.targetId).sort()).toEqual(['stm32mp135f-dk2', 'stm32mp157f-dk2']);
    for (const f of a7) {
      expect(f.publishedCpuPath, f.targetId).toBe('builtin');
      expect(f.comparable, f.targetId).toBe(false);
      expect(f.comparabilityNote).toMatch(/SHAPE op/);
    }
    const h7 = (input.published ?? []).find((f) => f.metric === 'latencyMs' && f.targetId === 'stm32h747i-disco');
    expect(h7?.comparable, 'MCU times have no such path choice').toBeUndefined();
    expect(publishedLine(input)).toMatch(/3 more not like for like \(/);
    expect(publishedLine(input)).toMatch(/STM32MP135F-DK2, STM32MP157F-DK2 inference time: ST's file ran on TFLite's built-in kernels/);
  });

  it("flags activation RAM measured on ST's uint8-input TFLite file beside the float-input QDQ build, not beside a uint8 build", async () => {
    const builds = { float32: buildZooModel('st_efficientnet_lc_v1', { resolution: 224, classes: 5 }), uint8: buildZooModel('st_efficientnet_lc_v1', { resolution: 224, classes: 5, io: 'uint8' }) };
    for (const [io, m] of Object.entries(builds)) {
      const path = join(tmp, `${m.name}-${io}.onnx`);
      writeFileSync(path, m.bytes);
      const input = await buildReportInput(path, { targets: ['stm32h747i-disco'], published: QUERY });
      const act = (input.published ?? []).filter((f) => f.metric === 'activationRamBytes');
      expect(act.length, io).toBe(1);
      expect(act[0]!.publishedInputDtype).toBe('uint8');
      if (io === 'float32') {
        expect(act[0]!.comparable).toBe(false);
        // 224 × 224 × 3 float32 = 588 KiB of graph input in the pool
        expect(act[0]!.comparabilityNote).toMatch(/takes a uint8 input, this model a float32 one \(588\.00 KiB/);
        expect(publishedLine(input)).toMatch(/STM32H747I-DISCO activation RAM: ST's file takes a uint8 input, this model a float32 one;/);
      } else expect(act[0]!.comparable, 'same input type: like for like').toBeUndefined();
    }
  });

  const file = sharedModels('tflite').find((p) => p.endsWith('st_efficientnet_lc_v1_224_tfs_int8.tflite'));
  it.skipIf(!file)('the TFLite file ST timed is compared as is (same path)', async () => {
    const input = await buildReportInput(file!, { targets: TARGETS, published: QUERY });
    const a7 = (input.published ?? []).filter((f) => f.metric === 'latencyMs' && f.targetId.startsWith('stm32mp1'));
    expect(a7.length).toBe(2);
    for (const f of a7) {
      expect(f.publishedCpuPath).toBe('builtin');
      expect(f.comparable, f.targetId).toBeUndefined();
      expect(Math.abs((f.predictedValue! - f.publishedValue) / f.publishedValue), f.targetId).toBeLessThan(0.1);
    }
  });
});

describe('the input type of the file behind a published activation figure', () => {
  it("reads it off a file name the importer inferred (`… .tflite (inferred)`): Tiny YOLO v2's H747 row, ST's uint8-input TFLite", () => {
    // data/published/mcu.csv mcu-legacy-elhadidy-85: model_file `…/tiny_yolo_v2_224_int8.tflite (inferred)`, 217.81 KiB
    const act = findPublishedFigures({ arch: 'tiny_yolo_v2', resolutions: [224], datasets: ['COCO Person'] }).filter((f) => f.metric === 'activationRamBytes');
    expect(act.map((f) => [f.targetId, f.publishedValue])).toEqual([['stm32h747i-disco', 217.81 * 1024]]);
    expect(act[0]!.publishedInputDtype).toBe('uint8');
  });
});

describe('the demo line names every metric in words', () => {
  it("an N6 internal-RAM figure as the worst difference reads 'internal RAM', not the field name", () => {
    const figure = (metric: PublishedFigure['metric'], publishedValue: number, predictedValue: number): PublishedFigure => ({
      targetId: 'stm32n6570-dk',
      board: 'STM32N6570-DK',
      resolution: 256,
      metric,
      publishedValue,
      predictedValue,
      row: 'test row',
      source: { zooRelease: '4.0', table: 'test' },
    });
    const line = publishedLine({ published: [figure('latencyMs', 10, 10.5), figure('internalRamBytes', 1000, 1500)] } as unknown as ReportInput);
    expect(line).toMatch(/worst \+50\.0 % \(STM32N6570-DK internal RAM, 256 px\)/);
  });
});

describe('published latency rows the fit was made on', () => {
  const file = sharedModels('tflite').find((p) => p.endsWith('st_efficientnet_lc_v1_224_tfs_int8.tflite'));
  it.skipIf(!file)("say they are in-sample and give calibrate's held-out prediction of that row", async () => {
    const input = await buildReportInput(file!, { targets: TARGETS, published: QUERY });
    const lat = (input.published ?? []).find((f) => f.metric === 'latencyMs' && f.targetId === 'stm32h747i-disco')!;
    expect(lat.rowId).toBeDefined();
    // the held-out record of the same row, as calibrate wrote it (data/calibration-error.json)
    const records = (JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')) as { records: { quantity: string; rowId: string; role: string; predicted: number; errorPct: number }[] }).records;
    const held = records.find((r) => r.quantity === 'latency' && r.rowId === lat.rowId && r.role === 'scored')!;
    expect(held).toBeDefined();
    expect(lat.comparabilityNote).toMatch(/^in-sample: /);
    expect(lat.comparabilityNote).toContain(`(${held.errorPct >= 0 ? '+' : ''}${held.errorPct.toFixed(1)} %)`);
    // still compared (the full-fit figure is what check prints), and the demo line says how many rows are in-sample
    expect(lat.comparable).toBeUndefined();
    expect(publishedLine(input)).toMatch(/ of them are latency rows the latency fit was made on \(in-sample\)/);
    // memory rows have no fitted parameter: no such note
    for (const f of (input.published ?? []).filter((x) => x.metric !== 'latencyMs')) expect(f.comparabilityNote ?? '').not.toMatch(/in-sample/);
  });
});
