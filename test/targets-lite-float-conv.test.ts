/**
 * A convolution with int8 weights and a float32 input is run by ST's lite generator as its float kernel on weights
 * stored as float32 (runtime-lite.ts runsFloatConvOnInt8Weights). Oracle: ST Edge AI Core 4.0.0's network.c of a
 * TCN, copied into data/st-generated/tcn-float-conv-4.0.0.json (array sizes and calls read off the file).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { DATA_DIR } from '../src/targets/calibration/dataset.ts';
import { evaluateTargets } from '../src/targets/evaluate.ts';
import { libraryFunctionsOf, liteHybridCount, runsFloatConvOnInt8Weights, runtimeObjectCounts } from '../src/targets/runtime-lite.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';

interface TcnConv {
  layer: string;
  cin: number;
  cout: number;
  kernel: [number, number];
  dilation: [number, number];
  called: string[];
  after?: string;
  weightsBytes: number;
  biasBytes: number;
  weightScaleArray: string | null;
}
const tcn = JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/tcn-float-conv-4.0.0.json'), 'utf8')) as { convolutions: TcnConv[]; weightsArrays: { bytes: number }[]; weightsTotalBytes: number };

/**
 * The TCN's conv2d_38 as a QDQ ONNX graph: a float32 input (ST's is8of32 conversion has made it float), int8 weights
 * [128, 128, 5, 1] behind a DequantizeLinear, an int32 bias, dilation 2 on the 104-row padded input, the output
 * quantized to int8 (ST's if32os8 after it) and dequantized at the graph output.
 */
function tcnFloatConv(dilation: number): Analysis {
  const c = tcn.convolutions.find((x) => x.dilation[0] === dilation)!;
  const [kh, kw] = c.kernel;
  const hIn = 96 + (kh - 1) * dilation;
  const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
  g.input('x', 'float32', [1, c.cin, hIn, 1]);
  g.initializer('w_q', 'int8', [c.cout, c.cin, kh, kw], new Int8Array(c.cout * c.cin * kh * kw).fill(1));
  g.initializer('w_s', 'float32', [c.cout], new Float32Array(c.cout).fill(0.002));
  g.initializer('w_zp', 'int8', [c.cout], new Int8Array(c.cout));
  g.node('DequantizeLinear', ['w_q', 'w_s', 'w_zp'], ['w'], { axis: 0 }, { name: 'dq_w' });
  g.initializer('b_q', 'int32', [c.cout], new Int32Array(c.cout).fill(3));
  g.initializer('b_s', 'float32', [c.cout], new Float32Array(c.cout).fill(0.0001));
  g.initializer('b_zp', 'int32', [c.cout], new Int32Array(c.cout));
  g.node('DequantizeLinear', ['b_q', 'b_s', 'b_zp'], ['b'], { axis: 0 }, { name: 'dq_b' });
  g.node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: [kh, kw], dilations: [dilation, 1] }, { name: c.layer });
  g.initializer('y_s', 'float32', [], [0.04]);
  g.initializer('y_zp', 'int8', [], [77]);
  g.node('QuantizeLinear', ['c', 'y_s', 'y_zp'], ['y_q'], {}, { name: 'q_out' });
  g.node('DequantizeLinear', ['y_q', 'y_s', 'y_zp'], ['y'], {}, { name: 'dq_out' });
  g.output('y', 'float32', [1, c.cout, 96, 1]);
  return analyzeModel(loadModelBytes(g.toBytes(), 'tcn-float-conv.onnx'));
}

