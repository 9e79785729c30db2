/**
 * Non-square inputs (H×W) and the no-classifier head (classes 0) of the zoo builder.
 *
 * Oracle: ST's MobileNet v2 1.0 256×128 re-identification file (../shared/models/re_identification, sha256 = the
 * zoo's LFS oid of the file ST benchmarked on the H747 and the N6): the zoo build `mobilenet_v2`, α 1.0,
 * resolution [256, 128], classes 0, io uint8 must give the file's compute layers one for one — op, kind, output shape
 * (NHWC), MACs, weight and bias bytes, parameters, kernel, strides, padding (the file's PADs counted into the
 * following conv), output channels — as our analyzer reads both.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile, analyzeModel } from '../src/analyzer/analyze.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import type { Analysis, Layer, LayerKind } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { buildZooModel, buildZooSpec, type ZooBuildOptions } from '../src/zoo/index.ts';
import type { ConvLayer } from '../src/zoo/net.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { tflitePads, type Pads } from './helpers/tflite-pads.ts';

const REID_FILE = join(MODELS_DIR, 're_identification/mobilenetv2_a100_256_128_fft_int8.tflite');
const COMPARED_KINDS = new Set<LayerKind>(['conv', 'pointwise', 'depthwise', 'dense', 'pool', 'globalpool', 'eltwise', 'activation', 'softmax']);

function facts(l: Layer, layout: 'NCHW' | 'NHWC', padOutputs = new Map<string, Pads>()) {
  let shape = l.outputShapes[0]!;
  if (layout === 'NCHW' && shape.length === 4) shape = [shape[0]!, shape[2]!, shape[3]!, shape[1]!];
  if (l.kind === 'globalpool') shape = shape.filter((d, i) => i === 0 || d !== 1);
  const f: Record<string, unknown> = { op: l.op, kind: l.kind, shape, macs: l.macs, weightBytes: l.weightBytes, biasBytes: l.biasBytes, params: l.params };
  if (l.conv && (l.kind === 'conv' || l.kind === 'pointwise' || l.kind === 'depthwise')) {
    const before = padOutputs.get(l.inputs[0]!) ?? [0, 0, 0, 0];
    Object.assign(f, { kernel: l.conv.kernel, strides: l.conv.strides, pads: l.conv.pads.map((p, i) => p + before[i]!), cout: l.conv.cout });
  }
  return f;
}

const compute = (a: Analysis) => a.layers.filter((l) => COMPARED_KINDS.has(l.kind));

function analyzeZoo(id: string, opts: ZooBuildOptions): Analysis {
  const m = buildZooModel(id, opts);
  return analyzeModel(loadModelBytes(m.bytes, `${m.name}.onnx`));
}

describe.skipIf(!HAVE_SHARED || !existsSync(REID_FILE))("zoo MobileNet v2 256×128 equals ST's re-identification file", () => {
  const reidOpts: ZooBuildOptions = { alpha: 1.0, resolution: [256, 128], classes: 0, io: 'uint8' };

  it('every compute layer identical (shapes, MACs, weight and bias bytes, kernels, strides, padding)', () => {
    const real = analyzeFile(REID_FILE);
    expect(real.model.inputs[0]!.shape).toEqual([1, 256, 128, 3]);
    const built = analyzeZoo('mobilenet_v2', reidOpts);
    expect([built.partial, real.partial]).toEqual([false, false]);
    const pads = tflitePads(REID_FILE);
    // No PAD in this (newer) file: the converter wrote ZeroPadding (0,1)/(0,1) + VALID as SAME, the same pads on even
    // sides (every stride-2 input here is even on both axes); the analyzer reads SAME as explicit pads [0, 0, 1, 1].
    expect(pads.size).toBe(0);
    const ours = compute(built).map((l) => facts(l, 'NCHW'));
    const theirs = compute(real).map((l) => facts(l, 'NHWC', pads));
    expect(theirs.length).toBe(63); // 35 conv + 17 depthwise + 10 add + MEAN
    for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
      expect(ours[i], `compute layer ${i} of ${ours.length} (real file has ${theirs.length})`).toEqual(theirs[i]);
    }
    // totals the analyzer prints for both
    expect(built.totals.macsConvDense).toBe(real.totals.macsConvDense); // 195,588,096
    expect(built.totals.weightBytes).toBe(real.totals.weightBytes); // 2,257,984 = architectures.md §3 α 1.0 with P = 0
    expect(built.totals.params).toBe(real.totals.params);
    expect(built.totals.weightBytes).toBe(2_257_984);
  });

  it('the head: pooled 1280 features out, no Dense; the I/O differs only at the output (float here, int8 in the file)', () => {
    const real = analyzeFile(REID_FILE);
    const built = analyzeZoo('mobilenet_v2', reidOpts);
    const realLast = real.layers[real.layers.length - 1]!;
    expect([realLast.op, realLast.outputShapes[0], realLast.outputDtypes[0]]).toEqual(['GlobalAveragePool', [1, 1280], 'int8']);
    expect(real.layers.some((l) => l.kind === 'dense')).toBe(false);
    expect(built.layers.some((l) => l.kind === 'dense')).toBe(false);
    // same first layer: uint8 → int8 over the 256×128×3 input
    expect([built.layers[0]!.op, built.layers[0]!.outputBytes]).toEqual([real.layers[0]!.op, real.layers[0]!.outputBytes]);
    // our uint8 build ends with a DEQUANTIZE to float (the image-classification files' output); ST's ReID file stops at int8
    expect(built.model.outputs[0]).toMatchObject({ shape: [1, 1280], dtype: 'float32' });
    expect(real.model.outputs[0]).toMatchObject({ shape: [1, 1280], dtype: 'int8' });
  });
});

describe('non-square builds', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'edgefit-zoo-hw-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const CASES: { id: string; opts: ZooBuildOptions; outDims: number[] }[] = [
    { id: 'mobilenet_v2', opts: { alpha: 0.35, resolution: [256, 128], classes: 0 }, outDims: [1, 1280] },
    { id: 'mobilenet_v2', opts: { alpha: 0.5, resolution: [97, 130], classes: 10 }, outDims: [1, 10] },
    { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: [96, 161], classes: 2 }, outDims: [1, 1] },
    { id: 'fdmobilenet', opts: { alpha: 0.25, resolution: [128, 96], classes: 5 }, outDims: [1, 5] },
    { id: 'resnet_v1', opts: { depth: 8, resolution: [64, 32], classes: 10 }, outDims: [1, 10] },
    { id: 'squeezenet_v1_1', opts: { resolution: [96, 64], classes: 7 }, outDims: [1, 7] },
    { id: 'st_mnist_v1', opts: { resolution: [28, 20], classes: 36 }, outDims: [1, 36] },
  ];

  for (const c of CASES) {
    it(`${c.id} ${JSON.stringify(c.opts)} runs in onnxruntime with an [1, C, H, W] input`, async () => {
      const m = buildZooModel(c.id, c.opts);
      const [h, w] = c.opts.resolution as [number, number];
      expect([m.options.height, m.options.width]).toEqual([h, w]);
      expect(m.name).toContain(`_${h}x${w}_`);
      const session = await ort.InferenceSession.create(m.bytes);
      const dims = [1, m.options.channels, h, w];
      const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims) });
      expect(y.output!.dims).toEqual(c.outDims);
      // ORT's output shape equals the analyzer's last layer's
      const a = analyzeModel(loadModelBytes(m.bytes, `${m.name}.onnx`));
      expect(a.layers[a.layers.length - 1]!.outputShapes[0]).toEqual(c.outDims);
    });
  }

  it("MobileNet v2 pads each axis by its own parity before a stride-2 depthwise (Keras' correct_pad)", () => {
    const { spec } = buildZooSpec('mobilenet_v2', { alpha: 0.35, resolution: [97, 130] });
    const s2 = spec.layers.filter((l): l is ConvLayer => l.kind === 'conv' && l.group > 1 && l.strides[0] === 2);
    const inputs = s2.map((l) => spec.shapes.get(l.input)!.slice(1));
    // 97×130 → stem SAME s2 → 49×65 → 25×33 → 13×17 → 7×9: every side odd → (1,1) on both axes
    expect(inputs).toEqual([[49, 65], [25, 33], [13, 17], [7, 9]]);
    expect(s2.map((l) => l.pads)).toEqual([[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]);
    const mixed = buildZooSpec('mobilenet_v2', { alpha: 0.35, resolution: [130, 97] }).spec; // 65×49 …: still odd both
    const mixedS2 = mixed.layers.filter((l): l is ConvLayer => l.kind === 'conv' && l.group > 1 && l.strides[0] === 2);
    expect(mixedS2.map((l) => mixed.shapes.get(l.input)!.slice(1))).toEqual([[65, 49], [33, 25], [17, 13], [9, 7]]);
    const even = buildZooSpec('mobilenet_v2', { alpha: 0.35, resolution: [136, 100] }).spec; // 68×50 → 34×25 → 17×13 → 9×7
    const evenS2 = even.layers.filter((l): l is ConvLayer => l.kind === 'conv' && l.group > 1 && l.strides[0] === 2);
    expect(evenS2.map((l) => even.shapes.get(l.input)!.slice(1))).toEqual([[68, 50], [34, 25], [17, 13], [9, 7]]);
    expect(evenS2.map((l) => l.pads)).toEqual([[0, 0, 1, 1], [0, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]);
  });

  it('[R, R] gives the same bytes as R; non-square inputs name H×W', () => {
    const a = buildZooModel('mobilenet_v2', { alpha: 0.35, resolution: 96 });
    const b = buildZooModel('mobilenet_v2', { alpha: 0.35, resolution: [96, 96] });
    expect(Buffer.from(b.bytes).equals(Buffer.from(a.bytes))).toBe(true);
    expect(b.name).toBe(a.name);
    const reid = buildZooModel('mobilenet_v2', { alpha: 0.35, resolution: [256, 128], classes: 0 });
    expect(reid.name).toBe('mobilenet_v2_0.35_256x128_features_qdq_int8');
    expect(reid.description).toContain('256×128×3, no classifier');
  });

  it('rejects what a network does not take, with one line naming it', () => {
    const bad: [string, ZooBuildOptions, RegExp][] = [
      ['st_efficientnet_lc_v1', { resolution: [256, 128] }, /square inputs only.*256x128/],
      ['fdmobilenet', { resolution: [256, 100] }, /width must be a multiple of 32, got 100/],
      ['resnet_v1', { resolution: [64, 20] }, /width must be an integer in \[29, 1024\], got 20/],
      ['squeezenet_v1_1', { resolution: 128, classes: 0 }, /classes must be an integer in \[1, 100000\], got 0/],
      ['mobilenet_v2', { resolution: [256] as unknown as [number, number] }, /resolution must be R or \[H, W\]/],
    ];
    for (const [id, opts, msg] of bad) {
      let err: unknown;
      try {
        buildZooModel(id, opts);
      } catch (e) {
        err = e;
      }
      expect(err, `${id} ${JSON.stringify(opts)}`).toBeInstanceOf(EdgefitError);
      expect((err as Error).message).toMatch(msg);
    }
  });

  it('CLI: --resolution HxW builds the H×W network; a malformed size exits 2 with one line', async () => {
    const bin = join(REPO_ROOT, 'bin/edgefit.js');
    const out = join(tmp, 'reid.onnx');
    const r = spawnSync(process.execPath, [bin, 'zoo', 'build', 'mobilenet_v2', '--alpha', '0.35', '--resolution', '256x128', '--classes', '0', '-o', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('256×128×3');
    const session = await ort.InferenceSession.create(readFileSync(out));
    const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(3 * 256 * 128), [1, 3, 256, 128]) });
    expect(y.output!.dims).toEqual([1, 1280]);
    const bad = spawnSync(process.execPath, [bin, 'zoo', 'build', 'mobilenet_v2', '--resolution', '256x'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain("--resolution expects R or HxW in pixels (e.g. 224 or 256x128), got '256x'");
  });
});
