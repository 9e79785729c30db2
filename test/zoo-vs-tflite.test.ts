/**
 * Structure oracle: for every ST image-classification network whose real int8 TFLite file is in
 * ../shared/models, the zoo build with the file's resolution, input channels and class count must give
 * the same compute layers as the real file, layer by layer, as our analyzer sees both: op, kind, output
 * shape (NCHW → NHWC), MACs, weight and bias bytes, parameter count, kernel, strides and padding (a
 * TFLite PAD before a 'valid' conv counted into that conv's pads). Weights differ; structure must not.
 *
 * Compared: conv, pointwise, depthwise, dense, pool, globalpool, eltwise, activation and softmax layers.
 * Not compared (they hold no compute or differ by format, not by network):
 * - quantize/dequantize, reshape-like views, Pad and Transpose (TFLite keeps ZeroPadding2D as PAD before a
 *   'valid' conv, ORT fuses it into the conv's pads; Keras' Flatten is a Transpose+Reshape in NCHW ONNX);
 *   the SHAPE→STRIDED_SLICE→PACK→RESHAPE chain of the SE and FD heads is folded to no layer in both.
 * - EfficientNet LC v1's SE clip to [−4, 4]: in the TFLite file a MINIMUM and a MAXIMUM with scalar int8
 *   constants per block (16 + 16); ORT's QDQ quantizer removes the Clip (architectures.md §1, §2.3).
 * - GlobalAveragePool keeps [N, C, 1, 1] in ONNX where TFLite's MEAN gives [N, C]: compared without the
 *   unit dims.
 */
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile, analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis, Layer, LayerKind } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { buildZooModel, type ZooBuildOptions } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';
import { tflitePads, type Pads } from './helpers/tflite-pads.ts';

/** File name → zoo network and the options its name carries (resolution, channels, classes come from the file). */
const FILE_RULES: { pattern: RegExp; id: string; opts: (m: RegExpMatchArray) => ZooBuildOptions }[] = [
  { pattern: /st_efficientnet_lc_v1_\d+/, id: 'st_efficientnet_lc_v1', opts: () => ({}) },
  { pattern: /mobilenet_v1_([\d.]+)_\d+/, id: 'mobilenet_v1', opts: (m) => ({ alpha: Number(m[1]) }) },
  { pattern: /mobilenet_v2_([\d.]+)_\d+/, id: 'mobilenet_v2', opts: (m) => ({ alpha: Number(m[1]) }) },
  { pattern: /st_fdmobilenet_v1_\d+/, id: 'st_fdmobilenet_v1', opts: () => ({}) },
  { pattern: /^fdmobilenet_([\d.]+)_\d+/, id: 'fdmobilenet', opts: (m) => ({ alpha: Number(m[1]) }) },
  { pattern: /resnet_v1_(\d+)_\d+/, id: 'resnet_v1', opts: (m) => ({ depth: Number(m[1]) }) },
  { pattern: /squeezenet_?v1\.0_\d+/, id: 'squeezenet_v1_0', opts: () => ({}) },
  { pattern: /squeezenet_?v1\.1_\d+/, id: 'squeezenet_v1_1', opts: () => ({}) },
  { pattern: /st_?mnist_v1/, id: 'st_mnist_v1', opts: () => ({}) },
];

const COMPARED_KINDS = new Set<LayerKind>(['conv', 'pointwise', 'depthwise', 'dense', 'pool', 'globalpool', 'eltwise', 'activation', 'softmax']);

function computeLayers(a: Analysis, format: 'onnx' | 'tflite'): Layer[] {
  return a.layers.filter((l) => {
    if (!COMPARED_KINDS.has(l.kind)) return false;
    // EfficientNet's SE clip (MINIMUM/MAXIMUM with a scalar constant): removed from ONNX QDQ by ORT
    if (format === 'tflite' && (l.op === 'Min' || l.op === 'Max')) return false;
    return true;
  });
}

