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
import { analysisLayerWorks, buildsIm2colColumns, emptyWork, isDeep3x3Conv, isDirectInt8Conv, layerWork, WORK_TERMS } from '../src/targets/latency/layer-work.ts';
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
    w.bytes_act = 2000; // bytes_fused_rows is a part of it (still all different)
    w.macs_conv = 3000; // macs_conv_direct is a part of it
    const place = { activationExternalShare: 0.25, weightsExternal: true, cubeAiRuntime: true };
    const expected: Record<string, number> = {
      bytes_act_internal: w.bytes_act * 0.75,
      bytes_act_external: w.bytes_act * 0.25,
      bytes_weights_internal: 0,
      bytes_weights_external: w.bytes_weights,
      inference: 7,
      macs_conv_cubeai: w.macs_conv,
      bytes_external: (w.bytes_act - w.bytes_fused_rows) * 0.25 + w.bytes_weights_streamed,
      macs_direct: w.macs_pointwise + w.macs_conv_direct,
      macs_columns: w.macs_conv - w.macs_conv_direct,
      macs_conv_direct: w.macs_conv_direct,
      bytes_weights_reread_internal: 0, // weights placed external here: their re-reads are bytes_external's
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
    // the deep 3×3 kernel builds no im2col columns; the 16→32 stride-2 generic conv: 16×16 output pixels × 9 taps of 16 bytes
    for (const l of convs.filter((x) => isDeep3x3Conv(x))) expect(layerWork(l).bytes_im2col, l.name).toBe(0);
    expect(layerWork(convs[3]!).taps_im2col).toBe(16 * 16 * 9);
    expect(layerWork(convs[3]!).bytes_im2col).toBe(16 * 16 * 9 * 16);
  });
  it.skipIf(!HAVE_SHARED)("ResNet8's k×k MACs split by ST's inner loop: deep_3x3 and deep (direct int8, the 1×1 family) vs RGB and generic (s16 columns)", () => {
    const a = analyzeFile(resnet);
    const convs = a.layers.filter((l) => l.kind === 'conv');
    // the kernels of ST's ResNet v1 8 network.c (search id 4059486110): rgb, generic ×2, generic /2, deep_3x3, deep /2, deep_3x3
    expect(convs.map((l) => isDirectInt8Conv(l))).toEqual([false, false, false, false, true, true, true]);
    const w = analysisLayerWorks(a);
    const direct = convs.filter((l) => isDirectInt8Conv(l)).reduce((s, l) => s + l.macs, 0);
    expect(convs.reduce((s, l) => s + w[l.index]!.macs_conv_direct, 0)).toBe(direct);
    // 32→32 3×3 on 16×16 and 64→64 3×3 on 8×8 (2,359,296 MACs each) + 32→64 3×3/2 on 8×8 (1,179,648)
    expect(direct).toBe(2 * 2359296 + 1179648);
    // a direct kernel builds no columns; a column kernel is never direct
    for (const l of convs) expect(isDirectInt8Conv(l) && buildsIm2colColumns(l), l.name).toBe(false);
  });
  it.skipIf(!HAVE_SHARED)("ST YOLO LC 256: the filters above the 16 KiB D-cache are re-read from internal flash once per output-pixel pair beyond the first read", () => {
    const yololc = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/object_detection/st_yolo_lc_v1/st_yolo_lc_v1_256_int8.tflite');
    const a = analyzeFile(yololc);
    const f = modelFeatures(a);
    const only = featureMask(new Set(['bytes_weights_reread_internal'] as const));
    const at = (weightsExternal: boolean) => fillWorkFeatureVector(new Array<number>(LATENCY_FEATURES.length), f.latencyWork, { activationExternalShare: 0, weightsExternal }, only, 1);
    const j = LATENCY_FEATURES.indexOf('bytes_weights_reread_internal');
    // the file's 3×3/2 convs 32→64 (18,688 B with biases) to 32×32 and 64→128 (74,240 B) to 16×16: 512 and 128 passes;
    // every other filter (3→16: 496 B, 16→32: 4,736 B, the 1×1 and depthwise ones) is read once
    expect(at(false)[j]).toBe(511 * 18688 + 127 * 74240);
    expect(at(true)[j]).toBe(0);
  });
  it.skipIf(!HAVE_SHARED)("YOLOv8n's per-tensor convs run ST's hybrid forward_conv2d_integer_SSSA (s16 columns): no direct MACs", () => {
    const a = analyzeFile(yolo);
    const kxk = a.layers.filter((l) => l.kind === 'conv');
    expect(kxk.length).toBeGreaterThan(0);
    expect(kxk.filter((l) => isDirectInt8Conv(l))).toEqual([]);
  });
});

