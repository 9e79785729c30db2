/**
 * Published rows beside a model are matched on its input size H × W × C, square or not: ST's re-identification
 * MobileNet v2 (256x128x3) and Yamnet 256 (64x96x1) rows, checked against ST's tables as copied in
 * ../shared/calibration (published_mcu.csv, published_npu.csv), and through the real files in ../shared/models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportInput } from '../src/report/build-input.ts';
import { findPublishedFigures, parseInputSize, publishedQueryForFile } from '../src/report/published.ts';
import { renderReport } from '../src/report/render.ts';
import type { PublishedFigure } from '../src/report/types.ts';
import { CALIBRATION_DIR, MODELS_DIR } from './helpers/shared.ts';

const MCU_CSV = join(CALIBRATION_DIR, 'published_mcu.csv');
const NPU_CSV = join(CALIBRATION_DIR, 'published_npu.csv');
const HAVE_CSV = existsSync(MCU_CSV) && existsSync(NPU_CSV);
const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const REID = join(MODELS_DIR, 're_identification/mobilenetv2_a100_256_128_fft_int8.tflite');

/** One zoo 4.1 row of a shared CSV as a column → value record (quoted notes hold commas: split up to the source). */
function sharedRow(csvPath: string, match: (cells: string[]) => boolean): Record<string, string> {
  const [head, ...lines] = readFileSync(csvPath, 'utf8').split('\n');
  const columns = head!.split(',');
  const rows = lines.filter((l) => l.startsWith('4.1,')).map((l) => l.split(','));
  const found = rows.filter(match);
  expect(found, 'exactly one shared row').toHaveLength(1);
  return Object.fromEntries(columns.map((c, i) => [c, found[0]![i]!]));
}

const value = (figures: PublishedFigure[], target: string, metric: PublishedFigure['metric']) => figures.find((f) => f.targetId === target && f.metric === metric)?.publishedValue;

describe('input sizes of published rows', () => {
  it('parses H×W×C as the tables print it', () => {
    expect(parseInputSize('256x128x3')).toEqual({ h: 256, w: 128, c: 3 });
    expect(parseInputSize('64x96x1')).toEqual({ h: 64, w: 96, c: 1 });
    expect(parseInputSize('257x40')).toEqual({ h: 257, w: 40 });
    expect(parseInputSize('ST model')).toBeUndefined();
  });
});

