/**
 * ONNX reader and graph check on the real models in ../shared/models and on models the builder writes.
 *
 * Facts checked against an independent implementation: the counts in PYTHON_ONNX_FACTS were taken once by
 * hand with Debian's python3-onnx 1.12 (`onnx.load`; nodes = graph.node minus ai.onnx Constant nodes;
 * constants = initializers + Constant nodes; inputs = graph.input minus initializers) on 2026-11-26.
 * Tests never run python.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storageBytes } from '../src/analyzer/dtype.ts';
import type { DType } from '../src/analyzer/dtype.ts';
import { checkGraph } from '../src/analyzer/graph-check.ts';
import type { IRGraph, IRNode } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder, encodeRaw } from '../src/analyzer/onnx/builder.ts';
import { readOnnx } from '../src/analyzer/onnx/reader.ts';
import { onnx } from '../src/analyzer/onnx/proto.ts';
import { DEFAULT_MAX_TENSOR_BYTES, tensorData } from '../src/analyzer/onnx/tensor-data.ts';
import { decodeTensorProto } from '../src/analyzer/onnx/tensor-proto-decode.ts';
import { decodeTensor } from '../src/analyzer/onnx/wire-decode.ts';
import { WireReader } from '../src/analyzer/onnx/wire-reader.ts';
import protobuf from 'protobufjs/minimal.js';
import { HAVE_SHARED, MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-reader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** [nodes, constants, non-constant graph inputs, ai.onnx opset] per file, from python3-onnx 1.12 (see header). */
const PYTHON_ONNX_FACTS: Record<string, [number, number, number, number]> = {
  'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx': [113, 131, 1, 13],
  'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx': [1336, 1305, 1, 17],
  'object_detection/yolov11n_640_qdq_w4_53.14%_w8_46.86%_a8_100%_map_63.09.onnx': [1170, 1136, 1, 21],
  'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx': [854, 824, 1, 21],
  'onnx_public/ort_testdata/conv.int4_weights.qdq.onnx': [7, 10, 1, 21],
  'onnx_public/ort_testdata/layout_transform_fix_transpose_without_dq.qdq.onnx': [18, 9, 1, 21],
  'onnx_public/ort_testdata/mobilenet_v3_small_excerpt.onnx': [5, 6, 1, 13],
  'onnx_public/ort_testdata/dynamic_quantize_matmul_int8_bias.onnx': [6, 0, 4, 13],
  'onnx_public/whole_networks/RetinaFace_int.onnx': [514, 801, 1, 12],
  'onnx_public/whole_networks/lpr_yolo_model.quant.onnx': [1349, 1208, 1, 19],
  'onnx_public/whole_networks/mnist.onnx': [12, 8, 1, 8],
  'onnx_public/whole_networks/mobilenetv2-7.quant.onnx': [307, 450, 1, 10],
  'onnx_public/whole_networks/mobilenetv2_quant_dynamic.onnx': [417, 334, 1, 17],
  'onnx_public/whole_networks/mobilenetv2_quant_static.onnx': [303, 520, 1, 17],
  'onnx_public/whole_networks/squeezenet_tensor_input.onnx': [73, 57, 1, 7],
  'pose_estimation/yolo26_pose_256_qdq_int8.onnx': [1463, 1422, 1, 17],
};

/** INT4 initializers of the mixed-precision files (python3-onnx 1.12): count and total packed bytes. */
const INT4_FACTS: Record<string, { count: number; bytes: number; first: [string, number[], number, number[]] }> = {
  'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx': {
    count: 60,
    bytes: 1285856,
    first: ['model.5.conv.weight_quantized', [128, 64, 3, 3], 36864, [241, 239, 14, 16]],
  },
  'object_detection/yolov11n_640_qdq_w4_53.14%_w8_46.86%_a8_100%_map_63.09.onnx': {
    count: 22,
    bytes: 685120,
    first: ['model.5.conv.weight_quantized', [128, 128, 3, 3], 73728, [17, 15, 242, 15]],
  },
  // stored in int32_data (one packed byte per element), not raw_data
  'onnx_public/ort_testdata/conv.int4_weights.qdq.onnx': {
    count: 2,
    bytes: 71,
    first: ['weight_quantized', [5, 3, 3, 3], 68, [184, 254, 16, 82]],
  },
};

