/**
 * inferShapes behaviour beyond individual rules: unknown ops (partial, never a throw), declared-shape
 * fallback, input overrides and their errors, overflow guards, folded constants, rule coverage.
 */
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { inferShapes, type ShapeOptions } from '../src/analyzer/shapes/infer.ts';
import { registeredOps } from '../src/analyzer/shapes/registry.ts';
import { registerOnce } from '../src/analyzer/shapes/rule-helpers.ts';
import { EdgefitError, type ErrorCode } from '../src/analyzer/errors.ts';
import { runOracle } from './shapes-oracle-helpers.ts';
import type { IRModel } from '../src/analyzer/ir.ts';

function model(build: (g: OnnxGraphBuilder) => void, opsets: Record<string, number> = { '': 17 }) {
  const g = new OnnxGraphBuilder({ name: 't', opsets });
  build(g);
  const bytes = g.toBytes();
  return { bytes, ir: loadModelBytes(bytes, 'test.onnx') };
}

function expectError(fn: () => unknown, code: ErrorCode, ...fragments: string[]): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(EdgefitError);
  const e = err as EdgefitError;
  expect(e.code).toBe(code);
  expect(e.message).not.toContain('\n');
  for (const f of fragments) expect(e.message).toContain(f);
}

const convModel = (dims: (number | string)[]) =>
  model((g) => {
    g.input('x', 'float32', dims);
    g.initializer('w', 'float32', [4, 3, 3, 3], new Uint8Array(4 * 27 * 4));
    g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv0' });
    g.output('y', 'float32', null);
  });

describe('unknown operators', () => {
  it('use declared value_info shapes, are listed, and downstream nodes continue', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1, 8]);
      g.node('MyOp', ['x'], ['y'], {}, { name: 'custom', domain: 'com.example' });
      g.valueInfo('y', 'float32', [1, 4]);
      g.node('Relu', ['y'], ['z'], {}, { name: 'relu' });
    });
    const r = inferShapes(ir);
    expect(r.unknownNodes).toEqual(['custom']);
    expect(r.types.get('y')).toEqual({ dtype: 'float32', shape: [1, 4] });
    expect(r.types.get('z')?.shape).toEqual([1, 4]);
    expect(r.warnings.join('\n')).toMatch(/custom.*com\.example:MyOp.*no shape rule.*declared/);
  });

  it('without declared shapes leave outputs untyped and make every downstream node unknown (partial), never throw', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1, 8]);
      g.node('MyOp', ['x'], ['y'], {}, { name: 'custom', domain: 'com.example' });
      g.node('Relu', ['y'], ['z'], {}, { name: 'relu' });
      g.node('Add', ['z', 'x'], ['s'], {}, { name: 'add' });
      g.node('Relu', ['x'], ['ok'], {}, { name: 'independent' });
    });
    const r = inferShapes(ir);
    expect(r.unknownNodes).toEqual(['custom', 'relu', 'add']);
    expect(r.types.has('y')).toBe(false);
    expect(r.types.has('s')).toBe(false);
    expect(r.types.get('ok')?.shape).toEqual([1, 8]);
    expect(r.warnings.some((w) => w.includes("node 'relu'") && w.includes("'y'") && w.includes('partial'))).toBe(true);
  });

  it('a shape only known at run time (Reshape fed by data) is partial, not an error', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [2, 3]);
      g.input('t', 'int64', [2]);
      g.node('Reshape', ['x', 't'], ['y'], {}, { name: 'dyn' });
      g.node('NonZero', ['x'], ['nz'], {}, { name: 'nz' });
    });
    const r = inferShapes(ir);
    expect(r.unknownNodes).toEqual(['dyn', 'nz']);
    expect(r.warnings[0]).toBe("node 'dyn' (Reshape): target shape (input 1 't') is only known at run time; outputs unknown (partial)");
  });
});

