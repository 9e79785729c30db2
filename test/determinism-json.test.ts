/**
 * Determinism: the same model gives byte-identical JSON, run twice in separate processes (the second with
 * another time zone and locale), for `analyze --json` on an ONNX and a TFLite file and for `check --json`.
 * Without ../shared/models, a zoo-built ONNX model stands in and the TFLite case is skipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildZooModel } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { commandOptions, runAll, type CliRun } from './robustness-cli.ts';

const ONNX_SHARED = join(MODELS_DIR, 'onnx_public/whole_networks/mobilenetv2-7.quant.onnx');
const TFLITE_SHARED = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/mobilenetv2/mobilenet_v2_0.35_128_fft_int8.tflite');
const OTHER_ENV = { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' };
const HAVE_CHECK = commandOptions('check').includes('--json');

let dir: string;
let runs: Record<string, CliRun> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-determinism-'));
  let onnx = ONNX_SHARED;
  if (!HAVE_SHARED) {
    onnx = join(dir, 'zoo.onnx');
    writeFileSync(onnx, buildZooModel('st_mnist_v1').bytes);
  }
  const jobs: { key: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [];
  const twice = (key: string, args: string[]) => jobs.push({ key: `${key}#1`, args }, { key: `${key}#2`, args, env: OTHER_ENV });
  twice('analyze onnx', ['analyze', onnx, '--json']);
  if (HAVE_SHARED) twice('analyze tflite', ['analyze', TFLITE_SHARED, '--json']);
  if (HAVE_CHECK) twice('check onnx', ['check', onnx, '--json']);
  runs = await runAll(jobs);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectSameTwice(key: string): unknown {
  const a = runs[`${key}#1`]!;
  const b = runs[`${key}#2`]!;
  expect(a.code, a.stderr).toBeLessThanOrEqual(1); // check exits 1 when a target does not fit
  expect(b.code, b.stderr).toBe(a.code);
  expect(a.stdout.length).toBeGreaterThan(200);
  expect(b.stdout === a.stdout, `${key}: outputs differ`).toBe(true);
  return JSON.parse(a.stdout);
}

describe('the same model gives byte-identical JSON in two processes', () => {
  it('analyze --json, ONNX', () => {
    const doc = expectSameTwice('analyze onnx') as { layers: unknown[]; memory?: unknown };
    expect(doc.layers.length).toBeGreaterThan(5);
  });

  it.skipIf(!HAVE_SHARED)('analyze --json, TFLite', () => {
    const doc = expectSameTwice('analyze tflite') as { layers: unknown[]; model: { format: string } };
    expect(doc.model.format).toBe('tflite');
    expect(doc.layers.length).toBeGreaterThan(5);
  });

  it.skipIf(!HAVE_CHECK)('check --json, ONNX, every default target', () => {
    const doc = expectSameTwice('check onnx') as { targets: unknown[] };
    expect(doc.targets.length).toBeGreaterThan(1);
  });
});