describe.skipIf(!HAVE_SHARED)('every shared ONNX model loads', () => {
  const files = sharedModels('onnx');
  it('finds the ONNX models', () => {
    expect(files.length).toBeGreaterThanOrEqual(39);
  });
  const rows: string[] = [];
  afterAll(() => {
    if (rows.length) console.log(`model | nodes | constants | opsets\n${rows.join('\n')}`);
  });
  for (const file of files) {
    const label = modelLabel(file);
    it(label, () => {
      const m = loadModel(file);
      const constants = [...m.graph.tensors.values()].filter((t) => t.data);
      rows.push(`${label} | ${m.graph.nodes.length} | ${constants.length} | ${JSON.stringify(m.opsets)}`);
      expect(m.format).toBe('onnx');
      // No Constant node survives; no graph input is a constant.
      expect(m.graph.nodes.some((n) => n.opType === 'Constant' && n.domain === '')).toBe(false);
      for (const name of m.graph.inputs) expect(m.graph.tensors.get(name)?.data).toBeUndefined();
      // Node names are unique and non-empty.
      const names = new Set(m.graph.nodes.map((n) => n.name));
      expect(names.size).toBe(m.graph.nodes.length);
      expect(names.has('')).toBe(false);
      // Every constant's bytes match its dtype and shape.
      for (const c of constants) {
        if (c.dtype === 'string') continue;
        const count = c.data!.shape.reduce((a, b) => a * b, 1);
        expect(c.data!.bytes.length, c.name).toBe(storageBytes(c.dtype, count));
      }
      const facts = PYTHON_ONNX_FACTS[label];
      if (facts) {
        expect([m.graph.nodes.length, constants.length, m.graph.inputs.length, m.opsets['']]).toEqual(facts);
      }
      const int4 = INT4_FACTS[label];
      if (int4) {
        const tensors = constants.filter((t) => t.dtype === 'int4');
        expect(tensors.length).toBe(int4.count);
        expect(tensors.reduce((a, t) => a + t.data!.bytes.length, 0)).toBe(int4.bytes);
        const [name, shape, bytes, head] = int4.first;
        const t = m.graph.tensors.get(name)!;
        expect(t.dtype).toBe('int4');
        expect(t.data!.shape).toEqual(shape);
        expect(t.data!.bytes.length).toBe(bytes);
        expect(Array.from(t.data!.bytes.subarray(0, 4))).toEqual(head);
      }
    });
  }

  it('the packed-view decoder gives the same initializer bytes as onnx-proto\'s generated decoder', () => {
    for (const label of [
      'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx', // int8 weights in int32_data
      'onnx_public/ort_testdata/conv.int4_weights.qdq.onnx', // int4 in int32_data
      'onnx_public/whole_networks/squeezenet_tensor_input.onnx', // float_data
      'onnx_public/whole_networks/mobilenetv2_quant_dynamic.onnx',
    ]) {
      const bytes = readFileSync(join(MODELS_DIR, label));
      const ours = readOnnx(bytes, { path: label });
      const generated = onnx.ModelProto.decode(bytes);
      let typed = 0;
      for (const init of generated.graph?.initializer ?? []) {
        const name = init.name ?? '';
        if (init.dataType === 8) continue;
        if (!init.rawData?.length) typed++;
        const reference = tensorData(init, name, { path: label, maxTensorBytes: DEFAULT_MAX_TENSOR_BYTES });
        const mine = ours.graph.tensors.get(name)!.data!.bytes;
        expect(Buffer.compare(mine, reference.bytes), `${label} ${name}`).toBe(0);
      }
      expect(typed, label).toBeGreaterThan(0);
    }
  });

  it('keeps opset imports including com.microsoft and the declared input shapes', () => {
    const m = loadModel(join(MODELS_DIR, 'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx'));
    expect(m.opsets['']).toBe(21);
    expect(m.opsets['com.microsoft']).toBe(1);
    expect(m.graph.tensors.get('images')).toMatchObject({ dtype: 'float32', shape: [1, 3, 256, 256] });
    const q = loadModel(join(MODELS_DIR, 'onnx_public/onnx2c_testdata/test_qlinearadd_int8.onnx'));
    expect(q.opsets).toEqual({ 'com.microsoft': 1 });
    expect(q.graph.nodes[0]).toMatchObject({ opType: 'QLinearAdd', domain: 'com.microsoft' });
  });
});

