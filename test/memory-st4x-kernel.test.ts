/**
 * One rule for which convolution kernel ST's STEdgeAI 3.x/4.x lite generator calls (src/analyzer/memory/lite-conv-kernel.ts),
 * against every int8 convolution call read off the lite network.c files we hold
 * (data/st-generated/conv-kernel-calls-lite.json), and the three users that ask it: code flash (runtime-lite.ts
 * libraryFunctionsOf), latency (layer-work.ts isDeep3x3Conv / buildsIm2colColumns) and the lite pool (st4x-plan.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConvGeometry, Layer } from '../src/analyzer/layer.ts';
import { liteConvCall, liteConvCallOf } from '../src/analyzer/memory/lite-conv-kernel.ts';
import { stSplitsPadding } from '../src/analyzer/memory/overlap-rules.ts';
import { liteConvKeepsPaddingInside, liteDeepConvScratchBytes, liteStridedConvKeepsPaddingInside } from '../src/analyzer/memory/st4x-plan.ts';
import { isDeep3x3Conv } from '../src/targets/latency/layer-work.ts';
import { libraryFunctionsOf } from '../src/targets/runtime-lite.ts';
import { REPO_ROOT } from './helpers/shared.ts';

interface Call {
  source: string;
  layer: string;
  cin: number;
  cout: number;
  kernel: [number, number];
  stride: number;
  padding: string;
  called: string;
  calls: number;
  note?: string;
}
const data = JSON.parse(readFileSync(join(REPO_ROOT, 'data/st-generated/conv-kernel-calls-lite.json'), 'utf8')) as {
  calls: Call[];
  fusedWithPool: Call[];
  perTensorHybrid: { calls: { layer: string; called: string; pad_before: boolean; filter_pad: number[] }[] };
};

function geometry(cin: number, cout: number, kernel: [number, number], stride: number, pads: [number, number, number, number] = [0, 0, 0, 0]): ConvGeometry {
  return { kernel, strides: [stride, stride], dilations: [1, 1], pads, group: 1, cin, cout };
}

function convLayer(g: ConvGeometry, extra: Partial<Layer> = {}): Layer {
  return {
    op: 'Conv', kind: g.kernel[0] === 1 && g.kernel[1] === 1 ? 'pointwise' : 'conv', dtype: 'int8', weightDtype: 'int8', perChannel: true,
    inputs: ['x'], outputs: ['y'], inputDtypes: ['int8'], outputDtypes: ['int8'], layout: 'NHWC',
    inputShapes: [[1, 16, 16, g.cin]], outputShapes: [[1, 16, 16, g.cout]], conv: g, macs: 0, macsUnit: 'mac', weightBytes: 0, biasBytes: 0, outputBytes: 0, ...extra,
  } as unknown as Layer;
}

describe("ST's lite conv kernel calls (data/st-generated/conv-kernel-calls-lite.json)", () => {
  it('the rule reproduces every call but the deep_3x3 kernel on a 16→16 3×3/1 padded copy (4 calls in one network; generic in two)', () => {
    expect(data.calls.length).toBeGreaterThan(50);
    const missed: Call[] = [];
    let calls = 0;
    for (const c of data.calls) {
      calls += c.calls;
      const rule = liteConvCall(geometry(c.cin, c.cout, c.kernel, c.stride));
      if (rule.kernel !== c.called) missed.push(c);
      // a padded copy in front exactly when the rule says the kernel takes valid padding only
      if (c.padding.startsWith('padded copy')) expect(rule.paddedCopy, JSON.stringify(c)).toBe(true);
      if (c.padding.startsWith('inside')) expect(rule.paddedCopy, JSON.stringify(c)).toBe(false);
    }
    expect(calls).toBe(166);
    // fourteen network.c files (docs/memory-4x.md, docs/targets.md): the two Piz01 4.0.0 files, ST's own SSD application and
    // eleven search-corpus files
    expect(new Set(data.calls.map((c) => c.source)).size).toBe(14);
    expect(missed.map((c) => [c.cin, c.cout, c.kernel, c.stride, c.called, c.calls])).toEqual([
      [16, 16, [3, 3], 1, 'conv2d_deep_3x3', 4], // MNIST ResNet, ST Edge AI Core 3.0.0 (search id 66833973634)
    ]);
    // the rule follows the majority for that geometry: the calls of ST's files that run it generic outnumber the deep_3x3 ones
    const sixteen = data.calls.filter((c) => c.cin === 16 && c.cout === 16 && c.kernel[0] === 3 && c.kernel[1] === 3 && c.stride === 1);
    const count = (k: string): number => sixteen.filter((c) => c.called === k).reduce((n, c) => n + c.calls, 0);
    expect([count('conv2d'), count('conv2d_deep_3x3')]).toEqual([8, 4]);
    expect(new Set(sixteen.filter((c) => c.called === 'conv2d').map((c) => c.source)).size).toBe(2);
    expect(liteConvCall(geometry(16, 16, [3, 3], 1, [1, 1, 1, 1]))).toEqual({ kernel: 'conv2d', paddedCopy: true });
  });

  it("a conv with its max pool fused takes the _nl_pool variant of the rule's kernel", () => {
    for (const c of data.fusedWithPool) {
      const g = geometry(c.cin, c.cout, c.kernel, c.stride);
      expect(libraryFunctionsOf(convLayer(g), { op: 'MaxPool' } as Layer)[0], c.layer).toBe(c.called);
    }
  });
});

describe('the three users ask the one rule', () => {
  const cins = [1, 3, 4, 8, 16, 24, 32, 64];
  const kernels: [number, number][] = [[1, 1], [3, 3], [5, 5], [5, 1]];
  const paddings: [number, number, number, number][] = [[0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 1, 1]];
  const layers: Layer[] = [];
  for (const cin of cins) for (const cout of cins) for (const k of kernels) for (const s of [1, 2]) for (const p of paddings) layers.push(convLayer(geometry(cin, cout, k, s, p)));

  it('code flash: the kernel and, for a padded valid-only kernel, the padded copy', () => {
    for (const l of layers) {
      const rule = liteConvCall(l.conv!);
      const padded = l.conv!.pads.some((x) => x > 0);
      const expected = [`forward_lite_${rule.kernel}_sssa8_ch`, ...(rule.paddedCopy && padded ? ['forward_lite_pad_constant'] : [])];
      expect(libraryFunctionsOf(l), JSON.stringify(l.conv)).toEqual(expected);
    }
  });

  it('latency: no im2col reads exactly for the deep 3×3 kernel; float convs keep them', () => {
    for (const l of layers) expect(isDeep3x3Conv(l), JSON.stringify(l.conv)).toBe(liteConvCall(l.conv!).kernel === 'conv2d_deep_3x3');
    const deep = convLayer(geometry(32, 32, [3, 3], 1, [1, 1, 1, 1]));
    expect(isDeep3x3Conv(deep)).toBe(true);
    const float = { ...deep, dtype: 'float32', inputDtypes: ['float32'] } as Layer;
    expect(isDeep3x3Conv(float)).toBe(false);
    expect(liteConvCallOf(float)).toBeUndefined();
    // a QDQ conv whose trailing DequantizeLinear the analyzer fused (int8 input, float32 output) is an int8 kernel
    expect(isDeep3x3Conv({ ...deep, dtype: 'float32' } as Layer)).toBe(true);
  });

  it('per-tensor weights: the hybrid forward_conv2d_integer_SSSA, padding inside, im2col reads (data: perTensorHybrid)', () => {
    expect(data.perTensorHybrid.calls.every((c) => c.called === 'forward_conv2d_integer_SSSA' && !c.pad_before)).toBe(true);
    expect(data.perTensorHybrid.calls.some((c) => c.filter_pad.some((p) => p > 0))).toBe(true);
    const perTensor = convLayer(geometry(32, 32, [3, 3], 1, [1, 1, 1, 1]), { perChannel: false });
    expect(liteConvCallOf(perTensor)).toEqual({ kernel: 'conv2d_integer_SSSA', paddedCopy: false });
    expect(libraryFunctionsOf(perTensor)).toEqual(['forward_conv2d_integer_SSSA']);
    expect(isDeep3x3Conv(perTensor)).toBe(false);
    expect(liteConvKeepsPaddingInside(perTensor)).toBe(true);
  });

  it('one gate: a conv the library has no 8-bit kernel for (uint8 / int4 weights, float or 16-bit input) is no lite kernel for any of the three users', () => {
    const deep = geometry(32, 32, [3, 3], 1, [1, 1, 1, 1]);
    const outside: [string, Partial<Layer>][] = [
      ['uint8 weights', { weightDtype: 'uint8' }],
      ['int4 weights', { weightDtype: 'int4' }],
      ['float input, int8 weights', { dtype: 'float32', inputDtypes: ['float32'], outputDtypes: ['float32'] }],
      ['A16W8', { dtype: 'int16', inputDtypes: ['int16'], outputDtypes: ['int16'] }],
    ];
    for (const [what, extra] of outside) {
      const l = convLayer(deep, extra);
      expect(liteConvCallOf(l), what).toBeUndefined();
      expect(isDeep3x3Conv(l), what).toBe(false);
      expect(liteConvKeepsPaddingInside(l), what).toBe(false);
      // no 8-bit conv kernel; a float input with int8 weights runs ST's float kernel (runtime-lite.ts runsFloatConvOnInt8Weights)
      expect(libraryFunctionsOf(l).filter((f) => f.includes('conv2d') && !f.includes('_if32of32wf32')), what).toEqual([]);
    }
    // inside the gate: int8 weights on 8-bit activations (a fused trailing DequantizeLinear leaves the output float32)
    for (const extra of [{}, { inputDtypes: ['uint8'] }, { dtype: 'float32', outputDtypes: ['float32'] }] as Partial<Layer>[]) {
      const l = convLayer(deep, extra);
      expect(liteConvCallOf(l)).toEqual({ kernel: 'conv2d_deep_3x3', paddedCopy: true });
      expect(libraryFunctionsOf(l)).toEqual(['forward_lite_conv2d_deep_3x3_sssa8_ch', 'forward_lite_pad_constant']);
    }
  });

  it('lite pool: a padded conv the 8.1 model splits keeps its padding inside exactly when the rule has no padded copy', () => {
    for (const l of layers) {
      if (!stSplitsPadding(l)) continue;
      expect(liteConvKeepsPaddingInside(l), JSON.stringify(l.conv)).toBe(!liteConvCall(l.conv!).paddedCopy);
    }
    // rule 1's exemption: strided, Cin ≥ 8, bottom/right padding only, and no padded copy
    expect(liteStridedConvKeepsPaddingInside(convLayer(geometry(16, 32, [3, 3], 2, [0, 0, 1, 1])))).toBe(true);
    expect(liteStridedConvKeepsPaddingInside(convLayer(geometry(32, 64, [3, 3], 2, [0, 0, 1, 1])))).toBe(false);
    expect(liteStridedConvKeepsPaddingInside(convLayer(geometry(32, 64, [3, 3], 2)))).toBe(true); // unpadded: no copy to make
  });

  it("lite pool scratch: a strided 1×1 the generic kernel runs has the generic kernel's scratch (ST: 1,536 B for 16→32, 768 B pointwise for 32→64)", () => {
    // the 'st' rule's pointwise figure (4·Cin + 10·Cout) is what the pool model is handed for an unpadded 1×1
    expect(liteDeepConvScratchBytes(convLayer(geometry(16, 32, [1, 1], 2)), 4 * 16 + 10 * 32)).toBe(1536);
    expect(liteDeepConvScratchBytes(convLayer(geometry(32, 64, [1, 1], 2)), 4 * 32 + 10 * 64)).toBe(768);
    expect(liteDeepConvScratchBytes(convLayer(geometry(16, 32, [1, 1], 1)), 4 * 16 + 10 * 32)).toBe(384);
  });
});
