/**
 * Fusion of ONNX graphs into layers, on models the tests build: every expected figure is hand arithmetic
 * from the layer dims written here, never a value the code computed.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import type { Layer } from '../src/analyzer/layer.ts';

const fill = (n: number, v = 1) => Array.from({ length: n }, () => v);
const analyze = (g: OnnxGraphBuilder, name = 'built.onnx') => analyzeModel(loadModelBytes(g.toBytes(), name));
const byOp = (layers: Layer[], op: string) => layers.filter((l) => l.op === op);

/** input float → Q → DQ (the activation quantization a QDQ file starts with). */
function qdqInput(g: OnnxGraphBuilder, shape: number[]): string {
  g.input('x', 'float32', shape);
  g.initializer('x_s', 'float32', [], [0.02]);
  g.initializer('x_zp', 'int8', [], [-3]);
  g.node('QuantizeLinear', ['x', 'x_s', 'x_zp'], ['x_q'], {}, { name: 'q_in' });
  g.node('DequantizeLinear', ['x_q', 'x_s', 'x_zp'], ['x_dq'], {}, { name: 'dq_in' });
  return 'x_dq';
}

/** float tensor → Q → DQ → graph output. */
function qdqOutput(g: OnnxGraphBuilder, t: string, shape: number[]): void {
  g.initializer('y_s', 'float32', [], [0.05]);
  g.initializer('y_zp', 'int8', [], [-128]);
  g.node('QuantizeLinear', [t, 'y_s', 'y_zp'], ['y_q'], {}, { name: 'q_out' });
  g.node('DequantizeLinear', ['y_q', 'y_s', 'y_zp'], ['y'], {}, { name: 'dq_out' });
  g.output('y', 'float32', shape);
}

