/**
 * Every zoo network is a valid ONNX model: onnxruntime-node loads it and runs one inference on zeros,
 * with the output shape the head implies ([1, P], or [1, 1] for the Dense(1)+sigmoid heads). Also: the
 * files are QDQ as ST writes them (opset 17 / IR 8, or opset 21 / IR 10 with INT4 initializers), and a
 * build is byte-for-byte deterministic for the same arguments.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { onnx } from '../src/analyzer/onnx/proto.ts';
import { buildZooModel, listNetworks, type ZooBuildOptions } from '../src/zoo/index.ts';
import { isEdgefitError } from '../src/analyzer/errors.ts';

interface RunCase {
  id: string;
  opts: ZooBuildOptions;
  /** Output shape implied by the head (independent of the builder). */
  outDims: number[];
  /** Softmax heads sum to 1. */
  softmax: boolean;
}

const CASES: RunCase[] = [
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 128, classes: 5 }, outDims: [1, 5], softmax: true },
  { id: 'st_efficientnet_lc_v1', opts: { resolution: 96, classes: 101, w4Percent: 26.1 }, outDims: [1, 101], softmax: true },
  { id: 'mobilenet_v1', opts: { resolution: 96, alpha: 0.25, classes: 5 }, outDims: [1, 5], softmax: true },
  { id: 'mobilenet_v1', opts: { resolution: 97, alpha: 0.5, classes: 2, channels: 1 }, outDims: [1, 1], softmax: false },
  { id: 'mobilenet_v2', opts: { resolution: 96, alpha: 0.35, classes: 2 }, outDims: [1, 1], softmax: false },
  { id: 'mobilenet_v2', opts: { resolution: 97, alpha: 1.0, classes: 10 }, outDims: [1, 10], softmax: true },
  { id: 'fdmobilenet', opts: { resolution: 128, alpha: 0.25, classes: 5 }, outDims: [1, 5], softmax: true },
  { id: 'st_fdmobilenet_v1', opts: { resolution: 96, classes: 3 }, outDims: [1, 3], softmax: true },
  { id: 'resnet_v1', opts: { resolution: 32, depth: 8, classes: 10 }, outDims: [1, 10], softmax: true },
  { id: 'resnet_v1', opts: { resolution: 64, depth: 20, classes: 2 }, outDims: [1, 1], softmax: false },
  { id: 'squeezenet_v1_0', opts: { resolution: 128, classes: 5 }, outDims: [1, 5], softmax: true },
  { id: 'squeezenet_v1_1', opts: { resolution: 96, classes: 7, w4Percent: 50 }, outDims: [1, 7], softmax: true },
  { id: 'st_mnist_v1', opts: { resolution: 28, classes: 36 }, outDims: [1, 36], softmax: true },
];

async function runZeros(bytes: Uint8Array, inputDims: number[]): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const x = new ort.Tensor('float32', new Float32Array(inputDims.reduce((a, b) => a * b, 1)), inputDims);
  const out = await session.run({ [session.inputNames[0]!]: x });
  return out[session.outputNames[0]!]!;
}

describe('zoo models run in onnxruntime', () => {
  it('covers every network id', () => {
    expect(new Set(CASES.map((c) => c.id))).toEqual(new Set(listNetworks().map((n) => n.id)));
  });

  for (const c of CASES) {
    it(`${c.id} ${JSON.stringify(c.opts)} → output ${JSON.stringify(c.outDims)}`, async () => {
      const m = buildZooModel(c.id, c.opts);
      const y = await runZeros(m.bytes, [1, m.options.channels, m.options.resolution, m.options.resolution]);
      expect(y.dims).toEqual(c.outDims);
      const values = Array.from(y.data as Float32Array);
      expect(values.every(Number.isFinite)).toBe(true);
      if (c.softmax) expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
      else expect(values[0]! >= 0 && values[0]! <= 1).toBe(true); // sigmoid
    });
  }
});

/** The parts of the ModelProto these checks read, with protobuf's optional fields resolved. */
function decode(bytes: Uint8Array) {
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph ?? {};
  return {
    irVersion: Number(model.irVersion),
    opsets: (model.opsetImport ?? []).map((o) => [o.domain ?? '', Number(o.version)] as [string, number]),
    inputs: (g.input ?? []).map((v) => ({
      elemType: v.type?.tensorType?.elemType,
      dims: (v.type?.tensorType?.shape?.dim ?? []).map((d) => Number(d.dimValue)),
    })),
    nodes: (g.node ?? []).map((n) => ({ opType: n.opType ?? '', input: n.input ?? [], output: n.output ?? [] })),
    inits: (g.initializer ?? []).map((t) => ({ name: t.name ?? '', dataType: t.dataType ?? 0, dims: (t.dims ?? []).map(Number), rawBytes: t.rawData?.length ?? 0 })),
  };
}

