/**
 * Hand-made TFLite files for tests: one ADD operator over tensors already written into a flatbuffers Builder,
 * finished as subgraph 'main' of a version-3 model ('TFL3').
 */
import type { Builder } from 'flatbuffers';
import { BuiltinOperator } from '../../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { Model } from '../../src/analyzer/tflite/gen/tflite/model.ts';
import { Operator } from '../../src/analyzer/tflite/gen/tflite/operator.ts';
import { OperatorCode } from '../../src/analyzer/tflite/gen/tflite/operator-code.ts';
import { SubGraph } from '../../src/analyzer/tflite/gen/tflite/sub-graph.ts';

export interface AddModelParts {
  /** Tensor table offsets, in tensor-index order. */
  tensors: number[];
  /** The ADD's two input tensor indices and its output index. */
  addInputs: [number, number];
  addOutput: number;
  /** Graph input and output tensor indices. */
  graphInputs: number[];
  graphOutputs: number[];
  /** Buffer table offsets (index 0: the empty buffer). */
  buffers: number[];
}

/** Finishes the model in `b` and returns its bytes (a view of the builder's buffer). */
export function finishAddModel(b: Builder, parts: AddModelParts): Uint8Array {
  const ins = Operator.createInputsVector(b, parts.addInputs);
  const outs = Operator.createOutputsVector(b, [parts.addOutput]);
  Operator.startOperator(b);
  Operator.addOpcodeIndex(b, 0);
  Operator.addInputs(b, ins);
  Operator.addOutputs(b, outs);
  const op = Operator.endOperator(b);
  const sg = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, parts.tensors),
    SubGraph.createInputsVector(b, parts.graphInputs),
    SubGraph.createOutputsVector(b, parts.graphOutputs),
    SubGraph.createOperatorsVector(b, [op]),
    b.createString('main'),
  );
  const model = Model.createModel(
    b,
    3,
    Model.createOperatorCodesVector(b, [OperatorCode.createOperatorCode(b, BuiltinOperator.ADD, 0, 1, BuiltinOperator.ADD)]),
    Model.createSubgraphsVector(b, [sg]),
    0,
    Model.createBuffersVector(b, parts.buffers),
    0,
    0,
    0,
  );
  b.finish(model, 'TFL3');
  return b.asUint8Array();
}
