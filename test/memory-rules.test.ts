/**
 * Per-op memory rules against published facts:
 * - CMSIS-NN scratch sizes (../shared/st-toolchain-facts.md §3, CMSIS-NN @99f736a6): worked values.
 * - Overlap bounds against the offsets X-CUBE-AI generated for an int8 MNIST-like network
 *   (borealis-zhe/STM32H7_EMNIST_with_touchscreen@8cb19983, CM7/X-CUBE-AI/App/network.c,
 *   network_configure_activations): every observed output/input offset difference must be safe under our
 *   rule, and the Pad's (−960 B) must be exactly our bound.
 */
import { describe, expect, it } from 'vitest';
import type { Analysis, ConvGeometry, Layer, LayerOp } from '../src/analyzer/layer.ts';
import { StPlanner, stExecutionOrder } from '../src/analyzer/memory/st-plan.ts';
import { cmsisNnScratchBytes } from '../src/analyzer/memory/scratch-rules.ts';
import { stScratchBytes } from '../src/analyzer/memory/st-scratch-rules.ts';
import { NO_WORK_FIGURES } from './helpers/layer-figures.ts';
import { elementwiseOverlap, layerOverlap, overlapSavingBytes, padRowOverlap, rowOverlap, splitPadding, stFusedPoolRowsBytes, stRgbConvEndBoundBytes, stRgbConvMarginBytes, stRowEndBoundBytes, stScratchFollowsInput, stSplitsPadding } from '../src/analyzer/memory/overlap-rules.ts';

function layer(op: LayerOp, inShape: number[], outShape: number[], conv?: Partial<ConvGeometry>, dtypes: [string, string] = ['int8', 'int8']): Layer {
  const g: ConvGeometry | undefined = conv && {
    kernel: [1, 1],
    strides: [1, 1],
    dilations: [1, 1],
    pads: [0, 0, 0, 0],
    group: 1,
    cin: inShape[3]!,
    cout: outShape[3]!,
    ...conv,
  };
  return {
    index: 0,
    name: op,
    op,
    kind: 'other',
    sourceOps: [],
    nodeNames: [],
    inputs: ['x'],
    outputs: ['y'],
    inputShapes: [inShape],
    outputShapes: [outShape],
    inputDtypes: [dtypes[0] as 'int8'],
    outputDtypes: [dtypes[1] as 'int8'],
    dtype: 'int8',
    layout: 'NHWC',
    conv: g,
    ...NO_WORK_FIGURES,
    outputBytes: 0,
  };
}