describe('QDQ fusion', () => {
  it('DQ(act) + DQ(int8 weight, per-tensor) + DQ(int32 bias) → Conv → Relu → Q is one int8 layer', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
    const x = qdqInput(g, [1, 3, 16, 16]);
    g.initializer('w_q', 'int8', [8, 3, 3, 3], fill(216));
    g.initializer('w_s', 'float32', [], [0.01]);
    g.initializer('w_zp', 'int8', [], [0]);
    g.node('DequantizeLinear', ['w_q', 'w_s', 'w_zp'], ['w'], {}, { name: 'dq_w' });
    g.initializer('b_q', 'int32', [8], fill(8));
    g.initializer('b_s', 'float32', [], [0.0002]);
    g.initializer('b_zp', 'int32', [], [0]);
    g.node('DequantizeLinear', ['b_q', 'b_s', 'b_zp'], ['b'], {}, { name: 'dq_b' });
    g.node('Conv', [x, 'w', 'b'], ['c'], { pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, { name: 'conv' });
    g.node('Relu', ['c'], ['r'], {}, { name: 'relu' });
    qdqOutput(g, 'r', [1, 8, 16, 16]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Quantize', 'Conv', 'Dequantize']);
    const conv = a.layers[1]!;
    expect(conv.inputs).toEqual(['x_q']);
    expect(conv.outputs).toEqual(['y_q']);
    expect(conv.dtype).toBe('int8');
    expect(conv.inputDtypes).toEqual(['int8']);
    expect(conv.weightDtype).toBe('int8');
    expect(conv.perChannel).toBe(false);
    expect(conv.activation).toBe('relu');
    expect(conv.kind).toBe('conv');
    expect(conv.sourceOps).toEqual(expect.arrayContaining(['Conv', 'Relu', 'QuantizeLinear', 'DequantizeLinear']));
    // Cout·Hout·Wout·Cin·Kh·Kw
    expect(conv.macs).toBe(8 * 16 * 16 * 3 * 3 * 3);
    // ST: + Cout (bias) + 1× output elements for the fused ReLU
    expect(conv.stMacc).toBe(8 * 16 * 16 * 27 + 8 + 8 * 16 * 16);
    expect(conv.params).toBe(8 * 27 + 8);
    expect(conv.weightBytes).toBe(8 * 27 * 1 + 8 * 4);
    expect(conv.biasBytes).toBe(32);
    // weight scale f32 + zp int8, bias scale f32 + zp int32
    expect(conv.quantParamBytes).toBe(4 + 1 + 4 + 4);
    expect(conv.outputBytes).toBe(8 * 16 * 16);
    expect(conv.conv).toMatchObject({ kernel: [3, 3], pads: [1, 1, 1, 1], group: 1, cin: 3, cout: 8 });
    // the float input → Quantize, the int8 result → Dequantize, as ST's runtime runs them
    expect(a.layers[0]).toMatchObject({ inputs: ['x'], outputs: ['x_q'], inputDtypes: ['float32'], outputDtypes: ['int8'] });
    expect(a.layers[2]).toMatchObject({ inputs: ['y_q'], outputs: ['y'], outputDtypes: ['float32'], outputBytes: 8 * 16 * 16 * 4 });
    expect(a.partial).toBe(false);
    expect(a.tensors.map((t) => t.name)).toEqual(['x', 'x_q', 'y_q', 'y']);
    expect(a.totals.macsConvDense).toBe(55_296);
  });

  it('per-channel int4 weights: packed ½ B each, one scale and zero point per output channel', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 21 } });
    const x = qdqInput(g, [1, 4, 8, 8]);
    g.initializer('w_q', 'int4', [8, 4, 3, 3], fill(288, -3));
    g.initializer('w_s', 'float32', [8], fill(8, 0.01));
    g.initializer('w_zp', 'int4', [8], fill(8, 0));
    g.node('DequantizeLinear', ['w_q', 'w_s', 'w_zp'], ['w'], { axis: 0 });
    g.initializer('b_q', 'int32', [8], fill(8));
    g.initializer('b_s', 'float32', [8], fill(8, 0.0002));
    g.initializer('b_zp', 'int32', [8], fill(8, 0));
    g.node('DequantizeLinear', ['b_q', 'b_s', 'b_zp'], ['b'], { axis: 0 });
    g.node('Conv', [x, 'w', 'b'], ['c'], { strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'conv4' });
    qdqOutput(g, 'c', [1, 8, 4, 4]);
    const conv = analyze(g).layers.find((l) => l.name === 'conv4')!;
    expect(conv.weightDtype).toBe('int4');
    expect(conv.perChannel).toBe(true);
    expect(conv.macs).toBe(8 * 4 * 4 * 4 * 3 * 3);
    expect(conv.params).toBe(288 + 8);
    expect(conv.weightBytes).toBe(288 / 2 + 8 * 4);
    // weights: 8 f32 scales + 8 int4 zps (4 B); bias: 8 f32 scales + 8 int32 zps
    expect(conv.quantParamBytes).toBe(32 + 4 + 32 + 32);
    expect(conv.conv).toMatchObject({ strides: [2, 2], cin: 4, cout: 8 });
  });

  it('per-channel int8 depthwise conv and a QDQ Add between two quantized tensors', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
    const x = qdqInput(g, [1, 6, 10, 10]);
    g.initializer('w_q', 'int8', [6, 1, 3, 3], fill(54));
    g.initializer('w_s', 'float32', [6], fill(6, 0.01));
    g.initializer('w_zp', 'int8', [6], fill(6, 0));
    g.node('DequantizeLinear', ['w_q', 'w_s', 'w_zp'], ['w'], { axis: 0 });
    g.node('Conv', [x, 'w'], ['c'], { group: 6, pads: [1, 1, 1, 1] }, { name: 'dw' });
    g.initializer('c_s', 'float32', [], [0.03]);
    g.initializer('c_zp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['c', 'c_s', 'c_zp'], ['c_q']);
    g.node('DequantizeLinear', ['c_q', 'c_s', 'c_zp'], ['c_dq']);
    g.node('Add', ['c_dq', x], ['s'], {}, { name: 'add' });
    qdqOutput(g, 's', [1, 6, 10, 10]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Quantize', 'DepthwiseConv', 'Add', 'Dequantize']);
    const [, dw, add] = a.layers as [Layer, Layer, Layer];
    expect(dw.kind).toBe('depthwise');
    expect(dw.macs).toBe(6 * 10 * 10 * 1 * 3 * 3);
    expect(dw.params).toBe(54);
    expect(dw.weightBytes).toBe(54);
    expect(dw.quantParamBytes).toBe(6 * 4 + 6);
    expect(add.inputs).toEqual(['c_q', 'x_q']);
    expect(add.outputs).toEqual(['y_q']);
    expect(add.macsUnit).toBe('op');
    expect(add.macs).toBe(600);
    expect(add.dtype).toBe('int8');
    // the quantized conv output is read by the Add only
    expect(a.tensors.find((t) => t.name === 'c_q')).toMatchObject({ producer: 1, consumers: [2], bytes: 600 });
    expect(a.tensors.find((t) => t.name === 'x_q')).toMatchObject({ producer: 0, consumers: [1, 2] });
  });

  it('fake-quant: float weights → Q → DQ with scales in Constant nodes count as int8', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 12 } });
    g.input('x', 'float32', [1, 2, 6, 6]);
    g.constant('xs', 'float32', [], [0.1]);
    g.constant('xzp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['x', 'xs', 'xzp'], ['xq']);
    g.node('DequantizeLinear', ['xq', 'xs', 'xzp'], ['xdq']);
    g.initializer('wf', 'float32', [4, 2, 1, 1], fill(8, 0.5));
    g.constant('ws', 'float32', [], [0.01]);
    g.constant('wzp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['wf', 'ws', 'wzp'], ['wq']);
    g.node('DequantizeLinear', ['wq', 'ws', 'wzp'], ['w']);
    g.initializer('bias', 'float32', [4], fill(4, 0.1));
    g.node('Conv', ['xdq', 'w', 'bias'], ['c'], {}, { name: 'pw' });
    g.node('LeakyRelu', ['c'], ['l'], { alpha: 0.1 });
    g.constant('ys', 'float32', [], [0.1]);
    g.constant('yzp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['l', 'ys', 'yzp'], ['yq']);
    g.node('DequantizeLinear', ['yq', 'ys', 'yzp'], ['y']);
    g.output('y', 'float32', [1, 4, 6, 6]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Quantize', 'Conv', 'Dequantize']);
    const pw = a.layers[1]!;
    expect(pw.kind).toBe('pointwise');
    expect(pw.weightDtype).toBe('int8');
    expect(pw.activation).toBe('leakyrelu');
    expect(pw.macs).toBe(4 * 6 * 6 * 2);
    expect(pw.params).toBe(8 + 4);
    expect(pw.weightBytes).toBe(8 * 1 + 4 * 4); // int8 weights, float bias
    expect(pw.quantParamBytes).toBe(4 + 1);
    expect(pw.outputDtypes).toEqual(['int8']);
  });
});

