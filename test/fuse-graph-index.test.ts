/**
 * GraphIndex's records (fuse/graph-index.ts): a declared tensor that is not a constant is recorded untyped and
 * typed at its first mention, by its number or, when the reader left it unnumbered (−1, GraphNameIds), by name.
 */
import { describe, expect, it } from 'vitest';
import { GraphIndex } from '../src/analyzer/fuse/graph-index.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { inferShapes, ShapeTypeMap } from '../src/analyzer/shapes/infer.ts';

/** x → Relu → y → Relu → z, z a declared graph output (so graph.tensors holds it, untyped by number until met). */
function relus() {
  const g = new OnnxGraphBuilder({ name: 't', opsets: { '': 17 } });
  g.input('x', 'float32', [1, 3, 8, 8]);
  g.node('Relu', ['x'], ['y'], {}, { name: 'r1' });
  g.node('Relu', ['y'], ['z'], {}, { name: 'r2' });
  g.output('z', 'float32', [1, 3, 8, 8]);
  return loadModelBytes(g.toBytes(), 'relus.onnx');
}

describe('GraphIndex records', () => {
  it('a declared graph output is typed by its number', () => {
    const m = relus();
    const types = inferShapes(m).types;
    expect(types).toBeInstanceOf(ShapeTypeMap);
    expect(new GraphIndex(m.graph, types).typeOf('z')).toEqual(types.get('z'));
  });

  it('a declared tensor every mention of which is unnumbered (−1) is typed by name, not left untyped', () => {
    const m = relus();
    const types = inferShapes(m).types;
    const ids = m.graph.nameIds!;
    // the reader's numbers of z, as a reader that did not number it would leave them
    const zOut = ids.outputStart[1]!;
    (ids.outputIds as number[])[zOut] = -1;
    (ids.graphOutputIds as number[])[0] = -1;
    const idx = new GraphIndex(m.graph, types);
    expect(idx.typeOf('z')?.shape).toEqual([1, 3, 8, 8]);
    expect(idx.typeOf('z')).toEqual(types.get('z'));
    expect(idx.isGraphOutput('z')).toBe(true);
    expect(idx.producerIndex('z')).toBe(1);
  });
});
