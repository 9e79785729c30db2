/**
 * Names as the wire reader decodes them (each name decoded once per load, wire-reader.ts StringTable),
 * checked against protobufjs (onnx-proto) decoding the same bytes: every node name, op type, input and output,
 * initializer and value_info name, in memory and through the file reader's 16 KiB windows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IRModel } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { onnx } from '../src/analyzer/onnx/proto.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * A chain of Relu nodes whose tensor names cover what the string table must tell apart: every length from 1
 * to 9 bytes (word and tail bytes), names equal but for one byte in the middle or at the end, non-ASCII
 * (two-, three- and four-byte UTF-8), names longer than the 256 bytes the table keeps, and enough of them
 * (3,000 tensors) for the table to grow and for names to straddle file windows.
 */
function tensorNames(): string[] {
  const names: string[] = [];
  for (let n = 1; n <= 9; n++) names.push('abcdefghi'.slice(0, n));
  names.push('/model.10/conv/Conv_output_0', '/model.11/conv/Conv_output_0', '/model.10/conv/Conv_output_1');
  names.push('é', 'tensor_é_1', 'тензор', '张量_2', '🙂', 'a🙂b');
  names.push('x'.repeat(256), 'x'.repeat(255) + 'y', 'x'.repeat(257), `long_${'ab'.repeat(400)}`);
  names.push(...collidingNames(40));
  for (let i = 0; names.length < 3000; i++) names.push(`/model.${i % 97}/m.${i}/cv${i % 3}/conv/Conv_output_0_QuantizeLinear`);
  return names;
}

/**
 * Pairs of 8-byte printable names with the same 32-bit hash under the table's hash (h = n, then per 4-byte
 * little-endian word h = imul(h ^ w, 0x9e3779b1)): only a comparison of the bytes tells them apart. Should
 * the hash change, they are still distinct names that must come back unchanged.
 */
function collidingNames(pairs: number): string[] {
  const C = 0x9e3779b1;
  const printable = (w: number) => [0, 8, 16, 24].every((s) => ((w >>> s) & 0xff) >= 0x21 && ((w >>> s) & 0xff) <= 0x7e);
  const text = (w: number) => String.fromCharCode(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  let seed = 12345;
  const randomWord = () => {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      w |= (0x21 + ((seed >>> 16) % 94)) << (8 * k);
    }
    return w >>> 0;
  };
  const out: string[] = [];
  while (out.length < pairs * 2) {
    const a1 = randomWord();
    const b1 = randomWord();
    const a2 = randomWord();
    // same hash after the second word: imul(8 ^ a1, C) ^ a2 === imul(8 ^ b1, C) ^ b2
    const b2 = (Math.imul(8 ^ a1, C) ^ Math.imul(8 ^ b1, C) ^ a2) >>> 0;
    if (a1 === b1 || !printable(b2)) continue;
    out.push(text(a1) + text(a2), text(b1) + text(b2));
  }
  return out;
}

function buildChain(): Uint8Array {
  const names = tensorNames();
  const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
  b.input(names[0]!, 'float32', [1, 4]);
  b.initializer('scale_é', 'float32', [], [0.5]);
  for (let i = 1; i < names.length; i++) {
    // every 7th node unnamed (the reader names it), others named after their output
    b.node(i % 5 === 0 ? 'Mul' : 'Relu', i % 5 === 0 ? [names[i - 1]!, 'scale_é'] : [names[i - 1]!], [names[i]!], {}, i % 7 === 0 ? {} : { name: `node:${names[i]}` });
    if (i % 11 === 0) b.valueInfo(names[i]!, 'float32', [1, 4]);
  }
  b.output(names.at(-1)!, 'float32', [1, 4]);
  return b.toBytes();
}

/** The names protobufjs reads from the same bytes, in the reader's terms (Constant-free graph, file order). */
function oracle(bytes: Uint8Array) {
  const g = onnx.ModelProto.decode(bytes).graph!;
  return {
    nodes: g.node!.map((n, i) => ({ name: n.name || `${n.opType}_${i}`, opType: n.opType!, inputs: n.input!, outputs: n.output! })),
    initializers: g.initializer!.map((t) => t.name!),
    valueInfo: g.valueInfo!.map((v) => v.name!),
    inputs: g.input!.map((v) => v.name!),
    outputs: g.output!.map((v) => v.name!),
  };
}

function namesOf(model: IRModel) {
  const g = model.graph;
  return {
    nodes: g.nodes.map((n) => ({ name: n.name, opType: n.opType, inputs: n.inputs, outputs: n.outputs })),
    initializers: [...g.tensors.values()].filter((t) => t.data).map((t) => t.name),
    valueInfo: [...g.tensors.values()].filter((t) => !t.data && !g.inputs.includes(t.name) && t.shape && !g.outputs.includes(t.name)).map((t) => t.name),
    inputs: g.inputs,
    outputs: g.outputs,
  };
}

describe('names decoded once per load', () => {
  const bytes = buildChain();
  const expected = oracle(bytes);
  const expectedValueInfo = expected.valueInfo.filter((n) => n !== expected.outputs[0]);

  it('in memory: every name as protobufjs decodes it', () => {
    const got = namesOf(loadModelBytes(bytes, 'names.onnx'));
    expect(got.nodes).toEqual(expected.nodes);
    expect(got.initializers).toEqual(expected.initializers);
    expect(got.valueInfo).toEqual(expectedValueInfo);
    expect(got.inputs).toEqual(expected.inputs);
    expect(got.outputs).toEqual(expected.outputs);
    expect(bytes.length).toBeGreaterThan(3 * 16 * 1024); // several windows in file mode
  });

  it('from a file, through 16 KiB windows: the same names', () => {
    const path = join(tmp, 'names.onnx');
    writeFileSync(path, bytes);
    expect(namesOf(loadModel(path))).toEqual(namesOf(loadModelBytes(bytes, 'names.onnx')));
  });

  it('a name read again is equal wherever it appears (output of one node, input of the next)', () => {
    const g = loadModelBytes(bytes, 'names.onnx').graph;
    for (let i = 1; i < g.nodes.length; i++) expect(g.nodes[i]!.inputs[0]).toBe(g.nodes[i - 1]!.outputs[0]);
  });
});
