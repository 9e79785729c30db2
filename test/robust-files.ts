/**
 * Hostile model files for the robust-* tests: strings that try to drive a terminal or fake output lines, and a
 * small TFLite writer (the flatc-generated builder API) whose every string field can be set.
 */
import * as flatbuffers from 'flatbuffers';
import { Buffer } from '../src/analyzer/tflite/gen/tflite/buffer.ts';
import { BuiltinOperator } from '../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { Operator } from '../src/analyzer/tflite/gen/tflite/operator.ts';
import { OperatorCode } from '../src/analyzer/tflite/gen/tflite/operator-code.ts';
import { SubGraph } from '../src/analyzer/tflite/gen/tflite/sub-graph.ts';
import { Tensor } from '../src/analyzer/tflite/gen/tflite/tensor.ts';
import { TensorType } from '../src/analyzer/tflite/gen/tflite/tensor-type.ts';

/**
 * Every kind of character a name must not print raw: clear screen (CSI 2J), a window title (OSC 0 … BEL), an
 * OSC 8 hyperlink, CR, BS, NUL, a C1 CSI, DEL, a line separator, a right-to-left override (U+202E), a
 * right-to-left isolate (U+2067), zero-width space and joiner, BOM — and a newline followed by a fake output line.
 */
export const TERMINAL_ATTACK =
  '\u001b[2J\u001b]0;pwned\u0007\u001b]8;;https://evil.example/\u001b\\link\u001b]8;;\u001b\\\r\b\u0000\u009b31m\u007f\u2028\u202eexe.txt\u2067x\u200b\u200d\ufeff\nFAKE: all targets fit';

/** The characters `TERMINAL_ATTACK` uses that must never reach stdout/stderr raw (newline aside: it is checked by line). */
export const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/;

export interface TinyTflite {
  /** Builtin codes, or `{ custom }` for a custom op. */
  opcodes: (BuiltinOperator | { custom: string })[];
  tensors: { name: string; shape: number[]; type?: TensorType; buffer?: number }[];
  ops: { opcode: number; inputs: number[]; outputs: number[] }[];
  inputs: number[];
  outputs: number[];
  buffers?: (number[] | undefined)[];
  subgraphName?: string;
  description?: string;
}

/** A `.tflite` built with the flatc-generated builder API. */
export function buildTflite(m: TinyTflite): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const tensors = m.tensors.map((t) => {
    const name = b.createString(t.name);
    const shape = Tensor.createShapeVector(b, t.shape);
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, t.type ?? TensorType.FLOAT32);
    Tensor.addBuffer(b, t.buffer ?? 0);
    Tensor.addName(b, name);
    return Tensor.endTensor(b);
  });
  const ops = m.ops.map((o) => {
    const ins = Operator.createInputsVector(b, o.inputs);
    const outs = Operator.createOutputsVector(b, o.outputs);
    Operator.startOperator(b);
    Operator.addOpcodeIndex(b, o.opcode);
    Operator.addInputs(b, ins);
    Operator.addOutputs(b, outs);
    return Operator.endOperator(b);
  });
  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensors),
    SubGraph.createInputsVector(b, m.inputs),
    SubGraph.createOutputsVector(b, m.outputs),
    SubGraph.createOperatorsVector(b, ops),
    b.createString(m.subgraphName ?? 'main'),
  );
  const opcodes = m.opcodes.map((c) =>
    typeof c === 'number'
      ? OperatorCode.createOperatorCode(b, Math.min(c, 127), 0, 1, c)
      : OperatorCode.createOperatorCode(b, BuiltinOperator.CUSTOM, b.createString(c.custom), 1, BuiltinOperator.CUSTOM),
  );
  const buffers = (m.buffers ?? [undefined]).map((d) => Buffer.createBuffer(b, d ? Buffer.createDataVector(b, d) : 0, 0n, 0n));
  const model = Model.createModel(
    b,
    3,
    Model.createOperatorCodesVector(b, opcodes),
    Model.createSubgraphsVector(b, [subgraph]),
    b.createString(m.description ?? 'edgefit test'),
    Model.createBuffersVector(b, buffers),
    0,
    0,
    0,
  );
  b.finish(model, 'TFL3');
  return b.asUint8Array().slice();
}