/** Output shape in NHWC (4-D NCHW converted), unit dims dropped for global pools. */
function nhwc(l: Layer, layout: 'NCHW' | 'NHWC'): number[] {
  let s = l.outputShapes[0]!;
  if (layout === 'NCHW' && s.length === 4) s = [s[0]!, s[2]!, s[3]!, s[1]!];
  if (l.kind === 'globalpool') s = s.filter((d, i) => i === 0 || d !== 1);
  return s;
}


interface LayerFacts {
  op: string;
  kind: string;
  shape: number[];
  macs: number;
  weightBytes: number;
  biasBytes: number;
  params: number;
  kernel?: number[];
  strides?: number[];
  pads?: number[];
  cout?: number;
}

function facts(l: Layer, layout: 'NCHW' | 'NHWC', padOutputs = new Map<string, Pads>()): LayerFacts {
  const f: LayerFacts = { op: l.op, kind: l.kind, shape: nhwc(l, layout), macs: l.macs, weightBytes: l.weightBytes, biasBytes: l.biasBytes, params: l.params };
  if (l.conv && (l.kind === 'conv' || l.kind === 'pointwise' || l.kind === 'depthwise')) {
    const before = padOutputs.get(l.inputs[0]!) ?? [0, 0, 0, 0];
    const pads = l.conv.pads.map((p, i) => p + before[i]!);
    Object.assign(f, { kernel: l.conv.kernel, strides: l.conv.strides, pads, cout: l.conv.cout });
  }
  return f;
}

const files = sharedModels('tflite').filter((p) => p.includes('image_classification'));
const summary: string[] = [];


describe.skipIf(!HAVE_SHARED)(`zoo builds equal ST's real TFLite files layer by layer (${MODELS_DIR})`, () => {
  it('finds the ST image-classification TFLite files and knows each network', () => {
    expect(files.length).toBeGreaterThanOrEqual(17);
    for (const f of files) expect(FILE_RULES.some((r) => r.pattern.test(basename(f))), basename(f)).toBe(true);
  });

  for (const file of files) {
    const rule = FILE_RULES.find((r) => r.pattern.test(basename(file)));
    if (!rule) continue;
    it(`${modelLabel(file)} ≡ zoo ${rule.id}`, () => {
      const real = analyzeFile(file);
      const [n, h, w, c] = real.model.inputs[0]!.shape;
      expect(n).toBe(1);
      expect(h).toBe(w);
      const out = real.model.outputs[0]!.shape;
      const classes = out[out.length - 1]!;
      const opts: ZooBuildOptions = { ...rule.opts(basename(file).match(rule.pattern)!), resolution: h, channels: c, classes };
      const zoo = buildZooModel(rule.id, opts);
      const built = analyzeModel(loadModelBytes(zoo.bytes, `${zoo.name}.onnx`));
      expect(built.partial).toBe(false);
      expect(real.partial).toBe(false);

      const ours = computeLayers(built, 'onnx').map((l) => facts(l, 'NCHW'));
      const padOutputs = tflitePads(file);
      const theirs = computeLayers(real, 'tflite').map((l) => facts(l, 'NHWC', padOutputs));
      for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
        expect(ours[i], `compute layer ${i} of ${ours.length} (real file has ${theirs.length})`).toEqual(theirs[i]);
      }
      const sum = (xs: LayerFacts[], k: 'macs' | 'weightBytes') => xs.reduce((s, x) => s + x[k], 0);
      summary.push(
        `${modelLabel(file).padEnd(100)} ${rule.id.padEnd(22)} ${JSON.stringify({ ...opts }).padEnd(62)} layers ${String(ours.length).padStart(3)}  MACs ${String(sum(ours, 'macs')).padStart(10)}  W+4B ${sum(ours, 'weightBytes')}`,
      );
    });
  }

  it('prints the comparison summary', () => {
    console.log(`zoo vs real TFLite, every compute layer identical:\n${summary.join('\n')}`);
    expect(summary.length).toBe(files.length);
  });
});
