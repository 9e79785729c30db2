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
import { readOnnxBytes } from '../src/analyzer/onnx/reader.ts';
import { CONTROL_CHARS } from '../src/analyzer/errors.ts';

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
 * Pairs of distinct 8-byte printable names whose 32-bit hashes agree under a hash of the form h = 8 (the length),
 * then per 4-byte little-endian word h = imul(mix(h) ^ w, 0x9e3779b1): given the first words a1 ≠ b1 and a2, the
 * second word b2 = mix(h(a1)) ^ mix(h(b1)) ^ a2 makes the two hashes equal. Only a comparison of the bytes tells
 * such names apart; should the hash change, they stay distinct names that must come back unchanged.
 */
function hashCollidingNames(pairs: number, seed: number, mix: (h: number) => number): string[] {
  const C = 0x9e3779b1;
  const printable = (w: number) => [0, 8, 16, 24].every((s) => ((w >>> s) & 0xff) >= 0x21 && ((w >>> s) & 0xff) <= 0x7e);
  const text = (w: number) => String.fromCharCode(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff);
  const randomWord = () => {
    let w = 0;
    for (let k = 0; k < 4; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      w |= (0x21 + ((seed >>> 16) % 94)) << (8 * k);
    }
    return w >>> 0;
  };
  const afterFirstWord = (w: number) => Math.imul(mix(8) ^ w, C);
  const out: string[] = [];
  while (out.length < pairs * 2) {
    const a1 = randomWord();
    const b1 = randomWord();
    const a2 = randomWord();
    const b2 = (mix(afterFirstWord(a1)) ^ mix(afterFirstWord(b1)) ^ a2) >>> 0;
    if (a1 === b1 || !printable(b2)) continue;
    out.push(text(a1) + text(a2), text(b1) + text(b2));
  }
  return out;
}

/** Names colliding under the string table's one-lane hash (h = imul(h ^ w, C)). */
const collidingNames = (pairs: number) => hashCollidingNames(pairs, 12345, (h) => h);

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

/**
 * The format's words (op types, attribute names, domains), which the reader looks up in a small cache of its own
 * before the string table (wire-reader.ts StringTable.word): for every length from 1 to 17 bytes, a base word and
 * the words equal to it but for one byte, at each position (the cache keys a word by four overlapping 4-byte reads
 * that must cover every byte), each used many times and interleaved, as op type, attribute name and domain.
 */
function formatWords(): string[] {
  const base = 'QuantizeLinearXYZ';
  const words: string[] = [];
  for (let n = 1; n <= base.length; n++) {
    const w = base.slice(0, n);
    words.push(w);
    for (let p = 0; p < n; p++) words.push(w.slice(0, p) + String.fromCharCode(w.charCodeAt(p) ^ 0x20) + w.slice(p + 1));
  }
  return words;
}

describe("the format's words, looked up in a cache before the string table", () => {
  const words = formatWords();
  const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
  b.input('t0', 'float32', [1]);
  let k = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < words.length; i++, k++) {
      const op = words[(i * 7 + round) % words.length]!;
      const attr = words[(i * 11 + round) % words.length]!;
      const domain = words[(i * 13 + round) % words.length]!;
      b.node(op, [`t${k}`], [`t${k + 1}`], { [attr]: k }, { domain });
    }
  }
  b.output(`t${k}`, 'float32', [1]);
  const bytes = b.toBytes();
  const expected = onnx.ModelProto.decode(bytes).graph!.node!.map((n) => ({
    opType: n.opType!,
    domain: n.domain!,
    attrs: n.attribute!.map((a) => a.name!),
  }));

  for (const [how, load] of [
    ['in memory', () => loadModelBytes(bytes, 'words.onnx')],
    ['from a file', () => (writeFileSync(join(tmp, 'words.onnx'), bytes), loadModel(join(tmp, 'words.onnx')))],
  ] as const) {
    it(`${how}: every op type, domain and attribute name as protobufjs decodes it`, () => {
      const got = load().graph.nodes.map((n) => ({ opType: n.opType, domain: n.domain, attrs: Object.keys(n.attrs) }));
      expect(got).toEqual(expected);
      expect(new Set(got.map((n) => n.opType)).size).toBe(words.length);
    });
  }
});

