/**
 * An ONNX file whose Constant node output 'c2' is declared earlier (in value_info) than the Constant that makes
 * it, next to an undeclared Constant 'c1': z = x * c1 + c2, with c1 = [2] and c2 = [3], and an unused
 * initializer 'w'. The reader's tensor order and the shape inference's name numbers both meet this case.
 */
import { OnnxGraphBuilder } from '../../src/analyzer/onnx/builder.ts';

export const DECLARED_CONSTANT_FILE = 'declared-constant.onnx';

/** The bytes of the file described above. */
export function declaredConstantBytes(): Uint8Array {
  const g = new OnnxGraphBuilder({ name: 't', opsets: { '': 17 } });
  g.input('x', 'float32', [1, 4]);
  g.initializer('w', 'float32', [4], new Float32Array(4));
  g.valueInfo('c2', 'float32', [1]);
  g.constant('c1', 'float32', [1], new Float32Array([2]));
  g.constant('c2', 'float32', [1], new Float32Array([3]));
  g.node('Mul', ['x', 'c1'], ['y'], {}, { name: 'mul' });
  g.node('Add', ['y', 'c2'], ['z'], {}, { name: 'add' });
  g.output('z', 'float32', null);
  return g.toBytes();
}