describe('QDQ special forms', () => {
  it('a Relu kept in QDQ form (Conv → Q → DQ → Relu → Q) fuses into the conv; a DQ → Q with new parameters is a requantize layer', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
    const x = qdqInput(g, [1, 2, 4, 4]);
    g.initializer('w_q', 'int8', [3, 2, 1, 1], fill(6));
    g.initializer('w_s', 'float32', [], [0.01]);
    g.initializer('w_zp', 'int8', [], [0]);
    g.node('DequantizeLinear', ['w_q', 'w_s', 'w_zp'], ['w']);
    g.node('Conv', [x, 'w'], ['c'], {}, { name: 'pw' });
    g.initializer('c_s', 'float32', [], [0.1]);
    g.initializer('c_zp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['c', 'c_s', 'c_zp'], ['c_q']);
    g.node('DequantizeLinear', ['c_q', 'c_s', 'c_zp'], ['c_dq']);
    g.node('Relu', ['c_dq'], ['r'], {}, { name: 'relu' });
    g.initializer('r_s', 'float32', [], [0.05]);
    g.initializer('r_zp', 'int8', [], [-128]);
    g.node('QuantizeLinear', ['r', 'r_s', 'r_zp'], ['r_q']);
    g.node('DequantizeLinear', ['r_q', 'r_s', 'r_zp'], ['r_dq']);
    // same parameters again: nothing to run; new parameters: a requantization
    g.node('QuantizeLinear', ['r_dq', 'r_s', 'r_zp'], ['same_q']);
    g.node('DequantizeLinear', ['same_q', 'r_s', 'r_zp'], ['same_dq']);
    g.node('QuantizeLinear', ['same_dq', 'y_s', 'y_zp'], ['y_q'], {}, { name: 'requant' });
    g.initializer('y_s', 'float32', [], [0.2]);
    g.initializer('y_zp', 'int8', [], [0]);
    g.node('DequantizeLinear', ['y_q', 'y_s', 'y_zp'], ['y']);
    g.output('y', 'float32', [1, 3, 4, 4]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Quantize', 'Conv', 'Quantize', 'Dequantize']);
    expect(a.layers[1]).toMatchObject({ name: 'pw', activation: 'relu', outputs: ['r_q'] });
    expect(a.layers[2]).toMatchObject({ name: 'requant', inputs: ['r_q'], outputs: ['y_q'] });
  });

  it('MatMul of two activations is a MatMul layer (M·N·K MACs, no weights)', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('a', 'float32', [1, 4, 6, 8]);
    g.input('b', 'float32', [1, 4, 8, 5]);
    g.node('MatMul', ['a', 'b'], ['y'], {}, { name: 'attn' });
    g.output('y', 'float32', [1, 4, 6, 5]);
    const [mm] = analyze(g).layers;
    expect(mm).toMatchObject({ op: 'MatMul', kind: 'matmul', macsUnit: 'mac', params: 0, weightBytes: 0, inputs: ['a', 'b'] });
    expect(mm!.macs).toBe(4 * 6 * 5 * 8);
  });
});