/** Every name of a graph and its sub-graphs: graph, node, input, output and tensor names. */
function everyName(g: IRModel['graph']): string[] {
  const out = [g.name, ...g.inputs, ...g.outputs, ...g.tensors.keys()];
  for (const t of g.tensors.values()) out.push(t.name);
  for (const n of g.nodes) {
    out.push(n.name, ...n.inputs, ...n.outputs);
    for (const v of Object.values(n.attrs)) if (typeof v === 'object' && v !== null && 'nodes' in v) out.push(...everyName(v));
  }
  return out;
}

describe('characters that must not print raw, noticed while names are decoded', () => {
  // one character of each kind CONTROL_CHARS matches (C0, DEL, C1, line separators), and printable neighbours
  const hostile = ['\n', '\u0000', '\u001f', '\u007f', '\u0080', '\u009f', '\u2028', '\u2029', '\u001b[2J'];
  const printable = [' ', '~', '\u00a0', '\u00ff', 'é', '\u2027', '\u202a'];
  const places = ['input', 'node output', 'node name', 'op type', 'initializer', 'long name', 'sub-graph node', 'producer'] as const;
  type Place = (typeof places)[number];

  /** A small model with `c` in one place; `marked` is the string that holds it. */
  function model(place: Place, c: string): { bytes: Uint8Array; marked: string } {
    const marked = place === 'long name' ? `y${'x'.repeat(300)}${c}` : `n${c}x`;
    const at = (name: string, where: Place) => (place === where || (where === 'node output' && place === 'long name') ? marked : name);
    const body = new OnnxGraphBuilder({ name: 'then' });
    body.node('Identity', ['r'], [at('t', 'sub-graph node')]);
    body.output(at('t', 'sub-graph node'), 'float32', [1, 4]);
    const els = new OnnxGraphBuilder({ name: 'else' });
    els.node('Identity', ['r'], ['e']);
    els.output('e', 'float32', [1, 4]);
    const b = new OnnxGraphBuilder({ opsets: { '': 17 }, producer: at('tool', 'producer') });
    b.input(at('x', 'input'), 'float32', [1, 4]);
    b.input('cond', 'bool', []);
    b.initializer(at('w', 'initializer'), 'float32', [1, 4], [1, 2, 3, 4]);
    b.node('Add', [at('x', 'input'), at('w', 'initializer')], [at('y', 'node output')], {}, { name: at('add', 'node name') });
    b.node(at('Relu', 'op type'), [at('y', 'node output')], ['r']);
    b.node('If', ['cond'], ['z'], { then_branch: { graph: body }, else_branch: { graph: els } });
    b.output('r', 'float32', [1, 4]);
    b.output('z', 'float32', [1, 4]);
    return { bytes: b.toBytes(), marked };
  }

  it('a hostile character anywhere a string is read marks the load, and every name comes out escaped', () => {
    const path = join(tmp, 'hostile.onnx');
    for (const place of places) {
      for (const c of hostile) {
        const { bytes } = model(place, c);
        const what = `${place} ${JSON.stringify(c)}`;
        expect(readOnnxBytes(bytes, { path: 'm.onnx' }).namesPrintable, what).toBe(false);
        writeFileSync(path, bytes);
        for (const m of [loadModelBytes(bytes, 'm.onnx'), loadModel(path)]) {
          for (const name of everyName(m.graph)) expect(CONTROL_CHARS.test(name), `${what}: ${JSON.stringify(name)}`).toBe(false);
        }
      }
    }
  });

  it('printable names, ASCII or not, leave the load unmarked and come out unchanged', () => {
    for (const place of places) {
      for (const c of printable) {
        const { bytes, marked } = model(place, c);
        const what = `${place} ${JSON.stringify(c)}`;
        expect(readOnnxBytes(bytes, { path: 'm.onnx' }).namesPrintable, what).toBe(true);
        const m = loadModelBytes(bytes, 'm.onnx');
        const strings = [...everyName(m.graph), m.producer, ...m.graph.nodes.map((n) => n.opType)];
        expect(strings, what).toContain(marked);
      }
    }
  });
});

