/**
 * The oracle: for every ONNX model in ../shared/models, every tensor's inferred shape and dtype equal what
 * onnxruntime-node really produces when the model runs once on zeros.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';
import { inferShapes, type ShapeOptions } from '../src/analyzer/shapes/infer.ts';
import { decodeForTest, runOracle } from './shapes-oracle-helpers.ts';

const summary: string[] = [];

/** Inputs with dynamic spatial dims need a realistic size (default 1 makes the YOLO's upsample/concat disagree). */
const OVERRIDES: Record<string, ShapeOptions> = {
  'onnx_public/whole_networks/lpr_yolo_model.quant.onnx': { inputShapes: { images: [1, 3, 256, 256] } },
};

async function check(path: string, opts: ShapeOptions = {}, label = modelLabel(path)): Promise<void> {
  const bytes = readFileSync(path);
  const ir = decodeForTest(bytes, path);
  const result = inferShapes(ir, opts);
  const report = await runOracle(bytes, ir, result);
  summary.push(
    `${label.padEnd(90)} compared ${String(report.compared).padStart(5)}  mismatches ${report.mismatches.length}  untyped ${report.untyped.length}  unknown nodes ${result.unknownNodes.length}`,
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
  afterAll(() => {
    console.log(`\nshape oracle (ours vs onnxruntime-node ${'1.30'}):\n${summary.join('\n')}`);
  });
});