describe("ST's float kernel for a float-input convolution with int8 weights (4.0.0 TCN network.c)", () => {
  const conv38 = tcn.convolutions.find((c) => c.layer === 'conv2d_38')!;

  it('the evidence: the dilated convs store 4 B per weight, the int8 ones 1 B, and no weight scales', () => {
    for (const c of tcn.convolutions) {
      const weights = c.cin * c.cout * c.kernel[0] * c.kernel[1];
      const float = c.called[0] === 'forward_lite_conv2d_if32of32wf32_group';
      expect(c.weightsBytes, c.layer).toBe((float ? 4 : 1) * weights);
      expect(c.weightScaleArray === null, c.layer).toBe(float);
      if (float) expect(c.after, c.layer).toContain('if32os8');
    }
    expect(tcn.weightsArrays.reduce((s, a) => s + a.bytes, 0)).toBe(tcn.weightsTotalBytes);
  });

  it('the layer: float32 input, int8 weights, int8 output; the analysis keeps the file storage (int8 weights)', () => {
    const a = tcnFloatConv(2);
    const conv = a.layers.find((l) => l.op === 'Conv')!;
    expect(conv.inputDtypes[0]).toBe('float32');
    expect(conv.weightDtype).toBe('int8');
    expect(conv.dtype).toBe('int8');
    expect(runsFloatConvOnInt8Weights(conv)).toBe(true);
    expect(conv.weightBytes - conv.biasBytes).toBe(conv38.weightsBytes / 4); // 81,920 int8 weights in the file
    expect(conv.biasBytes).toBe(conv38.biasBytes);
    expect(a.totals.weightBytes).toBe(conv38.weightsBytes / 4 + conv38.biasBytes);
  });

  it("code flash links the kernel ST's file calls and its conversion after it; no scale array; one more kernel call; not hybrid", () => {
    for (const dilation of [2, 4]) {
      const a = tcnFloatConv(dilation);
      const conv = a.layers.find((l) => l.op === 'Conv')!;
      const c = tcn.convolutions.find((x) => x.dilation[0] === dilation)!;
      expect(libraryFunctionsOf(conv)).toEqual([...c.called, 'forward_lite_node_convert_integer_if32os8']);
      const counts = runtimeObjectCounts(a);
      expect(counts.uncountedLayers).toBeUndefined();
      expect(counts.perChannelScales).toBe(0);
      expect(counts.liteCalls).toBe(3); // the conv, its if32os8 conversion, the graph output's Dequantize
      expect(liteHybridCount(a).layers).toBe(0);
    }
  });

  it("the MCU lite weights flash is ST's arrays for the layer (float32 weights + bias); N6 and MPU keep the file's bytes", () => {
    const a = tcnFloatConv(2);
    const [h747, u5, n6, mp257] = evaluateTargets(a, ['STM32H747I-DISCO', 'B-U585I-IOT02A', 'STM32N6570-DK', 'STM32MP257F-DK2']);
    expect(h747!.weightBytes).toBe(conv38.weightsBytes + conv38.biasBytes);
    expect(u5!.weightBytes).toBe(conv38.weightsBytes + conv38.biasBytes);
    // the file's bytes (128 output channels: no Neural-ART requantization table)
    expect(n6!.weightBytes).toBe(conv38.weightsBytes / 4 + conv38.biasBytes);
    expect(mp257!.weightBytes).toBe(conv38.weightsBytes / 4 + conv38.biasBytes);
  });

  it('latency is labelled thin: the float kernel is outside every latency fit (all calibration rows run int8 kernels)', () => {
    const a = tcnFloatConv(2);
    const results = evaluateTargets(a, ['STM32H747I-DISCO', 'STM32N6570-DK', 'STM32MP257F-DK2']);
    for (const r of results) {
      if (r.latencyMs === null) continue;
      expect(r.latencyStatus, r.id).toBe('thin');
      expect(r.latencyErrorPct, r.id).toBeNull();
      expect(r.latencyNote, r.id).toMatch(/1 convolution\(s\) with int8 weights on a float32 input/);
    }
    expect(results.filter((r) => r.latencyMs !== null).length).toBeGreaterThan(0);
  });

  const ort = sharedModels('onnx').find((f) => f.endsWith('qdq_with_multi_consumer_q_dq_axis.onnx'));
  it.skipIf(!ort)('a real file: the float-input int8-weight convolutions of an ORT test graph are counted, no longer a lower bound', () => {
    const a = analyzeForTargets(ort!);
    const mixed = a.layers.filter(runsFloatConvOnInt8Weights);
    expect(mixed.length, modelLabel(ort!)).toBe(2);
    const counts = runtimeObjectCounts(a);
    expect(Object.keys(counts.uncountedLayers ?? {}).filter((k) => k.startsWith('Conv'))).toEqual([]);
    expect(counts.libraryFunctions).toContain('forward_lite_conv2d_if32of32wf32');
    expect(counts.liteWeightsDeltaBytes).toBe(mixed.reduce((s, l) => s + 3 * (l.weightBytes - l.biasBytes), 0));
  });
});
