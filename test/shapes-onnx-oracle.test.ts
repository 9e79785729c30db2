/**
 * The oracle: for every ONNX model in ../shared/models, every tensor's inferred shape and dtype equal what
 * onnxruntime-node really produces when the model runs once on zeros.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { HAVE_SHARED, MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { inferShapes, type ShapeOptions } from '../src/analyzer/shapes/infer.ts';
import { runOracle } from './shapes-oracle-helpers.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';

const summary: string[] = [];

/**
 * Inputs with dynamic spatial dims need a realistic size (default 1 makes the YOLO's upsample/concat
 * disagree); the loop below thus also checks the YOLO at a size other than its training size.
 */
const OVERRIDES: Record<string, ShapeOptions> = {
  'onnx_public/whole_networks/lpr_yolo_model.quant.onnx': { inputShapes: { images: [1, 3, 256, 256] } },
};

async function check(path: string, opts: ShapeOptions = {}, label = modelLabel(path), relaxInputs = false): Promise<void> {
  const bytes = readFileSync(path);
  const ir = loadModelBytes(bytes, path);
  const result = inferShapes(ir, opts);
  const report = await runOracle(bytes, result, { relaxInputs });
  summary.push(
    `${label.padEnd(90)} compared ${String(report.compared).padStart(5)}/${String(report.exposed).padEnd(5)} values ${String(report.valuesCompared).padStart(4)}  mismatches ${report.mismatches.length}  untyped ${report.untyped.length}  unknown nodes ${result.unknownNodes.length}`,
  );
  expect(report.mismatches, report.mismatches.slice(0, 10).join('\n')).toEqual([]);
  expect(report.compared).toBeGreaterThan(0);
  return;
}

describe.skipIf(!HAVE_SHARED)('shape oracle on ../shared/models ONNX files', () => {
  for (const path of sharedModels('onnx')) {
    const label = modelLabel(path);
    it(label, { timeout: 60_000 }, async () => {
      await check(path, OVERRIDES[label]);
    });
  }
});

const MOBILENET = join(MODELS_DIR, 'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx');
const LPR_YOLO = join(MODELS_DIR, 'onnx_public/whole_networks/lpr_yolo_model.quant.onnx');
const MOBILENET_V2_7 = join(MODELS_DIR, 'onnx_public/whole_networks/mobilenetv2-7.quant.onnx');

describe.skipIf(!HAVE_SHARED)('--input-shape overrides, checked by onnxruntime at the new size', () => {
  const runs: [string, string, Record<string, number[]>][] = [
    [MOBILENET, 'mobilenet_v2 float at 1x3x160x160', { input_1: [1, 3, 160, 160] }],
    [LPR_YOLO, 'YOLO (dynamic H/W) at 1x3x192x416', { images: [1, 3, 192, 416] }],
    [MOBILENET_V2_7, 'mobilenetv2-7 QDQ at batch 2 (Shape→Gather→Concat→Reshape folds)', { input: [2, 3, 224, 224] }],
  ];
  for (const [path, label, inputShapes] of runs) {
    it(label, { timeout: 60_000 }, async () => {
      await check(path, { inputShapes }, `${modelLabel(path)} @ ${Object.values(inputShapes)[0]!.join('x')}`, true);
    });
  }

  it('the dynamic-size YOLO without an override fails with a hint to give --input-shape', () => {
    const ir = loadModelBytes(readFileSync(LPR_YOLO), LPR_YOLO);
    expect(() => inferShapes(ir)).toThrow(/Concat.*--input-shape images=<batch>x3x<height>x<width>/);
  });

  it('override of an unknown input or with the wrong rank is a USAGE error', () => {
    const ir = loadModelBytes(readFileSync(MOBILENET), MOBILENET);
    const bad: Record<string, number[]>[] = [{ image: [1, 3, 160, 160] }, { input_1: [3, 160, 160] }];
    for (const inputShapes of bad) {
      let err: unknown;
      try {
        inferShapes(ir, { inputShapes });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EdgefitError);
      expect((err as EdgefitError).code).toBe('USAGE');
    }
  });

  afterAll(() => {
    console.log(`\nshape oracle (ours vs onnxruntime-node ${'1.30'}):\n${summary.join('\n')}`);
  });
});
