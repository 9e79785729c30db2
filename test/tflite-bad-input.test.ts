/**
 * Bad TFLite input → one EdgefitError line, never a crash or a hang. Cases are made by mutating the bytes of a
 * real file (ST MNIST, the smallest shared TFLite model) or by building tiny flatbuffers with the generated
 * builder API, whose valid form is checked to read fine first (so each negative case breaks one thing only).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { BuiltinOperator } from '../src/analyzer/tflite/gen/tflite/builtin-operator.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { TensorType } from '../src/analyzer/tflite/gen/tflite/tensor-type.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { buildTfliteLayers } from '../src/analyzer/tflite/layers.ts';
import { readTflite } from '../src/analyzer/tflite/reader.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { buildTflite, type TinyTflite } from './helpers/tflite-tiny.ts';

// ------------------------------------------------------------------------------------- tiny flatbuffers

/** x → ADD(x, c) → y, with c a constant [1,4] float32 in buffer 1. */
function validTiny(): TinyTflite {
  return {
    opcodes: [BuiltinOperator.ADD],
    tensors: [
      { name: 'x', shape: [1, 4] },
      { name: 'c', shape: [1, 4], buffer: 1 },
      { name: 'y', shape: [1, 4] },
    ],
    ops: [{ opcode: 0, inputs: [0, 1], outputs: [2] }],
    inputs: [0],
    outputs: [2],
    buffers: [undefined, new Array(16).fill(0)],
  };
}

/** Runs `fn` and returns the EdgefitError it throws (fails the test on anything else or no throw). */
function edgefitError(fn: () => unknown): EdgefitError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdgefitError) {
      expect(e.message).not.toContain('\n');
      expect(e.exitCode).toBe(2);
      return e;
    }
    throw new Error(`expected an EdgefitError, got ${(e as Error).stack ?? String(e)}`);
  }
  throw new Error('expected an EdgefitError, nothing was thrown');
}

const read = (bytes: Uint8Array) => readTflite(bytes, { path: 'bad.tflite' });

