/**
 * TFLite operators → layers, checked against the architecture facts of ../shared/architectures.md (derived from
 * ST's training code and verified on ST's .h5/.tflite files, independently of this code): layer sequences,
 * folded parameter counts, int8 weight bytes (W + 4·B, + 2 per un-folded BN channel), TF SAME padding, MACs.
 * Prints per-model totals for every shared .tflite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Layer } from '../src/analyzer/layer.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { buildTfliteLayers } from '../src/analyzer/tflite/layers.ts';
import { readTflite } from '../src/analyzer/tflite/reader.ts';
import { HAVE_SHARED, MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';

function build(rel: string) {
  const path = join(MODELS_DIR, rel);
  const model = readTflite(new Uint8Array(readFileSync(path)), { path });
  return { model, ...buildTfliteLayers(model, inferShapes(model).types) };
}

const sum = (layers: Layer[], f: (l: Layer) => number) => layers.reduce((a, l) => a + f(l), 0);
const count = (layers: Layer[], pred: (l: Layer) => boolean) => layers.filter(pred).length;
const opCounts = (layers: Layer[]) => {
  const c: Record<string, number> = {};
  for (const l of layers) c[l.op] = (c[l.op] ?? 0) + 1;
  return c;
};

const MH = 'legacy_tflite/MohamedElhadidy0019/image_classification';
const BV = 'legacy_tflite/bvenreply/image_classification';

describe.skipIf(!HAVE_SHARED)('TFLite layers vs architecture facts', () => {
  it('EfficientNet LC v1 224 (§2.1, §2.4): one layer per kernel, SE shape chain folded away, ReLU6 fused', () => {
    const { layers, tensors, partial, warnings } = build(`${MH}/efficientnet/st_efficientnet_lc_v1_224_tfs_int8.tflite`);
    expect(partial).toBe(false);
    expect(warnings).toEqual([]);
    // 239 operators − 16 × (SHAPE, STRIDED_SLICE, PACK) computing constant shapes = 191 layers.
    expect(layers.length).toBe(191);
    expect(opCounts(layers)).toEqual({
      Quantize: 1,
      Conv: 65,
      DepthwiseConv: 16,
      GlobalAveragePool: 17,
      Reshape: 16,
      Min: 16,
      Max: 16,
      Activation: 16,
      Mul: 16,
      Add: 9,
      Dense: 1,
      Softmax: 1,
      Dequantize: 1,
    });
    // ReLU6 on stem, 15 expand convs, 16 depthwise, 16 SE-reduce convs and the top conv (§2.1).
    expect(count(layers, (l) => l.activation === 'relu6')).toBe(1 + 15 + 16 + 16 + 1);
    expect(count(layers, (l) => l.activation === 'sigmoid' && l.sourceOps[0] === 'LOGISTIC')).toBe(16);
    // The SE reshape reads the pooled activation only: its shape operand is a folded constant.
    const reshape = layers.find((l) => l.op === 'Reshape')!;
    expect(reshape.inputs.length).toBe(1);
    expect(tensors.some((t) => t.dtype === 'int32')).toBe(false);
    // Stem: 3×3 s2 SAME on 224 → 112, pads (0,1) (§0); MACs = 112·112·16·27.
    const stem = layers.find((l) => l.op === 'Conv')!;
    expect(stem.conv).toMatchObject({ kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], group: 1, cin: 3, cout: 16 });
    expect(stem.macs).toBe(112 * 112 * 16 * 27);
    expect(stem.outputShapes).toEqual([[1, 112, 112, 16]]);
    // 5×5 s2 depthwise on an even input pads (1,2) (§2.1).
    const dw5s2 = layers.find((l) => l.op === 'DepthwiseConv' && l.conv!.kernel[0] === 5 && l.conv!.strides[0] === 2)!;
    expect(dw5s2.conv!.pads).toEqual([1, 1, 2, 2]);
    expect(dw5s2.conv!.group).toBe(dw5s2.conv!.cin);
    // Folded params P=5 (§2.2): 490,548 + 577·5; int8 W + 4B = 517,412.
    expect(sum(layers, (l) => l.params)).toBe(493433);
    expect(sum(layers, (l) => l.weightBytes)).toBe(517412);
    expect(layers.every((l) => !l.weightDtype || (l.weightDtype === 'int8' && l.perChannel === (l.op !== 'Dense')))).toBe(true);
  });

  // Folded params and int8 bytes (W + 4B) by the formulas of architectures.md §3–§8 (P = classes).
  const families: { file: string; params: number; int8Bytes: number; constBytes?: number }[] = [
    { file: `${MH}/mobilenetv2/mobilenet_v2_0.35_224_fft_int8.tflite`, params: 389088 + 1281 * 5, int8Bytes: 410208 + 1284 * 5 },
    { file: `${MH}/mobilenetv1/mobilenet_v1_0.25_224_fft_int8.tflite`, params: 210336 + 257 * 5, int8Bytes: 218544 + 260 * 5 },
    { file: `${MH}/mobilenetv1/mobilenet_v1_0.5_224_fft_int8.tflite`, params: 813120 + 513 * 5, int8Bytes: 829536 + 516 * 5 },
    // 1-channel input removes 18·Cstem weights (Cstem = 8 at α 0.25).
    { file: `${MH}/mobilenetv1/mobilenet_v1_0.25_96_grayscale_tfs_int8.tflite`, params: 210336 + 257 * 5 - 18 * 8, int8Bytes: 218544 + 260 * 5 - 18 * 8 },
    { file: `${MH}/fdmobilenet/fdmobilenet_0.25_224_tfs_int8.tflite`, params: 124192 + 257 * 5, int8Bytes: 130096 + 260 * 5 },
    { file: `${MH}/fdmobilenet/st_fdmobilenet_v1_224_tfs_int8.tflite`, params: 140288 + 257 * 5, int8Bytes: 147104 + 260 * 5 },
    { file: `${MH}/resnetv1/resnet_v1_8_32_tfs_int8.tflite`, params: 77056 + 65 * 10, int8Bytes: 78064 + 68 * 10 },
    { file: `${MH}/resnetv1/resnet_v1_32_32_tfs_int8.tflite`, params: 465024 + 65 * 100, int8Bytes: 468720 + 68 * 100 },
    { file: `${MH}/squeezenetv1.1/squeezenetv1.1_224_tfs_int8.tflite`, params: 722496 + 513 * 5, int8Bytes: 731328 + 516 * 5 },
    { file: `${MH}/st_mnist/st_mnist_v1_28_tfs_int8.tflite`, params: 7392 + 65 * 36, int8Bytes: 7872 + 68 * 36 },
    // SqueezeNet 1.0 (§7): BN after ReLU is not foldable: kept as MUL + ADD with int8 per-channel constants,
    // 2 bytes per BN channel (256 + P channels) on top of W + 4B: 545,952 + 518P in all.
    {
      file: `${BV}/squeezenetv1.0/squeezenet_v1.0_128_int8.tflite`,
      params: 535840 + 512 * 5 + 2400 + 5,
      int8Bytes: 535840 + 512 * 5 + 4 * (2400 + 5),
      constBytes: 2 * (256 + 5),
    },
  ];
  for (const f of families) {
    it(`${f.file.split('/').pop()}: folded params ${f.params}, int8 weight bytes ${f.int8Bytes}`, () => {
      const { layers, partial } = build(f.file);
      expect(partial).toBe(false);
      expect(sum(layers, (l) => l.params)).toBe(f.params);
      expect(sum(layers, (l) => l.weightBytes)).toBe(f.int8Bytes);
      expect(sum(layers, (l) => l.constBytes)).toBe(f.constBytes ?? 0);
    });
  }

  it('MobileNet v2 (§3 TFLite form): 35 CONV_2D, 17 DEPTHWISE, 10 ADD, 4 PAD, MEAN, FULLY_CONNECTED, SOFTMAX', () => {
    const { layers } = build(`${BV}/mobilenetv2/mobilenet_v2_0.35_224_int8.tflite`);
    expect(opCounts(layers)).toMatchObject({ Conv: 35, DepthwiseConv: 17, Add: 10, Pad: 4, GlobalAveragePool: 1, Dense: 1, Softmax: 1 });
    const dense = layers.find((l) => l.op === 'Dense')!;
    expect(dense.conv).toMatchObject({ cin: 1280, cout: 5 });
    expect(dense.macs).toBe(1280 * 5);
    // Stride-2 depthwise after an explicit PAD is VALID: no padding of its own.
    expect(layers.filter((l) => l.op === 'DepthwiseConv' && l.conv!.strides[0] === 2).every((l) => l.conv!.pads.every((p) => p === 0))).toBe(true);
  });

  it('ResNet v1 8 (§6): AVERAGE_POOL_2D 8×8 s8 valid; FULLY_CONNECTED fan-in 64 at 32×32', () => {
    const { layers } = build(`${MH}/resnetv1/resnet_v1_8_32_tfs_int8.tflite`);
    const pool = layers.find((l) => l.op === 'AveragePool')!;
    expect(pool.conv).toMatchObject({ kernel: [8, 8], strides: [8, 8], pads: [0, 0, 0, 0] });
    expect(pool.outputShapes).toEqual([[1, 1, 1, 64]]);
    expect(pool.macs).toBe(64 * 64); // output elements × window
    expect(layers.find((l) => l.op === 'Dense')!.conv).toMatchObject({ cin: 64, cout: 10 });
  });

  it('YOLO11n attention BATCH_MATMUL (adj_x): reduction length from the transposed operand', () => {
    const { layers } = build('object_detection/yolo11n_256_quant_pc_uf_od_coco-person-st.tflite');
    const mm = layers.find((l) => l.sourceOps[0] === 'BATCH_MATMUL')!;
    expect(mm.op).toBe('MatMul');
    expect(mm.inputShapes).toEqual([
      [1, 2, 32, 64],
      [1, 2, 32, 64],
    ]);
    expect(mm.outputShapes).toEqual([[1, 2, 64, 64]]);
    expect(mm.conv).toMatchObject({ cin: 32, cout: 64 }); // aᵀ·b: K = 32
  });

  it('activation tensors: graph input first, every layer output once, consumers in schedule order', () => {
    const { layers, tensors, model } = build(`${MH}/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite`);
    expect(tensors[0]!.isGraphInput).toBe(true);
    expect(tensors[0]!.dtype).toBe('uint8');
    expect(tensors[0]!.shape).toEqual([1, 128, 128, 3]);
    expect(tensors.filter((t) => t.isGraphOutput).map((t) => t.name)).toEqual(model.graph.outputs);
    expect(tensors.length).toBe(1 + sum(layers, (l) => l.outputs.length));
    for (const t of tensors) expect([...t.consumers].sort((a, b) => a - b)).toEqual(t.consumers);
  });
});

const totals: string[] = [];

describe.skipIf(!HAVE_SHARED)('TFLite totals of every shared model', () => {
  for (const path of sharedModels('tflite')) {
    it(modelLabel(path), () => {
      const rel = modelLabel(path);
      const { layers, partial } = build(rel);
      expect(partial).toBe(false);
      expect(layers.length).toBeGreaterThan(0);
      const macs = sum(layers, (l) => (l.macsUnit === 'mac' ? l.macs : 0));
      totals.push(
        [
          rel.split('/').pop()!.padEnd(50),
          String(layers.length).padStart(5),
          String(macs).padStart(12),
          String(sum(layers, (l) => l.stMacc)).padStart(12),
          String(sum(layers, (l) => l.params)).padStart(9),
          String(sum(layers, (l) => l.weightBytes)).padStart(9),
          String(sum(layers, (l) => l.constBytes)).padStart(7),
          String(sum(layers, (l) => l.quantParamBytes)).padStart(7),
        ].join(' '),
      );
    });
  }
  afterAll(() => {
    if (!totals.length) return;
    const header = ['model'.padEnd(50), 'layers', 'MACs'.padStart(12), 'ST MACC'.padStart(12), 'params'.padStart(9), 'weight B'.padStart(9), 'const'.padStart(7), 'qparam'.padStart(7)].join(' ');
    console.log(`TFLite per-model totals (MACs = conv/dense/matmul multiply-accumulates; weight B = int8 kernels + int32 biases):\n${header}\n${totals.join('\n')}`);
  });
});

describe('TFLite resizes keep their interpolation on the layer', () => {
  it.skipIf(!HAVE_SHARED)('RESIZE_BILINEAR layers are linear, RESIZE_NEAREST_NEIGHBOR nearest, in every shared TFLite file', () => {
    const seen: Record<string, number> = {};
    for (const path of sharedModels('tflite')) {
      const rel = modelLabel(path);
      const { layers } = build(rel);
      for (const l of layers.filter((x) => x.op === 'Resize')) {
        const op = l.sourceOps![0]!;
        seen[op] = (seen[op] ?? 0) + 1;
        expect(l.resizeMode, `${rel} ${l.name} (${op})`).toBe(op === 'RESIZE_BILINEAR' ? 'linear' : 'nearest');
      }
    }
    // ST's SSD MobileNet v1 files upsample with RESIZE_BILINEAR (ST's 3.0.0 network.c calls forward_upsample_bilinear_is8os8)
    expect(seen.RESIZE_BILINEAR ?? 0).toBeGreaterThan(0);
  });
});