describe('im2col column work (taps_im2col, bytes_im2col): one copy or padding fill of Cin bytes per output pixel and kernel tap', () => {
  // Expected values by hand from the mechanism (CMSIS-NN arm_convolve_s8, DSP path; ST's column kernels conv2d,
  // conv2d_rgb, conv2d_integer_SSSA): taps = output pixels × kh × kw (× groups), bytes = taps × Cin; none for a 1×1
  // stride-1 conv, nor for ST's deep / deep_3x3 kernels (no st_int8_to16_* in their code).
  const lite = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification');
  it.skipIf(!HAVE_SHARED)('a 3→16 3×3/2 RGB conv with its padding inside: 64×64 pixels × 9 taps of 3 bytes; the pointwise convs after it none', () => {
    const a = analyzeFile(join(lite, 'mobilenetv2/mobilenet_v2_0.35_128_fft_int8.tflite'));
    const convs = a.layers.filter((l) => l.kind === 'conv' || l.kind === 'pointwise');
    const rgb = convs[0]!;
    expect([rgb.conv!.cin, rgb.conv!.cout, rgb.conv!.kernel[0], rgb.conv!.strides[0]]).toEqual([3, 16, 3, 2]);
    expect(rgb.outputShapes[0]).toEqual([1, 64, 64, 16]);
    const w = layerWork(rgb);
    expect(w.taps_im2col).toBe(64 * 64 * 9); // 36,864 taps (the padded bottom/right taps are memset, still one tap each)
    expect(w.bytes_im2col).toBe(64 * 64 * 9 * 3); // 110,592 bytes
    // the 16→8 and 8→48 1×1 stride-1 convs (forward_lite_pw_sssa8_ch): no columns, though reads_conv counts their input
    for (const pw of convs.filter((l) => l.kind === 'pointwise').slice(0, 2)) {
      expect(buildsIm2colColumns(pw), pw.name).toBe(false);
      expect([layerWork(pw).taps_im2col, layerWork(pw).bytes_im2col], pw.name).toEqual([0, 0]);
      expect(layerWork(pw).reads_conv, pw.name).toBe(64 * 64 * pw.conv!.cin);
    }
  });
  it.skipIf(!HAVE_SHARED)("ResNet v1 8: the 16→16 3×3/1 on a padded copy builds 32×32 × 9 taps of 16 bytes; the deep kernels none", () => {
    const a = analyzeFile(join(lite, 'resnetv1/resnet_v1_8_32_tfs_int8.tflite'));
    const convs = a.layers.filter((l) => l.kind === 'conv' || l.kind === 'pointwise');
    const byShape = (cin: number, cout: number, k: number, s: number) => convs.filter((l) => l.conv!.cin === cin && l.conv!.cout === cout && l.conv!.kernel[0] === k && l.conv!.strides[0] === s);
    const c16 = byShape(16, 16, 3, 1);
    expect(c16).toHaveLength(2);
    for (const l of c16) expect([layerWork(l).taps_im2col, layerWork(l).bytes_im2col], l.name).toEqual([32 * 32 * 9, 32 * 32 * 9 * 16]); // 9,216 taps, 147,456 B
    // the RGB 3→16 3×3/1 (padding inside): 9,216 taps of 3 bytes
    expect([layerWork(byShape(3, 16, 3, 1)[0]!).taps_im2col, layerWork(byShape(3, 16, 3, 1)[0]!).bytes_im2col]).toEqual([9216, 27648]);
    // the 16→32 1×1/2 shortcut runs the generic kernel (ST's network.c): one 16-byte tap per 16×16 output pixel
    expect([layerWork(byShape(16, 32, 1, 2)[0]!).taps_im2col, layerWork(byShape(16, 32, 1, 2)[0]!).bytes_im2col]).toEqual([256, 4096]);
    // 32→32 3×3/1 and 64→64 3×3/1 (deep_3x3), 32→64 3×3/2 (deep), 32→64 1×1/2 (pw): none
    for (const l of [...byShape(32, 32, 3, 1), ...byShape(64, 64, 3, 1), ...byShape(32, 64, 3, 2), ...byShape(32, 64, 1, 2)]) {
      expect([layerWork(l).taps_im2col, layerWork(l).bytes_im2col], l.name).toEqual([0, 0]);
    }
    // the model: 9,216 × 3 + 256 + 2,304 (16→32 3×3/2 on 16×16) taps
    const sum = convs.reduce((s, l) => s + layerWork(l).taps_im2col, 0);
    expect(sum).toBe(9216 * 3 + 256 + 16 * 16 * 9);
  });
  it.skipIf(!HAVE_SHARED)("per-tensor convs (ST's hybrid forward_conv2d_integer_SSSA) build columns for k×k, not for 1×1 stride 1", () => {
    const a = analyzeFile(join(MODELS_DIR, 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite'));
    const first = a.layers.find((l) => l.kind === 'conv')!; // 3→16 3×3/2, 258×258 → 128×128
    expect(first.outputShapes[0]).toEqual([1, 128, 128, 16]);
    expect([layerWork(first).taps_im2col, layerWork(first).bytes_im2col]).toEqual([128 * 128 * 9, 128 * 128 * 9 * 3]);
    const pw = a.layers.find((l) => l.kind === 'pointwise' && l.conv!.strides[0] === 1)!;
    expect([layerWork(pw).taps_im2col, layerWork(pw).bytes_im2col]).toEqual([0, 0]);
  });
  it('a conv that runs no lite int8 kernel (float) follows CMSIS-NN: columns per group for k×k, none for 1×1', () => {
    const g = new OnnxGraphBuilder({ name: 'floatgroups', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 16, 20, 20]);
    g.initializer('w', 'float32', [16, 8, 3, 3], new Float32Array(16 * 8 * 9));
    g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1], strides: [2, 2], group: 2 });
    g.initializer('w1', 'float32', [8, 16, 1, 1], new Float32Array(8 * 16));
    g.node('Conv', ['y', 'w1'], ['z'], { strides: [1, 1] });
    g.output('z', 'float32', [1, 8, 10, 10]);
    const [grouped, one] = analyzeFile(g.writeTo(dir, 'floatgroups.onnx')).layers.filter((l) => l.op === 'Conv');
    // 10×10 output pixels × 9 taps, once per group of 8 channels: 1,800 taps moving 10·10·9·16 = 14,400 bytes
    expect([layerWork(grouped!).taps_im2col, layerWork(grouped!).bytes_im2col]).toEqual([10 * 10 * 9 * 2, 10 * 10 * 9 * 16]);
    expect([layerWork(one!).taps_im2col, layerWork(one!).bytes_im2col]).toEqual([0, 0]);
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
    // 32×32 output pixels × 9 taps of 16 bytes (CMSIS-NN's wrapper rule for a conv with no lite int8 kernel)
    expect(layerWork(conv).taps_im2col).toBe(32 * 32 * 9);
    expect(layerWork(conv).bytes_im2col).toBe(32 * 32 * 9 * 16);
  });
});

