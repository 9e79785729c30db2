/**
 * The file reader reuses buffers from one load to the next (the file's first bytes, the read window, the string
 * table's storage). A model returned by one load must be unchanged by the loads that follow, including a load
 * that fails midway: names, attributes, small payloads copied from the window, packed zero points and external
 * data ranges, compared with a fresh in-memory read of the same file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IRGraph } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { isEdgefitError } from '../src/analyzer/errors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-reuse-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Everything a load returns of a graph, bytes as base64 (lazy bytes are read here, after the later loads). */
function summary(g: IRGraph): string {
  return JSON.stringify(
    {
      inputs: g.inputs,
      outputs: g.outputs,
      nodes: g.nodes,
      tensors: [...g.tensors].map(([name, t]) => [name, t.dtype, t.shape, t.data ? [t.data.dtype, t.data.shape, t.data.origin, Buffer.from(t.data.bytes).toString('base64')] : null]),
    },
    (_k, v: unknown) => (v instanceof Uint8Array ? `bytes:${Buffer.from(v).toString('base64')}` : typeof v === 'bigint' ? `${v}n` : v),
  );
}

/**
 * A chain of `nodes` DequantizeLinear → Relu pairs whose structure spans the first 16 KiB and several read
 * windows. `letter` changes every name's characters (same lengths) and `shift` every value, so two models built
 * with different arguments put different bytes at about the same offsets of the reused buffers.
 */
function chain(letter: string, shift: number, nodes: number, dir: string): string {
  const g = new OnnxGraphBuilder({ name: `g${letter}` });
  const pad = (i: number) => `${letter.repeat(1 + (i % 37))}_${i}`; // names of 3 to 41 characters
  g.input(`in_${letter}`, 'float32', [1, 8]);
  let prev = `in_${letter}`;
  for (let i = 0; i < nodes; i++) {
    const zp = `zp_${pad(i)}`;
    const sc = `sc_${pad(i)}`;
    const q = `q_${pad(i)}`;
    // int8 zero points in packed int32_data: one-byte varints (kept as their packed bytes) and two-byte ones
    g.initializer(zp, i % 3 === 0 ? 'uint8' : 'int8', [8], Array.from({ length: 8 }, (_, k) => (i % 3 === 0 ? (k * 31 + i + shift) % 256 : ((k * 13 + i + shift) % 128))), { typedField: true });
    g.initializer(sc, 'float32', [1], [0.5 + ((i + shift) % 7)], { typedField: i % 2 === 0 });
    g.initializer(q, 'int8', [8], Array.from({ length: 8 }, (_, k) => ((k + i + shift) % 200) - 100));
    if (i % 50 === 7) g.initializer(`ext_${pad(i)}`, 'int8', [6000], Array.from({ length: 6000 }, (_, k) => ((k + i + shift) % 250) - 125), { external: `w_${letter}.bin` });
    g.node('DequantizeLinear', [q, sc, zp], [`dq_${pad(i)}`], { axis: { int: 0 } }, { name: `n_dq_${pad(i)}` });
    g.node('Relu', [`dq_${pad(i)}`], [`r_${pad(i)}`], {
      note_f: { floats: [i + shift, 0.25 * shift] },
      note_i: { ints: [i, -shift, 2 ** 40 + i] },
      note_s: { strings: [`s_${pad(i)}`, pad(i + 1)] },
      note_t: { tensor: { dtype: 'int8', dims: [3], values: [i % 100, shift % 100, 1], typedField: true } },
    }, { name: `n_r_${pad(i)}` });
    g.node('Add', [prev, `r_${pad(i)}`], [`a_${pad(i)}`], {}, { name: `n_a_${pad(i)}` });
    prev = `a_${pad(i)}`;
  }
  g.output(prev, 'float32', [1, 8]);
  return g.writeTo(dir, `${letter}.onnx`);
}

describe('ONNX file reader: buffers reused across loads', () => {
  it('a loaded model is unchanged by later loads of other files, a failed load among them', () => {
    const a = chain('a', 0, 300, tmp);
    const b = chain('b', 3, 300, tmp);
    const c = chain('c', 5, 300, tmp);
    const aBytes = readFileSync(a);
    expect(aBytes.length, 'the structure spans many read windows').toBeGreaterThan(150_000);
    // a copy of c whose 150th node name claims 127 bytes: decoding stops midway with the string table full
    const cBytes = Buffer.from(readFileSync(c));
    const name = Buffer.from(`n_r_${'c'.repeat(1 + (150 % 37))}_150`);
    const at = cBytes.indexOf(name);
    expect(at).toBeGreaterThan(16 * 1024);
    expect(cBytes[at - 1]).toBe(name.length);
    cBytes[at - 1] = 127;
    const broken = join(tmp, 'broken.onnx');
    writeFileSync(broken, cBytes);

    const mA = loadModel(a);
    const mB = loadModel(b);
    let failed: unknown;
    try {
      loadModel(broken);
    } catch (e) {
      failed = e;
    }
    expect(isEdgefitError(failed), String(failed)).toBe(true);
    const mC = loadModel(c);

    expect(summary(mA.graph)).toBe(summary(loadModelBytes(aBytes, a).graph));
    expect(summary(mB.graph)).toBe(summary(loadModelBytes(readFileSync(b), b).graph));
    expect(summary(mC.graph)).toBe(summary(loadModelBytes(readFileSync(c), c).graph));
    // names are the same string objects in nodes and the tensor map, and spelt as built
    expect(mA.graph.tensors.has(`zp_${'a'.repeat(1 + (150 % 37))}_150`)).toBe(true);
    expect(mA.graph.nodes.filter((n) => n.name.startsWith('n_r_a')).length).toBe(300);
  });
});

