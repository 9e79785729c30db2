/**
 * `io` of a zoo build (`--io`): 'int8' (int8 input and output, no conversion layer) and 'uint8' (the I/O of ST's
 * int8 TFLite files: uint8 input converted to int8, float output). Oracles: onnxruntime's own input/output types
 * and output shapes, and the first/last layers and activation plan of ST's real TFLite file of the same
 * architecture (legacy fork, ../shared/models).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { activationPeakBytes } from '../src/targets/activation-peak.ts';
import { isEdgefitError } from '../src/analyzer/errors.ts';
import { buildZooModel, type ZooBuildOptions, type ZooIo } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-zoo-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TYPED = { int8: Int8Array, uint8: Uint8Array, float32: Float32Array } as const;

async function runOrt(bytes: Uint8Array, type: keyof typeof TYPED, dims: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor(type, new TYPED[type](dims.reduce((a, b) => a * b, 1)), dims);
  const out = await session.run({ [session.inputNames[0]!]: x });
  return out[session.outputNames[0]!]!;
}

function analyzeBuild(id: string, opts: ZooBuildOptions) {
  const m = buildZooModel(id, opts);
  const path = join(tmp, `${m.name}.onnx`);
  writeFileSync(path, m.bytes);
  return { m, a: analyzeFile(path) };
}

interface Case {
  id: string;
  opts: ZooBuildOptions;
  io: ZooIo;
  inType: keyof typeof TYPED;
  outType: 'int8' | 'float32';
}

const CASES: Case[] = [
  { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: 96, classes: 1000 }, io: 'int8', inType: 'int8', outType: 'int8' },
  { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: 96, classes: 1000 }, io: 'uint8', inType: 'uint8', outType: 'float32' },
  { id: 'mobilenet_v2', opts: { alpha: 0.35, resolution: 97, classes: 2 }, io: 'int8', inType: 'int8', outType: 'int8' },
  { id: 'squeezenet_v1_1', opts: { resolution: 128, classes: 101 }, io: 'uint8', inType: 'uint8', outType: 'float32' },
  { id: 'st_mnist_v1', opts: { resolution: 28, classes: 36, w4Percent: 30 }, io: 'uint8', inType: 'uint8', outType: 'float32' },
];

describe('zoo builds with int8 / uint8 input and output', () => {
  for (const c of CASES) {
    it(`${c.id} ${JSON.stringify(c.opts)} io ${c.io}: onnxruntime runs it; our shapes and dtypes are ORT's`, async () => {
      const { m, a } = analyzeBuild(c.id, { ...c.opts, io: c.io });
      const inDims = [1, m.options.channels, m.options.resolution, m.options.resolution];
      const y = await runOrt(m.bytes, c.inType, inDims);
      expect(y.type).toBe(c.outType);
      const last = a.layers[a.layers.length - 1]!;
      expect(last.outputShapes[0]).toEqual(y.dims);
      expect(last.outputDtypes[0]).toBe(c.outType);
      const first = a.layers[0]!;
      expect(first.inputDtypes[0]).toBe(c.inType);
      expect(first.inputShapes[0]).toEqual(inDims);
      if (c.io === 'int8') {
        // no conversion layer at either end: the first conv reads the int8 graph input, Softmax/Sigmoid writes the output
        expect(a.layers.filter((l) => l.kind === 'convert')).toEqual([]);
        expect(first.kind).toBe('conv');
      } else {
        expect([first.op, first.outputDtypes[0]]).toEqual(['Quantize', 'int8']);
        expect([last.op, last.inputDtypes[0]]).toEqual(['Dequantize', 'int8']);
      }
    });
  }

  it("'float' (the default) is the same file as no io option", () => {
    const a = buildZooModel('st_fdmobilenet_v1', { resolution: 96, classes: 3 });
    const b = buildZooModel('st_fdmobilenet_v1', { resolution: 96, classes: 3, io: 'float' });
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(a.name).not.toContain('_io_');
    expect(buildZooModel('st_fdmobilenet_v1', { resolution: 96, classes: 3, io: 'uint8' }).name).toMatch(/_io_uint8$/);
  });

  it('an unknown io is a usage error', () => {
    let err: unknown;
    try {
      buildZooModel('mobilenet_v1', { io: 'int16' as ZooIo });
    } catch (e) {
      err = e;
    }
    expect(isEdgefitError(err)).toBe(true);
    expect((err as Error).message).toMatch(/io must be one of float, int8, uint8/);
  });
});

describe.skipIf(!HAVE_SHARED)("the uint8 build against ST's TFLite file of the same network (legacy fork)", () => {
  const FILE = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/mobilenetv1/mobilenet_v1_0.25_224_fft_int8.tflite');

  it('MobileNet v1 0.25 224: same I/O layers, and the same activation plan as the file; the float build is not', () => {
    const file = analyzeFile(FILE);
    const u8 = analyzeBuild('mobilenet_v1', { alpha: 0.25, resolution: 224, classes: 5, io: 'uint8' }).a;
    const f32 = analyzeBuild('mobilenet_v1', { alpha: 0.25, resolution: 224, classes: 5 }).a;
    const ends = (x: typeof file) => [x.layers[0]!, x.layers[x.layers.length - 1]!].map((l) => [l.op, l.inputDtypes[0], l.outputDtypes[0], l.macs]);
    expect(ends(u8)).toEqual(ends(file));
    // the ST activation plan, as the calibration features take it (activation-peak.ts)
    const filePeak = activationPeakBytes(file).bytes;
    expect(filePeak).toBeGreaterThan(0);
    expect(activationPeakBytes(u8).bytes).toBe(filePeak);
    // the float build peaks at its float32 input (4 B per pixel): what kept such stand-ins out of memory scoring
    expect(activationPeakBytes(f32).bytes).toBe(224 * 224 * 3 * 4);
  });
});
