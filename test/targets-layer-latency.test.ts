/**
 * TargetResult.layerLatencyMs: the predicted latency split over layers. It must add up (Σ layers + the
 * per-inference constant = latencyMs), give views no time, and be plausible: the input Quantize layer (an
 * element-wise pass over the image) must not carry a large share, which it did when the fit used it as a
 * proxy for "large input image".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { DEFAULT_TARGETS, evaluateTargets } from '../src/targets/evaluate.ts';
import { evaluateProfile } from '../src/targets/evaluate.ts';
import { featureMask, fillWorkFeatureVector, LATENCY_FEATURES } from '../src/targets/latency/features.ts';
import { emptyWork, isDeep3x3Conv, layerWork, WORK_TERMS } from '../src/targets/latency/layer-work.ts';
import { modelFeatures } from '../src/targets/model-features.ts';
import { resolveTarget } from '../src/targets/resolve.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { buildZooModel } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgefit-target-layers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function analysisOf(net: string, opts: Record<string, number>) {
  const m = buildZooModel(net, opts);
  const path = join(dir, `${net}.onnx`);
  writeFileSync(path, m.bytes);
  return analyzeFile(path);
}

describe('per-layer latency in TargetResult', () => {
  const eff = analysisOf('st_efficientnet_lc_v1', { resolution: 224, classes: 5 });
  const results = evaluateTargets(eff, DEFAULT_TARGETS);

  it('adds up to latencyMs with the per-inference constant, one entry per layer, views 0', () => {
    let split = 0;
    for (const r of results) {
      if (r.latencyMs === null) {
        expect(r.layerLatencyMs).toBeNull();
        continue;
      }
      expect(r.layerLatencyMs, r.id).toHaveLength(eff.layers.length);
      expect(r.perInferenceMs!).toBeGreaterThanOrEqual(0);
      const sum = r.layerLatencyMs!.reduce((a, b) => a + b, 0) + r.perInferenceMs!;
      expect(sum, r.id).toBeCloseTo(r.latencyMs, 6);
      eff.layers.forEach((l, i) => {
        expect(r.layerLatencyMs![i]!, `${r.id} layer ${i}`).toBeGreaterThanOrEqual(0);
        if (l.kind === 'view') expect(r.layerLatencyMs![i]).toBe(0);
      });
      split++;
    }
    expect(split).toBeGreaterThanOrEqual(6);
  });

  it('is plausible: Quantize/Dequantize layers carry under 10 % of the time on every target, and MAC layers most of it', () => {
    for (const r of results) {
      if (!r.layerLatencyMs) continue;
      const share = (pred: (k: string) => boolean) => eff.layers.reduce((s, l, i) => s + (pred(l.kind) ? r.layerLatencyMs![i]! : 0), 0) / r.latencyMs!;
      expect(share((k) => k === 'convert'), r.id).toBeLessThan(0.1);
      expect(share((k) => ['conv', 'pointwise', 'depthwise', 'dense'].includes(k)), r.id).toBeGreaterThan(0.5);
    }
  });

  it('is absent when evaluateProfile gets no layers (stored calibration features)', () => {
    const r = evaluateProfile(modelFeatures(eff), resolveTarget('stm32h747i-disco'));
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.layerLatencyMs).toBeNull();
  });
});

describe('latency feature vector positions', () => {
  it('each position of fillWorkFeatureVector holds the feature LATENCY_FEATURES names there', () => {
    // a work sum whose terms are all different (1, 2, 3 … in WORK_TERMS order), placed half external
    const w = emptyWork();
    WORK_TERMS.forEach((t, i) => (w[t] = i + 1));
    const place = { activationExternalShare: 0.25, weightsExternal: true, cubeAiRuntime: true };
    const expected: Record<string, number> = {
      bytes_act_internal: w.bytes_act * 0.75,
      bytes_act_external: w.bytes_act * 0.25,
      bytes_weights_internal: 0,
      bytes_weights_external: w.bytes_weights,
      inference: 7,
      macs_conv_cubeai: w.macs_conv,
      bytes_external: w.bytes_act * 0.25 + w.bytes_weights_streamed,
    };
    for (let i = 0; i < LATENCY_FEATURES.length; i++) {
      const name = LATENCY_FEATURES[i]!;
      const only = featureMask(new Set([name]));
      const v = fillWorkFeatureVector(new Array<number>(LATENCY_FEATURES.length), w, place, only, 7);
      const want = expected[name] ?? w[name as keyof typeof w];
      expect(want, name).toBeGreaterThanOrEqual(0);
      expect(v[i], name).toBe(want);
      expect(v.filter((x, j) => j !== i && x !== 0), name).toEqual([]);
    }
  });
});

describe('Cortex-M7 kernel work terms of real layers (layer-work.ts)', () => {
  // YOLOv8n (ST's H747 row, 2831 ms): its 3×3 convs' weights exceed the 16 KiB D-cache; ResNet8: the deep 3×3 class
  const yolo = join(MODELS_DIR, 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite');
  const resnet = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite');
  it.skipIf(!HAVE_SHARED)('a 3×3 conv larger than the D-cache reads its filter once per output-pixel pair; 1×1, small and depthwise filters once', () => {
    const a = analyzeFile(yolo);
    // the stride-2 3×3 128→256 conv on 18×18 → 8×8 (295,936 B with biases): 64 pixels → 32 passes
    const big = a.layers.find((l) => l.conv && l.conv.kernel[0] === 3 && l.conv.cin === 128 && l.conv.cout === 256)!;
    expect(big.weightBytes).toBe(295936);
    expect(layerWork(big).bytes_weights_streamed).toBe(295936 * 32);
    // the 1×1 512→256 conv on 8×8 (132,096 B): read once
    const pw = a.layers.find((l) => l.kind === 'pointwise' && l.conv!.cin === 512 && l.conv!.cout === 256)!;
    expect(layerWork(pw).bytes_weights_streamed).toBe(pw.weightBytes);
    // the first 3×3 conv 3→16 (496 B): stays in the D-cache, read once
    const first = a.layers.find((l) => l.kind === 'conv')!;
    expect(first.weightBytes).toBe(496);
    expect(layerWork(first).bytes_weights_streamed).toBe(496);
    // the stride-2 3×3 32→64 conv on 66×66 → 32×32 (18,688 B, just above 16 KiB): 1,024 pixels → 512 passes
    const mid = a.layers.find((l) => l.kind === 'conv' && l.conv!.cin === 32 && l.conv!.cout === 64)!;
    expect(mid.weightBytes).toBe(18688);
    expect(layerWork(mid).bytes_weights_streamed).toBe(18688 * 512);
  });
  it.skipIf(!HAVE_SHARED)("ResNet8's stride-1 3×3 convs from 32→32 are ST's deep 3×3 kernel by the one lite rule (no im2col reads); the RGB, 16→16 and strided convs build columns", () => {
    const a = analyzeFile(resnet);
    const convs = a.layers.filter((l) => l.kind === 'conv');
    // 3→16 (RGB), 16→16, 16→16, 16→32 /2, 32→32, 32→64 /2, 64→64: the kernels ST's ResNet v1 8 network.c calls
    // (search id 4059486110: the two 16→16 run the generic forward_lite_conv2d_sssa8_ch; lite-conv-kernel.ts)
    expect(convs.map((l) => isDeep3x3Conv(l))).toEqual([false, false, false, false, true, false, true]);
    for (const l of convs) {
      const w = layerWork(l);
      expect(w.reads_im2col, l.name).toBe(isDeep3x3Conv(l) ? 0 : w.reads_conv);
    }
    // the 16→32 stride-2 conv: 16×16 output pixels × 3·3·16 window elements
    expect(layerWork(convs[3]!).reads_im2col).toBe(16 * 16 * 9 * 16);
  });
});

describe('Cortex-M7 kernel work terms of built layers', () => {
  it('a 1-D convolution (ONNX Conv on N×C×L) reads its filter once per pair of output positions, as a 2-D one per pixel pair', () => {
    // 64→64, kernel 3, float: 64·64·3·4 = 49,152 B of weights (above the 16 KiB D-cache), 100 output positions → 50 passes
    const g = new OnnxGraphBuilder({ name: 'conv1d', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 64, 100]);
    g.initializer('w', 'float32', [64, 64, 3], new Float32Array(64 * 64 * 3));
    g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1], strides: [1] });
    g.output('y', 'float32', [1, 64, 100]);
    const conv = analyzeFile(g.writeTo(dir, 'conv1d.onnx')).layers.find((l) => l.op === 'Conv')!;
    expect(conv.weightBytes).toBe(49_152);
    expect(layerWork(conv).bytes_weights_streamed).toBe(49_152 * 50);
  });
});

describe("ST's deep 3×3 kernel is an int8 kernel", () => {
  it('a float stride-1 3×3 conv with Cin ≥ 8 keeps its im2col reads (forward_lite_conv2d_deep_3x3_sssa8_ch is int8 only)', () => {
    const g = new OnnxGraphBuilder({ name: 'float3x3', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 16, 32, 32]);
    g.initializer('w', 'float32', [16, 16, 3, 3], new Float32Array(16 * 16 * 9));
    g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1], strides: [1, 1] });
    g.output('y', 'float32', [1, 16, 32, 32]);
    const conv = analyzeFile(g.writeTo(dir, 'float3x3.onnx')).layers.find((l) => l.op === 'Conv')!;
    expect(isDeep3x3Conv(conv)).toBe(false);
    // 32×32 output pixels × 3·3·16 window elements
    expect(layerWork(conv).reads_im2col).toBe(32 * 32 * 9 * 16);
  });
});
