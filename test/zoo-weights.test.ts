/**
 * Weight bytes of the built zoo networks, counted by our analyzer, against the int8 "W + 4·B" formulas of
 * ../shared/architectures.md (each checked there against ST's real .h5/.tflite files and published
 * "Weights Flash" figures). The formulas are the oracle: the expected values below are transcribed from
 * the document, not derived from the builder.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { buildZooModel, type ZooBuildOptions } from '../src/zoo/index.ts';

function analyze(id: string, opts: ZooBuildOptions): Analysis {
  const m = buildZooModel(id, opts);
  return analyzeModel(loadModelBytes(m.bytes, `${m.name}.onnx`));
}

/** int8 W + 4·B = kernel weight bytes + int32 bias bytes (our analyzer's Layer.weightBytes). */
function weightBytes(a: Analysis): number {
  return a.totals.weightBytes;
}

interface Case {
  id: string;
  opts: ZooBuildOptions;
  /** Expected int8 W + 4B bytes, from the architectures.md formula named in `formula`. */
  bytes: number;
  formula: string;
}

const P = (n: number) => n; // readability in the formula column

const CASES: Case[] = [
  // §2.2 ST EfficientNet LC v1: 514,512 + 580P (P=5 → 517,412, P=39 → 537,132, P=101 → 573,092)
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 128, classes: 5 }, bytes: 517_412, formula: '§2.2 P=5' },
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 224, classes: 5 }, bytes: 517_412, formula: '§2.2 P=5' },
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 224, classes: 101 }, bytes: 573_092, formula: '§2.2 P=101' },
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 160, classes: 39 }, bytes: 537_132, formula: '§2.2 P=39' },
  // §3 MobileNet v2 (P → 1 when the head is Dense(1)+sigmoid, P ≤ 2)
  { id: 'mobilenet_v2', opts: { alpha: 0.35, resolution: 128, classes: 5 }, bytes: 416_628, formula: '§3 α0.35 P=5' },
  { id: 'mobilenet_v2', opts: { alpha: 0.35, resolution: 128, classes: 2 }, bytes: 411_492, formula: '§3 α0.35 person (P=2 → Dense(1))' },
  { id: 'mobilenet_v2', opts: { alpha: 0.35, resolution: 224, classes: 1000 }, bytes: 1_694_208, formula: '§3 α0.35 P=1000' },
  { id: 'mobilenet_v2', opts: { alpha: 0.5, resolution: 96, classes: 10 }, bytes: 706_224 + 1_284 * P(10), formula: '§3 α0.5' },
  { id: 'mobilenet_v2', opts: { alpha: 0.75, resolution: 96, classes: 10 }, bytes: 1_382_064 + 1_284 * P(10), formula: '§3 α0.75' },
  { id: 'mobilenet_v2', opts: { alpha: 1.0, resolution: 96, classes: 10 }, bytes: 2_257_984 + 1_284 * P(10), formula: '§3 α1.0' },
  { id: 'mobilenet_v2', opts: { alpha: 1.3, resolution: 96, classes: 10 }, bytes: 3_766_048 + 1_668 * P(10), formula: '§3 α1.3' },
  { id: 'mobilenet_v2', opts: { alpha: 1.4, resolution: 96, classes: 10 }, bytes: 4_363_712 + 1_796 * P(10), formula: '§3 α1.4' },
  // §4 MobileNet v1: int8 218,544 + 260P (α0.25), 829,536 + 516P, 1,832,976 + 772P, 3,228,864 + 1,028P;
  // a 1-channel input removes 18·Cstem weights (Cstem = 8 at α0.25)
  { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: 96, classes: 5 }, bytes: 218_544 + 260 * P(5), formula: '§4 α0.25' },
  { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: 96, classes: 5, channels: 1 }, bytes: 218_544 + 260 * P(5) - 18 * 8, formula: '§4 α0.25 grayscale' },
  { id: 'mobilenet_v1', opts: { alpha: 0.5, resolution: 128, classes: 5 }, bytes: 829_536 + 516 * P(5), formula: '§4 α0.5' },
  { id: 'mobilenet_v1', opts: { alpha: 0.75, resolution: 128, classes: 5 }, bytes: 1_832_976 + 772 * P(5), formula: '§4 α0.75' },
  { id: 'mobilenet_v1', opts: { alpha: 1.0, resolution: 128, classes: 5 }, bytes: 3_228_864 + 1_028 * P(5), formula: '§4 α1.0' },
  { id: 'mobilenet_v1', opts: { alpha: 0.25, resolution: 128, classes: 2 }, bytes: 218_544 + 260 * P(1), formula: '§4 α0.25 P=2 → Dense(1)' },
  // §5 FD-MobileNet 0.25: 130,096 + 260P; ST FD-MobileNet v1: 147,104 + 260P
  { id: 'fdmobilenet', opts: { alpha: 0.25, resolution: 128, classes: 5 }, bytes: 130_096 + 260 * P(5), formula: '§5 FD α0.25' },
  { id: 'fdmobilenet', opts: { alpha: 0.25, resolution: 224, classes: 101 }, bytes: 130_096 + 260 * P(101), formula: '§5 FD α0.25' },
  { id: 'st_fdmobilenet_v1', opts: { resolution: 128, classes: 5 }, bytes: 147_104 + 260 * P(5), formula: '§5 ST FD v1' },
  // §6 ResNet v1 at 32×32: 78,064 / 273,392 / 468,720 + 68P; the Dense fan-in is 64·k² with
  // k = ⌊(⌈R/4⌉−8)/8+1⌋ (64 → k = 2, fan-in 256): + (256 − 64)·P
  { id: 'resnet_v1', opts: { depth: 8, resolution: 32, classes: 10 }, bytes: 78_064 + 68 * P(10), formula: '§6 resnet8' },
  { id: 'resnet_v1', opts: { depth: 20, resolution: 32, classes: 100 }, bytes: 273_392 + 68 * P(100), formula: '§6 resnet20' },
  { id: 'resnet_v1', opts: { depth: 32, resolution: 32, classes: 100 }, bytes: 468_720 + 68 * P(100), formula: '§6 resnet32' },
  { id: 'resnet_v1', opts: { depth: 8, resolution: 32, classes: 2 }, bytes: 78_064 + 68 * P(1), formula: '§6 resnet8 P=2 → Dense(1)' },
  { id: 'resnet_v1', opts: { depth: 8, resolution: 64, classes: 10 }, bytes: 78_064 + 68 * P(10) + (256 - 64) * P(10), formula: '§6 resnet8 at 64×64' },
  // §7 SqueezeNet v1.1: 731,328 + 516P. v1.0: conv W + 4B = (535,840 + 512P) + 4·(2,400 + P), BN consts apart
  { id: 'squeezenet_v1_1', opts: { resolution: 128, classes: 5 }, bytes: 731_328 + 516 * P(5), formula: '§7 v1.1' },
  { id: 'squeezenet_v1_0', opts: { resolution: 128, classes: 39 }, bytes: 535_840 + 512 * P(39) + 4 * (2_400 + P(39)), formula: '§7 v1.0 W+4B' },
  // §8 ST MNIST v1 (1 input channel): 7,872 + 68P
  { id: 'st_mnist_v1', opts: { resolution: 28, classes: 36 }, bytes: 7_872 + 68 * P(36), formula: '§8' },
];

