/**
 * Per-operator oracle: small models built with the project's OnnxGraphBuilder, one or a few per op and
 * attribute form, each run in onnxruntime-node; every tensor's inferred shape and dtype must equal ORT's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { storageBytes, type DType } from '../src/analyzer/dtype.ts';
import { inferShapes, type ShapeOptions } from '../src/analyzer/shapes/infer.ts';
import { runOracle } from './shapes-oracle-helpers.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';

type Build = (g: OnnxGraphBuilder) => void;
interface Case {
  name: string;
  opsets?: Record<string, number>;
  build: Build;
  opts?: ShapeOptions;
}

/** Helpers that add initializers: zeros (`w`), given values (`v`), a scalar (`s`). */
function w(g: OnnxGraphBuilder, name: string, dtype: DType, dims: number[]): void {
  g.initializer(name, dtype, dims, new Uint8Array(storageBytes(dtype, dims.reduce((a, b) => a * b, 1))));
}
function v(g: OnnxGraphBuilder, name: string, dtype: DType, dims: number[], values: number[]): void {
  g.initializer(name, dtype, dims, values);
}
function s(g: OnnxGraphBuilder, name: string, dtype: DType, value: number): void {
  g.initializer(name, dtype, [], [value]);
}
const BIG = 9223372036854775807n;

/** x[dims] → op(x, extra inputs…) → y, with attrs. */
function unaryCase(op: string, dims: number[], attrs: Record<string, unknown> = {}, opsets?: Record<string, number>, dtype: DType = 'float32'): Case {
  return {
    name: `${op} ${JSON.stringify(attrs)} [${dims}]`,
    opsets,
    build: (g) => {
      g.input('x', dtype, dims);
      g.node(op, ['x'], ['y'], attrs as never);
    },
  };
}

function convCase(name: string, x: number[], wDims: number[], attrs: Record<string, unknown>, op = 'Conv'): Case {
  return {
    name: `${op} ${name}`,
    build: (g) => {
      g.input('x', 'float32', x);
      w(g, 'w', 'float32', wDims);
      g.node(op, ['x', 'w'], ['y'], attrs as never);
    },
  };
}

function binaryCase(op: string, a: number[], b: number[], dtype: DType = 'float32'): Case {
  return {
    name: `${op} [${a}] ∘ [${b}]`,
    build: (g) => {
      g.input('a', dtype, a);
      g.input('b', dtype, b);
      g.node(op, ['a', 'b'], ['y']);
    },
  };
}

