/**
 * Limits and malformed dims say the same thing whichever reader met them: a negative dim is DIM_OVERFLOW in ONNX and
 * TFLite alike (was BAD_MODEL in TFLite), and a valid file nested past the sub-graph cap is refused as above a limit
 * (LIMIT, naming the cap) by one line whether the decoder or the converter stopped it (the decoder called it "a
 * damaged ONNX file"); a TFLite option vector past its cap names the cap.
 */
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { BuiltinOperator } from '../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { BuiltinOptions } from '../src/analyzer/tflite/gen/tflite/builtin-options.ts';
import { Operator } from '../src/analyzer/tflite/gen/tflite/operator.ts';
import { ReshapeOptions } from '../src/analyzer/tflite/gen/tflite/reshape-options.ts';
import { decodeBuiltinOptions } from '../src/analyzer/tflite/options.ts';
import { nestedIfModel } from './helpers/nested-if-model.ts';
import { refusal } from './helpers/refusal.ts';
import { buildTflite } from './robust-files.ts';

describe('a negative dim', () => {
  it('is DIM_OVERFLOW with the same words in both formats', () => {
    const tflite = buildTflite({
      opcodes: [BuiltinOperator.RELU],
      tensors: [{ name: 'x', shape: [1, -4] }, { name: 'y', shape: [1, 4] }],
      ops: [{ opcode: 0, inputs: [0], outputs: [1] }],
      inputs: [0],
      outputs: [1],
    });
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', [1, -4]);
    b.node('Relu', ['x'], ['y']);
    b.output('y', 'float32', [1, 4]);
    const fromTflite = refusal(() => loadModelBytes(tflite, 'm.tflite'));
    const fromOnnx = refusal(() => loadModelBytes(b.toBytes(), 'm.onnx'));
    expect([fromTflite.code, fromOnnx.code]).toEqual(['DIM_OVERFLOW', 'DIM_OVERFLOW']);
    expect(fromTflite.message).toBe("m.tflite: tensor 'x' has a negative dim -4");
    expect(fromOnnx.message).toBe("m.onnx: graph input 'x' has a negative dim -4");
  });

  it('TFLite -1 still means "not known" (a batch or symbolic dim), not a refusal', () => {
    const tflite = buildTflite({
      opcodes: [BuiltinOperator.RELU],
      tensors: [{ name: 'x', shape: [-1, 4] }, { name: 'y', shape: [-1, 4] }],
      ops: [{ opcode: 0, inputs: [0], outputs: [1] }],
      inputs: [0],
      outputs: [1],
    });
    expect(loadModelBytes(tflite, 'm.tflite').graph.tensors.get('x')?.shape).toEqual(['batch', 4]);
  });
});

describe('sub-graphs nested past the cap', () => {
  const line = (path: string) => `${path}: sub-graphs (If/Loop/Scan bodies) nested more than 64 deep; edgefit reads at most 64 levels (a fixed limit: real models nest a few)`;

  it('70 deep (stopped while converting) and 300 deep (stopped while decoding) give the same LIMIT line, not "damaged"', () => {
    for (const depth of [70, 300]) {
      const e = refusal(() => loadModelBytes(nestedIfModel(depth), 'deep.onnx'));
      expect(e.code, `${depth}`).toBe('LIMIT');
      expect(e.message).toBe(line('deep.onnx'));
    }
  });

  it('63 deep loads', () => {
    expect(loadModelBytes(nestedIfModel(63), 'ok.onnx').graph.nodes).toHaveLength(1);
  });
});

describe('a TFLite option vector past the cap', () => {
  it('names the cap (4,096) rather than only the count', () => {
    const b = new flatbuffers.Builder(1024);
    const shape = ReshapeOptions.createNewShapeVector(b, new Array(5000).fill(1));
    const options = ReshapeOptions.createReshapeOptions(b, shape);
    Operator.startOperator(b);
    Operator.addBuiltinOptionsType(b, BuiltinOptions.ReshapeOptions);
    Operator.addBuiltinOptions(b, options);
    b.finish(Operator.endOperator(b));
    const op = Operator.getRootAsOperator(new flatbuffers.ByteBuffer(b.asUint8Array()));
    expect(() => decodeBuiltinOptions(op)).toThrow(/^option new_shape has 5000 elements, more than the 4,096 edgefit reads in one option/);
  });
});