describe('QOperator fusion', () => {
  it('QLinearConv is one layer with int8 weights and int32 bias', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('x', 'float32', [1, 3, 8, 8]);
    g.initializer('xs', 'float32', [], [0.02]);
    g.initializer('xzp', 'uint8', [], [128]);
    g.node('QuantizeLinear', ['x', 'xs', 'xzp'], ['xq']);
    g.initializer('w', 'int8', [5, 3, 3, 3], fill(135));
    g.initializer('ws', 'float32', [5], fill(5, 0.01));
    g.initializer('wzp', 'int8', [5], fill(5, 0));
    g.initializer('ys', 'float32', [], [0.05]);
    g.initializer('yzp', 'uint8', [], [128]);
    g.initializer('b', 'int32', [5], fill(5));
    g.node('QLinearConv', ['xq', 'xs', 'xzp', 'w', 'ws', 'wzp', 'ys', 'yzp', 'b'], ['yq'], {}, { name: 'qconv' });
    g.node('DequantizeLinear', ['yq', 'ys', 'yzp'], ['y']);
    g.output('y', 'float32', [1, 5, 6, 6]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Quantize', 'Conv', 'Dequantize']);
    const c = a.layers[1]!;
    expect(c.sourceOps).toContain('QLinearConv');
    expect(c.inputs).toEqual(['xq']);
    expect(c.dtype).toBe('uint8');
    expect(c.weightDtype).toBe('int8');
    expect(c.perChannel).toBe(true);
    expect(c.macs).toBe(5 * 6 * 6 * 27);
    expect(c.params).toBe(135 + 5);
    expect(c.weightBytes).toBe(135 + 20);
    expect(c.quantParamBytes).toBe(5 * 4 + 5);
  });

  it('DynamicQuantizeLinear + ConvInteger + Cast → Mul(scale) → Add(bias) → Clip is one layer', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('x', 'float32', [1, 4, 8, 8]);
    g.node('DynamicQuantizeLinear', ['x'], ['xq', 'xscale', 'xzp'], {}, { name: 'dql' });
    g.initializer('w', 'uint8', [6, 4, 1, 1], fill(24, 130));
    g.initializer('wzp', 'uint8', [], [128]);
    g.initializer('wscale', 'float32', [], [0.01]);
    g.node('Mul', ['xscale', 'wscale'], ['scale'], {}, { name: 'scales_mul' });
    g.node('ConvInteger', ['xq', 'w', 'xzp', 'wzp'], ['acc'], {}, { name: 'convint' });
    g.node('Cast', ['acc'], ['accf'], { to: 1 });
    g.node('Mul', ['accf', 'scale'], ['scaled']);
    g.initializer('bias', 'float32', [1, 6, 1, 1], fill(6, 0.5));
    g.node('Add', ['scaled', 'bias'], ['biased']);
    g.initializer('lo', 'float32', [], [0]);
    g.initializer('hi', 'float32', [], [6]);
    g.node('Clip', ['biased', 'lo', 'hi'], ['y']);
    g.output('y', 'float32', [1, 6, 8, 8]);
    const a = analyze(g);
    expect(a.layers).toHaveLength(1);
    const c = a.layers[0]!;
    expect(c.op).toBe('Conv');
    expect(c.inputs).toEqual(['x']);
    expect(c.outputs).toEqual(['y']);
    expect(c.sourceOps).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'ConvInteger', 'Cast', 'Mul', 'Add', 'Clip']));
    expect(c.activation).toBe('relu6');
    expect(c.weightDtype).toBe('uint8');
    expect(c.macs).toBe(6 * 8 * 8 * 4);
    expect(c.params).toBe(24 + 6);
    expect(c.weightBytes).toBe(24 + 6 * 4);
    expect(c.quantParamBytes).toBe(1 + 4); // weight zero point + weight scale
    expect(a.tensors.map((t) => t.name)).toEqual(['x', 'y']);
  });
});