describe('CMSIS-NN scratch rules (st-toolchain-facts §3)', () => {
  const conv3x3x3 = layer('Conv', [1, 32, 32, 3], [1, 32, 32, 16], { kernel: [3, 3], pads: [1, 1, 1, 1] });
  it('general conv: DSP 2·align4(Kh·Kw·Cin)·2, MVE 4·ceil(col/16)·16, no-DSP as DSP', () => {
    expect(cmsisNnScratchBytes(conv3x3x3, 'dsp')).toBe(2 * 28 * 2); // col 27 → align4 28
    expect(cmsisNnScratchBytes(conv3x3x3, 'mve')).toBe(4 * 2 * 16); // ceil(27/16) = 2
    expect(cmsisNnScratchBytes(conv3x3x3, 'none')).toBe(112);
  });
  it('1×1 stride-1 unpadded conv needs none (GCC), on every engine', () => {
    const pw = layer('Conv', [1, 8, 8, 32], [1, 8, 8, 64], {});
    for (const e of ['dsp', 'mve', 'none'] as const) expect(cmsisNnScratchBytes(pw, e)).toBe(0);
  });
  it('depthwise: DSP 0 for 3×3 pad ≤ 1, else Cin·Kh·Kw·2; MVE 4·124·Kh·Kw (4,464 B for 3×3)', () => {
    const dw3 = layer('DepthwiseConv', [1, 16, 16, 32], [1, 16, 16, 32], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 32 });
    const dw5 = layer('DepthwiseConv', [1, 16, 16, 32], [1, 16, 16, 32], { kernel: [5, 5], pads: [2, 2, 2, 2], group: 32 });
    expect(cmsisNnScratchBytes(dw3, 'dsp')).toBe(0);
    expect(cmsisNnScratchBytes(dw5, 'dsp')).toBe(32 * 25 * 2);
    expect(cmsisNnScratchBytes(dw3, 'mve')).toBe(4464);
    expect(cmsisNnScratchBytes(dw5, 'none')).toBe(0);
  });
  it('fully connected: MVE Cout·4; average pool: DSP ch·4; max pool / softmax: none', () => {
    const fc = layer('Dense', [1, 256], [1, 10]);
    expect(cmsisNnScratchBytes(fc, 'mve')).toBe(40);
    expect(cmsisNnScratchBytes(fc, 'dsp')).toBe(0);
    const avg = layer('AveragePool', [1, 8, 8, 24], [1, 4, 4, 24], { kernel: [2, 2], strides: [2, 2], group: 24 });
    expect(cmsisNnScratchBytes(avg, 'dsp')).toBe(96);
    expect(cmsisNnScratchBytes(avg, 'mve')).toBe(0);
    expect(cmsisNnScratchBytes(layer('MaxPool', [1, 8, 8, 24], [1, 4, 4, 24], { kernel: [2, 2], strides: [2, 2] }), 'dsp')).toBe(0);
    expect(cmsisNnScratchBytes(layer('Softmax', [1, 10], [1, 10]), 'dsp')).toBe(0);
  });
});

/**
 * ST runtime scratch arrays (`<layer>_scratch0`, bytes) read from public X-CUBE-AI / ST Edge AI generated
 * network.c files (src/analyzer/memory/st-scratch-rules.ts names them): [EM] st_mnist_v1 by ST Edge AI 9.0,
 * [MV2] MobileNet v2 0.35 96 by stm.ai 8.1.0, [YH] a detector by ST Edge AI 2.2, [DF] a MobileNet-like net by
 * X-CUBE-AI 6.0, [CNN] a 64×64 CNN, [GS] a 64×64 RGB gesture CNN. Each row: op, input NHWC, output NHWC, geometry, per-channel, observed bytes.
 */
