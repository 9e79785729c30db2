/**
 * Size caps: a model file, or one constant tensor, just over a lowered cap is refused with a one-line message
 * that names the option raising it; at the cap it loads. Checked through the loader for both formats, and
 * through every command that reads a model and declares the option (a command without it is reported as
 * skipped, naming what it lacks).
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModel } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { MODEL_COMMANDS, commandOptions, oneErrorLine, runAll, type CliRun } from './robustness-cli.ts';

const ST_MNIST = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/st_mnist/st_mnist_v1_28_tfs_int8.tflite');

interface Fixture {
  path: string;
  fileBytes: number;
  /** The largest constant tensor's stored bytes, counted from the file itself (not by our reader). */
  largestTensorBytes: number;
  largestTensor: string;
}

let dir: string;
const fixtures: Record<string, Fixture> = {};
let runs: Record<string, CliRun> = {};
const jobs: { key: string; args: string[] }[] = [];

/** Conv 5×5 (16 out, float32 weights: 16·3·5·5·4 = 4,800 bytes, the largest tensor) on a 1×3×16×16 input. */
function onnxFixture(out: string): Fixture {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 3, 16, 16]);
  g.initializer('w', 'float32', [16, 3, 5, 5], new Float32Array(1200).fill(0.01));
  g.initializer('b', 'float32', [16], new Float32Array(16));
  g.node('Conv', ['x', 'w', 'b'], ['y'], { pads: [2, 2, 2, 2] }, { name: 'conv' });
  g.node('Relu', ['y'], ['z'], {}, { name: 'relu' });
  g.output('z', 'float32', [1, 16, 16, 16]);
  const path = g.writeTo(out, 'conv.onnx');
  return { path, fileBytes: statSync(path).size, largestTensorBytes: 16 * 3 * 5 * 5 * 4, largestTensor: 'w' };
}

/** ST MNIST (TFLite); its largest constant found by walking the flatbuffer's buffers with the generated accessors. */
function tfliteFixture(out: string): Fixture {
  const bytes = readFileSync(ST_MNIST);
  const path = join(out, 'st_mnist.tflite');
  writeFileSync(path, bytes);
  const model = Model.getRootAsModel(new ByteBuffer(new Uint8Array(bytes)));
  const sg = model.subgraphs(0)!;
  let largest = { bytes: 0, name: '' };
  for (let t = 0; t < sg.tensorsLength(); t++) {
    const tensor = sg.tensors(t)!;
    const n = model.buffers(tensor.buffer())?.dataLength() ?? 0;
    if (n > largest.bytes) largest = { bytes: n, name: tensor.name() ?? '' };
  }
  return { path, fileBytes: bytes.length, largestTensorBytes: largest.bytes, largestTensor: largest.name };
}

const OPTIONS = [
  { option: '--max-file-bytes', key: 'maxFileBytes', size: (f: Fixture) => f.fileBytes, code: 'FILE_TOO_LARGE' },
  { option: '--max-tensor-bytes', key: 'maxTensorBytes', size: (f: Fixture) => f.largestTensorBytes, code: 'LIMIT' },
] as const;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-limits-'));
  fixtures.onnx = onnxFixture(dir);
  if (HAVE_SHARED) fixtures.tflite = tfliteFixture(dir);
  for (const cmd of MODEL_COMMANDS) {
    const declared = commandOptions(cmd.name);
    for (const o of OPTIONS) {
      if (!declared.includes(o.option)) continue;
      for (const [format, f] of Object.entries(fixtures)) {
        // analyze gets both sides of the cap for both formats; other commands the refusal on ONNX
        if (cmd.name !== 'analyze' && format !== 'onnx') continue;
        const size = o.size(f);
        jobs.push({ key: `${cmd.name} ${o.option} ${format} over`, args: [...cmd.args(f.path, dir), o.option, String(size - 1)] });
        if (cmd.name === 'analyze') jobs.push({ key: `${cmd.name} ${o.option} ${format} at`, args: [...cmd.args(f.path, dir), o.option, String(size)] });
      }
    }
  }
  runs = await runAll(jobs);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('size caps in the loader', () => {
  for (const format of ['onnx', 'tflite']) {
    it.skipIf(format === 'tflite' && !HAVE_SHARED)(`${format}: one byte over the file cap is refused, at the cap it loads`, () => {
      const f = fixtures[format]!;
      expect(() => loadModel(f.path, { maxFileBytes: f.fileBytes - 1 })).toThrow(
        expect.objectContaining({ code: 'FILE_TOO_LARGE', message: expect.stringMatching(new RegExp(`has ${f.fileBytes} bytes, above the ${f.fileBytes - 1}-byte file cap \\(raise it with --max-file-bytes`)) }),
      );
      expect(loadModel(f.path, { maxFileBytes: f.fileBytes }).fileBytes).toBe(f.fileBytes);
    });

    it.skipIf(format === 'tflite' && !HAVE_SHARED)(`${format}: one byte over the tensor cap is refused naming the tensor, at the cap it loads`, () => {
      const f = fixtures[format]!;
      let err: unknown;
      try {
        loadModel(f.path, { maxTensorBytes: f.largestTensorBytes - 1 });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(EdgefitError);
      const e = err as EdgefitError;
      expect(e.code).toBe('LIMIT');
      expect(e.message).toContain(`'${f.largestTensor}'`);
      expect(e.message).toMatch(new RegExp(`\\b${f.largestTensorBytes} bytes, above the ${f.largestTensorBytes - 1}-byte`));
      expect(e.message).toContain('raise it with --max-tensor-bytes');
      expect(e.message).not.toContain('\n');
      const model = loadModel(f.path, { maxTensorBytes: f.largestTensorBytes });
      expect(model.graph.tensors.get(f.largestTensor)?.data?.bytes.byteLength).toBe(f.largestTensorBytes);
    });
  }
});

describe('size caps on the command line', () => {
  for (const cmd of MODEL_COMMANDS) {
    const declared = commandOptions(cmd.name);
    for (const o of OPTIONS) {
      if (!declared.includes(o.option)) {
        it.skip(`${cmd.name} lacks ${o.option} (every command reading a model should take it)`, () => {});
        continue;
      }
      it(`${cmd.name} ${o.option}: one byte over → exit 2 naming the option; at the cap → runs`, () => {
        const keys = jobs.filter((j) => j.key.startsWith(`${cmd.name} ${o.option} `)).map((j) => j.key);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          const r = runs[key]!;
          if (key.endsWith(' over')) {
            const line = oneErrorLine(r);
            expect(r.code, `${key}: ${line}`).toBe(2);
            expect(line, key).toMatch(/^edgefit: /);
            expect(line, key).toContain(o.option);
            expect(r.stdout, key).toBe('');
          } else {
            expect(r.code, `${key}: ${r.stderr}`).toBe(0);
            expect(JSON.parse(r.stdout).model.fileBytes, key).toBeGreaterThan(0);
          }
        }
      });
    }
  }
});