describe.skipIf(!HAVE_CSV)('non-square rows against ST tables (../shared/calibration)', () => {
  it('MobileNet v2 1.0 re-identification at 256x128x3: H747 and N6 rows as published; not at 128x256 nor as a square size', () => {
    const figures = findPublishedFigures({ arch: 'mobilenet_v2_1.0', datasets: ['DeepSportradar'], inputSizes: [{ h: 256, w: 128, c: 3 }] });
    const isReid = (c: string[]) => c.includes('DeepSportradar') && c.includes('256x128x3') && c.includes('MobileNet v2 1.0 fft');
    const h747 = sharedRow(MCU_CSV, (c) => isReid(c) && c.includes('STM32H747I-DISCO'));
    const n6 = sharedRow(NPU_CSV, (c) => isReid(c) && c.includes('STM32N6570-DK'));
    expect(value(figures, 'stm32h747i-disco', 'latencyMs')).toBe(Number(h747.inference_ms));
    expect(value(figures, 'stm32h747i-disco', 'weightsFlashBytes')).toBeCloseTo(Number(h747.weights_flash_kib) * 1024, 6);
    expect(value(figures, 'stm32h747i-disco', 'internalRamBytes')).toBeCloseTo(Number(h747.internal_ram_kib) * 1024, 6);
    expect(value(figures, 'stm32h747i-disco', 'externalRamBytes')).toBeCloseTo(Number(h747.external_ram_kib) * 1024, 6);
    expect(value(figures, 'stm32n6570-dk', 'latencyMs')).toBe(Number(n6.inference_ms));
    for (const f of figures) {
      expect(f.inputSize).toEqual({ h: 256, w: 128, c: 3 });
      expect(f.resolution).toBeUndefined();
      expect(f.source.zooRelease).toBe('4.1');
    }
    expect(findPublishedFigures({ arch: 'mobilenet_v2_1.0', datasets: ['DeepSportradar'], inputSizes: [{ h: 128, w: 256, c: 3 }] })).toEqual([]);
    expect(findPublishedFigures({ arch: 'mobilenet_v2_1.0', datasets: ['DeepSportradar'], resolutions: [128, 256] })).toEqual([]);
    expect(findPublishedFigures({ arch: 'mobilenet_v2_1.0', datasets: ['DeepSportradar'], inputSizes: [{ h: 256, w: 128, c: 1 }] })).toEqual([]);
  });

  it.skipIf(!existsSync(YAMNET))("Yamnet 256 (ST's 64x96x1 file): the report shows its U5 and N6 rows with predictions, and none at another input size", async () => {
    const query = publishedQueryForFile(YAMNET)!;
    expect(query).toBeDefined();
    const targets = ['b-u585i-iot02a', 'stm32n6570-dk'];
    const input = await buildReportInput(YAMNET, { targets, published: query });
    const figures = input.published ?? [];
    const isYamnet = (c: string[]) => c.includes('64x96x1') && c.includes('Yamnet 256');
    const u5 = sharedRow(MCU_CSV, (c) => isYamnet(c) && c.includes('B-U585I-IOT02A'));
    const n6 = sharedRow(NPU_CSV, (c) => isYamnet(c) && c.includes('STM32N6570-DK'));
    expect(value(figures, 'b-u585i-iot02a', 'latencyMs')).toBe(Number(u5.inference_ms));
    expect(value(figures, 'b-u585i-iot02a', 'activationRamBytes')).toBeCloseTo(Number(u5.activation_ram_kib) * 1024, 6);
    expect(value(figures, 'b-u585i-iot02a', 'weightsFlashBytes')).toBeCloseTo(Number(u5.weights_flash_kib) * 1024, 6);
    expect(value(figures, 'stm32n6570-dk', 'latencyMs')).toBe(Number(n6.inference_ms));
    expect(value(figures, 'stm32n6570-dk', 'weightsFlashBytes')).toBeCloseTo(Number(n6.weights_flash_kib) * 1024, 6);
    for (const f of figures) expect(typeof f.predictedValue, `${f.targetId} ${f.metric}`).toBe('number');
    // the file ST measured is this file: its int8 input is ST's, so the activation row is like for like
    expect(figures.find((f) => f.targetId === 'b-u585i-iot02a' && f.metric === 'activationRamBytes')!.comparable).toBeUndefined();
    expect(renderReport(input)).toMatch(/<td class="board">B-U585I-IOT02A<\/td><td>64×96×1<\/td>/);

    // the same file analysed at another input size is not the network ST measured
    const other = await buildReportInput(YAMNET, { targets, published: query, inputShapes: { 'serving_default_input_layer:0': [1, 64, 128, 1] } });
    expect(other.analysis.model.inputs[0]!.shape).toEqual([1, 64, 128, 1]);
    expect(other.published).toEqual([]);
  });

  it.skipIf(!existsSync(REID))('MobileNet v2 re-identification file (256x128x3): H747 rows beside the report', async () => {
    const input = await buildReportInput(REID, { targets: ['stm32h747i-disco'], published: publishedQueryForFile(REID)! });
    const h747 = sharedRow(MCU_CSV, (c) => c.includes('256x128x3') && c.includes('MobileNet v2 1.0 fft') && c.includes('STM32H747I-DISCO'));
    const figures = input.published ?? [];
    expect(value(figures, 'stm32h747i-disco', 'latencyMs')).toBe(Number(h747.inference_ms));
    expect(figures.find((f) => f.metric === 'latencyMs')!.predictedValue).toBe(input.targets![0]!.latencyMs);
  });

  it.skipIf(!existsSync(REID) || !HAVE_CSV)("N6 weights row in ST's application-blob form: compared with that form of ours, within 0.1 % of ST's figure, and said so", async () => {
    const input = await buildReportInput(REID, { targets: ['stm32n6570-dk'], published: publishedQueryForFile(REID)! });
    const n6 = sharedRow(NPU_CSV, (c) => c.includes('256x128x3') && c.includes('MobileNet v2 1.0 fft') && c.includes('STM32N6570-DK'));
    const weights = (input.published ?? []).find((f) => f.targetId === 'stm32n6570-dk' && f.metric === 'weightsFlashBytes')!;
    expect(weights.publishedValue).toBeCloseTo(Number(n6.weights_flash_kib) * 1024, 6);
    expect(weights.publishedWeightsForm).toBe('application-blob');
    expect(Math.abs(weights.predictedValue! / weights.publishedValue - 1)).toBeLessThan(0.001);
    // check's N6 weights figure is the other form, 13 % below ST's row: the report names it instead of comparing it
    const checkFigure = input.targets![0]!.flash.parts!.weights!;
    expect(checkFigure / weights.publishedValue - 1).toBeLessThan(-0.1);
    expect(weights.comparabilityNote).toContain(`${checkFigure} B`);
    expect(renderReport(input)).toContain('application blobs');
  });
});
