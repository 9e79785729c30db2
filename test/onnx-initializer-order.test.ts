/**
 * What goes wrong with initializers reads as if they were converted after the whole file was decoded: a
 * damaged message later in the file is reported before a bad initializer, a nameless initializer's message
 * names the graph even when the name comes after it, and the warnings keep their order. A guard for any
 * reader that converts initializers while decoding (tried for speed: it must keep all of this). Models are
 * written field by field here, in an order the builder does not use.
 */
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** A length-delimited field. */
function field(num: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...Buffer.from(body)] : body;
  return [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
}

function varintField(num: number, v: number): number[] {
  return [...varint(num << 3), ...varint(v)];
}

/** TensorProto: dims, data_type, then name (when given) and raw_data. */
function tensor(opts: { name?: string; dims: number[]; dataType: number; raw?: number[]; strings?: string[] }): number[] {
  const out = [...opts.dims.flatMap((d) => varintField(1, d)), ...varintField(2, opts.dataType)];
  for (const s of opts.strings ?? []) out.push(...field(6, s));
  if (opts.name !== undefined) out.push(...field(8, opts.name));
  if (opts.raw) out.push(...field(9, opts.raw));
  return out;
}

/** ValueInfoProto for a float32 tensor of shape [1]. */
function valueInfo(name: string): number[] {
  const shape = field(1, varintField(1, 1));
  return [...field(1, name), ...field(2, field(1, [...varintField(1, 1), ...field(2, shape)]))];
}

/** x → Identity → y. */
const IDENTITY_NODE = [...field(1, 'x'), ...field(2, 'y'), ...field(3, 'id'), ...field(4, 'Identity')];
const IO = [...field(11, valueInfo('x')), ...field(12, valueInfo('y'))];

function model(graph: number[], opset = true): Uint8Array {
  const opsetImport = opset ? field(8, varintField(2, 13)) : [];
  return Uint8Array.from([...varintField(1, 8), ...opsetImport, ...field(7, graph)]);
}

function errorOf(bytes: Uint8Array): EdgefitError {
  try {
    loadModelBytes(bytes, 'order.onnx');
  } catch (e) {
    if (e instanceof EdgefitError) return e;
    throw e;
  }
  throw new Error('the model loaded');
}

describe('initializer errors and warnings read as after decoding', () => {
  it('the model reads at all when written this way', () => {
    const w = tensor({ name: 'w', dims: [1], dataType: 1, raw: [0, 0, 128, 63] });
    const read = loadModelBytes(model([...field(1, IDENTITY_NODE), ...field(5, w), ...IO]), 'order.onnx');
    expect(read.graph.tensors.get('w')?.data?.shape).toEqual([1]);
    expect([...read.graph.tensors.get('w')!.data!.bytes]).toEqual([0, 0, 128, 63]);
  });

  it('a damaged node after a bad initializer: the damage is reported', () => {
    const short = tensor({ name: 'w', dims: [2], dataType: 1, raw: [0, 0, 0, 0] }); // 4 bytes, dims need 8
    const damagedNode = [...varint((1 << 3) | 2), 50, 0x78]; // an input 50 bytes long, in a 3-byte node
    const e = errorOf(model([...field(5, short), ...field(1, damagedNode), ...IO]));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/damaged ONNX file/);
    expect(e.message).not.toMatch(/raw data/);
  });

  it('the first bad initializer is the one reported, not a later one', () => {
    const short = tensor({ name: 'a', dims: [2], dataType: 1, raw: [0, 0, 0, 0] });
    const nameless = tensor({ dims: [1], dataType: 1, raw: [0, 0, 0, 0] });
    const e = errorOf(model([...field(1, IDENTITY_NODE), ...field(5, short), ...field(5, nameless), ...IO]));
    expect(e.message).toMatch(/initializer 'a' holds 4 bytes of raw data but its dims \[2\] of float32 need 8/);
  });

  it("a nameless initializer's message names the graph, whose name comes after it", () => {
    const nameless = tensor({ dims: [1], dataType: 1, raw: [0, 0, 0, 0] });
    const e = errorOf(model([...field(1, IDENTITY_NODE), ...field(5, nameless), ...field(2, 'late_name'), ...IO]));
    expect(e.message).toMatch(/initializer #0 of graph 'late_name' has no name/);
  });

  it('an initializer defined twice', () => {
    const w = tensor({ name: 'w', dims: [1], dataType: 1, raw: [0, 0, 0, 0] });
    const e = errorOf(model([...field(1, IDENTITY_NODE), ...field(5, w), ...field(5, w), ...IO]));
    expect(e.message).toMatch(/initializer 'w' is defined twice/);
  });

  it('a string initializer is warned about after the opset warning, as before', () => {
    const s = tensor({ name: 's', dims: [1], dataType: 8, strings: ['hello'] });
    const read = loadModelBytes(model([...field(1, IDENTITY_NODE), ...field(5, s), ...IO], false), 'order.onnx');
    const opset = read.warnings.indexOf('the model declares no opset imports');
    const strings = read.warnings.indexOf("initializer 's' holds strings, which are not represented");
    expect(opset).toBeGreaterThanOrEqual(0);
    expect(strings).toBeGreaterThan(opset);
  });
});
