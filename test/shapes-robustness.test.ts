/**
 * Hostile graphs: every registered ONNX rule fed random input shapes, random small values and random
 * attributes. inferShapes must return, or throw an EdgefitError with a one-line message; never another
 * exception, a hang or a huge allocation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttrValue, IRModel, TensorInfo } from '../src/analyzer/ir.ts';
import type { DType } from '../src/analyzer/dtype.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { registeredOps } from '../src/analyzer/shapes/registry.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';

const ops = [...registeredOps('').map((op) => ['', op] as const), ...registeredOps('com.microsoft').map((op) => ['com.microsoft', op] as const)];

const dims = fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(2 ** 30)), { maxLength: 5 });
const dtype = fc.constantFrom<DType>('float32', 'int64', 'uint8', 'int8', 'bool', 'int32');
const smallInts = fc.array(fc.integer({ min: -5, max: 2 ** 31 }), { maxLength: 6 });
const attrValue: fc.Arbitrary<AttrValue> = fc.oneof(
  fc.integer({ min: -3, max: 5 }),
  fc.constant(1e12),
  fc.double({ noNaN: false }),
  smallInts,
  fc.constantFrom('SAME_UPPER', 'VALID', 'NOTSET', 'bogus', ''),
  fc.array(fc.string(), { maxLength: 2 }),
);
const attrNames = fc.constantFrom(
  'axis', 'axes', 'perm', 'pads', 'strides', 'dilations', 'kernel_shape', 'group', 'auto_pad', 'ceil_mode', 'keepdims',
  'split', 'num_outputs', 'starts', 'ends', 'to', 'transA', 'transB', 'output_shape', 'output_padding', 'blocksize',
  'value', 'scales', 'shape', 'allowzero', 'start', 'end', 'channels_last', 'output_dtype', 'noop_with_empty_axes',
);
const input = fc.record({ dims, dtype, withValue: fc.boolean(), values: smallInts });

function irFor(domain: string, opType: string, ins: { dims: number[]; dtype: DType; withValue: boolean; values: number[] }[], attrs: Record<string, AttrValue>, nOut: number): IRModel {
  const tensors = new Map<string, TensorInfo>();
  const inputs: string[] = [];
  ins.forEach((t, i) => {
    const name = `in${i}`;
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (t.withValue && count <= 8) {
      // a constant: int64 little-endian bytes of the (repeated) values
      const bytes = new Uint8Array(count * 8);
      const view = new DataView(bytes.buffer);
      for (let k = 0; k < count; k++) view.setBigInt64(k * 8, BigInt(t.values[k % Math.max(1, t.values.length)] ?? 0), true);
      tensors.set(name, { name, dtype: 'int64', shape: t.dims, data: { dtype: 'int64', shape: t.dims, bytes } });
    } else {
      tensors.set(name, { name, dtype: t.dtype, shape: t.dims });
      inputs.push(name);
    }
  });
  const outputs = Array.from({ length: nOut }, (_, i) => `out${i}`);
  return {
    format: 'onnx',
    path: 'fuzz.onnx',
    fileBytes: 0,
    opsets: { '': 17, 'com.microsoft': 1 },
    producer: 'fuzz',
    graph: { name: 'g', inputs, outputs, nodes: [{ name: 'n0', opType, domain, inputs: ins.map((_, i) => `in${i}`), outputs, attrs }], tensors },
    warnings: [],
  };
}

const outcomes: Record<string, number> = { typed: 0, partial: 0 };

describe('shape inference on hostile graphs', () => {
  it('every rule returns or throws a one-line EdgefitError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ops),
        fc.array(input, { maxLength: 5 }),
        fc.dictionary(attrNames, attrValue, { maxKeys: 4 }),
        fc.integer({ min: 1, max: 3 }),
        ([domain, op], ins, attrs, nOut) => {
          try {
            const r = inferShapes(irFor(domain, op, ins, attrs, nOut));
            outcomes[r.types.has('out0') ? 'typed' : 'partial']++;
          } catch (e) {
            outcomes[(e as EdgefitError).code ?? 'other'] = (outcomes[(e as EdgefitError).code ?? 'other'] ?? 0) + 1;
            if (!(e instanceof EdgefitError)) throw new Error(`${op}: ${String(e)}`);
            expect(e.message).not.toContain('\n');
            // a rule that crashed (TypeError, RangeError…) rather than explaining the problem is a bug
            if (e.message.includes('shape rule failed')) throw new Error(`${op}: ${e.message}`);
          }
        },
      ),
      { seed: 4242, numRuns: 3000 },
    );
    console.log(`hostile-graph outcomes: ${JSON.stringify(outcomes)}`);
    // the generator must reach the rules' success paths, not only their argument checks
    expect(outcomes.typed).toBeGreaterThan(300);
  });
});
