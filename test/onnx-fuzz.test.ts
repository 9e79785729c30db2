/**
 * Seeded fuzzing of the ONNX loader (reader + graph check): byte-level mutations of real models (bit flips,
 * truncation, splices, overwritten bytes) and structural ones made through the protobuf (huge and negative
 * dims, cycles, dangling inputs, duplicate names, wrong data types, absurd attribute values, external data
 * pointing anywhere). Every case must end in a model or an EdgefitError with a one-line message.
 * EDGEFIT_FUZZ_CASES raises the number of cases (default 600, a few seconds); EDGEFIT_FUZZ_SEED picks the seed.
 */
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { encodeModel } from '../src/analyzer/onnx/builder.ts';
import { onnx, type ModelProto } from '../src/analyzer/onnx/proto.ts';
import { prng, qdqInt4ConvBuilder } from './fuzz-mutations.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';

const CASES = Number(process.env.EDGEFIT_FUZZ_CASES ?? 600);
const SEED = Number(process.env.EDGEFIT_FUZZ_SEED ?? 20261126);

/** The fuzz seeds' QDQ INT4 conv (unnamed) and a LeakyRelu. */
function builderModel(): Uint8Array {
  const g = qdqInt4ConvBuilder();
  g.node('LeakyRelu', ['y'], ['z'], { alpha: 0.1 });
  g.output('z', 'float32', ['N', 4, 8, 8]);
  return g.toBytes();
}

type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Structural mutations, made on the decoded ModelProto. */
const STRUCTURAL: Record<string, (m: ModelProto, r: Rand) => void> = {
  'huge dims': (m, r) => {
    const t = pick(r, m.graph!.initializer!.length ? m.graph!.initializer! : [{ dims: [] }]);
    t.dims = [2 ** 31, 2 ** 31, pick(r, [1, 2 ** 31, 3])];
  },
  'negative dim': (m, r) => {
    const vi = pick(r, [...(m.graph!.input ?? []), ...(m.graph!.output ?? [])]);
    const dims = vi?.type?.tensorType?.shape?.dim;
    if (dims?.length) pick(r, dims).dimValue = -Math.floor(1 + r() * 100);
  },
  cycle: (m, r) => {
    const nodes = m.graph!.node!;
    if (nodes.length < 2) return;
    const a = nodes[Math.floor(r() * nodes.length)]!;
    const b = nodes[Math.floor(r() * nodes.length)]!;
    if (a.input?.length && b.output?.length) a.input[0] = b.output[0]!;
  },
  'dangling input': (m, r) => {
    const n = pick(r, m.graph!.node!);
    if (n?.input?.length) n.input[Math.floor(r() * n.input.length)] = 'nobody_makes_this';
  },
  'duplicate name': (m, r) => {
    const nodes = m.graph!.node!;
    const a = pick(r, nodes);
    const b = pick(r, nodes);
    if (a?.output?.length && b?.output?.length) a.output[0] = b.output[0]!;
    if (a && b) a.name = b.name;
  },
  'wrong dtype': (m, r) => {
    const t = pick(r, m.graph!.initializer ?? []);
    if (t) t.dataType = pick(r, [0, 8, 13, 16, 21, 22, 23, 24, 99, -1]);
  },
  'absurd attribute': (m, r) => {
    const n = pick(r, m.graph!.node!.filter((x) => x.attribute?.length));
    if (!n) return;
    const a = pick(r, n.attribute!);
    a.ints = [2 ** 40, -(2 ** 40), 0];
    a.i = pick(r, [2 ** 50, -(2 ** 50), 0]);
    a.f = pick(r, [NaN, Infinity, -1e38]);
    a.type = pick(r, [0, 1, 2, 7, 11, 13, 99]) as number as typeof a.type;
  },
  'external data anywhere': (m, r) => {
    const t = pick(r, m.graph!.initializer ?? []);
    if (!t) return;
    t.dataLocation = 1;
    t.externalData = [
      { key: 'location', value: pick(r, ['/etc/passwd', '../x.bin', 'a/../../b', 'missing.bin', '', 'C:\\w.bin', '.']) },
      { key: 'offset', value: pick(r, ['0', '-1', '99999999999999999999', 'x']) },
    ];
  },
};

function mutateBytes(bytes: Uint8Array, r: Rand): [string, Uint8Array] {
  const b = new Uint8Array(bytes);
  switch (Math.floor(r() * 4)) {
    case 0: {
      const k = 1 + Math.floor(r() * 8);
      for (let i = 0; i < k; i++) b[Math.floor(r() * b.length)]! ^= 1 << Math.floor(r() * 8);
      return ['bit flips', b];
    }
    case 1:
      return ['truncation', b.subarray(0, Math.floor(r() * b.length))];
    case 2: {
      const k = 1 + Math.floor(r() * 4);
      for (let i = 0; i < k; i++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return ['overwritten bytes', b];
    }
    default: {
      const at = Math.floor(r() * b.length);
      const from = Math.floor(r() * b.length);
      const piece = b.slice(from, from + Math.floor(r() * 64));
      const out = new Uint8Array(b.length + piece.length);
      out.set(b.subarray(0, at), 0);
      out.set(piece, at);
      out.set(b.subarray(at), at + piece.length);
      return ['splice', out];
    }
  }
}

describe('ONNX loader fuzz', () => {
  it(`${CASES} mutated models end in a model or a typed error (seed ${SEED})`, () => {
    const r = prng(SEED);
    const seeds: [string, Uint8Array][] = [['builder', builderModel()]];
    for (const p of sharedModels('onnx')) if (statSync(p).size < 200_000) seeds.push([modelLabel(p), new Uint8Array(readFileSync(p))]);
    const outcomes = new Map<string, number>();
    const count = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    let slowest = { ms: 0, what: '' };
    for (let i = 0; i < CASES; i++) {
      const [label, original] = pick(r, seeds);
      let kind: string;
      let bytes: Uint8Array;
      if (r() < 0.5) {
        [kind, bytes] = mutateBytes(original, r);
      } else {
        kind = pick(r, Object.keys(STRUCTURAL));
        const model = onnx.ModelProto.decode(original) as unknown as ModelProto;
        STRUCTURAL[kind]!(model, r);
        bytes = encodeModel(model);
      }
      const start = performance.now();
      try {
        loadModelBytes(bytes, 'fuzz.onnx', { baseDir: '/nonexistent-edgefit-dir' });
        count('model');
      } catch (e) {
        if (!(e instanceof EdgefitError)) {
          throw new Error(`case ${i} (${kind} of ${label}) escaped as ${(e as Error)?.stack ?? String(e)}`);
        }
        expect(e.message, `case ${i}`).not.toContain('\n');
        expect(e.message.length, `case ${i}`).toBeLessThan(400);
        count(e.code);
      }
      const ms = performance.now() - start;
      if (ms > slowest.ms) slowest = { ms, what: `${kind} of ${label}` };
    }
    const table = [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`ONNX loader fuzz, ${CASES} cases, seed ${SEED}: ${table}; slowest case ${slowest.ms.toFixed(1)} ms (${slowest.what})`);
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(CASES);
  });
});