/**
 * Node names are not kept in the string table: the reader hashes each one's bytes and, when every name is
 * non-empty printable ASCII with no two hashes equal, gives each node its own name without comparing strings;
 * otherwise names are compared. Checked against the naming rule written out here (own name, or
 * `<opType>_<index>` when empty, `_<k>` added on a clash with an earlier node's name).
 */
describe('node names: distinct by hash, compared when hashes agree', () => {
  function referenceNames(fileNames: string[], opType: string): string[] {
    const given = new Set<string>();
    return fileNames.map((n, i) => {
      let name = n || `${opType}_${i}`;
      if (given.has(name)) {
        let k = 2;
        while (given.has(`${name}_${k}`)) k++;
        name = `${name}_${k}`;
      }
      given.add(name);
      return name;
    });
  }

  /** Names colliding under the node-name hash (h = imul(rotl(h, 15) ^ w, C)). */
  const nodeNameCollisions = (pairs: number) => hashCollidingNames(pairs, 777, (h) => ((h << 15) | (h >>> 17)) >>> 0);

  function chain(nodeNames: string[]): Uint8Array {
    const b = new OnnxGraphBuilder({ opsets: { '': 17 } });
    b.input('t0', 'float32', [1, 4]);
    nodeNames.forEach((name, i) => b.node('Relu', [`t${i}`], [`t${i + 1}`], {}, name ? { name } : {}));
    b.output(`t${nodeNames.length}`, 'float32', [1, 4]);
    return b.toBytes();
  }

  const distinct = [...nodeNameCollisions(20), ...Array.from({ length: 200 }, (_, i) => `/model.${i}/conv/Conv`), 'Relu_3', 'x'.repeat(300)];
  const cases: [string, string[]][] = [
    ['distinct names, some with equal hashes', distinct],
    ['a name repeated', [...distinct, distinct[5]!, distinct[5]!]],
    ['a name equal to one the reader makes up', ['a', 'b', 'c', '', 'Relu_3', 'Relu_3_2']],
    ['a made-up name equal to an earlier node\'s', ['Relu_1', '', 'x']],
    ['unnamed nodes among distinct names', ['', 'x', '', 'y', ...distinct.slice(0, 30), '']],
    ['non-ASCII and long names', ['é', 'e\u0301', 'x'.repeat(300), 'é', 'x'.repeat(300)]],
  ];
  for (const [what, names] of cases) {
    it(what, () => {
      const bytes = chain(names);
      const expected = referenceNames(names, 'Relu');
      expect(loadModelBytes(bytes, 'n.onnx').graph.nodes.map((n) => n.name)).toEqual(expected);
      const path = join(tmp, 'node-names.onnx');
      writeFileSync(path, bytes);
      expect(loadModel(path).graph.nodes.map((n) => n.name)).toEqual(expected);
    });
  }

  it("hashPrintable gives a printable string the reader's hash of its bytes, and nothing for other strings", async () => {
    const { WireReader, hashPrintable } = await import('../src/analyzer/onnx/wire-reader.ts');
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
    for (let i = 0; i < 400; i++) {
      const n = i % 41;
      const s = Array.from({ length: n }, () => String.fromCharCode(0x20 + (next() % 95))).join('');
      const r = new WireReader(Buffer.from(s, 'latin1'));
      r.unkeptString(n);
      if (n > 0) expect(hashPrintable(s), JSON.stringify(s)).toBe(r.unkeptHash);
    }
    for (const s of ['a\nb', 'é', 'x\u007f', 'Relu\u2028_1']) expect(hashPrintable(s)).toBeUndefined();
  });

  it('the colliding pairs do collide under the reader (so the comparison is exercised)', async () => {
    const { WireReader } = await import('../src/analyzer/onnx/wire-reader.ts');
    const pair = nodeNameCollisions(1);
    const hashes = pair.map((s) => {
      const r = new WireReader(Buffer.from(s, 'latin1'));
      r.unkeptString(8);
      return r.unkeptHash;
    });
    expect(pair[0]).not.toBe(pair[1]);
    expect(hashes[0]).toBe(hashes[1]);
  });
});
