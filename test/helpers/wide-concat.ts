import { OnnxGraphBuilder } from '../../src/analyzer/onnx/builder.ts';

/**
 * x → Relu_i (n of them) → Concat(Relu_0 … Relu_{n-1}, with `repeat` of them named twice) → y: at the last Relu, x and
 * the n Relu outputs are live (n + 1 buffers).
 */
export function wideConcat(n: number, repeat = 0): OnnxGraphBuilder {
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', [1, 4]);
  const ins: string[] = [];
  for (let i = 0; i < n; i++) {
    b.node('Relu', ['x'], [`r${i}`], {}, { name: `Relu_${i}` });
    ins.push(`r${i}`);
  }
  for (let i = 0; i < repeat; i++) ins.push(`r${(i * 7) % n}`);
  b.node('Concat', ins, ['y'], { axis: 1 }, { name: 'cat' });
  b.output('y', 'float32', [1, 4 * ins.length]);
  return b;
}