const ST_OBSERVED: [string, LayerOp, number[], number[], Partial<ConvGeometry> | undefined, boolean, number][] = [
  ['EM conv2d_1 3×3/2 1→16', 'Conv', [1, 28, 28, 1], [1, 14, 14, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, true, 548],
  ['DF conv2d_0 3×3/2 1→8', 'Conv', [1, 96, 96, 1], [1, 48, 48, 8], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, true, 292],
  ['CNN conv2d_1 3×3 1→32', 'Conv', [1, 64, 64, 1], [1, 62, 62, 32], { kernel: [3, 3] }, true, 1060],
  ['MV2 conv2d_1 rgb 3×3/2 3→16', 'Conv', [1, 96, 96, 3], [1, 48, 48, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }, true, 1196],
  ['32×32 CNN conv2d_1 3×3 3→8 (+max pool), corpus id 38900538860', 'Conv', [1, 32, 32, 3], [1, 32, 32, 8], { kernel: [3, 3], pads: [1, 1, 1, 1] }, true, 652],
  ['C3 conv2d_1 rgb 3×3/1 3→16 at 32×32 (corpus id 18445407568)', 'Conv', [1, 32, 32, 3], [1, 32, 32, 16], { kernel: [3, 3], pads: [1, 1, 1, 1] }, true, 1196],
  ['GS conv2d_1 rgb 3×3/1 3→16 at 64×64', 'Conv', [1, 64, 64, 3], [1, 64, 64, 16], { kernel: [3, 3], pads: [1, 1, 1, 1] }, true, 1196],
  ['EM conv2d_3 3×3 16→32', 'Conv', [1, 16, 16, 16], [1, 14, 14, 32], { kernel: [3, 3] }, true, 6144],
  ['CNN conv2d_3 deep 3×3 32→64', 'Conv', [1, 31, 31, 32], [1, 29, 29, 64], { kernel: [3, 3] }, true, 7168],
  ['CNN conv2d_5 deep 3×3 64→128', 'Conv', [1, 14, 14, 64], [1, 12, 12, 128], { kernel: [3, 3] }, true, 9216],
  ['GS conv2d_3 deep 3×3 16→24 (34×34 padded copy)', 'Conv', [1, 34, 34, 16], [1, 32, 32, 24], { kernel: [3, 3] }, true, 6032],
  ['GS conv2d_5 deep 3×3 24→32 (18×18 padded copy)', 'Conv', [1, 18, 18, 24], [1, 16, 16, 32], { kernel: [3, 3] }, true, 6432],
  ['2024 network.c (corpus id 37854052235) deep 3×3 32→64 + pool', 'Conv', [1, 18, 18, 32], [1, 16, 16, 64], { kernel: [3, 3] }, true, 7168],
  ['2024 network.c (corpus id 37854052235) deep 3×3 64→64', 'Conv', [1, 10, 10, 64], [1, 8, 8, 64], { kernel: [3, 3] }, true, 8320],
  ['2024 network.c (corpus id 37854052235) rgb 3×3 3→32 + pool', 'Conv', [1, 32, 32, 3], [1, 32, 32, 32], { kernel: [3, 3], pads: [1, 1, 1, 1] }, true, 2284],
  ['lite 4.0.1 VGG deep 3×3 32→32 (scratch-observations-lite.json)', 'Conv', [1, 34, 34, 32], [1, 32, 32, 32], { kernel: [3, 3] }, true, 6720],
  ['lite 4.0.1 VGG deep 3×3 64→64 (scratch-observations-lite.json)', 'Conv', [1, 18, 18, 64], [1, 16, 16, 64], { kernel: [3, 3] }, true, 8320],
  ['MV2 conv2d_4 pw 8→48', 'Conv', [1, 48, 48, 8], [1, 48, 48, 48], {}, true, 512],
  ['MV2 conv2d_57 pw 336→56', 'Conv', [1, 3, 3, 336], [1, 3, 3, 56], {}, true, 1904],
  ['YH conv2d_47 pw 48→5', 'Conv', [1, 24, 24, 48], [1, 24, 24, 5], {}, true, 242],
  ['DF conv2d_28 pw 256→2', 'Conv', [1, 1, 1, 256], [1, 1, 1, 2], {}, true, 1044],
  ['EM conv2d_5 pw 32→64', 'Conv', [1, 7, 7, 32], [1, 7, 7, 64], {}, true, 768],
  ['DF conv2d_1 dw 3×3 8', 'DepthwiseConv', [1, 48, 48, 8], [1, 48, 48, 8], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 8 }, true, 297],
  ['EM conv2d_2 dw 3×3 16', 'DepthwiseConv', [1, 14, 14, 16], [1, 14, 14, 16], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 16 }, true, 593],
  ['MV2 conv2d_29 dw 3×3 144', 'DepthwiseConv', [1, 8, 8, 144], [1, 6, 6, 144], { kernel: [3, 3], group: 144 }, true, 5329],
  ['MV2 conv2d_56 dw 3×3 336', 'DepthwiseConv', [1, 5, 5, 336], [1, 3, 3, 336], { kernel: [3, 3], group: 336 }, true, 12433],
  ['EM gemm_7 dense 64→36 per-tensor', 'Dense', [1, 64], [1, 36], undefined, false, 128],
  ['MV2 gemm_68 dense 1280→15 per-tensor', 'Dense', [1, 1280], [1, 15], undefined, false, 2560],
  ['CNN gemm_11 dense 4608→32 per-channel', 'Dense', [1, 4608], [1, 32], undefined, true, 9536],
  ['CNN gemm_12 dense 32→64 per-channel', 'Dense', [1, 32], [1, 64], undefined, true, 704],
  ['EM nl_8 softmax 36', 'Softmax', [1, 36], [1, 36], undefined, false, 144],
  ['MV2 nl_69 softmax 15', 'Softmax', [1, 15], [1, 15], undefined, false, 60],
  ['MV2 pool_67 average pool 3×3', 'AveragePool', [1, 3, 3, 1280], [1, 1, 1, 1280], { kernel: [3, 3], group: 1280 }, false, 0],
];

