/**
 * Fusion on the real model files in ../shared/models (skipped with a printed reason when absent).
 * Oracles are independent of our code: the MobileNetV2 architecture table (../shared/architectures.md §3),
 * its parameter formulas, and the int4 share that ST writes into the w4/w8 file names.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { CALIBRATION_DIR, HAVE_SHARED, MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';

/**
 * MobileNetV2 MACs from the architecture table alone: stem 3×3 s2, inverted residual stages (t, c, n, s),
 * last 1×1 conv, classifier. `ch` = [stem, c1, c2 … c7, last] for the width multiplier (architectures.md §3).
 */
function mobilenetV2Macs(res: number, ch: number[], classes: number): { macs: number; convs: number; depthwise: number } {
  const [stem, c1, ...rest] = ch as [number, number, ...number[]];
  const stages = rest.slice(0, 6);
  const last = rest[6]!;
  const repeats = [2, 3, 4, 3, 3, 1];
  const strides = [2, 2, 2, 1, 2, 1];
  let h = Math.ceil(res / 2);
  let macs = h * h * stem * 3 * 3 * 3;
  let convs = 1;
  let depthwise = 1;
  macs += h * h * stem * 9 + h * h * stem * c1; // first block: depthwise + project, no expansion
  convs += 1;
  let cin = c1;
  stages.forEach((cout, s) => {
    for (let i = 0; i < repeats[s]!; i++) {
      const stride = i === 0 ? strides[s]! : 1;
      const e = 6 * cin;
      macs += h * h * cin * e; // expand 1×1
      const ho = Math.ceil(h / stride);
      macs += ho * ho * e * 9; // depthwise 3×3
      macs += ho * ho * e * cout; // project 1×1
      convs += 2;
      depthwise += 1;
      h = ho;
      cin = cout;
    }
  });
  macs += h * h * cin * last + last * classes;
  convs += 1;
  return { macs, convs, depthwise };
}

const ALPHA_035 = [16, 8, 8, 16, 24, 32, 56, 112, 1280];
const ALPHA_100 = [32, 16, 24, 32, 64, 96, 160, 320, 1280];

const count = (a: Analysis, op: string) => a.layers.filter((l) => l.op === op).length;
const model = (rel: string) => join(MODELS_DIR, rel);
const itIf = (rel: string) => (HAVE_SHARED && existsSync(model(rel)) ? it : it.skip);

