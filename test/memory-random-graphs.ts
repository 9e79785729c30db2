/**
 * Random fused-layer graphs (DAGs of NHWC int8 layers) for property tests and benchmarks of the memory
 * planners. Every graph is valid: layers in topological order, shapes consistent, unconsumed tensors are
 * graph outputs.
 */
import fc from 'fast-check';
import type { ActivationTensor, Analysis, ConvGeometry, Layer, LayerOp } from '../src/analyzer/layer.ts';
import type { DType } from '../src/analyzer/dtype.ts';
import { NO_WORK_FIGURES } from './helpers/layer-figures.ts';

export interface GraphRecipe {
  inputHw: number;
  inputC: number;
  /** One entry per layer: op choice, parameters and operand picks in [0, 1). */
  steps: { op: number; a: number; b: number; k: number; s: number; c: number }[];
}

const OPS: LayerOp[] = ['Conv', 'DepthwiseConv', 'Activation', 'Add', 'Reshape', 'Concat', 'Pad', 'MaxPool', 'Dequantize', 'Conv'];

const bytesOf = (shape: number[], dtype: DType) => shape.reduce((a, b) => a * b, 1) * (dtype === 'float32' ? 4 : 1);

export function buildGraph(recipe: GraphRecipe): Analysis {
  interface T {
    name: string;
    shape: number[];
    dtype: DType;
    producer: number;
    consumers: number[];
  }
  const tensors: T[] = [{ name: 'input', shape: [1, recipe.inputHw, recipe.inputHw, recipe.inputC], dtype: 'int8', producer: -1, consumers: [] }];
  const layers: Layer[] = [];
  const pick = (f: number, pool: T[]) => pool[Math.min(pool.length - 1, Math.floor(f * pool.length))]!;
  recipe.steps.forEach((st, index) => {
    const int8 = tensors.filter((t) => t.dtype === 'int8');
    let op = OPS[st.op % OPS.length]!;
    const x = pick(st.a, int8.length > 0 ? int8 : tensors);
    let inputs = [x];
    const [n, h, w, c] = x.shape as [number, number, number, number];
    let out: number[] = [n, h, w, c];
    let conv: ConvGeometry | undefined;
    let dtype: DType = x.dtype;
    const same = (k: number, s: number, size: number) => {
      const o = Math.ceil(size / s);
      const total = Math.max((o - 1) * s + k - size, 0);
      return [o, Math.floor(total / 2), total - Math.floor(total / 2)] as const;
    };
    if (x.dtype !== 'int8' && op !== 'Reshape' && op !== 'Activation') op = 'Activation';
    switch (op) {
      case 'Conv':
      case 'DepthwiseConv':
      case 'MaxPool': {
        const k = op === 'MaxPool' ? 2 : [1, 3, 5][Math.floor(st.k * 3)]!;
        const s = h >= 4 && st.s > 0.6 ? 2 : 1;
        const [ho, pt, pb] = same(k, s, h);
        const [wo, pl, pr] = same(k, s, w);
        const cout = op === 'Conv' ? 1 + Math.floor(st.c * 24) : c;
        conv = { kernel: [k, k], strides: [s, s], dilations: [1, 1], pads: [pt, pl, pb, pr], group: op === 'Conv' ? 1 : c, cin: c, cout };
        out = [n, ho, wo, cout];
        break;
      }
      case 'Add': {
        const peers = int8.filter((t) => t !== x && t.shape.join() === x.shape.join());
        if (peers.length > 0) inputs = [x, pick(st.b, peers)];
        else op = 'Activation';
        break;
      }
      case 'Concat': {
        const peers = int8.filter((t) => t !== x && t.shape[1] === h && t.shape[2] === w);
        if (peers.length > 0) {
          const y = pick(st.b, peers);
          inputs = [x, y];
          out = [n, h, w, c + y.shape[3]!];
        } else op = 'Activation';
        break;
      }
      case 'Pad':
        out = [n, h + 2, w + 2, c];
        break;
      case 'Dequantize':
        dtype = 'float32';
        break;
      default:
        break;
    }
    const name = `t${index}`;
    const layer: Layer = {
      index,
      name: `L${index}_${op}`,
      op,
      kind: 'other',
      sourceOps: [op],
      nodeNames: [],
      inputs: inputs.map((t) => t.name),
      outputs: [name],
      inputShapes: inputs.map((t) => [...t.shape]),
      outputShapes: [out],
      inputDtypes: inputs.map((t) => t.dtype),
      outputDtypes: [dtype],
      dtype: 'int8',
      layout: 'NHWC',
      conv,
      ...NO_WORK_FIGURES,
      outputBytes: bytesOf(out, dtype),
    };
    for (const t of inputs) if (!t.consumers.includes(index)) t.consumers.push(index);
    layers.push(layer);
    tensors.push({ name, shape: out, dtype, producer: index, consumers: [] });
  });
  const activation: ActivationTensor[] = tensors.map((t) => ({
    name: t.name,
    shape: t.shape,
    dtype: t.dtype,
    bytes: bytesOf(t.shape, t.dtype),
    producer: t.producer,
    consumers: t.consumers,
    isGraphInput: t.producer === -1,
    isGraphOutput: t.producer !== -1 && t.consumers.length === 0,
  }));
  return {
    model: { path: 'random', format: 'tflite', fileBytes: 0, producer: 'test', opsets: {}, inputs: [], outputs: [] },
    layers,
    tensors: activation,
    totals: { macs: 0, macsConvDense: 0, stMacc: 0, params: 0, weightBytes: 0, quantParamBytes: 0, fileConstBytes: 0 },
    partial: false,
    warnings: [],
  };
}

export const recipeArb = (maxLayers: number): fc.Arbitrary<GraphRecipe> =>
  fc.record({
    inputHw: fc.integer({ min: 2, max: 24 }),
    inputC: fc.integer({ min: 1, max: 16 }),
    steps: fc.array(
      fc.record({
        op: fc.nat(),
        a: fc.double({ min: 0, max: 0.999, noNaN: true }),
        b: fc.double({ min: 0, max: 0.999, noNaN: true }),
        k: fc.double({ min: 0, max: 0.999, noNaN: true }),
        s: fc.double({ min: 0, max: 0.999, noNaN: true }),
        c: fc.double({ min: 0, max: 0.999, noNaN: true }),
      }),
      { minLength: 1, maxLength: maxLayers },
    ),
  });

/**
 * A deterministic chain-with-branches graph of `n` layers (for benchmarks): each layer reads the latest tensor
 * (or, 15 % of the time, one of the last few), as in real networks (residuals, short branches), so a handful of buffers are live at a time.
 */
export function generatedGraph(n: number, seed = 1): Analysis {
  let x = seed;
  const rnd = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  const steps = Array.from({ length: n }, (_, i) => ({
    op: [0, 1, 2, 3, 4, 5, 6, 7, 9][Math.floor(rnd() * 9)]!, // no Dequantize: float tensors would dead-end
    a: rnd() < 0.85 ? 0.999 : Math.max(0, 0.999 - (rnd() * 4) / (i + 1)),
    b: Math.max(0, 0.999 - (rnd() * 4) / (i + 1)),
    k: rnd(),
    s: rnd() * 0.5,
    c: rnd(),
  }));
  return buildGraph({ inputHw: 16, inputC: 8, steps });
}
