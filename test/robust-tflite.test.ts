/**
 * Hostile TFLite files, each built with the flatc-generated builder (or its bytes edited): indices out of range,
 * a vtable or root offset outside the file, a self loop, a custom op, dims whose product passes 2^53, negative
 * dims, an empty file, and files whose extension lies about their format. Each ends in a result or one
 * EdgefitError line with its code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { BuiltinOperator } from '../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { buildTflite, type TinyTflite } from './robust-files.ts';
import { sharedModels } from './helpers/shared.ts';

/** x → ADD(x, c) → y over `shape`, c a constant of 16 bytes. */
function add(shape: number[], extra: Partial<TinyTflite> = {}): Uint8Array {
  return buildTflite({
    opcodes: [BuiltinOperator.ADD],
    tensors: [{ name: 'x', shape }, { name: 'c', shape, buffer: 1 }, { name: 'y', shape }],
    ops: [{ opcode: 0, inputs: [0, 1], outputs: [2] }],
    inputs: [0],
    outputs: [2],
    buffers: [undefined, new Array(16).fill(0)],
    ...extra,
  });
}

function outcome(bytes: Uint8Array, name: string): string {
  try {
    const a = analyzeModel(loadModelBytes(bytes, name));
    return `ok${a.partial ? '-partial' : ''} ${a.model.format}`;
  } catch (e) {
    if (!(e instanceof EdgefitError)) throw e;
    expect(e.message.split('\n')).toHaveLength(1);
    return `${e.code}: ${e.message}`;
  }
}

describe('hostile TFLite files', () => {
  it('dims whose product passes 2^53 in a constant: DIM_OVERFLOW, not a byte count in floating point', () => {
    expect(outcome(add([2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1]), 'huge.tflite')).toBe(
      "DIM_OVERFLOW: huge.tflite: constant tensor 'c' has dims [2147483647,2147483647,2147483647] whose product overflows 2^53",
    );
  });

  const root = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['a negative dim', () => add([1, -4]), /^DIM_OVERFLOW: m\.tflite: tensor 'x' has a negative dim -4$/],
    ['a buffer index out of range', () => add([1, 4], { tensors: [{ name: 'x', shape: [1, 4] }, { name: 'c', shape: [1, 4], buffer: 99 }, { name: 'y', shape: [1, 4] }] }), /^BAD_MODEL: .*buffer index 99 out of range/],
    ['an opcode index out of range', () => add([1, 4], { ops: [{ opcode: 7, inputs: [0, 1], outputs: [2] }] }), /^BAD_MODEL: .*opcode index 7 out of range/],
    ['an operator reading its own output', () => add([1, 4], { ops: [{ opcode: 0, inputs: [0, 2], outputs: [2] }] }), /^BAD_MODEL: .*cycle through nodes 'ADD_0' → 'ADD_0'/],
    ['the root offset outside the file', () => { const b = add([1, 4]); new DataView(b.buffer).setUint32(0, 0xfffffff0, true); return b; }, /^TRUNCATED: .*reading the root table led outside the file/],
    ['the root table\'s vtable outside the file', () => { const b = add([1, 4]); new DataView(b.buffer).setInt32(root(b), -0x7fffffff, true); return b; }, /^TRUNCATED: .*led outside the file/],
    ['an empty file', () => new Uint8Array(0), /^NOT_A_MODEL: .* is empty/],
    ['a custom op', () => buildTflite({ opcodes: [{ custom: 'MyOp' }], tensors: [{ name: 'x', shape: [1, 4] }, { name: 'y', shape: [1, 4] }], ops: [{ opcode: 0, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] }), /^ok-partial tflite$/],
  ];
  it.each(cases)('%s', (_, make, expected) => {
    expect(outcome(make(), 'm.tflite')).toMatch(expected);
  });

  const onnx = sharedModels('onnx')[0];
  const tflite = sharedModels('tflite')[0];
  it.skipIf(!onnx || !tflite)('a file is read by its content, whatever its extension says', () => {
    expect(outcome(readFileSync(onnx!), 'really-onnx.tflite')).toMatch(/^ok(-partial)? onnx$/);
    expect(outcome(readFileSync(tflite!), 'really-tflite.onnx')).toMatch(/^ok(-partial)? tflite$/);
  });
});