describe('ST runtime scratch rules vs generated network.c scratch arrays', () => {
  for (const [label, op, inShape, outShape, conv, perChannel, bytes] of ST_OBSERVED) {
    it(`${label}: ${bytes} B`, () => {
      const l = layer(op, inShape, outShape, conv);
      l.perChannel = perChannel;
      expect(stScratchBytes(l)).toBe(bytes);
    });
  }
});

describe('overlap bounds vs X-CUBE-AI generated offsets (EMNIST network.c)', () => {
  // offset(output) − offset(input) in ST's network_configure_activations.
  it('Pad 14×14×16 → 16×16×16: ST puts the output 960 B below the input, exactly our forward bound', () => {
    const pad = layer('Pad', [1, 14, 14, 16], [1, 16, 16, 16]);
    expect(rowOverlap(pad, 0)!.forwardDeltaBytes).toBe(3136 - 4096); // 3,136 (conv2d_3_pad_before) − 4,096 (conv2d_2)
  });
  it('conv 3×3/2 1→16, depthwise 3×3 16 ch, conv 3×3 16→32: ST\'s offsets are safe under our bounds', () => {
    const conv1 = layer('Conv', [1, 28, 28, 1], [1, 14, 14, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] });
    const dw = layer('DepthwiseConv', [1, 14, 14, 16], [1, 14, 14, 16], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 16 });
    const conv3 = layer('Conv', [1, 16, 16, 16], [1, 14, 14, 32], { kernel: [3, 3] });
    // observed: conv2d_1 4,576 − conversion_0 7,168; conv2d_2 4,096 − 4,576; conv2d_3 0 − 3,136
    expect(4576 - 7168).toBeLessThanOrEqual(rowOverlap(conv1, 0)!.forwardDeltaBytes!);
    expect(4096 - 4576).toBeLessThanOrEqual(rowOverlap(dw, 0)!.forwardDeltaBytes!);
    expect(0 - 3136).toBeLessThanOrEqual(rowOverlap(conv3, 0)!.forwardDeltaBytes!);
    // and our bound is within one output row of ST's choice (ST keeps a small margin)
    expect(rowOverlap(conv1, 0)!.forwardDeltaBytes! - (4576 - 7168)).toBeLessThan(14 * 16);
    expect(rowOverlap(dw, 0)!.forwardDeltaBytes! - (4096 - 4576)).toBeLessThan(14 * 16);
    expect(rowOverlap(conv3, 0)!.forwardDeltaBytes! - (0 - 3136)).toBeLessThan(14 * 32);
  });
  it("with ST's last-rows bound (stRowEndBoundBytes) the st rule gives exactly ST's offsets: −2,592, −480, −3,136 B", () => {
    const conv1 = layer('Conv', [1, 28, 28, 1], [1, 14, 14, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] });
    const dw = layer('DepthwiseConv', [1, 14, 14, 16], [1, 14, 14, 16], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 16 });
    const conv3 = layer('Conv', [1, 16, 16, 16], [1, 14, 14, 32], { kernel: [3, 3] });
    expect(layerOverlap(conv1, 0)).toEqual({ forwardDeltaBytes: 4576 - 7168 });
    expect(layerOverlap(dw, 0)).toEqual({ forwardDeltaBytes: 4096 - 4576 });
    expect(layerOverlap(conv3, 0)).toEqual({ forwardDeltaBytes: 0 - 3136 });
    // stm.ai 8.1.0 MobileNet v2 (Flora233333/STM32-Infer-MobileNetV2@8d17cc77): conv2d_1 (RGB 3×3/2 3→16 at 96²)
    // at 4,288, its input conversion at 14,288
    // (ReLU6: its scratch1 output alias; the ReLU kernel keeps 3 rows, see stRgbConvEndBoundBytes)
    const rgb = { ...layer('Conv', [1, 96, 96, 3], [1, 48, 48, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }), activation: 'relu6' as const };
    expect(stRowEndBoundBytes(rgb)).toBe(4288 - 14288);
    expect(stRgbConvEndBoundBytes(rgb)).toBeUndefined();
    expect(layerOverlap(rgb, 0)).toEqual({ forwardDeltaBytes: 4288 - 14288 });
  });
  it('the int8 input conversion runs in place (ST: both at offset 7,168)', () => {
    const q = layer('Quantize', [1, 28, 28, 1], [1, 28, 28, 1], undefined, ['uint8', 'int8']);
    expect(layerOverlap(q, 0)!.forwardDeltaBytes).toBeGreaterThanOrEqual(0);
    expect(overlapSavingBytes(784, 784, layerOverlap(q, 0)!)).toBe(784);
  });
});