describe("pooling per kernel: ST's lite max pool per window op, the hybrid average pool per input element (layer-work.ts isMaxPool)", () => {
  it('a 3×3/2 max pool counts its window ops and no average-pool input; a global average pool its input elements', () => {
    const g = new OnnxGraphBuilder({ name: 'pools', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 64, 63, 63]);
    g.node('MaxPool', ['x'], ['m'], { kernel_shape: [3, 3], strides: [2, 2] });
    g.node('GlobalAveragePool', ['m'], ['y']);
    g.output('y', 'float32', [1, 64, 1, 1]);
    const a = analyzeFile(g.writeTo(dir, 'pools.onnx'));
    const max = layerWork(a.layers.find((l) => l.op === 'MaxPool')!);
    // SqueezeNet v1.1 128's first max pool: 63×63×64 → 31×31×64, 9 window elements per output
    expect(max.ops_maxpool).toBe(31 * 31 * 64 * 9);
    expect(max.elems_avgpool_in).toBe(0);
    expect(max.elems_pool_in).toBe(63 * 63 * 64);
    const gap = layerWork(a.layers.find((l) => l.op === 'GlobalAveragePool')!);
    expect(gap.elems_avgpool_in).toBe(31 * 31 * 64);
    expect(gap.ops_maxpool).toBe(0);
  });
});