describe('tiny TFLite files built with the generated builder', () => {
  it('reads the valid tiny model (the base of the negative cases)', () => {
    const m = read(buildTflite(validTiny()));
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['ADD']);
    expect(m.graph.inputs).toEqual(['x']);
    expect(m.graph.tensors.get('c')!.data!.bytes.byteLength).toBe(16);
  });

  it('custom ops and builtins newer than the schema become Unknown layers, with a warning, partial', () => {
    const t = validTiny();
    t.opcodes = [{ custom: 'TFLite_Detection_PostProcess' }, 250 as BuiltinOperator];
    t.tensors.push({ name: 'z', shape: [1, 4] });
    t.ops = [
      { opcode: 0, inputs: [0, 1], outputs: [2] },
      { opcode: 1, inputs: [2], outputs: [3] },
    ];
    t.outputs = [3];
    const model = read(buildTflite(t));
    expect(model.graph.nodes.map((n) => n.opType)).toEqual(['CUSTOM:TFLite_Detection_PostProcess', 'BUILTIN_250']);
    const shapes = inferShapes(model);
    const built = buildTfliteLayers(model, shapes.types);
    expect(built.partial).toBe(true);
    expect(built.layers.map((l) => [l.op, l.unknown])).toEqual([
      ['Unknown', true],
      ['Unknown', true],
    ]);
    expect(built.warnings.join('\n')).toMatch(/CUSTOM:TFLite_Detection_PostProcess.*unknown.*partial/);
    expect(model.warnings.join('\n')).toMatch(/BUILTIN_250/);
    // Shapes fall back on the declared ones.
    expect(shapes.types.get('z')?.shape).toEqual([1, 4]);
  });

  it('refuses a tensor whose buffer index is out of range', () => {
    const t = validTiny();
    t.tensors[1]!.buffer = 99;
    const e = edgefitError(() => read(buildTflite(t)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/tensor 1 'c': buffer index 99 out of range \(the file has 2 buffers\)/);
  });

  it('a hostile tensor name (newlines, control characters) leaves in the error as one escaped line (fuzz seed 13 cases 273, 7782)', () => {
    const t = validTiny();
    t.tensors[1]!.name = 'c\nrm -rf /\r\u0007';
    t.tensors[1]!.buffer = 99;
    const e = edgefitError(() => read(buildTflite(t)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toContain("tensor 1 'c\\nrm -rf /\\u000d\\u0007': buffer index 99 out of range");
  });

  it('refuses an operator whose opcode index is out of range', () => {
    const t = validTiny();
    t.ops[0]!.opcode = 5;
    const e = edgefitError(() => read(buildTflite(t)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/operator 0: opcode index 5 out of range \(the file has 1 operator codes\)/);
  });

  it('refuses an operator reading a tensor index out of range', () => {
    const t = validTiny();
    t.ops[0]!.inputs = [0, 7];
    const e = edgefitError(() => read(buildTflite(t)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/operator 0 \(ADD\) input 1 refers to tensor 7, but subgraph 0 has 3 tensors/);
  });

  it('refuses a file without a subgraph', () => {
    const e = edgefitError(() => read(buildTflite({ ...validTiny(), subgraphs: 0 })));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/no subgraph/);
  });

  it('refuses a constant whose buffer does not hold its shape', () => {
    const t = validTiny();
    t.buffers = [undefined, [1, 2, 3]];
    const e = edgefitError(() => read(buildTflite(t)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/constant tensor 'c' holds 3 bytes, but float32 \[1,4\] needs 16/);
  });

  it('refuses a subgraph with a cycle', () => {
    // x, b → ADD → a ; x, a → ADD → b : a and b depend on each other.
    const cyclic: TinyTflite = {
      opcodes: [BuiltinOperator.ADD],
      tensors: [
        { name: 'x', shape: [1, 4] },
        { name: 'a', shape: [1, 4] },
        { name: 'b', shape: [1, 4] },
      ],
      ops: [
        { opcode: 0, inputs: [0, 2], outputs: [1] },
        { opcode: 0, inputs: [0, 1], outputs: [2] },
      ],
      inputs: [0],
      outputs: [2],
    };
    const e = edgefitError(() => read(buildTflite(cyclic)));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/cycle/i);
  });

  it('refuses a wrong file identifier', () => {
    const e = edgefitError(() => read(buildTflite({ ...validTiny(), identifier: 'TFL2' })));
    expect(e.code).toBe('NOT_A_MODEL');
    expect(e.message).toBe("bad.tflite: not a TFLite file (identifier 'TFL2', expected 'TFL3')");
  });
});

const MNIST = join(MODELS_DIR, 'legacy_tflite/bvenreply/image_classification/stmnist/stmnist_v1_int8.tflite');

describe.skipIf(!HAVE_SHARED)('mutated bytes of a real file (stmnist_v1_int8.tflite)', () => {
  const original = HAVE_SHARED ? new Uint8Array(readFileSync(MNIST)) : new Uint8Array();

  it('reads the unmutated file', () => {
    expect(read(original).graph.nodes.length).toBe(10);
  });

  it('refuses a wrong identifier through the loader too (as a foreign file)', () => {
    const bytes = original.slice();
    bytes.set([0x54, 0x46, 0x4c, 0x32], 4); // 'TFL2': no longer sniffed as TFLite, and not ONNX either
    const e = edgefitError(() => loadModelBytes(bytes, 'bad.tflite'));
    expect(['NOT_A_MODEL', 'TRUNCATED']).toContain(e.code);
  });

  it('refuses a file truncated anywhere', () => {
    const cuts = [0, 4, 7, 8, 12, 64, 1000, original.length >> 1, original.length - 1000, original.length - 1];
    for (const cut of cuts) {
      const e = edgefitError(() => read(original.slice(0, cut)));
      expect(['TRUNCATED', 'BAD_MODEL', 'NOT_A_MODEL'], `cut at ${cut}: ${e.message}`).toContain(e.code);
    }
  });

  it('refuses a root offset pointing outside the file', () => {
    const bytes = original.slice();
    new DataView(bytes.buffer).setUint32(0, 0x7ffffff0, true);
    const e = edgefitError(() => read(bytes));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/^bad\.tflite: truncated or corrupt TFLite file: reading the root table led outside the file \(offset \d+, file 19832 bytes\)$/);
  });

  it('refuses a vtable offset pointing outside the file', () => {
    const bytes = original.slice();
    const view = new DataView(bytes.buffer);
    const root = view.getUint32(0, true);
    view.setInt32(root, -0x40000000, true); // root table's soffset to its vtable
    const e = edgefitError(() => read(bytes));
    expect(e.code).toBe('TRUNCATED');
  });

  it('refuses a huge vector length quickly (no runaway loop or allocation)', () => {
    // The root table's subgraphs vector: forge its length to 2^31 − 1.
    const model = Model.getRootAsModel(new flatbuffers.ByteBuffer(original));
    const bb = model.bb!;
    const field = bb.__offset(model.bb_pos, 6); // subgraphs (field 1)
    const vec = model.bb_pos + field + bb.readInt32(model.bb_pos + field);
    for (const vecPos of [vec]) {
      const bytes = original.slice();
      new DataView(bytes.buffer).setInt32(vecPos, 0x7fffffff, true);
      // The reader only reads subgraph 0; its element is in range, so the file may read. Either is fine:
      // what matters is that it returns or refuses promptly.
      try {
        read(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(EdgefitError);
      }
    }
    // The tensors vector of subgraph 0: every tensor is read, so a forged length must be refused.
    const sg = model.subgraphs(0)!;
    const tf = bb.__offset(sg.bb_pos, 4);
    const tvec = sg.bb_pos + tf + bb.readInt32(sg.bb_pos + tf);
    const bytes = original.slice();
    new DataView(bytes.buffer).setInt32(tvec, 0x7fffffff, true);
    const e = edgefitError(() => read(bytes));
    expect(['TRUNCATED', 'BAD_MODEL']).toContain(e.code);
  });

  it('random corruption of the flatbuffer structure: a model or an EdgefitError through read, shapes and layers', () => {
    // Mutate only bytes outside the constant buffers (weights are data; corrupting them proves nothing).
    const inData = new Uint8Array(original.length);
    for (const t of read(original).graph.tensors.values()) {
      if (t.data) inData.fill(1, t.data.bytes.byteOffset, t.data.bytes.byteOffset + t.data.bytes.byteLength);
    }
    const structure: number[] = [];
    inData.forEach((v, i) => v || structure.push(i));
    let refused = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat({ max: structure.length - 1 }), value: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 6 }),
        (edits) => {
          const bytes = original.slice();
          for (const { at, value } of edits) bytes[structure[at]!] = value;
          try {
            const model = read(bytes);
            buildTfliteLayers(model, inferShapes(model).types);
          } catch (e) {
            if (!(e instanceof EdgefitError)) throw e;
            expect(e.message).not.toContain('\n');
            refused++;
          }
        },
      ),
      { numRuns: 400, seed: 4 },
    );
    expect(refused).toBeGreaterThan(100); // the corruption does hit the structure
  });
});