describe('padded convolutions ST splits into Pad + unpadded kernel (generated network.c files)', () => {
  it('3×3 16→32 SAME conv (st_mnist conv2d_3, ST Edge AI 9.0): split; the Pad copy is 16×16×16 and sits 960 B below its input', () => {
    const conv = layer('Conv', [1, 14, 14, 16], [1, 14, 14, 32], { kernel: [3, 3], pads: [1, 1, 1, 1] });
    expect(stSplitsPadding(conv)).toBe(true);
    const split = splitPadding(conv);
    expect(split.paddedBytes).toBe(4096); // conv2d_3_pad_before_output: 4,096 B
    expect(split.conv.conv!.pads).toEqual([0, 0, 0, 0]);
    expect(padRowOverlap(split.pad, 1)!.forwardDeltaBytes).toBe(3136 - 4096);
  });
  it('padded 3×3 depthwise (MobileNet v2, stm.ai 8.1.0): split; RGB first conv and 1×1 convs: not split', () => {
    const dw = layer('DepthwiseConv', [1, 48, 48, 16], [1, 48, 48, 16], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 16 });
    expect(stSplitsPadding(dw)).toBe(true);
    expect(splitPadding(dw).paddedBytes).toBe(50 * 50 * 16); // conv2d_2_pad_before: (1,16,50,50)
    const rgb = layer('Conv', [1, 96, 96, 3], [1, 48, 48, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] });
    expect(stSplitsPadding(rgb)).toBe(false);
    expect(stSplitsPadding(layer('Conv', [1, 8, 8, 16], [1, 8, 8, 32], {}))).toBe(false);
    const valid = layer('DepthwiseConv', [1, 49, 49, 48], [1, 24, 24, 48], { kernel: [3, 3], strides: [2, 2], group: 48 });
    expect(stSplitsPadding(valid)).toBe(false);
  });
});

describe('conv + pool fused as ST does (conv2d_nl_pool): rows kept = `<layer>_scratch1` of generated code', () => {
  it('3×3 conv 1→32 at 64×64 + 2×2 max pool: 62·2·32 = 3,968 B; 32→64 + pool: 29·2·64 = 3,712 B [CNN]', () => {
    const conv = layer('Conv', [1, 64, 64, 1], [1, 62, 62, 32], { kernel: [3, 3] });
    const pool = layer('MaxPool', [1, 62, 62, 32], [1, 31, 31, 32], { kernel: [2, 2], strides: [2, 2], group: 32 });
    expect(stFusedPoolRowsBytes(conv, pool)).toBe(3968);
    const conv3 = layer('Conv', [1, 31, 31, 32], [1, 29, 29, 64], { kernel: [3, 3] });
    const pool3 = layer('MaxPool', [1, 29, 29, 64], [1, 14, 14, 64], { kernel: [2, 2], strides: [2, 2], group: 64 });
    expect(stFusedPoolRowsBytes(conv3, pool3)).toBe(3712);
  });
  it('st_mnist pointwise 32→64 + MEAN (global average): 7·7·64 = 3,136 B [EM]; depthwise is not fused', () => {
    const pw = layer('Conv', [1, 7, 7, 32], [1, 7, 7, 64], {});
    const gap = layer('GlobalAveragePool', [1, 7, 7, 64], [1, 64]);
    expect(stFusedPoolRowsBytes(pw, gap)).toBe(3136);
    const dw = layer('DepthwiseConv', [1, 7, 7, 64], [1, 7, 7, 64], { kernel: [3, 3], pads: [1, 1, 1, 1], group: 64 });
    expect(stFusedPoolRowsBytes(dw, gap)).toBeUndefined();
  });
});