describe('float fusion', () => {
  it('Conv (no bias) + BatchNormalization folded + Relu is one float layer; MatMul + Add → Dense with bias', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('x', 'float32', [1, 3, 8, 8]);
    g.initializer('w', 'float32', [4, 3, 3, 3], fill(108, 0.1));
    g.node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv' });
    for (const p of ['g', 'beta', 'mean', 'var']) g.initializer(p, 'float32', [4], fill(4, 1));
    g.node('BatchNormalization', ['c', 'g', 'beta', 'mean', 'var'], ['bn']);
    g.node('Relu', ['bn'], ['r']);
    g.node('GlobalAveragePool', ['r'], ['gap'], {}, { name: 'gap' });
    g.initializer('shape', 'int64', [2], [1, 4]);
    g.node('Reshape', ['gap', 'shape'], ['flat'], {}, { name: 'flatten' });
    g.initializer('fcw', 'float32', [4, 10], fill(40, 0.1));
    g.node('MatMul', ['flat', 'fcw'], ['mm'], {}, { name: 'fc' });
    g.initializer('fcb', 'float32', [10], fill(10, 0));
    g.node('Add', ['mm', 'fcb'], ['logits']);
    g.node('Softmax', ['logits'], ['y'], { axis: 1 });
    g.output('y', 'float32', [1, 10]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Conv', 'GlobalAveragePool', 'Reshape', 'Dense', 'Softmax']);
    const conv = a.layers[0]!;
    expect(conv.sourceOps).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    expect(conv.activation).toBe('relu');
    expect(conv.dtype).toBe('float32');
    expect(conv.macs).toBe(4 * 8 * 8 * 27);
    expect(conv.params).toBe(108 + 4); // folded BN gives one bias per output channel
    expect(conv.weightBytes).toBe((108 + 4) * 4);
    expect(conv.outputBytes).toBe(4 * 8 * 8 * 4);
    const fc = a.layers[3]!;
    expect(fc.kind).toBe('dense');
    expect(fc.macs).toBe(4 * 10);
    expect(fc.stMacc).toBe(4 * 10 + 10);
    expect(fc.params).toBe(50);
    expect(fc.weightBytes).toBe(200);
    expect(fc.biasBytes).toBe(40);
    expect(a.layers[1]!.macs).toBe(4 * 8 * 8); // global pool: one op per input element
    expect(a.layers[4]!.stMacc).toBe(15 * 10);
    expect(a.totals.params).toBe(112 + 50);
    expect(a.totals.macsConvDense).toBe(4 * 8 * 8 * 27 + 40);
  });

  it('a shape sub-graph (Shape → Gather → Unsqueeze → Concat) produces no layer; an unknown op is kept, partial', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('x', 'float32', [1, 4, 2, 2]);
    g.node('Shape', ['x'], ['s']);
    g.initializer('i0', 'int64', [], [0]);
    g.node('Gather', ['s', 'i0'], ['n'], { axis: 0 });
    g.initializer('ax', 'int64', [1], [0]);
    g.node('Unsqueeze', ['n', 'ax'], ['n1']);
    g.initializer('minus1', 'int64', [1], [-1]);
    g.node('Concat', ['n1', 'minus1'], ['newshape'], { axis: 0 });
    g.node('Reshape', ['x', 'newshape'], ['flat'], {}, { name: 'reshape' });
    g.node('FancyOp', ['flat'], ['z'], {}, { name: 'fancy', domain: 'com.example' });
    g.valueInfo('z', 'float32', [1, 16]);
    g.node('Relu', ['z'], ['y'], {}, { name: 'relu' });
    g.output('y', 'float32', [1, 16]);
    const a = analyze(g);
    expect(a.layers.map((l) => l.op)).toEqual(['Reshape', 'Unknown', 'Activation']);
    expect(a.layers[1]).toMatchObject({ unknown: true, name: 'fancy', macs: 0 });
    expect(a.partial).toBe(true);
    expect(a.warnings.some((w) => w.includes('fancy') && w.includes('FancyOp'))).toBe(true);
    expect(a.layers[2]!.outputShapes).toEqual([[1, 16]]);
  });
});

describe('determinism', () => {
  it('the same model gives byte-identical JSON', () => {
    const build = () => {
      const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
      g.input('x', 'float32', [1, 2, 4, 4]);
      g.initializer('w', 'float32', [2, 2, 1, 1], fill(4));
      g.node('Conv', ['x', 'w'], ['y'], {}, { name: 'c' });
      g.output('y', 'float32', [1, 2, 4, 4]);
      return g;
    };
    expect(JSON.stringify(analyze(build()))).toBe(JSON.stringify(analyze(build())));
  });
});
