import { OnnxGraphBuilder } from '../../src/analyzer/onnx/builder.ts';

/**
 * x → Add_0(x, x) → a0 → Add_1(x, a0) → a1 … → Add_{n-1}(x, a_{n-2}) → y: the graph input x has n consumers (one
 * per layer) while at most three buffers are live at one step (x, the Add's input and output), so every planner runs.
 * `shape`: x's dims (default a 4-D image, so a resolution sweep applies).
 */
export function fanOutChain(n: number, shape: number[] = [1, 1, 4, 4]): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', shape);
  let prev = 'x';
  for (let i = 0; i < n; i++) {
    const out = i === n - 1 ? 'y' : `a${i}`;
    b.node('Add', ['x', prev], [out], {}, { name: `Add_${i}` });
    prev = out;
  }
  b.output('y', 'float32', shape);
  return b;
}