describe('forms the rules do not model', () => {
  it('a Constant holding a sparse tensor is partial, not an error', () => {
    const ir: IRModel = {
      format: 'onnx',
      path: 'mem.onnx',
      fileBytes: 0,
      opsets: { '': 17 },
      producer: 'test',
      graph: {
        name: 'g',
        inputs: [],
        outputs: ['c'],
        nodes: [{ name: 'sparse', opType: 'Constant', domain: '', inputs: [], outputs: ['c'], attrs: {} }],
        tensors: new Map(),
      },
      warnings: [],
    };
    const r = inferShapes(ir);
    expect(r.unknownNodes).toEqual(['sparse']);
    expect(r.warnings[0]).toMatch(/sparse_value.*not supported/);
  });
});

describe('input shapes', () => {
  it('symbolic dims default to 1, or to defaultDim, with a warning naming them', () => {
    const { ir } = convModel(['batch', 3, 'H', 16]);
    const r = inferShapes(ir);
    expect(r.types.get('x')?.shape).toEqual([1, 3, 1, 16]);
    expect(r.warnings[0]).toMatch(/'batch', 'H' set to 1/);
    expect(inferShapes(ir, { defaultDim: 8 }).types.get('y')?.shape).toEqual([8, 4, 8, 16]);
  });

  it('--input-shape overrides any input, also static dims', () => {
    const { ir } = convModel(['N', 3, 32, 32]);
    const r = inferShapes(ir, { inputShapes: { x: [2, 3, 20, 24] } });
    expect(r.types.get('y')?.shape).toEqual([2, 4, 20, 24]);
    expect(r.warnings).toEqual([]);
  });

  const bad: [string, ShapeOptions, ErrorCode, string[]][] = [
    ['unknown input name', { inputShapes: { images: [1, 3, 8, 8] } }, 'USAGE', ["'images'", 'inputs: x']],
    ['rank mismatch', { inputShapes: { x: [1, 3, 8] } }, 'USAGE', ['rank 3', 'rank 4']],
    ['zero dim', { inputShapes: { x: [1, 3, 0, 8] } }, 'USAGE', ['positive']],
    ['overflowing product', { inputShapes: { x: [1024, 3, 2 ** 20, 2 ** 20] } }, 'DIM_OVERFLOW', ["'x'", '2^40']],
  ];
  for (const [name, opts, code, fragments] of bad) {
    it(`bad override: ${name} → ${code}`, () => expectError(() => inferShapes(convModel(['N', 3, 8, 8]).ir, opts), code, ...fragments));
  }

  it("an input named like an Object.prototype member ('constructor', 'toString') takes its declared shape", () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const { ir } = model((g) => {
        g.input(name, 'float32', [1, 3, 'H']);
        g.node('Relu', [name], ['y'], {}, { name: 'relu' });
        g.output('y', 'float32', null);
      });
      // with and without overrides for other inputs: neither reads the prototype as an override
      expect(inferShapes(ir).types.get('y')?.shape).toEqual([1, 3, 1]);
      expect(inferShapes(ir, { inputShapes: {} }).types.get('y')?.shape).toEqual([1, 3, 1]);
    }
  });

  it('shape disagreements caused by defaulted dims say so and how to fix them', () => {
    const { ir } = model((g) => {
      g.input('a', 'float32', [1, 'C', 4]);
      g.initializer('b', 'float32', [1, 5, 4], new Uint8Array(80));
      g.node('Concat', ['a', 'b'], ['y'], { axis: 2 }, { name: 'cat' });
    });
    expectError(() => inferShapes(ir), 'BAD_SHAPE', "node 'cat' (Concat)", '--input-shape a=1x<C>x4');
  });
});