const ALL_DTYPES: [DType, number[]][] = [
  ['float32', [1.5, -2, 3.25]],
  ['float64', [1e-300, -2, 3]],
  ['float16', [1.5, -2, 65504]],
  ['bfloat16', [1, -2, 3]],
  ['int4', [-8, 7, -1]],
  ['uint4', [0, 15, 9]],
  ['int8', [-128, 0, 127]],
  ['uint8', [0, 128, 255]],
  ['int16', [-32768, 0, 32767]],
  ['uint16', [0, 40000, 65535]],
  ['int32', [-(2 ** 31), 0, 2 ** 31 - 1]],
  ['uint32', [0, 2 ** 31, 2 ** 32 - 1]],
  ['int64', [-(2 ** 40), -1, 2 ** 40]],
  ['uint64', [0, 1, 2 ** 52]],
  ['bool', [1, 0, 1]],
];

describe('initializer data', () => {
  it('typed fields and raw_data give identical bytes for every dtype', () => {
    for (const [dtype, values] of ALL_DTYPES) {
      const g = new OnnxGraphBuilder();
      g.initializer('raw', dtype, [3], values);
      g.initializer('typed', dtype, [3], values, { typedField: true });
      g.input('x', 'float32', [1]);
      g.node('Identity', ['x'], ['y']);
      g.output('y', 'float32', [1]);
      const m = readOnnx(g.toBytes(), { path: `${dtype}.onnx` });
      const raw = m.graph.tensors.get('raw')!.data!;
      const typed = m.graph.tensors.get('typed')!.data!;
      expect(raw.dtype, dtype).toBe(dtype);
      expect(typed.dtype, dtype).toBe(dtype);
      expect(Array.from(typed.bytes), dtype).toEqual(Array.from(raw.bytes));
      expect(Array.from(raw.bytes), dtype).toEqual(Array.from(encodeRaw(dtype, 3, values)));
    }
  });

  it('concatenates repeated packed runs and reads the typed field the dtype uses when two are present', () => {
    const packedRun = (w: protobuf.Writer, field: number, write: (r: protobuf.Writer) => void) => {
      const run = protobuf.Writer.create();
      write(run);
      w.uint32((field << 3) | 2).bytes(run.finish());
    };
    const wire = (bytes: Uint8Array) => decodeTensor(new WireReader(bytes), bytes.length);
    const f = protobuf.Writer.create();
    f.uint32((1 << 3) | 0).int64(3); // dims: [3]
    f.uint32((2 << 3) | 0).int32(1); // FLOAT
    packedRun(f, 4, (r) => r.float(1.5).float(-2)); // float_data, two runs
    packedRun(f, 5, (r) => r.int32(7)); // int32_data: not the field a float tensor uses
    packedRun(f, 4, (r) => r.float(3));
    const floats = tensorData(wire(f.finish()), 'f', { path: 'f.onnx', maxTensorBytes: 100 });
    expect(Array.from(new Float32Array(floats.bytes.slice().buffer))).toEqual([1.5, -2, 3]);
    const i = protobuf.Writer.create();
    i.uint32((1 << 3) | 0).int64(2);
    i.uint32((2 << 3) | 0).int32(6); // INT32
    packedRun(i, 4, (r) => r.float(9)); // float_data first: the second typed field is the one read
    packedRun(i, 5, (r) => r.int32(5).int32(-1));
    const ints = tensorData(wire(i.finish()), 'i', { path: 'i.onnx', maxTensorBytes: 100 });
    expect(Array.from(new Int32Array(ints.bytes.slice().buffer))).toEqual([5, -1]);
  });

  it('reads unpacked repeated typed fields too (legal protobuf, rare in ONNX files)', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 0).int64(3); // dims: [3]
    w.uint32((2 << 3) | 0).int32(3); // data_type INT8
    for (const v of [-128, 5, 127]) w.uint32((5 << 3) | 0).int32(v); // int32_data, one tag per element
    w.uint32((8 << 3) | 2).string('u');
    const t = decodeTensorProto(w.finish());
    const data = tensorData(t, 'u', { path: 'u.onnx', maxTensorBytes: 100 });
    expect(Array.from(data.bytes)).toEqual([0x80, 5, 127]);
    const f = protobuf.Writer.create();
    f.uint32((1 << 3) | 0).int64(2);
    f.uint32((2 << 3) | 0).int32(1); // FLOAT
    f.uint32((4 << 3) | 5).float(1.5);
    f.uint32((4 << 3) | 5).float(-2);
    expect(Array.from(new Float32Array(tensorData(decodeTensorProto(f.finish()), 'f', { path: 'f.onnx', maxTensorBytes: 100 }).bytes.slice().buffer))).toEqual([1.5, -2]);
  });

  it('stores int4 packed two per byte, low nibble first', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 21 } });
    g.initializer('w', 'int4', [3], [-8, 7, -1], { typedField: true });
    g.input('x', 'float32', [1]);
    g.node('Identity', ['x'], ['y']);
    g.output('y', 'float32', [1]);
    const w = readOnnx(g.toBytes(), { path: 'int4.onnx' }).graph.tensors.get('w')!.data!;
    expect(Array.from(w.bytes)).toEqual([0x78, 0x0f]); // -8 = 0x8 low, 7 high; -1 = 0xf low
  });

  it('reads external data at its offset and length, relative to the model folder', () => {
    const g = new OnnxGraphBuilder({ name: 'ext' });
    g.input('x', 'float32', [1, 4]);
    g.initializer('w', 'float32', [4, 2], [1, 2, 3, 4, 5, 6, 7, 8], { external: 'data/weights.bin' });
    g.initializer('b', 'int8', [2], [-5, 6], { external: 'data/weights.bin' });
    g.initializer('inline', 'float32', [2], [9, 9]);
    g.node('MatMul', ['x', 'w'], ['m']);
    g.output('m', 'float32', [1, 2]);
    const path = g.writeTo(join(tmp, 'ext'), 'model.onnx');
    const m = loadModel(path);
    const w = m.graph.tensors.get('w')!.data!;
    const b = m.graph.tensors.get('b')!.data!;
    expect(w.origin).toBe('external');
    expect(Array.from(new Float32Array(w.bytes.slice().buffer))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(new Int8Array(b.bytes.slice().buffer))).toEqual([-5, 6]); // at offset 32
    expect(m.graph.tensors.get('inline')!.data!.origin).toBe('inline');
  });
});

