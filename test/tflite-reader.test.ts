/**
 * TFLite reader: what a real ST file maps to in the IR (dtypes, symbolic batch from shape_signature, per-channel
 * quantization axis, decoded builtin options, constants), and buffers stored past the flatbuffer (offset/size,
 * the layout of files above 2 GB) built with the generated builder API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { Buffer } from '../src/analyzer/tflite/gen/tflite/buffer.ts';
import { Tensor } from '../src/analyzer/tflite/gen/tflite/tensor.ts';
import { TensorType } from '../src/analyzer/tflite/gen/tflite/tensor-type.ts';
import { readTflite } from '../src/analyzer/tflite/reader.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { finishAddModel } from './helpers/tflite-add-model.ts';

const EFFNET = 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite';

describe.skipIf(!HAVE_SHARED)('reading a real ST file (EfficientNet LC v1 128, flowers)', () => {
  const path = join(MODELS_DIR, EFFNET);
  const model = HAVE_SHARED ? readTflite(new Uint8Array(readFileSync(path)), { path }) : undefined!;
  const g = HAVE_SHARED ? model.graph : undefined!;

  it('maps the model header and the graph inputs/outputs (§2.4: uint8 [1,128,128,3] in, float [1,5] out)', () => {
    expect(model.format).toBe('tflite');
    expect(model.opsets).toEqual({ tflite: 3 });
    expect(model.producer).toBe('MLIR Converted.');
    expect(g.nodes.length).toBe(239);
    const input = g.tensors.get(g.inputs[0]!)!;
    expect(input.dtype).toBe('uint8');
    expect(input.shape).toEqual(['batch', 128, 128, 3]); // shape_signature −1 → symbolic
    expect(input.quant).toEqual({ scales: [expect.closeTo(1 / 255, 9)], zeroPoints: [0] });
    const output = g.tensors.get(g.outputs[0]!)!;
    expect(output.dtype).toBe('float32');
    expect(output.shape).toEqual(['batch', 5]);
  });

  it('decodes builtin options into attributes (stem CONV_2D: SAME, stride 2, fused ReLU6)', () => {
    const stem = g.nodes.find((n) => n.opType === 'CONV_2D')!;
    expect(stem.domain).toBe('tflite');
    expect(stem.attrs).toMatchObject({ padding: 'SAME', stride_w: 2, stride_h: 2, fused_activation_function: 'RELU6', dilation_w_factor: 1 });
    const dw = g.nodes.find((n) => n.opType === 'DEPTHWISE_CONV_2D')!;
    expect(dw.attrs).toMatchObject({ depth_multiplier: 1, padding: 'SAME' });
    const strided = g.nodes.find((n) => n.opType === 'STRIDED_SLICE')!;
    expect(strided.attrs).toMatchObject({ shrink_axis_mask: 1, begin_mask: 0 });
    const pack = g.nodes.find((n) => n.opType === 'PACK')!;
    expect(pack.attrs).toMatchObject({ values_count: 4, axis: 0 });
  });

  it('keeps per-channel quantization with its axis (conv axis 0, depthwise axis 3) and int32 biases', () => {
    const stem = g.nodes.find((n) => n.opType === 'CONV_2D')!;
    const w = g.tensors.get(stem.inputs[1]!)!;
    expect(w.dtype).toBe('int8');
    expect(w.shape).toEqual([16, 3, 3, 3]);
    expect(w.quant!.scales.length).toBe(16);
    expect(w.quant!.axis).toBe(0);
    expect(w.quant!.zeroPoints.every((z) => z === 0)).toBe(true);
    expect(w.data!.bytes.byteLength).toBe(16 * 27);
    expect(w.data!.origin).toBe('tflite-buffer');
    const bias = g.tensors.get(stem.inputs[2]!)!;
    expect(bias.dtype).toBe('int32');
    expect(bias.data!.bytes.byteLength).toBe(16 * 4);
    const dw = g.nodes.find((n) => n.opType === 'DEPTHWISE_CONV_2D')!;
    expect(g.tensors.get(dw.inputs[1]!)!.quant!.axis).toBe(3);
  });

  it('reads the SE clip bounds as scalar int8 constants (§2.3: 16 MINIMUM + 16 MAXIMUM)', () => {
    const mins = g.nodes.filter((n) => n.opType === 'MINIMUM');
    expect(mins.length).toBe(16);
    const bound = g.tensors.get(mins[0]!.inputs[1]!)!;
    expect(bound.shape).toEqual([]);
    expect(bound.data!.bytes.byteLength).toBe(1);
    expect(bound.dtype).toBe('int8');
  });

  it('constant bytes per tensor equal the figures of ../shared/tflite/README.md (485,472 int8 + 32,020 int32)', () => {
    const bytesOf = (dtype: string) =>
      [...g.tensors.values()].filter((t) => t.data && t.dtype === dtype).reduce((a, t) => a + t.data!.bytes.byteLength, 0);
    expect(bytesOf('int8')).toBe(485472);
    expect(bytesOf('int32')).toBe(32020);
  });
});

describe('buffers stored past the flatbuffer (Buffer.offset / Buffer.size)', () => {
  const MARK = 0x0123456789abn;

  /** x → ADD(x, c) → y with c's 16 bytes appended after the flatbuffer; `sizeBytes` overrides the stored size. */
  function build(sizeBytes = 16n): Uint8Array {
    const b = new flatbuffers.Builder(512);
    const mk = (name: string, bufferIndex: number) => {
      const n = b.createString(name);
      const shape = Tensor.createShapeVector(b, [1, 4]);
      Tensor.startTensor(b);
      Tensor.addShape(b, shape);
      Tensor.addType(b, TensorType.FLOAT32);
      Tensor.addBuffer(b, bufferIndex);
      Tensor.addName(b, n);
      return Tensor.endTensor(b);
    };
    const tensors = [mk('x', 0), mk('c', 1), mk('y', 0)];
    const buffers = [Buffer.createBuffer(b, 0, 0n, 0n), Buffer.createBuffer(b, 0, MARK, sizeBytes)];
    const fb = finishAddModel(b, { tensors, addInputs: [0, 1], addOutput: 2, graphInputs: [0], graphOutputs: [2], buffers });
    // Patch the placeholder offset with the real one (end of the flatbuffer), then append the data.
    const out = new Uint8Array(fb.length + 16);
    out.set(fb);
    const view = new DataView(out.buffer);
    let patched = 0;
    for (let i = 0; i + 8 <= fb.length; i++) {
      if (view.getBigUint64(i, true) === MARK) {
        view.setBigUint64(i, BigInt(fb.length), true);
        patched++;
      }
    }
    expect(patched).toBe(1);
    for (let k = 0; k < 16; k++) out[fb.length + k] = k + 1;
    return out;
  }

  it('reads the constant from the bytes after the flatbuffer', () => {
    const bytes = build();
    const c = readTflite(bytes, { path: 'ext.tflite' }).graph.tensors.get('c')!;
    expect([...c.data!.bytes]).toEqual(Array.from({ length: 16 }, (_, k) => k + 1));
    expect(c.data!.bytes.byteOffset).toBe(bytes.length - 16);
  });

  it('refuses an offset/size that runs past the end of the file', () => {
    try {
      readTflite(build(4096n), { path: 'ext.tflite' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EdgefitError);
      expect((e as EdgefitError).code).toBe('TRUNCATED');
      expect((e as EdgefitError).message).toMatch(/tensor 'c': buffer 1 lies at bytes \d+\.\.\d+, past the end of the \d+-byte file/);
    }
  });

  it('refuses a constant above maxTensorBytes', () => {
    expect(() => readTflite(build(), { path: 'ext.tflite', maxTensorBytes: 8 })).toThrow(/constant tensor 'c' is 16 bytes, above the 8-byte limit/);
  });
});
