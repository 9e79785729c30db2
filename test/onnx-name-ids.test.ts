/**
 * The graph check on name numbers (graph-check.ts validInFileOrder, fed by the ONNX reader's NameIds) must
 * agree with the check on names: the same graph back, or the same error, for valid graphs and for every kind
 * of broken one. Each case is checked both ways on the same read.
 */
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../src/analyzer/graph-check.ts';
import type { IRGraph } from '../src/analyzer/ir.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { readOnnxBytes } from '../src/analyzer/onnx/reader.ts';
import { sharedModels } from './helpers/shared.ts';
import { readFileSync } from 'node:fs';

type Outcome = { order: string[]; same: boolean } | { error: string };

function outcome(check: () => IRGraph, graph: IRGraph): Outcome {
  try {
    const g = check();
    return { order: g.nodes.map((n) => n.name), same: g === graph };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function bothWays(bytes: Uint8Array): { byIds: Outcome; byNames: Outcome } {
  const read = readOnnxBytes(bytes, { path: 'm.onnx' });
  const graph = read.model.graph;
  expect(read.namesPrintable).toBe(true);
  return {
    byIds: outcome(() => checkGraph(graph, 'm.onnx', { namesPrintable: true, ids: read.ids }), graph),
    byNames: outcome(() => checkGraph(graph, 'm.onnx'), graph),
  };
}

/** A chain x → a → b → c with one change made by `edit` (node list given in file order). */
function chain(edit: (b: OnnxGraphBuilder) => void = () => {}, nodes?: [string, string[], string[]][]): Uint8Array {
  const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
  b.input('x', 'float32', [1, 4]);
  b.initializer('w', 'float32', [1, 4], [1, 2, 3, 4]);
  const list = nodes ?? [['n1', ['x', 'w'], ['a']], ['n2', ['a'], ['b']], ['n3', ['b', ''], ['c']]];
  for (const [name, ins, outs] of list) b.node(name === 'n3' ? 'Clip' : name.startsWith('k') ? 'Constant' : 'Add', ins, outs, {}, { name });
  edit(b);
  b.output('c', 'float32', [1, 4]);
  return b.toBytes();
}

const cases: Record<string, Uint8Array> = {
  'valid, in file order': chain(),
  'valid, out of order': chain(undefined, [['n3', ['b', ''], ['c']], ['n1', ['x', 'w'], ['a']], ['n2', ['a'], ['b']]]),
  'dangling input': chain(undefined, [['n1', ['x', 'w'], ['a']], ['n2', ['nowhere'], ['b']], ['n3', ['b', ''], ['c']]]),
  'tensor produced twice': chain(undefined, [['n1', ['x', 'w'], ['a']], ['n2', ['a'], ['a']], ['n3', ['a', ''], ['c']]]),
  'output listed twice by one node': chain(undefined, [['n1', ['x', 'w'], ['a', 'a']], ['n2', ['a'], ['b']], ['n3', ['b', ''], ['c']]]),
  'node produces a graph input': chain(undefined, [['n1', ['x', 'w'], ['x']], ['n2', ['x'], ['b']], ['n3', ['b', ''], ['c']]]),
  'node produces an initializer': chain(undefined, [['n1', ['x', 'w'], ['w']], ['n2', ['w'], ['b']], ['n3', ['b', ''], ['c']]]),
  'node reads its own output': chain(undefined, [['n1', ['x', 'a'], ['a']], ['n2', ['a'], ['b']], ['n3', ['b', ''], ['c']]]),
  cycle: chain(undefined, [['n1', ['x', 'b'], ['a']], ['n2', ['a'], ['b']], ['n3', ['b', ''], ['c']]]),
  'graph output not produced': chain(undefined, [['n1', ['x', 'w'], ['a']], ['n2', ['a'], ['b']]]),
  'graph output is the input': chain((b) => b.output('x', 'float32', [1, 4]), [['n1', ['x', 'w'], ['a']], ['n2', ['a'], ['b']], ['n3', ['b', ''], ['c']]]),
  'a Constant node feeds a node': (() => {
    const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
    b.input('x', 'float32', [1, 4]);
    b.constant('k', 'float32', [1, 4], [1, 2, 3, 4]);
    b.node('Add', ['x', 'k'], ['c'], {}, { name: 'add' });
    b.output('c', 'float32', [1, 4]);
    return b.toBytes();
  })(),
  'a node produces a Constant node output': (() => {
    const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
    b.input('x', 'float32', [1, 4]);
    b.constant('k', 'float32', [1, 4], [1, 2, 3, 4]);
    b.node('Relu', ['x'], ['k'], {}, { name: 'relu' });
    b.node('Add', ['x', 'k'], ['c'], {}, { name: 'add' });
    b.output('c', 'float32', [1, 4]);
    return b.toBytes();
  })(),
  'a sub-graph reads an outer tensor produced later': (() => {
    const body = new OnnxGraphBuilder({ name: 'then' });
    body.node('Identity', ['late'], ['t']);
    body.output('t', 'float32', [1, 4]);
    const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
    b.input('x', 'float32', [1, 4]);
    b.input('cond', 'bool', []);
    b.node('If', ['cond'], ['c'], { then_branch: { graph: body }, else_branch: { graph: body } }, { name: 'if' });
    b.node('Relu', ['x'], ['late'], {}, { name: 'relu' });
    b.output('c', 'float32', [1, 4]);
    return b.toBytes();
  })(),
  'non-ASCII and long names (left unnumbered)': chain(undefined, [['n1', ['x', 'w'], ['é']], ['n2', ['é'], ['b'.repeat(300)]], ['n3', ['b'.repeat(300), ''], ['c']]]),
};

describe('graph check on name numbers agrees with the check on names', () => {
  for (const [what, bytes] of Object.entries(cases)) {
    it(what, () => {
      const { byIds, byNames } = bothWays(bytes);
      expect(byIds).toEqual(byNames);
    });
  }

  it('the cases cover valid graphs, reordered graphs and refusals', () => {
    const outcomes = Object.values(cases).map((b) => bothWays(b).byNames);
    expect(outcomes.filter((o) => 'same' in o && o.same).length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => 'same' in o && !o.same).length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => 'error' in o).length).toBeGreaterThanOrEqual(8);
  });

  it('every shared ONNX model: the same graph both ways', () => {
    const files = sharedModels('onnx');
    for (const file of files) {
      const { byIds, byNames } = bothWays(readFileSync(file));
      expect(byIds, file).toEqual(byNames);
    }
  });
});