describe('overflow and invalid dims from operators', () => {
  it('an Expand to 2^42 elements is DIM_OVERFLOW naming node and tensor', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1]);
      g.initializer('shape', 'int64', [2], [2 ** 21, 2 ** 21]);
      g.node('Expand', ['x', 'shape'], ['huge'], {}, { name: 'blowup' });
    });
    expectError(() => inferShapes(ir), 'DIM_OVERFLOW', "node 'blowup'", "'huge'", '2^40');
  });

  it('a negative dim (Tile with negative repeats) is DIM_OVERFLOW', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [2, 3]);
      g.initializer('reps', 'int64', [2], [1, -2]);
      g.node('Tile', ['x', 'reps'], ['t'], {}, { name: 'tile' });
    });
    expectError(() => inferShapes(ir), 'DIM_OVERFLOW', "node 'tile'", "'t'", '-6');
  });

  it('a NaN dim (Resize with NaN scale) is DIM_OVERFLOW', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1, 1, 4, 4]);
      g.initializer('scales', 'float32', [4], [1, 1, NaN, 2]);
      g.node('Resize', ['x', '', 'scales'], ['r'], {}, { name: 'rs' });
    });
    expectError(() => inferShapes(ir), 'DIM_OVERFLOW', "node 'rs'", 'NaN');
  });

  it('inconsistent operands are BAD_SHAPE naming the node', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1, 5, 8, 8]);
      g.initializer('w', 'float32', [4, 3, 3, 3], new Uint8Array(4 * 27 * 4));
      g.node('Conv', ['x', 'w'], ['y'], {}, { name: 'conv_bad' });
    });
    expectError(() => inferShapes(ir), 'BAD_SHAPE', "node 'conv_bad' (Conv)", 'input channels 5');
  });

  it('a group that is not a positive divisor of the channels is BAD_SHAPE (ConvTranspose group 0 gave NaN MACs: fuzz seed 43 case 3767)', () => {
    for (const [op, group, wShape] of [['ConvTranspose', 0, [4, 3, 3, 3]], ['ConvTranspose', 3, [4, 1, 3, 3]], ['Conv', 0, [4, 4, 3, 3]], ['Conv', -1, [4, 4, 3, 3]]] as const) {
      const { ir } = model((g) => {
        g.input('x', 'float32', [1, 4, 8, 8]);
        g.initializer('w', 'float32', [...wShape], new Uint8Array(wShape.reduce<number>((a, b) => a * b, 1) * 4));
        g.node(op, ['x', 'w'], ['y'], { group }, { name: 'g_bad' });
      });
      expectError(() => inferShapes(ir), 'BAD_SHAPE', `node 'g_bad' (${op})`, `group ${group}`);
    }
  });
});

describe('constants', () => {
  it('small constants carry their decoded value, large ones do not', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1]);
      g.initializer('small', 'int64', [3], [1, -1, 7]);
      g.initializer('big', 'float32', [100], new Uint8Array(400));
      g.constant('c', 'int32', [2], [4, 5]);
      g.node('Identity', ['x'], ['y']);
    });
    const r = inferShapes(ir);
    // fields read one by one: an ONNX constant's value is decoded when first read (a getter, not an own field)
    const fields = (name: string) => {
      const t = r.types.get(name);
      return { dtype: t?.dtype, shape: t?.shape, value: t?.value };
    };
    expect(fields('small')).toEqual({ dtype: 'int64', shape: [3], value: [1, -1, 7] });
    expect(fields('big')).toEqual({ dtype: 'float32', shape: [100], value: undefined });
    expect(fields('c')).toEqual({ dtype: 'int32', shape: [2], value: [4, 5] });
  });
  it('a value read twice is the same array (decoded once)', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1]);
      g.initializer('small', 'int64', [2], [3, 4]);
      g.node('Identity', ['x'], ['y']);
    });
    const t = inferShapes(ir).types.get('small')!;
    expect(t.value).toEqual([3, 4]);
    expect(t.value).toBe(t.value);
  });
  it('a constant whose bytes are too short is refused during inference, not when its value is read', () => {
    const { ir } = model((g) => {
      g.input('x', 'float32', [1]);
      g.initializer('small', 'int64', [2], [3, 4]);
      g.node('Identity', ['x'], ['y']);
    });
    ir.graph.tensors.get('small')!.data!.bytes = new Uint8Array(8);
    expectError(() => inferShapes(ir), 'BAD_MODEL', 'needs 16 bytes but holds 8');
  });
});

