/**
 * The lazy file reader (loadModel on an ONNX file): the structure is read in windows, large initializer
 * payloads stay on disk until their `bytes` are read. It must give the same IR, tensor for tensor and byte
 * for byte, as reading the whole file into memory; refuse cut files up front; keep no file descriptor open;
 * and refuse to read a payload from a file that changed after loading.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import type { IRGraph } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import { evaluateTargets, listTargets } from '../src/targets/evaluate.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';

const tmp = mkdtempSync(join(tmpdir(), 'edgefit-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const openFds = () => readdirSync('/proc/self/fd').length;

/** Every tensor's dtype, shape and bytes, and the nodes, in comparable form. */
function summary(g: IRGraph): unknown {
  const tensors = [...g.tensors].map(([name, t]) => [name, t.dtype, t.shape, t.data ? [t.data.dtype, t.data.shape, t.data.origin, Buffer.from(t.data.bytes).toString('base64')] : null]);
  return { inputs: g.inputs, outputs: g.outputs, nodes: g.nodes, tensors };
}

/** x → Conv(w: 64×16×3×3 float32 = 36,864 bytes of raw_data, b in float_data) → y, + a 32 KiB float_data tensor. */
function convModel(): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ name: 'lazy' });
  g.input('x', 'float32', [1, 16, 8, 8]);
  g.initializer('w', 'float32', [64, 16, 3, 3], Array.from({ length: 64 * 16 * 9 }, (_, i) => i / 7));
  g.initializer('big_typed', 'float32', [8192], Array.from({ length: 8192 }, (_, i) => -i), { typedField: true });
  g.initializer('b', 'float32', [64], Array.from({ length: 64 }, (_, i) => i), { typedField: true });
  g.node('Conv', ['x', 'w', 'b'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv' });
  g.node('Add', ['y', 'big_typed'], ['z'], {}, { name: 'add' });
  g.output('y', 'float32', [1, 64, 8, 8]);
  return g;
}

describe('lazy ONNX file reader', () => {
  it.skipIf(!HAVE_SHARED)('gives the same IR and tensor bytes as the in-memory reader on every shared ONNX model', () => {
    for (const path of sharedModels('onnx')) {
      const fromFile = loadModel(path);
      const inMemory = loadModelBytes(readFileSync(path), path);
      expect(summary(fromFile.graph), modelLabel(path)).toEqual(summary(inMemory.graph));
      expect([fromFile.opsets, fromFile.producer, fromFile.fileBytes, fromFile.warnings]).toEqual([inMemory.opsets, inMemory.producer, inMemory.fileBytes, inMemory.warnings]);
    }
  });

  it('leaves large payloads on disk until read, then reads the right bytes, keeping no descriptor open', () => {
    const path = join(tmp, 'conv.onnx');
    writeFileSync(path, convModel().toBytes());
    const before = openFds();
    const m = loadModel(path);
    expect(openFds()).toBe(before);
    const w = m.graph.tensors.get('w')!.data!;
    expect(Object.getOwnPropertyDescriptor(w, 'bytes')!.get, 'w is still on disk').toBeDefined();
    expect(Object.getOwnPropertyDescriptor(m.graph.tensors.get('big_typed')!.data!, 'bytes')!.get, 'big_typed too').toBeDefined();
    const ref = loadModelBytes(readFileSync(path), path);
    for (const name of ['w', 'big_typed', 'b']) {
      expect(Buffer.compare(m.graph.tensors.get(name)!.data!.bytes, ref.graph.tensors.get(name)!.data!.bytes), name).toBe(0);
    }
    expect(Object.getOwnPropertyDescriptor(w, 'bytes')!.get, 'w was read once and kept').toBeUndefined();
    expect(openFds()).toBe(before);
    expect(new Float32Array(w.bytes.slice().buffer)[7]).toBeCloseTo(1);
  });

  it.skipIf(!HAVE_SHARED)('analyze, plan and every target leave the weights of a real model on disk (sizes come from dtype × shape)', () => {
    const path = sharedModels('onnx').find((p) => p.endsWith('mobilenetv2-7.quant.onnx'));
    if (!path) return;
    const m = loadModel(path);
    const onDisk = () => [...m.graph.tensors.values()].filter((t) => t.data && Object.getOwnPropertyDescriptor(t.data, 'bytes')?.get !== undefined).length;
    const before = onDisk();
    expect(before, 'the 3.5 MB model has large initializers left on disk at load').toBeGreaterThan(20);
    const a = analyzeModel(m);
    planMemory(a);
    evaluateTargets(a, listTargets().map((t) => t.id));
    expect(onDisk(), 'no payload read by analyze + plan + targets').toBe(before);
    expect(a.totals.weightBytes).toBe(3541984); // the figure the in-memory reader gives (closing note of the first stop)
  });

  it('reads every name as written, across window refills and the reader\'s 16 KiB string blocks', () => {
    // 1,500 nodes with names of 1 to 300 characters (some end exactly at a block's end, some are longer than the
    // interned maximum), with 6 KB initializers between them: payloads left on disk make the window jump
    const g = new OnnxGraphBuilder({ name: 'names' });
    const nameOf = (i: number) => `n${i}_`.padEnd(1 + ((i * 37) % 300), String.fromCharCode(97 + (i % 26)));
    const tensorOf = (i: number) => (i === 0 ? 'x' : `t${i}_`.padEnd(12 + ((i * 53) % 90), 'z'));
    g.input('x', 'float32', [1, 1536]);
    let prev = tensorOf(0);
    for (let i = 1; i <= 1500; i++) {
      if (i % 100 === 0) {
        g.initializer(`w${i}`, 'float32', [1536], Array.from({ length: 1536 }, (_, k) => k + i));
        g.node('Add', [prev, `w${i}`], [tensorOf(i)], {}, { name: nameOf(i) });
      } else g.node('Relu', [prev], [tensorOf(i)], {}, { name: nameOf(i) });
      prev = tensorOf(i);
    }
    g.output(prev, 'float32', [1, 1536]);
    const path = join(tmp, 'names.onnx');
    writeFileSync(path, g.toBytes());
    for (const m of [loadModel(path), loadModelBytes(readFileSync(path), path)]) {
      const nodes = m.graph.nodes;
      expect(nodes.length).toBe(1500);
      for (let i = 1; i <= 1500; i++) {
        const node = nodes[i - 1]!;
        expect(node.name).toBe(nameOf(i));
        expect(node.inputs[0]).toBe(tensorOf(i - 1));
        expect(node.outputs).toEqual([tensorOf(i)]);
      }
      expect(m.graph.tensors.get('w700')!.data!.bytes.byteLength).toBe(1536 * 4);
    }
  });

  it('a file cut anywhere is refused at load (TRUNCATED or damaged), not when a payload is read', () => {
    const bytes = convModel().toBytes();
    const path = join(tmp, 'cut.onnx');
    const codes = new Set<string>();
    const before = openFds();
    for (let n = 1; n < bytes.length; n += 397) {
      writeFileSync(path, bytes.subarray(0, n));
      try {
        loadModel(path);
        codes.add('ok');
      } catch (e) {
        expect(e).toBeInstanceOf(EdgefitError);
        codes.add((e as EdgefitError).code);
      }
    }
    expect(codes.has('TRUNCATED')).toBe(true);
    expect(codes.has('ok')).toBe(false);
    expect(openFds()).toBe(before);
  });

  it('reads the first bytes of the file once: the decoder starts again from them after the top-level scan', () => {
    const path = join(tmp, 'head.onnx');
    writeFileSync(path, convModel().toBytes());
    const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
    const readSync = fs.readSync;
    const positions: (number | null | undefined)[] = [];
    // readSync(fd, buffer, offset, length, position), as read-fully.ts calls it
    (fs as { readSync: unknown }).readSync = (...args: unknown[]) => {
      positions.push(args[4] as number | null | undefined);
      return (readSync as (...a: unknown[]) => number)(...args);
    };
    syncBuiltinESMExports();
    try {
      loadModel(path);
    } finally {
      (fs as { readSync: unknown }).readSync = readSync;
      syncBuiltinESMExports();
    }
    expect(positions.length, 'reads were seen').toBeGreaterThan(1);
    expect(positions.filter((p) => p === 0)).toHaveLength(1);
  });

  it('a model keeps nothing of the buffers the next load reuses (first bytes, window)', () => {
    const first = join(tmp, 'first.onnx');
    const second = join(tmp, 'second.onnx');
    writeFileSync(first, convModel().toBytes());
    const other = new OnnxGraphBuilder({ name: 'other' });
    other.input('p', 'float32', [1, 4]);
    other.initializer('q', 'float32', [4], [9, 8, 7, 6]);
    other.node('Mul', ['p', 'q'], ['r'], {}, { name: 'mul' });
    other.output('r', 'float32', [1, 4]);
    writeFileSync(second, other.toBytes());
    const m = loadModel(first);
    const before = JSON.stringify(summary(m.graph));
    loadModel(second);
    expect(JSON.stringify(summary(m.graph))).toBe(before);
    expect(summary(m.graph)).toEqual(summary(loadModelBytes(readFileSync(first), first).graph));
  });

  it('refuses to read a payload from a file that changed or vanished after loading', () => {
    const path = join(tmp, 'changed.onnx');
    const bytes = convModel().toBytes();
    writeFileSync(path, bytes);
    const m = loadModel(path);
    truncateSync(path, 100);
    expect(() => m.graph.tensors.get('w')!.data!.bytes).toThrow(/changed on disk after it was loaded/);
    writeFileSync(path, bytes);
    utimesSync(path, new Date(0), new Date(0));
    expect(() => m.graph.tensors.get('big_typed')!.data!.bytes).toThrow(EdgefitError);
    const again = loadModel(path);
    rmSync(path);
    expect(() => again.graph.tensors.get('w')!.data!.bytes).toThrow(/cannot be read again/);
  });

  it('agrees with the in-memory reader on mutated files: the same model, or the same error code and message', () => {
    let seed = 20261127;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const seeds = [convModel().toBytes()];
    for (const p of sharedModels('onnx')) {
      const size = readFileSync(p).length;
      if (size > 20_000 && size < 300_000) seeds.push(new Uint8Array(readFileSync(p)));
    }
    const path = join(tmp, 'mutated.onnx');
    const outcome = (fn: () => { graph: IRGraph }) => {
      try {
        return { ok: summary(fn().graph) };
      } catch (e) {
        if (!(e instanceof EdgefitError)) throw e;
        return { code: e.code, message: e.message.replaceAll(path, 'P') };
      }
    };
    const counts: Record<string, number> = {};
    for (let i = 0; i < 120; i++) {
      const original = seeds[i % seeds.length]!;
      let bytes = new Uint8Array(original);
      const kind = Math.floor(rand() * 3);
      if (kind === 0) for (let k = 0; k < 4; k++) bytes[Math.floor(rand() * bytes.length)]! ^= 1 << Math.floor(rand() * 8);
      else if (kind === 1) bytes = bytes.subarray(0, Math.floor(rand() * bytes.length));
      else for (let k = 0; k < 3; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      writeFileSync(path, bytes);
      const fromFile = outcome(() => loadModel(path));
      const inMemory = outcome(() => loadModelBytes(bytes, path));
      expect(fromFile, `case ${i}`).toEqual(inMemory);
      const key = 'ok' in fromFile ? 'model' : fromFile.code!;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    console.log(`lazy file reader vs in-memory on 120 mutated files: ${JSON.stringify(counts)}`);
  });

  it('a FIFO is refused as not a file at once, without waiting for a writer', () => {
    const fifo = join(tmp, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    const before = openFds();
    expect(() => loadModel(fifo)).toThrow(/pipe\.onnx is not a file/);
    expect(openFds()).toBe(before);
  });
});