describe('overlap bounds by hand', () => {
  it('elementwise int8 → float32 fits in the output when walked backwards', () => {
    const b = elementwiseOverlap(100, 1, 4);
    expect(b.backwardDeltaBytes).toBe(0);
    expect(b.forwardDeltaBytes).toBe(-300);
    expect(overlapSavingBytes(100, 400, b)).toBe(100);
  });
  it('a 1×1 conv expanding more than 2× keeps its input apart (MobileNet v2 8→48, published 702,976 B)', () => {
    const expand = layer('Conv', [1, 112, 112, 8], [1, 112, 112, 48], {});
    const double = layer('Conv', [1, 112, 112, 8], [1, 112, 112, 16], {});
    expect(layerOverlap(expand, 0)).toBeUndefined();
    // 8→16: the best safe placement costs one input row (112·8 B) over the output alone
    const b = layerOverlap(double, 0)!;
    expect(200704 + 100352 - overlapSavingBytes(100352, 200704, b)).toBe(200704 + 112 * 8);
  });
  it('Dense never overlaps its input', () => {
    expect(layerOverlap(layer('Dense', [1, 256], [1, 10]), 0)).toBeUndefined();
  });
});

describe("ST's execution order (st-plan.ts stExecutionOrder)", () => {
  // x → q → conv → concat(conv, tile); tile (constants only) → dequantize (graph output)
  const names = ['q', 'conv', 'tile', 'concat', 'dequant'];
  const inputs = [['x'], ['q_out'], [], ['conv_out', 'tile_out'], ['tile_out']];
  const analysis = {
    layers: names.map((n, i) => ({ index: i, name: n, inputs: inputs[i]!, outputs: [`${n}_out`] })),
    tensors: [{ name: 'x', producer: -1 }, ...names.map((n, i) => ({ name: `${n}_out`, producer: i }))],
  } as unknown as Analysis;

  it('runs the layers that depend on no graph input first (an SSD anchor chain), keeping both relative orders', () => {
    expect(stExecutionOrder(analysis, [0, 1, 2, 3, 4])).toEqual([2, 4, 0, 1, 3]);
  });

  it('leaves an order without such layers as it is', () => {
    const chain = { layers: analysis.layers.slice(0, 2), tensors: analysis.tensors.slice(0, 3) } as unknown as Analysis;
    expect(stExecutionOrder(chain, [0, 1])).toEqual([0, 1]);
  });
});

