/**
 * inferShapes on the reader's name numbers (graph.nameIds): the types it finds by number are the types the
 * name-keyed path finds, in the same order, and a graph whose names no longer match its numbers (edited or
 * reordered after reading) is inferred by name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { inferShapes, ShapeTypeMap, type ShapeResult } from '../src/analyzer/shapes/infer.ts';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { IRModel, TensorType } from '../src/analyzer/ir.ts';
import { DECLARED_CONSTANT_FILE, declaredConstantBytes } from './helpers/onnx-declared-constant.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';

/** The same model without its name numbers: shape inference keys everything by name. */
function withoutNumbers(m: IRModel): IRModel {
  return { ...m, graph: { ...m.graph, nameIds: undefined } };
}

function plain(t: TensorType): TensorType {
  return t.value === undefined ? { dtype: t.dtype, shape: t.shape } : { dtype: t.dtype, shape: t.shape, value: t.value };
}

/** A result as data: every entry in the types' order, plus the unknown nodes and warnings. */
function asData(r: ShapeResult) {
  return { types: [...r.types].map(([name, t]) => [name, plain(t)]), unknownNodes: r.unknownNodes, warnings: r.warnings };
}

function outcome(fn: () => ShapeResult): unknown {
  try {
    return asData(fn());
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('shapes by name number', () => {
  const files = sharedModels('onnx');
  it.skipIf(files.length === 0)('every shared ONNX model: the same types, order, unknown nodes and warnings as by name', () => {
    for (const f of files) {
      const m = loadModel(f);
      expect(m.graph.nameIds, modelLabel(f)).toBeDefined();
      const byNumber = outcome(() => {
        const r = inferShapes(m);
        expect(r.types, modelLabel(f)).toBeInstanceOf(ShapeTypeMap); // the numbered path ran
        return r;
      });
      expect(byNumber, modelLabel(f)).toEqual(outcome(() => inferShapes(withoutNumbers(m))));
    }
  });

  it.skipIf(files.length === 0)('every shared ONNX model: the same analysis (fusion reads the types by number) as by name', () => {
    for (const f of files) {
      const m = loadModel(f);
      const analysis = (model: IRModel) => {
        try {
          return JSON.stringify(analyzeModel(model));
        } catch (e) {
          return (e as Error).message;
        }
      };
      expect(analysis(m), modelLabel(f)).toBe(analysis(withoutNumbers(m)));
    }
  });

  const chain = () => {
    const g = new OnnxGraphBuilder({ name: 't', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 3, 8, 8]);
    g.initializer('unused', 'float32', [2], new Uint8Array(8));
    g.node('Relu', ['x'], ['y'], {}, { name: 'a' });
    g.node('MaxPool', ['y'], ['z'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'b' });
    g.output('z', 'float32', null);
    return loadModelBytes(g.toBytes(), 'chain.onnx');
  };

  it('a graph edited after reading is inferred on its new names', () => {
    const m = chain();
    m.graph.nodes[0]!.outputs[0] = 'renamed';
    m.graph.nodes[1]!.inputs[0] = 'renamed';
    const r = inferShapes(m);
    expect(r.types).not.toBeInstanceOf(ShapeTypeMap);
    expect(r.types.get('renamed')?.shape).toEqual([1, 3, 8, 8]);
    expect(r.types.has('y')).toBe(false);
    expect(r.types.get('z')?.shape).toEqual([1, 3, 4, 4]);
  });

  it('nodes out of file order (reordered by the graph check) are inferred by name', () => {
    const g = new OnnxGraphBuilder({ name: 't', opsets: { '': 17 } });
    g.input('x', 'float32', [1, 3, 8, 8]);
    g.node('MaxPool', ['y'], ['z'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'b' });
    g.node('Relu', ['x'], ['y'], {}, { name: 'a' });
    g.output('z', 'float32', null);
    const m = loadModelBytes(g.toBytes(), 'reordered.onnx');
    expect(m.graph.nodes.map((n) => n.name)).toEqual(['a', 'b']);
    const r = inferShapes(m);
    expect(r.types).not.toBeInstanceOf(ShapeTypeMap);
    expect(r.types.get('z')?.shape).toEqual([1, 3, 4, 4]);
  });

  it('a Constant node output declared before the other constants (numbers out of graph.tensors order) is inferred by name', () => {
    const m = loadModelBytes(declaredConstantBytes(), DECLARED_CONSTANT_FILE);
    const r = inferShapes(m);
    expect(r.types).not.toBeInstanceOf(ShapeTypeMap);
    expect([...r.types.keys()]).toEqual(['w', 'c2', 'c1', 'x', 'y', 'z']);
    expect(r.types.get('c1')?.value).toEqual([2]);
    expect(r.types.get('c2')?.value).toEqual([3]);
    expect(r.types.get('z')?.shape).toEqual([1, 4]);
  });

  it('the types by number behave as a Map (unread constants included, filled on first use)', () => {
    const r = inferShapes(chain());
    const types = r.types;
    expect(types).toBeInstanceOf(ShapeTypeMap);
    expect(types.size).toBe(4);
    expect([...types.keys()]).toEqual(['unused', 'x', 'y', 'z']);
    expect(types.get('unused')).toMatchObject({ dtype: 'float32', shape: [2] });
    expect((types as ShapeTypeMap).byId.filter((t) => t !== undefined)).toHaveLength(4);
    types.set('extra', { dtype: 'int8', shape: [1] });
    expect(types.get('extra')?.dtype).toBe('int8');
    expect(types.size).toBe(5);
  });

  it('a type set in the Map after inference is what fusion reads (by name, not the stale number)', async () => {
    const { GraphIndex } = await import('../src/analyzer/fuse/graph-index.ts');
    const m = chain();
    const types = inferShapes(m).types;
    expect(types).toBeInstanceOf(ShapeTypeMap);
    expect(new GraphIndex(m.graph, types).typeOf('y')?.shape).toEqual([1, 3, 8, 8]);
    const edited: TensorType = { dtype: 'int8', shape: [1, 3, 6, 6] };
    types.set('y', edited);
    expect(new GraphIndex(m.graph, types).typeOf('y')).toEqual(edited);
    expect(new GraphIndex(m.graph, new Map(types)).typeOf('y')).toEqual(edited); // what the name-keyed path reads
    types.delete('z');
    expect(new GraphIndex(m.graph, types).typeOf('z')).toBeUndefined();
  });
});

// the bytes of a shared model read twice give two models whose numbers are their own
it.skipIf(sharedModels('onnx').length === 0)('each load numbers its own names (a second load does not disturb the first)', () => {
  const f = sharedModels('onnx')[0]!;
  const first = loadModelBytes(readFileSync(f), f);
  const before = asData(inferShapes(first));
  loadModelBytes(readFileSync(sharedModels('onnx').at(-1)!), 'other.onnx');
  expect(asData(inferShapes(first))).toEqual(before);
});