describe('rule coverage', () => {
  it('every operator of issue 3 has exactly one rule in the table', () => {
    const onnxOps = [
      'Conv', 'ConvTranspose', 'Gemm', 'MatMul', 'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Pow', 'Equal', 'Less', 'Greater', 'Where',
      'Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'LeakyRelu', 'PRelu', 'Tanh', 'Softmax', 'LogSoftmax', 'BatchNormalization',
      'GlobalAveragePool', 'GlobalMaxPool', 'AveragePool', 'MaxPool', 'Concat', 'Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze',
      'Pad', 'Resize', 'Upsample', 'Slice', 'Split', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'Identity', 'Dropout', 'Constant', 'Shape',
      'Gather', 'Cast', 'ConstantOfShape', 'Range', 'Expand', 'Tile', 'Size', 'Erf', 'Sqrt', 'Exp', 'Neg', 'Abs', 'Floor', 'Ceil', 'Not',
      'QuantizeLinear', 'DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger', 'DynamicQuantizeLinear',
    ];
    const have = new Set(registeredOps(''));
    expect(onnxOps.filter((op) => !have.has(op))).toEqual([]);
    const ms = new Set(registeredOps('com.microsoft'));
    for (const op of ['QuantizeLinear', 'DequantizeLinear', 'QLinearAdd', 'QLinearMul', 'QLinearGlobalAveragePool', 'QLinearSigmoid']) {
      expect(ms.has(op), op).toBe(true);
    }
  });
});

describe('one entry per op type', () => {
  it('registering a second rule for an op type is refused', () => {
    expect(() => registerOnce('', { Conv: () => [] })).toThrow(/Conv registered twice/);
    expect(() => registerOnce('com.microsoft', { QLinearAdd: () => [] })).toThrow(/registered twice/);
  });
});

describe('the oracle itself', () => {
  it('reports a mismatch when our inferred shape is wrong (so a green oracle means something)', async () => {
    const { bytes, ir } = model((g) => {
      g.input('x', 'float32', [1, 3, 8, 8]);
      g.node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] });
      g.node('Relu', ['y'], ['z']);
    });
    const r = inferShapes(ir);
    expect((await runOracle(bytes, r)).mismatches).toEqual([]);
    r.types.set('y', { dtype: 'float32', shape: [1, 3, 5, 4] });
    r.types.set('z', { dtype: 'int8', shape: [1, 3, 4, 4] });
    const report = await runOracle(bytes, r);
    expect(report.mismatches).toHaveLength(2);
    expect(report.mismatches[0]).toContain('ORT float32[1,3,4,4]');
  });
});

describe('pooling kernel_shape', () => {
  const pool = (op: string, kernel: number[]) =>
    model((g) => {
      g.input('x', 'float32', [1, 3, 24, 24]);
      g.node(op, ['x'], ['y'], { kernel_shape: kernel }, { name: 'pool0' });
      g.output('y', 'float32', null);
    }).ir;

  it('a non-positive size is refused by the shape rule itself (BAD_SHAPE naming the node)', () => {
    for (const op of ['MaxPool', 'AveragePool', 'LpPool']) {
      for (const kernel of [[-2, 2], [0, 3], [2, -1]]) {
        expectError(() => inferShapes(pool(op, kernel)), 'BAD_SHAPE', `node 'pool0' (${op})`, `kernel_shape [${kernel.join(', ')}] is not a list of positive sizes`);
      }
    }
  });

  it('a positive one still infers (24 → 12 with a 2×2 kernel, stride 2)', () => {
    const ir = model((g) => {
      g.input('x', 'float32', [1, 3, 24, 24]);
      g.node('MaxPool', ['x'], ['y'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'pool0' });
      g.output('y', 'float32', null);
    }).ir;
    expect(inferShapes(ir).types.get('y')?.shape).toEqual([1, 3, 12, 12]);
  });
});