describe('zoo weight bytes equal the int8 W + 4·B formulas of architectures.md', () => {
  for (const c of CASES) {
    it(`${c.id} ${JSON.stringify(c.opts)} → ${c.bytes} B (${c.formula})`, () => {
      const a = analyze(c.id, c.opts);
      expect(a.partial).toBe(false);
      expect(weightBytes(a)).toBe(c.bytes);
    });
  }

  it('SqueezeNet v1.0 keeps its un-folded BNs as 2·(256 + P) int8 constants (§7: int8 bytes 545,952 + 518P)', () => {
    const classes = 39;
    const a = analyze('squeezenet_v1_0', { resolution: 128, classes });
    const bnLayers = a.layers.filter((l) => (l.op === 'Mul' || l.op === 'Add') && l.constBytes > 0);
    expect(bnLayers).toHaveLength(16); // 8 BNs (7 fire squeezes + conv10) × (Mul, Add), as the TFLite file's 8 MUL + 8 ADD
    const bnValues = bnLayers.reduce((s, l) => s + l.outputShapes[0]![1]!, 0); // one constant per channel per op
    expect(bnValues).toBe(2 * (256 + classes));
    expect(a.totals.weightBytes + bnValues).toBe(545_952 + 518 * classes);
  });

  it('folded parameter counts equal architectures.md (EfficientNet LC v1 490,548 + 577P; MobileNet v2 α0.35 389,088 + 1,281P)', () => {
    expect(analyze('st_efficientnet_lc_v1', { resolution: 128, classes: 5 }).totals.params).toBe(493_433);
    expect(analyze('mobilenet_v2', { alpha: 0.35, resolution: 128, classes: 5 }).totals.params).toBe(389_088 + 1_281 * 5);
    expect(analyze('fdmobilenet', { alpha: 0.25, resolution: 128, classes: 5 }).totals.params).toBe(125_477); // the card's "Params alpha=0.25 125477"
    expect(analyze('squeezenet_v1_1', { resolution: 128, classes: 5 }).totals.params).toBe(725_061); // the card's count (Keras = folded)
  });
});

describe('zoo int4 (w4/w8) builds', () => {
  it('w4 26.1% on EfficientNet LC v1 food-101 224 stores the two largest tensors as int4: flash delta 141,120 / 2 bytes (§1.1)', () => {
    const int8 = analyze('st_efficientnet_lc_v1', { resolution: 224, classes: 101 });
    const w4 = analyze('st_efficientnet_lc_v1', { resolution: 224, classes: 101, w4Percent: 26.1 });
    expect(int8.totals.weightBytes - w4.totals.weightBytes).toBe(141_120 / 2);
    const int4Layers = w4.layers.filter((l) => l.weightDtype === 'int4');
    expect(int4Layers.map((l) => l.params - l.biasBytes / 4).sort()).toEqual(
      // top conv 144×576 and the classifier 576×101 (weights only, biases stay int32)
      [82_944, 58_176].sort(),
    );
    expect(int8.layers.every((l) => l.weightDtype === undefined || l.weightDtype === 'int8')).toBe(true);
    expect(w4.model.opsets['']).toBe(21);
    expect(int8.model.opsets['']).toBe(17);
  });
});