describe('ST row kernels walk forward (overlap-rules.ts forwardOnly)', () => {
  it('a conv, a depthwise and a Pad may overlap their input only from below: no backward bound', () => {
    const dw = layer('DepthwiseConv', [1, 113, 113, 16], [1, 56, 56, 16], { kernel: [3, 3], strides: [2, 2], group: 16 });
    const pw = layer('Conv', [1, 112, 112, 8], [1, 112, 112, 16], {});
    const pad = layer('Pad', [1, 112, 112, 16], [1, 113, 113, 16]);
    for (const l of [dw, pw, pad]) {
      const b = layerOverlap(l, 0)!;
      expect(b.backwardDeltaBytes).toBeUndefined();
      expect(b.forwardDeltaBytes).toBe(rowOverlap(l, 0)!.forwardDeltaBytes);
    }
    // stride-2 depthwise on its padded input: one output row below (MobileNet v2 8.1.0 conv2d_6: exactly −1,152 B)
    expect(layerOverlap(layer('DepthwiseConv', [1, 49, 49, 48], [1, 24, 24, 48], { kernel: [3, 3], strides: [2, 2], group: 48 }), 0)).toEqual({ forwardDeltaBytes: -1152 });
    const split = splitPadding(layer('DepthwiseConv', [1, 48, 48, 48], [1, 24, 24, 48], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], group: 48 }));
    // `conv2d_6_pad_before` 4,656 B below `conv2d_4_output`, ending where it ends; above it would be unsafe
    expect(padRowOverlap(split.pad, 0)).toEqual({ forwardDeltaBytes: -4656 });
  });

  it('the RGB first conv keeps 3·(Wout+1)·Cout below its input (FD-MobileNet 0.25: 2,712 B at 224, 1,560 B at 128)', () => {
    const rgb = (w: number) => layer('Conv', [1, 2 * w, 2 * w, 3], [1, w, w, 8], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] });
    expect(stRgbConvMarginBytes(rgb(112))).toBe(2712);
    expect(layerOverlap(rgb(112), 0)).toEqual({ forwardDeltaBytes: -2712 });
    expect(layerOverlap(rgb(64), 0)).toEqual({ forwardDeltaBytes: -1560 });
    expect(stRgbConvMarginBytes(layer('Conv', [1, 28, 28, 1], [1, 14, 14, 16], { kernel: [3, 3], strides: [2, 2] }))).toBeUndefined();
  });
  it('a ReLU RGB first conv larger than its input ends 3·(Wout+1)·Cout below the input\'s end (ST FD-MobileNet v1: 3,120 B at 128, 5,424 B at 224); ReLU6 keeps (Kh − stride) rows', () => {
    const rgb = (w: number, activation: Layer['activation']) => ({ ...layer('Conv', [1, 2 * w, 2 * w, 3], [1, w, w, 16], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }), activation });
    expect(stRgbConvEndBoundBytes(rgb(64, 'relu'))).toBe(49152 - 65536 - 3120);
    expect(layerOverlap(rgb(64, 'relu'), 0)).toEqual({ forwardDeltaBytes: 49152 - 65536 - 3120 });
    expect(layerOverlap(rgb(112, 'relu'), 0)).toEqual({ forwardDeltaBytes: 150528 - 200704 - 5424 });
    expect(layerOverlap(rgb(64, 'relu6'), 0)).toEqual({ forwardDeltaBytes: 49152 - 65536 - 1040 });
    expect(stScratchFollowsInput(rgb(64, 'relu'))).toBe(true);
    expect(stScratchFollowsInput(rgb(64, 'relu6'))).toBe(true);
    expect(stScratchFollowsInput(layer('Conv', [1, 16, 16, 16], [1, 14, 14, 32], { kernel: [3, 3] }))).toBe(false);
  });
  it('the st planner puts an anchored scratch directly after its anchor when that spot is free (MobileNet v2 conv2d_1_scratch0 at the input\'s end)', () => {
    // input 0..1000 (steps 0-1), conv output overlapping it from below (steps 1-2), scratch at step 1
    const planner = new StPlanner();
    const input = planner.addBuffer(1000, 0, 1);
    const output = planner.addBuffer(1200, 1, 2);
    const scratch = planner.addBuffer(100, 1, 1);
    planner.addOverlapRule({ outputId: output, inputId: input, forwardDeltaBytes: -300 });
    planner.markScratch(scratch);
    const free = new StPlanner();
    free.addBuffer(1000, 0, 1);
    free.addBuffer(1200, 1, 2);
    free.markScratch(free.addBuffer(100, 1, 1));
    free.addOverlapRule({ outputId: output, inputId: input, forwardDeltaBytes: -300 });
    expect(free.offsetOf(scratch)).not.toBe(free.offsetOf(input) + 1000); // unanchored: under the output
    planner.placeAfter(scratch, input);
    expect(planner.offsetOf(scratch)).toBe(planner.offsetOf(input) + 1000);
    expect(planner.offsetOf(output)).toBe(planner.offsetOf(input) - 300);
    expect(planner.arenaBytes()).toBe(1400);
  });
});