describe("a max pool ST fuses into the conv before it (forward_conv2d_sssa8_ch_nl_pool): its conv output is never a tensor", () => {
  // SqueezeNet v1.1 224 (TFLite): conv1 3→64 3×3/2 valid → 111×111×64 → max pool 3×3/2 valid → 55×55×64, the pool the
  // conv's only reader: ST's fusion rule (runtime-lite.ts fusedConvPools; conv-kernel-calls-lite.json fusedWithPool).
  // The two max pools after fire3's and fire5's concatenations stay separate lite max pools (a pool after a concat is
  // forward_lite_maxpool_is8os8_scalepos in ST's 3.0 network.c). Expected bytes from the shapes stored in the file.
  const file = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/squeezenetv1.1/squeezenetv1.1_224_tfs_int8.tflite');
  it.skipIf(!HAVE_SHARED)('SqueezeNet 224: the fused pair keeps its MACs, im2col work, window ops and calls; the 111×111×64 conv output stays in the rows buffer', () => {
    const a = analyzeFile(file);
    const works = analysisLayerWorks(a);
    const pools = a.layers.filter((l) => l.op === 'MaxPool');
    expect(pools.map((p) => p.inputShapes[0])).toEqual([[1, 111, 111, 64], [1, 55, 55, 128], [1, 27, 27, 256]]);
    const conv1 = a.layers[a.tensors.find((t) => t.name === pools[0]!.inputs[0])!.producer]!;
    expect([conv1.conv!.cin, conv1.conv!.cout, conv1.conv!.kernel[0], conv1.conv!.strides[0]]).toEqual([3, 64, 3, 2]);
    const [cw, pw] = [works[conv1.index]!, works[pools[0]!.index]!];
    // unchanged: MACs, im2col (the generic nl_pool conv builds columns as the rgb kernel does), window ops
    expect(cw.macs_conv).toBe(layerWork(conv1).macs_conv);
    expect([cw.taps_im2col, cw.bytes_im2col]).toEqual([111 * 111 * 9, 111 * 111 * 9 * 3]);
    expect(pw.ops_maxpool).toBe(55 * 55 * 64 * 9);
    // the conv's 111×111×64 output, written and read back by the pool, stays in the kernel's rows buffer; bytes_act
    // (what the other engines move) and the two calls unchanged
    expect([cw.bytes_fused_rows, pw.bytes_fused_rows]).toEqual([111 * 111 * 64, 111 * 111 * 64]);
    expect([cw.bytes_act, pw.bytes_act]).toEqual([224 * 224 * 3 + 111 * 111 * 64, 111 * 111 * 64 + 55 * 55 * 64]);
    expect([cw.layers, pw.layers]).toEqual([1, 1]);
    // the separate pools: nothing fused
    for (const p of pools.slice(1)) expect(works[p.index]!.bytes_fused_rows, p.name).toBe(0);
    // every other layer as layerWork counts it alone
    const moved = a.layers.filter((l) => JSON.stringify(works[l.index]) !== JSON.stringify(layerWork(l))).map((l) => l.index);
    expect(moved).toEqual([conv1.index, pools[0]!.index]);
  });
});
