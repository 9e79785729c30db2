/**
 * The reader's quantization parameters (scales, zero points, axis) read as whole vectors, against the flatc-generated
 * accessors of the same file (gen/tflite: element by element, int64 zero points as BigInt), on every shared TFLite
 * file, and a hand-made file with zero points the int8 files never hold (negative, above 2³²).
 */
import { readFileSync } from 'node:fs';
import { Builder, ByteBuffer } from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { Buffer } from '../src/analyzer/tflite/gen/tflite/buffer.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { QuantizationParameters } from '../src/analyzer/tflite/gen/tflite/quantization-parameters.ts';
import { Tensor } from '../src/analyzer/tflite/gen/tflite/tensor.ts';
import { TensorType } from '../src/analyzer/tflite/gen/tflite/tensor-type.ts';
import { HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';
import { finishAddModel } from './helpers/tflite-add-model.ts';

/** tensor name → what the generated accessors read, for subgraph 0. */
function generatedQuantization(bytes: Uint8Array): Map<string, { scales: number[]; zeroPoints: number[]; axis?: number }> {
  const sg = Model.getRootAsModel(new ByteBuffer(bytes)).subgraphs(0)!;
  const out = new Map<string, { scales: number[]; zeroPoints: number[]; axis?: number }>();
  for (let i = 0; i < sg.tensorsLength(); i++) {
    const t = sg.tensors(i)!;
    const q = t.quantization();
    if (!q || q.scaleLength() === 0) continue;
    const scales = Array.from({ length: q.scaleLength() }, (_, k) => q.scale(k)!);
    const zeroPoints = Array.from({ length: q.zeroPointLength() }, (_, k) => Number(q.zeroPoint(k)!));
    out.set(t.name()!, { scales, zeroPoints, ...(scales.length > 1 ? { axis: q.quantizedDimension() } : {}) });
  }
  return out;
}

describe('TFLite quantization parameters', () => {
  it.skipIf(!HAVE_SHARED)('every quantized tensor of every shared TFLite file: the reader equals the generated accessors', () => {
    let tensors = 0;
    let perChannel = 0;
    for (const file of sharedModels('tflite')) {
      const bytes = readFileSync(file);
      const expected = generatedQuantization(bytes);
      const ir = loadModelBytes(bytes, file);
      for (const [name, q] of expected) {
        const got = ir.graph.tensors.get(name)?.quant;
        expect(got, `${modelLabel(file)} ${name}`).toBeDefined();
        expect({ scales: got!.scales, zeroPoints: got!.zeroPoints, ...(got!.axis !== undefined ? { axis: got!.axis } : {}) }, `${modelLabel(file)} ${name}`).toEqual(q);
        tensors++;
        if (q.scales.length > 1) perChannel++;
      }
    }
    expect(tensors).toBeGreaterThan(1000);
    expect(perChannel).toBeGreaterThan(100);
  });

  it('zero points outside int8: negative, and above 2³² (int64 in the schema), read exactly', () => {
    const zeroPoints = [-128n, 0n, 127n, -1n, 4294967296n * 3n + 5n, -(4294967296n * 2n) - 7n];
    const file = buildOneTensorModel(zeroPoints);
    const expected = generatedQuantization(file);
    const ir = loadModelBytes(file, 'hand-made.tflite');
    const got = ir.graph.tensors.get('t')!.quant!;
    expect(got.zeroPoints).toEqual(zeroPoints.map(Number));
    expect(got.zeroPoints).toEqual(expected.get('t')!.zeroPoints);
    expect(got.scales).toEqual(expected.get('t')!.scales);
    expect(got.axis).toBe(3);
  });
});

/** A TFLite model t → ADD(t, t) → y, int8 [1, 2, 2, 6], t per-channel quantized on axis 3 with these zero points. */
function buildOneTensorModel(zeroPoints: bigint[]): Uint8Array {
  const b = new Builder(256);
  const scales = QuantizationParameters.createScaleVector(b, zeroPoints.map((_, k) => 0.5 + k / 8));
  const zps = QuantizationParameters.createZeroPointVector(b, zeroPoints);
  QuantizationParameters.startQuantizationParameters(b);
  QuantizationParameters.addScale(b, scales);
  QuantizationParameters.addZeroPoint(b, zps);
  QuantizationParameters.addQuantizedDimension(b, 3);
  const quant = QuantizationParameters.endQuantizationParameters(b);
  return finishModel(b, quant);
}

function finishModel(b: Builder, quant: number): Uint8Array {
  const mk = (name: string, q?: number) => {
    const n = b.createString(name);
    const shape = Tensor.createShapeVector(b, [1, 2, 2, 6]);
    Tensor.startTensor(b);
    Tensor.addShape(b, shape);
    Tensor.addType(b, TensorType.INT8);
    Tensor.addBuffer(b, 0);
    Tensor.addName(b, n);
    if (q !== undefined) Tensor.addQuantization(b, q);
    return Tensor.endTensor(b);
  };
  const tensors = [mk('t', quant), mk('y')];
  return finishAddModel(b, { tensors, addInputs: [0, 0], addOutput: 1, graphInputs: [0], graphOutputs: [1], buffers: [Buffer.createBuffer(b, 0, 0n, 0n)] });
}