describe('ONNX reader: packed int32_data of one-byte elements', () => {
  it('keeps one-byte varints as their bytes and decodes longer ones (negative, above 127), from a file and in memory', () => {
    const g = new OnnxGraphBuilder({ name: 'zp' });
    g.input('x', 'float32', [4]);
    g.initializer('i8', 'int8', [4], [-1, 0, 127, -128], { typedField: true });
    g.initializer('u8', 'uint8', [3], [200, 5, 128], { typedField: true });
    g.initializer('small', 'int8', [3], [0, 1, 127], { typedField: true });
    g.initializer('b', 'bool', [2], [1, 0], { typedField: true });
    g.node('Identity', ['x'], ['y']);
    g.output('y', 'float32', [4]);
    const path = g.writeTo(tmp, 'zp.onnx');
    const expected: Record<string, number[]> = { i8: [0xff, 0, 0x7f, 0x80], u8: [200, 5, 128], small: [0, 1, 127], b: [1, 0] };
    for (const m of [loadModel(path), loadModelBytes(readFileSync(path), path)]) {
      for (const [name, bytes] of Object.entries(expected)) expect([...m.graph.tensors.get(name)!.data!.bytes], name).toEqual(bytes);
    }
  });
});

describe('ONNX reader: the string table returns a kept name only for the same bytes', () => {
  it('two names of one length and one hash (asrxaaaa, 6faabaaa: equal under the table hash) stay two names', () => {
    // found by brute force over 8-character names with the hash of StringTable.intern (two lanes, as at 72c83fa);
    // a lookup that trusted the hash and length would return the first for the second
    for (const [x, y] of [['asrxaaaa', '6faabaaa'], ['6faabaaa', 'asrxaaaa'], ['name_ab', 'name_ac']] as const) {
      const g = new OnnxGraphBuilder({ name: 'h' });
      g.input(x, 'float32', [2]);
      g.input(y, 'float32', [2]);
      g.node('Add', [x, y], ['s'], {}, { name: 'add' });
      g.node('Mul', [y, x], ['t'], {}, { name: 'mul' });
      g.output('s', 'float32', [2]);
      g.output('t', 'float32', [2]);
      const path = g.writeTo(tmp, `h_${x}.onnx`);
      for (const m of [loadModel(path), loadModelBytes(readFileSync(path), path)]) {
        expect(m.graph.inputs).toEqual([x, y]);
        expect(m.graph.nodes.map((n) => n.inputs)).toEqual([[x, y], [y, x]]);
        expect(m.graph.tensors.has(x) && m.graph.tensors.has(y)).toBe(true);
      }
    }
  });
});

describe('ONNX file reader: loads of damaged files between loads of good ones', () => {
  it('200 mutated copies (many refused midway): file and memory readers agree on each, and they leave the next good load and an earlier model as a fresh read gives them', () => {
    const good = chain('g', 1, 120, tmp);
    const goodBytes = readFileSync(good);
    const reference = summary(loadModelBytes(goodBytes, good).graph);
    const earlier = loadModel(good);
    let seed = 20261127;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const bad = join(tmp, 'mutated.onnx');
    let refused = 0;
    for (let k = 0; k < 200; k++) {
      const bytes = Buffer.from(goodBytes);
      // a few bytes changed in the structure after the first 16 KiB (names, lengths, tags), where decoding is under way
      for (let j = 0; j < 1 + rand(3); j++) bytes[16 * 1024 + rand(bytes.length - 16 * 1024)] = rand(256);
      writeFileSync(bad, bytes);
      // the file reader and the in-memory reader agree on every copy: the same error code, or the same model
      const outcome = (read: () => IRGraph) => {
        try {
          return summary(read());
        } catch (e) {
          if (!isEdgefitError(e)) throw e;
          return `refused ${e.code}`;
        }
      };
      const fromFile = outcome(() => loadModel(bad).graph);
      expect(fromFile, `mutation ${k}`).toBe(outcome(() => loadModelBytes(bytes, bad).graph));
      if (fromFile.startsWith('refused')) refused++;
      if (k % 40 === 39) expect(summary(loadModel(good).graph), `after mutation ${k}`).toBe(reference);
    }
    expect(refused, 'some mutated copies were refused').toBeGreaterThan(10);
    expect(summary(earlier.graph)).toBe(reference);
  });
});