const cases: Case[] = [
  // --- Conv ------------------------------------------------------------------------------------------
  convCase('2-D pads/strides', [1, 3, 17, 19], [8, 3, 3, 3], { pads: [1, 0, 2, 1], strides: [2, 3] }),
  convCase('depthwise dilated', [1, 8, 16, 16], [8, 1, 3, 3], { group: 8, dilations: [2, 2], pads: [2, 2, 2, 2] }),
  convCase('grouped', [2, 6, 9, 9], [4, 3, 3, 3], { group: 2 }),
  convCase('SAME_UPPER odd', [1, 3, 15, 15], [4, 3, 3, 3], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
  convCase('SAME_LOWER k4 s3', [1, 3, 16, 10], [4, 3, 4, 4], { auto_pad: 'SAME_LOWER', strides: [3, 3] }),
  convCase('VALID dilated', [1, 3, 20, 21], [4, 3, 3, 3], { auto_pad: 'VALID', strides: [2, 2], dilations: [2, 2] }),
  convCase('1-D', [1, 4, 20], [6, 4, 5], { strides: [3], pads: [2, 1] }),
  convCase('3-D', [1, 2, 5, 6, 7], [3, 2, 2, 3, 3], { pads: [0, 1, 1, 1, 1, 0], strides: [1, 2, 2] }),
  convCase('kernel_shape attr', [1, 3, 8, 8], [5, 3, 1, 1], { kernel_shape: [1, 1] }),
  // --- ConvTranspose ---------------------------------------------------------------------------------
  convCase('pads+output_padding', [1, 4, 7, 7], [4, 3, 3, 3], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }, 'ConvTranspose'),
  convCase('output_shape', [1, 4, 7, 7], [4, 3, 3, 3], { strides: [2, 2], output_shape: [15, 14] }, 'ConvTranspose'),
  convCase('SAME_UPPER', [1, 4, 5, 6], [4, 2, 3, 3], { strides: [2, 2], auto_pad: 'SAME_UPPER' }, 'ConvTranspose'),
  convCase('VALID', [1, 4, 5, 6], [4, 2, 3, 3], { strides: [2, 3], auto_pad: 'VALID' }, 'ConvTranspose'),
  convCase('group dilations', [1, 4, 5, 5], [4, 2, 3, 3], { group: 2, dilations: [2, 2] }, 'ConvTranspose'),
  convCase('1-D', [1, 3, 9], [3, 5, 4], { strides: [2], pads: [1, 2] }, 'ConvTranspose'),
  // --- Gemm / MatMul ---------------------------------------------------------------------------------
  {
    name: 'Gemm transA transB with C',
    build: (g) => {
      g.input('a', 'float32', [5, 3]);
      w(g, 'b', 'float32', [4, 5]);
      w(g, 'c', 'float32', [4]);
      g.node('Gemm', ['a', 'b', 'c'], ['y'], { transA: 1, transB: 1 });
    },
  },
  {
    name: 'Gemm plain',
    build: (g) => {
      g.input('a', 'float32', [2, 7]);
      w(g, 'b', 'float32', [7, 3]);
      g.node('Gemm', ['a', 'b'], ['y']);
    },
  },
  binaryCase('MatMul', [2, 1, 3, 4], [5, 4, 6]),
  binaryCase('MatMul', [4], [2, 4, 6]),
  binaryCase('MatMul', [3, 4], [4]),
  binaryCase('MatMul', [4], [4]),
  // --- broadcasting ----------------------------------------------------------------------------------
  binaryCase('Add', [2, 1, 4], [3, 1]),
  binaryCase('Sub', [1, 3, 1, 1], [2, 1, 5, 5]),
  binaryCase('Mul', [], [2, 3]),
  binaryCase('Div', [4, 1], [1, 5]),
  binaryCase('Pow', [3, 1], [2]),
  binaryCase('Max', [1, 3], [2, 1]),
  binaryCase('Min', [2, 3], [3]),
  binaryCase('Equal', [2, 3], [3], 'int64'),
  binaryCase('Less', [2, 1], [1, 4]),
  binaryCase('Greater', [2, 1], [1, 4]),
  {
    name: 'Max of three',
    build: (g) => {
      g.input('a', 'float32', [2, 1, 1]);
      g.input('b', 'float32', [3, 1]);
      g.input('c', 'float32', [4]);
      g.node('Max', ['a', 'b', 'c'], ['y']);
    },
  },
  {
    name: 'Where three-way broadcast',
    build: (g) => {
      g.input('c', 'bool', [2, 1, 1]);
      g.input('a', 'int64', [3, 1]);
      g.input('b', 'int64', [1, 4]);
      g.node('Where', ['c', 'a', 'b'], ['y']);
    },
  },
  // --- unary / activations ---------------------------------------------------------------------------
  ...['Relu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Erf', 'Sqrt', 'Exp', 'Neg', 'Abs', 'Floor', 'Ceil', 'Identity'].map((op) =>
    unaryCase(op, [2, 3, 4]),
  ),
  unaryCase('LeakyRelu', [1, 3, 5, 5], { alpha: { float: 0.1 } }),
  unaryCase('Not', [3, 2], {}, undefined, 'bool'),
  unaryCase('Softmax', [2, 3, 4], { axis: 1 }),
  unaryCase('LogSoftmax', [2, 3, 4], { axis: -1 }),
  unaryCase('Clip', [2, 3], { min: { float: 0 }, max: { float: 6 } }, { '': 6 }),
  {
    name: 'Clip input form',
    build: (g) => {
      g.input('x', 'float32', [1, 4, 3]);
      s(g, 'lo', 'float32', 0);
      s(g, 'hi', 'float32', 6);
      g.node('Clip', ['x', 'lo', 'hi'], ['y']);
      g.node('Clip', ['x', '', 'hi'], ['y2']);
    },
  },
  {
    name: 'PRelu per-channel slope',
    build: (g) => {
      g.input('x', 'float32', [1, 3, 4, 4]);
      w(g, 'slope', 'float32', [3, 1, 1]);
      g.node('PRelu', ['x', 'slope'], ['y']);
    },
  },
  {
    name: 'BatchNormalization',
    build: (g) => {
      g.input('x', 'float32', [2, 3, 5, 5]);
      for (const n of ['scale', 'b', 'mean', 'var']) w(g, n, 'float32', [3]);
      g.node('BatchNormalization', ['x', 'scale', 'b', 'mean', 'var'], ['y']);
    },
  },
  {
    name: 'Dropout with mask',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 5]);
      g.node('Dropout', ['x'], ['y', 'mask']);
    },
  },
  // --- pooling ---------------------------------------------------------------------------------------
  unaryCase('GlobalAveragePool', [2, 3, 7, 5]),
  unaryCase('GlobalMaxPool', [1, 4, 6]),
  unaryCase('AveragePool', [1, 3, 11, 11], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
  unaryCase('AveragePool', [1, 3, 10, 11], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
  unaryCase('AveragePool', [1, 3, 10, 11], { kernel_shape: [2, 3], strides: [3, 2], auto_pad: 'SAME_UPPER' }),
  unaryCase('MaxPool', [1, 3, 5, 6], { kernel_shape: [2, 2], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 }),
  unaryCase('MaxPool', [1, 3, 9, 9], { kernel_shape: [3, 3], strides: [2, 2], dilations: [2, 2], ceil_mode: 1 }),
  unaryCase('MaxPool', [1, 3, 9, 10], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_LOWER' }),
  unaryCase('MaxPool', [1, 2, 13], { kernel_shape: [4], strides: [3] }),
  {
    name: 'MaxPool with Indices output',
    build: (g) => {
      g.input('x', 'float32', [1, 2, 6, 6]);
      g.node('MaxPool', ['x'], ['y', 'idx'], { kernel_shape: [2, 2], strides: [2, 2] });
    },
  },
  // --- tensor manipulation ---------------------------------------------------------------------------
  {
    name: 'Concat axis -1',
    build: (g) => {
      g.input('a', 'float32', [2, 3, 1]);
      g.input('b', 'float32', [2, 3, 4]);
      g.node('Concat', ['a', 'b'], ['y'], { axis: -1 });
    },
  },
  {
    name: 'Reshape 0 and -1',
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4, 5]);
      v(g, 'shape', 'int64', [3], [0, -1, 5]);
      g.node('Reshape', ['x', 'shape'], ['y']);
    },
  },
  {
    name: 'Reshape allowzero',
    opsets: { '': 14 },
    build: (g) => {
      g.input('x', 'float32', [2, 0, 3]);
      v(g, 'shape', 'int64', [3], [3, 0, 4]);
      g.node('Reshape', ['x', 'shape'], ['y'], { allowzero: 1 });
    },
  },
  unaryCase('Flatten', [2, 3, 4, 5], { axis: 2 }),
  unaryCase('Flatten', [2, 3, 4, 5], { axis: 0 }),
  unaryCase('Flatten', [2, 3, 4, 5], { axis: -1 }),
  unaryCase('Transpose', [2, 3, 4]),
  unaryCase('Transpose', [1, 8, 8, 3], { perm: [0, 3, 1, 2] }),
  unaryCase('Squeeze', [1, 3, 1, 5], { axes: [0, 2] }, { '': 11 }),
  unaryCase('Squeeze', [1, 3, 1, 5], {}, { '': 13 }),
  {
    name: 'Squeeze input form',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 1, 5]);
      v(g, 'axes', 'int64', [1], [-2]);
      g.node('Squeeze', ['x', 'axes'], ['y']);
    },
  },
  unaryCase('Unsqueeze', [3, 5], { axes: [0, 3] }, { '': 11 }),
  {
    name: 'Unsqueeze input form, negative axes',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [3, 5]);
      v(g, 'axes', 'int64', [2], [-1, 1]);
      g.node('Unsqueeze', ['x', 'axes'], ['y']);
    },
  },
  unaryCase('Pad', [1, 3, 4, 4], { pads: [0, 0, 1, 2, 0, 0, 3, 0] }, { '': 2 }),
  {
    name: 'Pad input form with constant_value',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 4, 4]);
      v(g, 'pads', 'int64', [8], [0, 1, 1, 0, 0, 0, 2, 3]);
      s(g, 'cv', 'float32', 0);
      g.node('Pad', ['x', 'pads', 'cv'], ['y'], { mode: 'constant' });
    },
  },
  {
    name: 'Pad with axes input (opset 18)',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 4, 4]);
      v(g, 'pads', 'int64', [4], [1, 2, 3, 4]);
      v(g, 'axes', 'int64', [2], [-1, 2]);
      g.node('Pad', ['x', 'pads', '', 'axes'], ['y'], { mode: 'edge' });
    },
  },
  {
    name: 'Resize opset 10 scales',
    opsets: { '': 10 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 5, 7]);
      v(g, 'scales', 'float32', [4], [1, 1, 2, 1.5]);
      g.node('Resize', ['x', 'scales'], ['y'], { mode: 'nearest' });
    },
  },
  {
    name: 'Resize opset 13 scales',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 5, 7]);
      v(g, 'scales', 'float32', [4], [1, 1, 2, 0.5]);
      g.node('Resize', ['x', '', 'scales'], ['y'], { mode: 'linear' });
    },
  },
  {
    name: 'Resize opset 13 sizes',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 5, 7]);
      v(g, 'sizes', 'int64', [4], [1, 3, 9, 4]);
      g.node('Resize', ['x', '', '', 'sizes'], ['y'], { mode: 'nearest' });
    },
  },
  {
    name: 'Resize opset 18 sizes, axes, not_larger',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 5, 7]);
      v(g, 'sizes', 'int64', [2], [20, 20]);
      g.node('Resize', ['x', '', '', 'sizes'], ['y'], { mode: 'nearest', axes: [2, 3], keep_aspect_ratio_policy: 'not_larger' });
    },
  },
  {
    name: 'Resize opset 18 sizes not_smaller',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 5, 7]);
      v(g, 'sizes', 'int64', [4], [1, 3, 11, 11]);
      g.node('Resize', ['x', '', '', 'sizes'], ['y'], { mode: 'nearest', keep_aspect_ratio_policy: 'not_smaller' });
    },
  },
  {
    name: 'Upsample opset 9',
    opsets: { '': 9 },
    build: (g) => {
      g.input('x', 'float32', [1, 2, 3, 5]);
      v(g, 'scales', 'float32', [4], [1, 1, 2, 3]);
      g.node('Upsample', ['x', 'scales'], ['y'], { mode: 'nearest' });
    },
  },
  {
    name: 'Upsample opset 7 scales attribute',
    opsets: { '': 7 },
    build: (g) => {
      g.input('x', 'float32', [1, 2, 3, 5]);
      g.node('Upsample', ['x'], ['y'], { mode: 'nearest', scales: { floats: [1, 1, 2, 2] } });
    },
  },
  {
    name: 'Constant node forms (value, value_ints, value_int, value_float, value_floats) feeding shape ops',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4]);
      g.node('Constant', [], ['shape'], { value_ints: [4, -1] });
      g.node('Reshape', ['x', 'shape'], ['y']);
      g.node('Constant', [], ['axis'], { value_int: 1 });
      g.node('Constant', [], ['f'], { value_float: { float: 2 } });
      g.node('Constant', [], ['fs'], { value_floats: { floats: [1, 2, 3, 4] } });
      g.node('Mul', ['x', 'fs'], ['m']);
      g.node('Mul', ['m', 'f'], ['m2']);
      g.node('Gather', ['m2', 'axis'], ['row'], { axis: 0 });
      g.constant('st', 'int64', [1], [0]);
      g.node('Unsqueeze', ['axis', 'st'], ['ax1']);
      g.node('Shape', ['ax1'], ['ax1s']);
    },
  },
  unaryCase('Slice', [5, 6, 7], { starts: [1, -3], ends: [100, -1], axes: [0, 2] }, { '': 9 }),
  {
    name: 'Slice input form, negative/INT_MAX ends, steps',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [5, 6, 7, 8]);
      g.initializer('starts', 'int64', [4], [1n, -1n, 0n, -100n]);
      g.initializer('ends', 'int64', [4], [BIG, -BIG - 1n, -2n, 100n]);
      v(g, 'axes', 'int64', [4], [0, 1, 2, 3]);
      v(g, 'steps', 'int64', [4], [2, -2, 3, 1]);
      g.node('Slice', ['x', 'starts', 'ends', 'axes', 'steps'], ['y']);
    },
  },
  {
    name: 'Slice without axes/steps',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [5, 6]);
      v(g, 'starts', 'int64', [2], [-3, 2]);
      v(g, 'ends', 'int64', [2], [-1, 3]);
      g.node('Slice', ['x', 'starts', 'ends'], ['y']);
    },
  },
  {
    name: 'Split attr',
    opsets: { '': 11 },
    build: (g) => {
      g.input('x', 'float32', [2, 10]);
      g.node('Split', ['x'], ['a', 'b', 'c'], { axis: 1, split: [2, 3, 5] });
    },
  },
  {
    name: 'Split input',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [6, 4]);
      v(g, 'split', 'int64', [2], [4, 2]);
      g.node('Split', ['x', 'split'], ['a', 'b']);
    },
  },
  {
    name: 'Split equal',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [6, 9]);
      g.node('Split', ['x'], ['a', 'b', 'c'], { axis: -1 });
    },
  },
  {
    name: 'Split num_outputs uneven',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [7, 2]);
      g.node('Split', ['x'], ['a', 'b', 'c'], { num_outputs: 3 });
    },
  },
  unaryCase('ReduceMean', [2, 3, 4], { axes: [1], keepdims: 0 }, { '': 13 }),
  unaryCase('ReduceMean', [2, 3, 4], {}, { '': 13 }),
  unaryCase('ReduceMax', [2, 3, 4], { axes: [-1, 0] }, { '': 13 }),
  {
    name: 'ReduceSum axes input',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4]);
      v(g, 'axes', 'int64', [1], [-2]);
      g.node('ReduceSum', ['x', 'axes'], ['y'], { keepdims: 0 });
    },
  },
  {
    name: 'ReduceMax axes input (opset 18), noop_with_empty_axes',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4]);
      v(g, 'axes', 'int64', [1], [2]);
      g.node('ReduceMax', ['x', 'axes'], ['y']);
      g.node('ReduceMean', ['x'], ['y2'], { noop_with_empty_axes: 1 });
      g.node('ReduceSum', ['x'], ['y3'], { keepdims: 0 });
    },
  },
  {
    name: 'Shape start/end, Size, Gather, Cast',
    opsets: { '': 15 },
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4, 5]);
      g.node('Shape', ['x'], ['s'], { start: 1, end: -1 });
      g.node('Shape', ['x'], ['s2'], { start: -2 });
      g.node('Size', ['x'], ['n']);
      v(g, 'i', 'int64', [2, 2], [0, 1, 1, -1]);
      g.node('Gather', ['x', 'i'], ['gx'], { axis: 1 });
      s(g, 'k', 'int64', -1);
      g.node('Gather', ['x', 'k'], ['gs'], { axis: 3 });
      g.node('Cast', ['s'], ['sf'], { to: 1 });
      g.node('Cast', ['x'], ['xi'], { to: 6 });
    },
  },
  {
    name: 'ConstantOfShape, Range, Expand, Tile',
    build: (g) => {
      g.input('x', 'float32', [3, 1]);
      v(g, 'shape', 'int64', [3], [2, 3, 4]);
      g.node('ConstantOfShape', ['shape'], ['c'], { value: { tensor: { dtype: 'int32', dims: [1], values: [7] } } });
      g.node('ConstantOfShape', ['shape'], ['c2']);
      s(g, 'start', 'int64', 2);
      s(g, 'limit', 'int64', 11);
      s(g, 'delta', 'int64', 3);
      g.node('Range', ['start', 'limit', 'delta'], ['r']);
      s(g, 'fs', 'float32', 1);
      s(g, 'fl', 'float32', 0);
      s(g, 'fd', 'float32', -0.25);
      g.node('Range', ['fs', 'fl', 'fd'], ['rf']);
      v(g, 'eshape', 'int64', [3], [2, 1, 5]);
      g.node('Expand', ['x', 'eshape'], ['e']);
      v(g, 'reps', 'int64', [2], [2, 3]);
      g.node('Tile', ['x', 'reps'], ['t']);
    },
  },
  // --- shape sub-graphs as exporters emit them ------------------------------------------------------
  {
    name: 'Reshape fed by Shape→Gather→Unsqueeze→Concat',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 3, 4, 5]);
      g.node('Shape', ['x'], ['s']);
      s(g, 'i0', 'int64', 0);
      g.node('Gather', ['s', 'i0'], ['n'], { axis: 0 });
      v(g, 'ax0', 'int64', [1], [0]);
      g.node('Unsqueeze', ['n', 'ax0'], ['n1']);
      v(g, 'minus1', 'int64', [1], [-1]);
      g.node('Concat', ['n1', 'minus1'], ['shape'], { axis: 0 });
      g.node('Reshape', ['x', 'shape'], ['y']);
    },
  },
  {
    name: 'Reshape fed by Shape→Slice→Mul/Div/Sub/Add→Concat',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 6, 4, 5]);
      g.node('Shape', ['x'], ['s']);
      v(g, 'st', 'int64', [1], [1]);
      v(g, 'en', 'int64', [1], [2]);
      g.node('Slice', ['s', 'st', 'en'], ['c']);
      v(g, 'two', 'int64', [1], [2]);
      g.node('Div', ['c', 'two'], ['half']);
      g.node('Mul', ['half', 'two'], ['again']);
      g.node('Sub', ['again', 'half'], ['h2']);
      g.node('Add', ['h2', 'two'], ['h3']);
      v(g, 'rest', 'int64', [2], [2, -1]);
      g.node('Concat', ['h2', 'rest', 'h3'], ['shape'], { axis: 0 });
      v(g, 'fix', 'int64', [4], [1, 0, 0, 0]);
      g.node('Mul', ['shape', 'fix'], ['dummy']);
      g.node('Reshape', ['x', 'shape'], ['y']);
    },
  },
  {
    name: 'Expand/Reshape fed by Equal→Where and ConstantOfShape (exporter pattern)',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [2, 1, 4]);
      v(g, 'target', 'int64', [3], [2, -1, 4]);
      v(g, 'minus1', 'int64', [3], [-1, -1, -1]);
      g.node('Equal', ['target', 'minus1'], ['isneg']);
      s(g, 'n', 'int64', 3);
      g.node('Unsqueeze', ['n', 'ax0'], ['n1']);
      v(g, 'ax0', 'int64', [1], [0]);
      g.node('ConstantOfShape', ['n1'], ['ones'], { value: { tensor: { dtype: 'int64', dims: [1], values: [1] } } });
      g.node('Where', ['isneg', 'ones', 'target'], ['eshape']);
      g.node('Expand', ['x', 'eshape'], ['y']);
      g.node('Shape', ['y'], ['ys']);
      g.node('Cast', ['ys'], ['ysf'], { to: 1 });
      g.node('Cast', ['ysf'], ['ysi'], { to: 7 });
      g.node('ReduceProd', ['ysi'], ['total'], { keepdims: 1 });
      g.node('Reshape', ['y', 'total'], ['flat']);
      s(g, 'r0', 'int64', 0);
      g.node('Range', ['r0', 'n', 'one'], ['rng']);
      s(g, 'one', 'int64', 1);
      g.node('Reshape', ['flat', 'shape2'], ['z']);
      v(g, 'shape2', 'int64', [2], [4, -1]);
    },
  },
  {
    name: 'NHWC input through Transpose → Conv → Transpose',
    build: (g) => {
      g.input('x', 'float32', [1, 12, 10, 3]);
      g.node('Transpose', ['x'], ['xt'], { perm: [0, 3, 1, 2] });
      w(g, 'w', 'float32', [8, 3, 3, 3]);
      g.node('Conv', ['xt', 'w'], ['c'], { strides: [2, 2], pads: [1, 1, 1, 1] });
      g.node('Transpose', ['c'], ['y'], { perm: [0, 2, 3, 1] });
    },
  },
  // --- quantization ----------------------------------------------------------------------------------
  {
    name: 'QuantizeLinear/DequantizeLinear int8, uint8 default, per-axis',
    opsets: { '': 13 },
    build: (g) => {
      g.input('x', 'float32', [1, 3, 4, 4]);
      s(g, 'sc', 'float32', 0.5);
      s(g, 'zp', 'int8', 0);
      g.node('QuantizeLinear', ['x', 'sc', 'zp'], ['q']);
      g.node('DequantizeLinear', ['q', 'sc', 'zp'], ['dq']);
      g.node('QuantizeLinear', ['x', 'sc'], ['qu']);
      g.node('DequantizeLinear', ['qu', 'sc'], ['dqu']);
      v(g, 'pcs', 'float32', [3], [1, 1, 1]);
      v(g, 'pcz', 'int8', [3], [0, 0, 0]);
      g.node('QuantizeLinear', ['x', 'pcs', 'pcz'], ['qpc'], { axis: 1 });
      g.node('DequantizeLinear', ['qpc', 'pcs', 'pcz'], ['dqpc'], { axis: 1 });
    },
  },
  {
    name: 'QuantizeLinear output_dtype, blocked int4 DequantizeLinear (opset 21)',
    opsets: { '': 21 },
    build: (g) => {
      g.input('x', 'float32', [2, 8]);
      s(g, 'sc', 'float32', 0.5);
      g.node('QuantizeLinear', ['x', 'sc'], ['q'], { output_dtype: 3 });
      w(g, 'wq', 'int4', [4, 8]);
      v(g, 'ws', 'float32', [4, 2], [1, 1, 1, 1, 1, 1, 1, 1]);
      g.node('DequantizeLinear', ['wq', 'ws'], ['wdq'], { axis: 1, block_size: 4 });
      g.node('Transpose', ['wdq'], ['wt']);
      g.node('MatMul', ['x', 'wt'], ['y']);
      w(g, 'h', 'float16', [3]);
      s(g, 'hs', 'float16', 1);
      g.node('QuantizeLinear', ['h', 'hs'], ['hq']);
      g.node('DequantizeLinear', ['hq', 'hs'], ['hdq']);
      w(g, 'u16', 'uint16', [5]);
      s(g, 'zp16', 'uint16', 0);
      g.node('DequantizeLinear', ['u16', 'sc', 'zp16'], ['d16']);
    },
  },
  {
    name: 'DynamicQuantizeLinear, MatMulInteger, ConvInteger',
    build: (g) => {
      g.input('x', 'float32', [1, 3, 8, 8]);
      g.node('DynamicQuantizeLinear', ['x'], ['xq', 'xs', 'xz']);
      w(g, 'w', 'uint8', [4, 3, 3, 3]);
      s(g, 'wz', 'uint8', 0);
      g.node('ConvInteger', ['xq', 'w', 'xz', 'wz'], ['c'], { pads: [1, 1, 1, 1], strides: [2, 2] });
      g.input('a', 'float32', [2, 3, 5]);
      g.node('DynamicQuantizeLinear', ['a'], ['aq', 'as', 'az']);
      w(g, 'b', 'uint8', [5, 4]);
      g.node('MatMulInteger', ['aq', 'b', 'az'], ['m']);
    },
  },
  {
    name: 'QLinearConv, QLinearMatMul',
    build: (g) => {
      g.input('x', 'uint8', [1, 4, 9, 9]);
      s(g, 'sc', 'float32', 1);
      s(g, 'zu', 'uint8', 0);
      s(g, 'zi', 'int8', 0);
      w(g, 'w', 'int8', [6, 2, 3, 3]);
      w(g, 'bias', 'int32', [6]);
      g.node('QLinearConv', ['x', 'sc', 'zu', 'w', 'sc', 'zi', 'sc', 'zu', 'bias'], ['y'], { group: 2, strides: [2, 2], auto_pad: 'SAME_UPPER' });
      g.input('a', 'int8', [3, 2, 5]);
      w(g, 'bm', 'int8', [5, 4]);
      g.node('QLinearMatMul', ['a', 'sc', 'zi', 'bm', 'sc', 'zi', 'sc', 'zi'], ['m']);
    },
  },
  {
    name: 'com.microsoft QLinearAdd/Mul/Sigmoid/LeakyRelu/GlobalAveragePool/AveragePool/Concat, contrib Q/DQ',
    opsets: { '': 13, 'com.microsoft': 1 },
    build: (g) => {
      const ms = { domain: 'com.microsoft' };
      g.input('x', 'float32', [1, 4, 6, 6]);
      s(g, 'sc', 'float32', 1);
      s(g, 'zu', 'uint8', 0);
      g.node('QuantizeLinear', ['x', 'sc', 'zu'], ['q'], {}, ms);
      w(g, 'other', 'uint8', [4, 1, 1]);
      g.node('QLinearAdd', ['q', 'sc', 'zu', 'other', 'sc', 'zu', 'sc', 'zu'], ['add'], {}, ms);
      g.node('QLinearMul', ['add', 'sc', 'zu', 'other', 'sc', 'zu', 'sc', 'zu'], ['mul'], {}, ms);
      g.node('QLinearSigmoid', ['mul', 'sc', 'zu', 'sc', 'zu'], ['sig'], {}, ms);
      g.node('QLinearLeakyRelu', ['sig', 'sc', 'zu', 'sc', 'zu'], ['lr'], { alpha: { float: 0.1 } }, ms);
      g.node('QLinearGlobalAveragePool', ['lr', 'sc', 'zu', 'sc', 'zu'], ['gap'], { channels_last: 0 }, ms);
      g.node('QLinearGlobalAveragePool', ['lr', 'sc', 'zu', 'sc', 'zu'], ['gapl'], { channels_last: 1 }, ms);
      g.node('QLinearAveragePool', ['lr', 'sc', 'zu', 'sc', 'zu'], ['ap'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, ms);
      g.node('QLinearConcat', ['sc', 'zu', 'lr', 'sc', 'zu', 'q', 'sc', 'zu'], ['cat'], { axis: 1 }, ms);
      g.node('DequantizeLinear', ['cat', 'sc', 'zu'], ['dq'], {}, ms);
    },
  },
  // --- less common ONNX ops -------------------------------------------------------------------------
  ...['Round', 'Sign', 'Elu', 'Selu', 'Softplus', 'Softsign', 'Log', 'Reciprocal', 'Sin', 'Cos', 'Celu'].map((op) => unaryCase(op, [2, 5])),
  ...['Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'IsInf', 'ThresholdedRelu'].map((op) => unaryCase(op, [3, 2])),
  unaryCase('LpNormalization', [2, 5], { axis: 0 }),
  unaryCase('MeanVarianceNormalization', [2, 3, 4, 4]),
  ...['ReduceL1', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare', 'ReduceMin'].map((op) => unaryCase(op, [2, 5, 3], { axes: [1] }, { '': 13 })),
  binaryCase('Or', [2, 1], [3], 'bool'),
  binaryCase('GreaterOrEqual', [2, 1], [3]),
  {
    name: 'BitShift',
    build: (g) => {
      g.input('a', 'uint8', [2, 3]);
      g.input('b', 'uint8', [3]);
      g.node('BitShift', ['a', 'b'], ['y'], { direction: 'LEFT' });
    },
  },
  {
    name: 'com.microsoft QLinearSoftmax',
    opsets: { '': 13, 'com.microsoft': 1 },
    build: (g) => {
      g.input('x', 'uint8', [2, 5]);
      s(g, 'sc', 'float32', 1);
      s(g, 'zu', 'uint8', 0);
      g.node('QLinearSoftmax', ['x', 'sc', 'zu', 'sc', 'zu'], ['y'], { axis: -1, opset: 13 }, { domain: 'com.microsoft' });
    },
  },
  unaryCase('Mish', [2, 5], {}, { '': 18 }),
  unaryCase('Gelu', [2, 5], {}, { '': 20 }),
  unaryCase('IsNaN', [2, 5]),
  unaryCase('Hardmax', [2, 5, 3], { axis: 1 }),
  unaryCase('LRN', [1, 6, 4, 4], { size: 3 }),
  unaryCase('ArgMax', [2, 5, 3], { axis: 1, keepdims: 0 }),
  unaryCase('ArgMin', [2, 5, 3], { axis: -1 }),
  unaryCase('ReduceL2', [2, 5, 3], { axes: [0, 2] }, { '': 13 }),
  unaryCase('ReduceProd', [2, 5, 3], { axes: [1], keepdims: 0 }, { '': 13 }),
  unaryCase('DepthToSpace', [1, 8, 3, 4], { blocksize: 2 }),
  unaryCase('SpaceToDepth', [1, 2, 6, 4], { blocksize: 2 }),
  unaryCase('GlobalLpPool', [1, 2, 6, 4]),
  unaryCase('LpPool', [1, 2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2] }, { '': 18 }),
  {
    name: 'Mod fmod (float, zeros give NaN rather than an integer division by zero)',
    build: (g) => {
      g.input('a', 'float32', [2, 3]);
      g.input('b', 'float32', [3]);
      g.node('Mod', ['a', 'b'], ['y'], { fmod: 1 });
    },
  },
  binaryCase('And', [2, 1], [3], 'bool'),
  binaryCase('Xor', [2, 1], [3], 'bool'),
  binaryCase('LessOrEqual', [2, 1], [3]),
  {
    name: 'Sum/Mean variadic, CastLike, CumSum, Trilu, TopK, GatherElements, GatherND, ScatterND',
    opsets: { '': 18 },
    build: (g) => {
      g.input('a', 'float32', [3, 1]);
      g.input('b', 'float32', [4]);
      g.node('Sum', ['a', 'b', 'a'], ['s']);
      g.node('Mean', ['a', 'b'], ['m']);
      g.input('i', 'int32', [2, 2]);
      g.node('CastLike', ['i', 'a'], ['cl']);
      s(g, 'ax', 'int32', 1);
      g.node('CumSum', ['s', 'ax'], ['cs']);
      g.node('Trilu', ['s'], ['tr']);
      v(g, 'k', 'int64', [1], [2]);
      g.node('TopK', ['s', 'k'], ['tv', 'ti'], { axis: 1 });
      w(g, 'gi', 'int64', [2, 4]);
      g.node('GatherElements', ['s', 'gi'], ['ge'], { axis: 0 });
      w(g, 'ndi', 'int64', [5, 1]);
      g.node('GatherND', ['s', 'ndi'], ['gnd']);
      w(g, 'upd', 'float32', [5, 4]);
      g.node('ScatterND', ['s', 'ndi', 'upd'], ['snd']);
      w(g, 'sei', 'int64', [2, 2]);
      w(g, 'seu', 'float32', [2, 2]);
      g.node('ScatterElements', ['s', 'sei', 'seu'], ['se']);
    },
  },
  {
    name: 'InstanceNormalization, LayerNormalization with Mean/InvStdDev, GroupNormalization',
    opsets: { '': 18 },
    build: (g) => {
      g.input('x', 'float32', [2, 4, 3, 5]);
      w(g, 'sc', 'float32', [4]);
      w(g, 'bi', 'float32', [4]);
      g.node('InstanceNormalization', ['x', 'sc', 'bi'], ['in']);
      w(g, 'ls', 'float32', [3, 5]);
      g.node('LayerNormalization', ['x', 'ls'], ['ln', 'mean', 'inv'], { axis: 2 });
      w(g, 'gs', 'float32', [2]);
      g.node('GroupNormalization', ['x', 'gs', 'gs'], ['gn'], { num_groups: 2 });
    },
  },
  {
    name: 'com.microsoft QGemm, FusedConv, FusedMatMul, NhwcMaxPool, GELU variants, MatMulIntegerToFloat, DynamicQuantizeMatMul',
    opsets: { '': 17, 'com.microsoft': 1 },
    build: (g) => {
      const ms = { domain: 'com.microsoft' };
      g.input('a', 'uint8', [3, 5]);
      s(g, 'sc', 'float32', 1);
      s(g, 'zu', 'uint8', 0);
      s(g, 'zi', 'int8', 0);
      w(g, 'b', 'int8', [4, 5]);
      w(g, 'c', 'int32', [4]);
      g.node('QGemm', ['a', 'sc', 'zu', 'b', 'sc', 'zi', 'c'], ['qf'], { transB: 1 }, ms);
      g.node('QGemm', ['a', 'sc', 'zu', 'b', 'sc', 'zi', '', 'sc', 'zu'], ['qq'], { transB: 1 }, ms);
      g.input('x', 'float32', [1, 3, 9, 9]);
      w(g, 'cw', 'float32', [4, 3, 3, 3]);
      g.node('FusedConv', ['x', 'cw'], ['fc'], { activation: 'Relu', strides: [2, 2] }, ms);
      g.input('m', 'float32', [2, 5, 3]);
      g.input('n', 'float32', [2, 4, 5]);
      g.node('FusedMatMul', ['m', 'n'], ['fm'], { transA: 1, transB: 1, alpha: { float: 0.5 } }, ms);
      g.input('h', 'uint8', [1, 9, 8, 3]);
      g.node('NhwcMaxPool', ['h'], ['nm'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, ms);
      g.node('Gelu', ['x'], ['ge'], {}, ms);
      g.node('FastGelu', ['x'], ['fg'], {}, ms);
      w(g, 'gb', 'float32', [9]);
      g.node('BiasGelu', ['x', 'gb'], ['bg'], {}, ms);
      g.node('QuickGelu', ['x'], ['qg'], {}, ms);
      g.input('ia', 'uint8', [2, 3, 5]);
      w(g, 'ib', 'int8', [5, 4]);
      g.node('MatMulIntegerToFloat', ['ia', 'ib', 'sc', 'sc'], ['mf'], {}, ms);
      g.input('fa', 'float32', [2, 3, 5]);
      g.node('DynamicQuantizeMatMul', ['fa', 'ib', 'sc'], ['dqm'], {}, ms);
    },
  },
  // --- symbolic dims ---------------------------------------------------------------------------------
  {
    name: 'symbolic batch dim defaults to 1',
    build: (g) => {
      g.input('x', 'float32', ['batch', 3, 8, 8]);
      w(g, 'w', 'float32', [4, 3, 3, 3]);
      g.node('Conv', ['x', 'w'], ['y']);
      g.node('Flatten', ['y'], ['f']);
    },
  },
  {
    name: 'symbolic dims with --input-shape override',
    opts: { inputShapes: { x: [3, 3, 10, 12] } },
    build: (g) => {
      g.input('x', 'float32', ['N', 3, 'H', 'W']);
      w(g, 'w', 'float32', [4, 3, 3, 3]);
      g.node('Conv', ['x', 'w'], ['y'], { strides: [2, 2] });
      g.node('Shape', ['y'], ['s']);
      g.node('Reshape', ['y', 's'], ['z']);
    },
  },
];

const summary: string[] = [];

describe('per-op shape oracle (onnxruntime-node)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = new OnnxGraphBuilder({ name: 'case', opsets: c.opsets ?? { '': 17 } });
      c.build(g);
      const bytes = g.toBytes();
      const ir = loadModelBytes(bytes, `case:${c.name}`);
      const result = inferShapes(ir, c.opts);
      expect(result.unknownNodes, result.warnings.join('\n')).toEqual([]);
      const report = await runOracle(bytes, result);
      summary.push(`${c.name.padEnd(100)} ${report.compared} tensors, ${report.valuesCompared} values, ${report.mismatches.length} mismatches`);
      expect(report.mismatches).toEqual([]);
      expect(report.untyped).toEqual([]);
      expect(report.compared).toBe(report.exposed);
    });
  }
  afterAll(() => {
    const total = summary.reduce((n, l) => n + Number(/ (\d+) tensors/.exec(l)?.[1] ?? 0), 0);
    const values = summary.reduce((n, l) => n + Number(/ (\d+) values/.exec(l)?.[1] ?? 0), 0);
    console.log(`\nper-op oracle: ${summary.length} models, ${total} tensors (${values} folded values) compared with onnxruntime-node`);
  });
});