describe('real ONNX models', () => {
  if (!HAVE_SHARED) it.skip(`../shared/models absent (${MODELS_DIR})`, () => {});

  itIf('image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx')('float MobileNetV2 0.35 128: 35 conv + 17 depthwise, MACs and params from the architecture table', () => {
    const a = analyzeFile(model('image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx'));
    const expected = mobilenetV2Macs(128, ALPHA_035, 5);
    expect(expected.convs).toBe(35);
    expect(count(a, 'Conv')).toBe(expected.convs);
    expect(count(a, 'DepthwiseConv')).toBe(expected.depthwise);
    expect(count(a, 'Add')).toBe(10); // residual adds; the classifier's MatMul + Add is one Dense
    expect(count(a, 'Dense')).toBe(1);
    expect(a.totals.macsConvDense).toBe(expected.macs);
    // architectures.md §3: folded params α=0.35 = 389,088 + 1,281·P, P = 5 classes; float = 4 B each
    expect(a.totals.params).toBe(389_088 + 1_281 * 5);
    expect(a.totals.weightBytes).toBe(4 * (389_088 + 1_281 * 5));
    expect(a.layers.every((l) => l.dtype === 'float32')).toBe(true);
    expect(a.partial).toBe(false);
    // deterministic: a second analysis serialises byte for byte the same
    expect(JSON.stringify(analyzeFile(model('image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx')))).toBe(JSON.stringify(a));
  });

  for (const rel of [
    'onnx_public/whole_networks/mobilenetv2-7.quant.onnx',
    'onnx_public/whole_networks/mobilenetv2_quant_static.onnx',
    'onnx_public/whole_networks/mobilenetv2_quant_dynamic.onnx',
  ]) {
    itIf(rel)(`${rel}: MobileNetV2 1.0 224, 1000 classes — MACs, params and int8 bytes from the architecture table`, () => {
      const a = analyzeFile(model(rel));
      const expected = mobilenetV2Macs(224, ALPHA_100, 1000);
      expect(count(a, 'Conv')).toBe(expected.convs);
      expect(count(a, 'DepthwiseConv')).toBe(expected.depthwise);
      expect(a.totals.macsConvDense).toBe(expected.macs);
      // the MobileNetV2 paper's "300M multiply-adds" for 1.0/224
      expect(Math.abs(a.totals.macsConvDense / 300e6 - 1)).toBeLessThan(0.01);
      // architectures.md §3, α = 1.0: folded 2,206,816 + 1,281·P; int8 W + 4·B = 2,257,984 + 1,284·P
      expect(a.totals.params).toBe(2_206_816 + 1_281 * 1000);
      expect(a.totals.weightBytes).toBe(2_257_984 + 1_284 * 1000);
      expect(a.partial).toBe(false);
    });
  }

  for (const [rel, share] of [
    ['object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx', 85.59],
    ['object_detection/yolov11n_640_qdq_w4_53.14%_w8_46.86%_a8_100%_map_63.09.onnx', 53.14],
  ] as const) {
    itIf(rel)(`${rel}: int4 share of weight count equals the ${share}% in ST's file name`, () => {
      const a = analyzeFile(model(rel));
      let int4 = 0;
      let all = 0;
      for (const l of a.layers) {
        if (!l.weightDtype) continue;
        const weights = l.params - l.biasBytes / 4; // int32 biases
        all += weights;
        if (l.weightDtype === 'int4') int4 += weights;
      }
      expect(Math.abs((100 * int4) / all - share)).toBeLessThan(0.006);
      // int4 weights are packed: weight bytes are well below the parameter count
      expect(a.totals.weightBytes).toBeLessThan(a.totals.params);
      expect(a.layers[0]!.op).toBe('Quantize');
      expect(a.layers[a.layers.length - 1]!.op).toBe('Dequantize');
      expect(a.partial).toBe(false);
    });
  }

  itIf('object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx')("YOLO26n 256 QDQ int8: weight bytes beside ST's published N6 Weights Flash for this exact file", () => {
    const csvPath = join(CALIBRATION_DIR, 'published_npu.csv');
    // the model file is present, so ../shared is: its calibration table must be too (no silent pass)
    expect(existsSync(csvPath), `${csvPath} is missing`).toBe(true);
    const lines = readFileSync(csvPath, 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const row = lines.find((l) => l.includes('yolo26_256_qdq_int8_od_coco-person-st.onnx'))!.split(',');
    const publishedKib = Number(row[header.indexOf('weights_flash_kib')]);
    expect(publishedKib).toBeGreaterThan(0);
    const a = analyzeFile(model('object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx'));
    const oursKib = a.totals.weightBytes / 1024;
    console.log(`YOLO26n 256 int8: weightBytes ${oursKib.toFixed(2)} KiB vs ST N6 Weights Flash ${publishedKib} KiB (${((oursKib / publishedKib - 1) * 100).toFixed(2)} %)`);
    // int8 kernels + int32 biases, as stored; ST's NPU compiler may repack a little
    expect(Math.abs(oursKib / publishedKib - 1)).toBeLessThan(0.005);
  });

  it('every shared ONNX model analyzes; per-model totals', () => {
    const rows: string[] = [];
    for (const path of sharedModels('onnx')) {
      // lpr_yolo has symbolic H and W: without a size its Concat shapes disagree (a real error, exit 2)
      const inputShapes = path.endsWith('lpr_yolo_model.quant.onnx') ? { images: [1, 3, 640, 640] } : undefined;
      const a = analyzeFile(path, { inputShapes });
      // a graph with no inputs (ort_github_issue_12151: DQ(const) → Transpose) is all constant: no layers
      expect(a.layers.length > 0 || a.model.inputs.length === 0, modelLabel(path)).toBe(true);
      for (const l of a.layers) {
        expect(Number.isFinite(l.macs) && l.macs >= 0, `${modelLabel(path)} ${l.name}`).toBe(true);
        expect(l.outputShapes.length, `${modelLabel(path)} ${l.name}`).toBe(l.outputs.length);
      }
      const t = a.totals;
      rows.push(
        `${modelLabel(path).padEnd(92)} ${String(a.layers.length).padStart(4)} ${String(t.macsConvDense).padStart(11)} ${String(t.params).padStart(9)} ${String(t.weightBytes).padStart(9)}${a.partial ? ' PARTIAL' : ''}`,
      );
    }
    console.log(`${'model'.padEnd(92)} ${'lyrs'.padStart(4)} ${'MACs'.padStart(11)} ${'params'.padStart(9)} ${'weight B'.padStart(9)}\n${rows.join('\n')}`);
  });
});