describe('graph structure', () => {
  it('turns every Constant node form into a constant tensor and drops the node', () => {
    const g = new OnnxGraphBuilder({ name: 'consts' });
    g.input('x', 'float32', [2, 3]);
    g.constant('c_tensor', 'float16', [2], [1, 2], { nodeName: 'k0' });
    g.node('Constant', [], ['c_float'], { value_float: { float: 2 } });
    g.node('Constant', [], ['c_floats'], { value_floats: [0.5, 1.5] });
    g.node('Constant', [], ['c_int'], { value_int: -3 });
    g.node('Constant', [], ['c_ints'], { value_ints: [1, -1] });
    g.node('Reshape', ['x', 'c_ints'], ['y']);
    g.output('y', 'float32', [6]);
    const m = readOnnx(g.toBytes(), { path: 'consts.onnx' });
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Reshape']);
    const t = (n: string) => m.graph.tensors.get(n)!.data!;
    expect(t('c_tensor')).toMatchObject({ dtype: 'float16', shape: [2], origin: 'constant-node' });
    expect(Array.from(t('c_tensor').bytes)).toEqual([0x00, 0x3c, 0x00, 0x40]);
    expect(t('c_float')).toMatchObject({ dtype: 'float32', shape: [] });
    expect(new DataView(t('c_float').bytes.buffer).getFloat32(0, true)).toBe(2);
    expect(t('c_floats')).toMatchObject({ dtype: 'float32', shape: [2] });
    expect(Array.from(new Float32Array(t('c_floats').bytes.slice().buffer))).toEqual([0.5, 1.5]);
    expect(t('c_int')).toMatchObject({ dtype: 'int64', shape: [] });
    expect(Array.from(new BigInt64Array(t('c_int').bytes.slice().buffer))).toEqual([-3n]);
    expect(Array.from(new BigInt64Array(t('c_ints').bytes.slice().buffer))).toEqual([1n, -1n]);
  });

  it('treats initializers listed as inputs as constants, and keeps declared dims and dim_params', () => {
    const g = new OnnxGraphBuilder();
    g.input('x', 'uint8', ['batch', 3, 224, 224]);
    g.initializer('w', 'float32', [1], [2], { alsoInput: true });
    g.node('Cast', ['x'], ['xf'], { to: 1 });
    g.node('Mul', ['xf', 'w'], ['y']);
    g.valueInfo('xf', 'float32', ['batch', 3, 224, 224]);
    g.output('y', 'float32', null);
    const m = readOnnx(g.toBytes(), { path: 'm.onnx' });
    expect(m.graph.inputs).toEqual(['x']);
    expect(m.graph.tensors.get('x')).toEqual({ name: 'x', dtype: 'uint8', shape: ['batch', 3, 224, 224] });
    expect(m.graph.tensors.get('xf')!.shape).toEqual(['batch', 3, 224, 224]);
    expect(m.graph.tensors.get('y')).toEqual({ name: 'y', dtype: 'float32' });
    expect(m.graph.nodes[0]!.attrs).toEqual({ to: 1 });
  });

  it('synthesises unique node names and converts attributes of every kind', () => {
    const body = new OnnxGraphBuilder({ name: 'then' });
    body.node('Identity', ['x'], ['t']);
    body.output('t', 'float32', [1]);
    const g = new OnnxGraphBuilder();
    g.input('x', 'float32', [1]);
    g.input('cond', 'bool', []);
    g.node('Relu', ['x'], ['a']);
    g.node('Relu', ['a'], ['b'], {}, { name: 'Relu_0' }); // clashes with the synthesised name of node 0
    g.node('LeakyRelu', ['b'], ['c'], { alpha: 0.1, f1: { float: 1 }, i1: 2, s: 'NOTSET', ss: ['a', 'b'], fs: [0.5, 1], is: [1, 2] });
    g.node('If', ['cond'], ['d'], { then_branch: { graph: body }, else_branch: { graph: body }, tt: { tensor: { dtype: 'int8', dims: [2], values: [1, -1] } } });
    g.output('d', 'float32', [1]);
    const m = readOnnx(g.toBytes(), { path: 'attrs.onnx' });
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['Relu_0', 'Relu_0_2', 'LeakyRelu_2', 'If_3']);
    expect(m.graph.nodes[2]!.attrs).toEqual({ alpha: Math.fround(0.1), f1: 1, i1: 2, s: 'NOTSET', ss: ['a', 'b'], fs: [0.5, 1], is: [1, 2] });
    const ifAttrs = m.graph.nodes[3]!.attrs;
    expect((ifAttrs.then_branch as IRGraph).nodes[0]).toMatchObject({ opType: 'Identity', inputs: ['x'] });
    expect(ifAttrs.tt).toMatchObject({ dtype: 'int8', shape: [2] });
    // The If body reads 'x' from the outer scope: a valid graph.
    expect(loadModelBytes(g.toBytes(), 'attrs.onnx').graph.nodes.length).toBe(4);
  });

  it('keeps names unique when the first clash comes after named nodes (and a Constant node)', () => {
    const g = new OnnxGraphBuilder();
    g.input('x', 'float32', [1]);
    g.node('Constant', [], ['k'], { value: { tensor: { dtype: 'float32', dims: [1], values: [2] } } }, { name: 'Add_4' });
    g.node('Relu', ['x'], ['a'], {}, { name: 'n' });
    g.node('Relu', ['a'], ['b'], {}, { name: 'Relu_3' });
    g.node('Relu', ['b'], ['c'], {}, { name: 'n' }); // a clash: every later name is tested on names
    g.node('Add', ['c', 'k'], ['d']); // no name: Add_4, taken by the Constant node
    g.node('Relu', ['d'], ['e'], {}, { name: 'n_2' }); // taken by the renamed clash
    g.output('e', 'float32', [1]);
    const m = readOnnx(g.toBytes(), { path: 'names.onnx' });
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['n', 'Relu_3', 'n_2', 'Add_4_2', 'n_2_2']);
  });

  it('puts nodes in topological order, keeping file order when it already is', () => {
    const ordered = new OnnxGraphBuilder();
    ordered.input('x', 'float32', [1]);
    ordered.node('Relu', ['x'], ['a'], {}, { name: 'first' });
    ordered.node('Relu', ['a'], ['b'], {}, { name: 'second' });
    ordered.node('Add', ['a', 'b'], ['c'], {}, { name: 'third' });
    ordered.output('c', 'float32', [1]);
    expect(loadModelBytes(ordered.toBytes(), 'o.onnx').graph.nodes.map((n) => n.name)).toEqual(['first', 'second', 'third']);

    const shuffled = new OnnxGraphBuilder();
    shuffled.input('x', 'float32', [1]);
    shuffled.node('Add', ['a', 'b'], ['c'], {}, { name: 'third' });
    shuffled.node('Relu', ['x'], ['a'], {}, { name: 'first' });
    shuffled.node('Sigmoid', ['x'], ['s'], {}, { name: 'side' });
    shuffled.node('Relu', ['a'], ['b'], {}, { name: 'second' });
    shuffled.output('c', 'float32', [1]);
    shuffled.output('s', 'float32', [1]);
    expect(loadModelBytes(shuffled.toBytes(), 's.onnx').graph.nodes.map((n) => n.name)).toEqual(['first', 'side', 'second', 'third']);
  });

  it('checks 100k-node chains without recursion, in order and reversed', () => {
    const n = 100_000;
    const chain = (reversed: boolean, cyclic: boolean): IRGraph => {
      const nodes: IRNode[] = [];
      for (let i = 0; i < n; i++) {
        const input = i === 0 ? (cyclic ? `t${n - 1}` : 'x') : `t${i - 1}`;
        nodes.push({ name: `n${i}`, opType: 'Relu', domain: '', inputs: [input], outputs: [`t${i}`], attrs: {} });
      }
      if (reversed) nodes.reverse();
      return { name: 'chain', inputs: ['x'], outputs: [`t${n - 1}`], nodes, tensors: new Map([['x', { name: 'x', dtype: 'float32', shape: [1] }]]) };
    };
    const inOrder = chain(false, false);
    expect(checkGraph(inOrder, 'chain')).toBe(inOrder);
    const sorted = checkGraph(chain(true, false), 'chain');
    expect(sorted.nodes[0]!.name).toBe('n0');
    expect(sorted.nodes[n - 1]!.name).toBe(`n${n - 1}`);
    expect(() => checkGraph(chain(true, true), 'chain')).toThrow(/cycle through nodes 'n99999' → 'n0' → 'n1' → .*\(100000 nodes\) → 'n99999'/);
  });
});
