/**
 * The ONNX builder writes models that onnxruntime-node really loads and runs: the oracle is ORT's output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ort from 'onnxruntime-node';
import { OnnxGraphBuilder, bfloat16Bits, encodeRaw, float16Bits } from '../src/analyzer/onnx/builder.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-builder-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(model: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model) : await ort.InferenceSession.create(model);
  return (await session.run(feeds)) as Record<string, ort.Tensor>;
}

const ones = (n: number) => new Float32Array(n).fill(1);

describe('OnnxGraphBuilder', () => {
  it('writes a float Conv that onnxruntime runs', async () => {
    const g = new OnnxGraphBuilder({ name: 'conv' });
    g.input('x', 'float32', ['N', 3, 8, 8]);
    g.initializer('w', 'float32', [4, 3, 3, 3], new Float32Array(4 * 27).fill(0.5));
    g.initializer('b', 'float32', [4], [1, 2, 3, 4], { typedField: true });
    g.node('Conv', ['x', 'w', 'b'], ['y'], { pads: [1, 1, 1, 1], strides: [2, 2], kernel_shape: [3, 3] }, { name: 'conv0' });
    g.output('y', 'float32', ['N', 4, 4, 4]);
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', ones(2 * 3 * 64), [2, 3, 8, 8]) });
    expect(out.y!.dims).toEqual([2, 4, 4, 4]);
    const y = out.y!.data as Float32Array;
    // output (0,1,1,1) sees a full 3x3x3 window of ones: 27 * 0.5 + bias 2
    expect(y[16 + 4 + 1]).toBeCloseTo(15.5);
    // output (0,0,0,0) sees the top-left corner: 2x2x3 = 12 ones
    expect(y[0]).toBeCloseTo(12 * 0.5 + 1);
  });

  it('writes a QDQ conv with per-channel int8 weights (scalar scales, [] dims)', async () => {
    const g = new OnnxGraphBuilder({ name: 'qdq', opsets: { '': 13 } });
    g.input('x', 'float32', [1, 2, 4, 4]);
    g.initializer('x_scale', 'float32', [], [0.05]);
    g.initializer('x_zp', 'int8', [], [0]);
    g.initializer('w_q', 'int8', [2, 2, 1, 1], [10, 20, -30, 40], { typedField: true });
    g.initializer('w_scale', 'float32', [2], [0.1, 0.01]);
    g.initializer('w_zp', 'int8', [2], [0, 0]);
    g.initializer('y_scale', 'float32', [], [0.1]);
    g.initializer('y_zp', 'int8', [], [0]);
    g.node('QuantizeLinear', ['x', 'x_scale', 'x_zp'], ['x_q']);
    g.node('DequantizeLinear', ['x_q', 'x_scale', 'x_zp'], ['x_dq']);
    g.node('DequantizeLinear', ['w_q', 'w_scale', 'w_zp'], ['w_dq'], { axis: 0 });
    g.node('Conv', ['x_dq', 'w_dq'], ['y']);
    g.node('QuantizeLinear', ['y', 'y_scale', 'y_zp'], ['y_q']);
    g.node('DequantizeLinear', ['y_q', 'y_scale', 'y_zp'], ['out']);
    g.output('out', 'float32', [1, 2, 4, 4]);
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', ones(32), [1, 2, 4, 4]) });
    const y = out.out!.data as Float32Array;
    // channel 0: 1*1.0 + 1*2.0 = 3.0; channel 1: -0.3 + 0.4 = 0.1 (quantized to the 0.1 grid)
    expect(y[0]).toBeCloseTo(3.0, 5);
    expect(y[16]).toBeCloseTo(0.1, 5);
  });

  it('packs int4 and uint4 two per byte, low nibble first, and ORT dequantizes them (opset 21)', async () => {
    expect(Array.from(encodeRaw('int4', 3, [-8, 7, -1]))).toEqual([0x78, 0x0f]);
    expect(Array.from(encodeRaw('uint4', 2, [1, 15]))).toEqual([0xf1]);
    for (const typedField of [false, true]) {
      const g = new OnnxGraphBuilder({ name: 'int4', opsets: { '': 21 } });
      g.initializer('w', 'int4', [5], [-8, -1, 0, 3, 7], { typedField });
      g.initializer('u', 'uint4', [3], [0, 9, 15], { typedField });
      g.initializer('s', 'float32', [], [0.5]);
      g.node('DequantizeLinear', ['w', 's'], ['w_dq']);
      g.node('DequantizeLinear', ['u', 's'], ['u_dq']);
      g.output('w_dq', 'float32', [5]);
      g.output('u_dq', 'float32', [3]);
      const out = await run(g.toBytes(), {});
      expect(Array.from(out.w_dq!.data as Float32Array)).toEqual([-4, -0.5, 0, 1.5, 3.5]);
      expect(Array.from(out.u_dq!.data as Float32Array)).toEqual([0, 4.5, 7.5]);
    }
  });

  it('encodes float16 and bfloat16 with round-to-nearest-even', async () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(1e6)).toBe(0x7c00);
    expect(float16Bits(5.960464477539063e-8)).toBe(0x0001); // smallest subnormal
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(bfloat16Bits(1)).toBe(0x3f80);
    const values = [1.5, -2, 65504, 0.1, 6.1e-5];
    for (const typedField of [false, true]) {
      const g = new OnnxGraphBuilder({ name: 'f16' });
      g.initializer('h', 'float16', [5], values, { typedField });
      g.node('Cast', ['h'], ['f'], { to: 1 });
      g.output('f', 'float32', [5]);
      const out = Array.from((await run(g.toBytes(), {})).f!.data as Float32Array);
      expect(out.slice(0, 3)).toEqual([1.5, -2, 65504]);
      expect(out[3]).toBeCloseTo(0.0999755859375, 10); // nearest half to 0.1
      expect(out[4]).toBeCloseTo(6.1e-5, 7);
    }
  });

  it('distinguishes INT from FLOAT attributes and writes Constant nodes', async () => {
    const ok = new OnnxGraphBuilder({ name: 'attrs' });
    ok.input('x', 'float32', [2, 3]);
    ok.constant('shape', 'int64', [1], [-1], { typedField: true });
    ok.node('Reshape', ['x', 'shape'], ['flat']);
    ok.node('LeakyRelu', ['flat'], ['l1'], { alpha: 0.25 });
    ok.node('LeakyRelu', ['flat'], ['l2'], { alpha: { float: 2 } });
    ok.output('l1', 'float32', [6]);
    ok.output('l2', 'float32', [6]);
    const x = new ort.Tensor('float32', Float32Array.from([-4, -1, 0, 1, 2, 3]), [2, 3]);
    const out = await run(ok.toBytes(), { x });
    expect(Array.from(out.l1!.data as Float32Array)).toEqual([-1, -0.25, 0, 1, 2, 3]);
    expect(Array.from(out.l2!.data as Float32Array)).toEqual([-8, -2, 0, 1, 2, 3]);

    const clip = new OnnxGraphBuilder({ name: 'clip10', opsets: { '': 10 }, irVersion: 5 });
    clip.input('x', 'float32', [3]);
    clip.node('Clip', ['x'], ['y'], { min: { float: -1 }, max: 2.5 });
    clip.output('y', 'float32', [3]);
    const y = await run(clip.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([-3, 1, 9]), [3]) });
    expect(Array.from(y.y!.data as Float32Array)).toEqual([-1, 1, 2.5]);
  });

  it('writes com.microsoft domain nodes and adds the opset import', async () => {
    const g = new OnnxGraphBuilder({ name: 'ms' });
    g.input('x', 'float32', [4]);
    g.initializer('s', 'float32', [], [0.5]);
    g.initializer('zp', 'uint8', [], [128]);
    g.node('QuantizeLinear', ['x', 's', 'zp'], ['q'], {}, { domain: 'com.microsoft' });
    g.node('DequantizeLinear', ['q', 's', 'zp'], ['y'], {}, { domain: 'com.microsoft' });
    g.output('y', 'float32', [4]);
    expect(g.toProto().opsetImport).toContainEqual({ domain: 'com.microsoft', version: 1 });
    const out = await run(g.toBytes(), { x: new ort.Tensor('float32', Float32Array.from([0, 1.2, -3, 100]), [4]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([0, 1, -3, 63.5]);
  });

  it('writes external data files that onnxruntime reads', async () => {
    const g = new OnnxGraphBuilder({ name: 'ext' });
    g.input('x', 'float32', [1, 4]);
    g.initializer('w', 'float32', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8], { external: 'weights/w.bin' });
    g.initializer('b', 'float32', [2], [100, 200], { external: 'weights/w.bin' });
    g.node('MatMul', ['x', 'w'], ['m']);
    g.node('Add', ['m', 'b'], ['y']);
    g.output('y', 'float32', [1, 2]);
    const path = g.writeTo(join(tmp, 'ext'), 'model.onnx');
    expect(g.externalData().get('weights/w.bin')!.length).toBe(40);
    const out = await run(path, { x: new ort.Tensor('float32', ones(4), [1, 4]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([116, 220]);
  });

  it('writes every integer dtype ORT can cast, raw and typed alike', async () => {
    const cases: [import('../src/analyzer/dtype.ts').DType, number[]][] = [
      ['int8', [-128, 0, 127]],
      ['uint8', [0, 200, 255]],
      ['int16', [-32768, 5, 32767]],
      ['uint16', [0, 40000, 65535]],
      ['int32', [-2147483648, 7, 2147483647]],
      ['int64', [-(2 ** 40), 7, 2 ** 40]],
      ['float64', [0.5, -1e300, 3]],
      ['bool', [1, 0, 1]],
    ];
    for (const [dtype, values] of cases) {
      for (const typedField of [false, true]) {
        const g = new OnnxGraphBuilder({ name: dtype });
        g.initializer('t', dtype, [3], values, { typedField });
        g.node('Cast', ['t'], ['f'], { to: 11 });
        g.output('f', 'float64', [3]);
        const out = Array.from((await run(g.toBytes(), {})).f!.data as Float64Array);
        expect(out, `${dtype} typed=${typedField}`).toEqual(values);
      }
    }
  });
});
