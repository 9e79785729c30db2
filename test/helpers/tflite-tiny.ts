/**
 * A tiny TFLite writer for tests (the flatc-generated builder API): every tensor, op, buffer and string field
 * can be set, so a test can build a valid model and break one thing in it.
 */
import * as flatbuffers from 'flatbuffers';
import { Buffer } from '../../src/analyzer/tflite/gen/tflite/buffer.ts';
import { BuiltinOperator } from '../../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { Model } from '../../src/analyzer/tflite/gen/tflite/model.ts';
import { Operator } from '../../src/analyzer/tflite/gen/tflite/operator.ts';
import { OperatorCode } from '../../src/analyzer/tflite/gen/tflite/operator-code.ts';
import { SubGraph } from '../../src/analyzer/tflite/gen/tflite/sub-graph.ts';
import { Tensor } from '../../src/analyzer/tflite/gen/tflite/tensor.ts';
import { TensorType } from '../../src/analyzer/tflite/gen/tflite/tensor-type.ts';

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
  /** How many copies of the subgraph (default 1; 0 for a model with none). */
  subgraphs?: number;
  /** The file identifier (default TFL3). */
  identifier?: string;
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
  const subgraphs: number[] = [];
  for (let s = 0; s < (m.subgraphs ?? 1); s++) {
    subgraphs.push(
      SubGraph.createSubGraph(
        b,
        SubGraph.createTensorsVector(b, tensors),
        SubGraph.createInputsVector(b, m.inputs),
        SubGraph.createOutputsVector(b, m.outputs),
        SubGraph.createOperatorsVector(b, ops),
        b.createString(m.subgraphName ?? 'main'),
      ),
    );
  }
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
    Model.createSubgraphsVector(b, subgraphs),
    b.createString(m.description ?? 'edgefit test'),
    Model.createBuffersVector(b, buffers),
    0,
    0,
    0,
  );
  b.finish(model, m.identifier ?? 'TFL3');
  return b.asUint8Array().slice();
}