const INT8 = 3;
const INT32 = 6;
const FLOAT = 1;
const INT4 = 22; // TensorProto.INT4 (onnx.proto IR 10)

describe('zoo models are QDQ as ST writes them', () => {
  it('int8 build: opset 17, IR 8, float NCHW input, int8 weights and int32 biases feeding DequantizeLinear', () => {
    const m = decode(buildZooModel('st_efficientnet_lc_v1', { resolution: 160, classes: 101 }).bytes);
    expect(m.irVersion).toBe(8);
    expect(m.opsets).toEqual([['', 17]]);
    expect(m.inputs).toEqual([{ elemType: FLOAT, dims: [1, 3, 160, 160] }]);
    const ops = new Set(m.nodes.map((n) => n.opType));
    for (const absent of ['Relu', 'Clip', 'Pad', 'MatMul', 'BatchNormalization']) expect(ops.has(absent)).toBe(false);
    const init = new Map(m.inits.map((t) => [t.name, t]));
    const dqConstTypes = new Set(m.nodes.filter((n) => n.opType === 'DequantizeLinear').flatMap((n) => init.get(n.input[0]!)?.dataType ?? []));
    expect(dqConstTypes).toEqual(new Set([INT8, INT32]));
    // Every Conv/Gemm reads its input, weight and bias through DequantizeLinear
    const producers = new Map(m.nodes.flatMap((n) => n.output.map((o) => [o, n.opType] as const)));
    const compute = m.nodes.filter((x) => x.opType === 'Conv' || x.opType === 'Gemm');
    expect(compute.length).toBe(65 + 16 + 1); // ST's TFLite: 65 CONV_2D + 16 DEPTHWISE_CONV_2D + 1 FULLY_CONNECTED (architectures.md §2.4)
    for (const n of compute) expect(n.input.map((i) => producers.get(i))).toEqual(['DequantizeLinear', 'DequantizeLinear', 'DequantizeLinear']);
  });

  it('w4 build: opset 21, IR 10, INT4 initializers only for the chosen weights', () => {
    const built = buildZooModel('st_efficientnet_lc_v1', { resolution: 224, classes: 101, w4Percent: 26.1 });
    const m = decode(built.bytes);
    expect(m.irVersion).toBe(10);
    expect(m.opsets).toEqual([['', 21]]);
    const int4 = m.inits.filter((t) => t.dataType === INT4);
    // the top conv 144→576 and the classifier 576→101 (Gemm weight [Cin, P]), each with its int4 zero points
    expect(int4.map((t) => t.dims)).toEqual([[576, 144, 1, 1], [576], [576, 101], [101]]);
    expect(int4[0]!.rawBytes).toBe((576 * 144) / 2);
    expect(built.name).toContain('w4_26.10%');
  });

  it('is deterministic for the same arguments and changes with the seed', () => {
    const a = buildZooModel('mobilenet_v2', { resolution: 96, alpha: 0.35 });
    const b = buildZooModel('mobilenet_v2', { resolution: 96, alpha: 0.35 });
    const c = buildZooModel('mobilenet_v2', { resolution: 96, alpha: 0.35, seed: 2 });
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    expect(c.bytes.length).toBe(a.bytes.length);
    expect(Buffer.compare(a.bytes, c.bytes)).not.toBe(0);
  });
});

describe('zoo option errors are one-line USAGE errors', () => {
  const bad: [string, ZooBuildOptions, RegExp][] = [
    ['fdmobilenet', { resolution: 100 }, /multiple of 32/],
    ['st_fdmobilenet_v1', { resolution: 96 + 16 }, /multiple of 32/],
    ['resnet_v1', { resolution: 28 }, /resolution must be an integer in \[29/],
    ['resnet_v1', { depth: 10 }, /6n\+2/],
    ['squeezenet_v1_0', { resolution: 34 }, /\[35/],
    ['squeezenet_v1_1', { resolution: 30 }, /\[31/],
    ['st_efficientnet_lc_v1', { alpha: 0.5 }, /no 'alpha' parameter/],
    ['mobilenet_v2', { alpha: 0 }, /alpha must be in/],
    ['mobilenet_v1', { classes: -1 }, /classes must be an integer in \[0,/],
    ['st_mnist_v1', { classes: 0 }, /classes must be an integer in \[1,/],
    ['mobilenet_v1', { channels: 4 }, /channels must be 1 or 3/],
    ['st_mnist_v1', { w4Percent: 120 }, /percentage/],
    ['nonexistent', {}, /unknown zoo network 'nonexistent'; known: st_efficientnet_lc_v1/],
  ];
  for (const [id, opts, msg] of bad) {
    it(`${id} ${JSON.stringify(opts)}`, () => {
      let err: unknown;
      try {
        buildZooModel(id, opts);
      } catch (e) {
        err = e;
      }
      expect(isEdgefitError(err) && err.code === 'USAGE').toBe(true);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});
