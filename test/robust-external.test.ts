/**
 * ONNX external data that tries to make edgefit hang, read what it should not, or hold far more memory than the
 * files it was given: the same file named by thousands of tensors, overlapping ranges, a FIFO, a device, a
 * folder, offsets and lengths beyond the file or beyond 2^53, a tensor above the cap. Each ends in a result or
 * in one EdgefitError line.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalFloat32 } from './helpers/external-tensor.ts';
import { refusal as caughtRefusal } from './helpers/refusal.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModel } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'edgefit-robust-external-'));
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

interface Ref {
  location: string;
  offset: number | string;
  length: number | string;
}

/** x[1, n] → Add(w0) → Add(w1) → … with each w_i float32 [1, n] stored at refs[i]. */
function chainModel(folder: string, n: number, refs: Ref[]): string {
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', [1, n]);
  let prev = 'x';
  refs.forEach((r, i) => {
    b.rawInitializer(externalFloat32(`w${i}`, [1, n], r.location, r.offset, r.length));
    b.node('Add', [prev, `w${i}`], [`a${i}`]);
    prev = `a${i}`;
  });
  b.output(prev, 'float32', [1, n]);
  mkdirSync(folder, { recursive: true });
  return b.writeTo(folder, 'model.onnx');
}

function refusal(fn: () => unknown): EdgefitError {
  const e = caughtRefusal(fn, 'expected an EdgefitError, the model loaded');
  expect(e.message.split('\n')).toHaveLength(1);
  return e;
}

describe('external data named many times', () => {
  it('2,000 tensors naming the same 64 KiB range share one copy of it', () => {
    const folder = join(root, 'same');
    mkdirSync(folder);
    const n = 16 * 1024;
    const data = new Float32Array(n).map((_, i) => i);
    writeFileSync(join(folder, 'w.bin'), new Uint8Array(data.buffer));
    const model = loadModel(chainModel(folder, n, Array.from({ length: 2000 }, () => ({ location: 'w.bin', offset: 0, length: 4 * n }))));
    const bytes = [...model.graph.tensors.values()].filter((t) => t.data).map((t) => t.data!.bytes);
    expect(bytes).toHaveLength(2000);
    // one 64 KiB copy held, not 2,000 (125 MiB); the bytes are the file's
    expect(new Set(bytes).size).toBe(1);
    expect(Array.from(new Float32Array(bytes[0]!.slice().buffer).subarray(0, 4))).toEqual([0, 1, 2, 3]);
  });

  it('overlapping ranges that add up to more than the file are refused, naming the file', () => {
    const folder = join(root, 'overlap');
    mkdirSync(folder);
    const n = 16 * 1024;
    writeFileSync(join(folder, 'w.bin'), new Uint8Array(4 * n + 4 * 200));
    // 200 tensors of 64 KiB at offsets 0, 4, 8, …: 12.5 MiB read from a file of 65 KiB
    const path = chainModel(folder, n, Array.from({ length: 200 }, (_, i) => ({ location: 'w.bin', offset: 4 * i, length: 4 * n })));
    const e = refusal(() => loadModel(path));
    expect(e.code).toBe('EXTERNAL_DATA');
    expect(e.message).toMatch(/initializer 'w1': the tensors stored in external data file "w\.bin" overlap: their ranges add up to more than its 66336 bytes/);
  });

  it('tensors that tile a file exactly (as exporters write them) still load', () => {
    const folder = join(root, 'tiled');
    mkdirSync(folder);
    const n = 256;
    writeFileSync(join(folder, 'w.bin'), new Uint8Array(4 * n * 50));
    const model = loadModel(chainModel(folder, n, Array.from({ length: 50 }, (_, i) => ({ location: 'w.bin', offset: 4 * n * i, length: 4 * n }))));
    expect([...model.graph.tensors.values()].filter((t) => t.data)).toHaveLength(50);
  });
});

describe('external data that is not a plain range of a regular file', () => {
  const n = 4;
  const cases: [string, (folder: string) => Ref, RegExp][] = [
    ['a FIFO (opening it would block)', (f) => (execFileSync('mkfifo', [join(f, 'pipe')]), { location: 'pipe', offset: 0, length: 16 }), /"pipe" is not a regular file/],
    ['a symlink to /dev/zero', (f) => (symlinkSync('/dev/zero', join(f, 'zero')), { location: 'zero', offset: 0, length: 16 }), /"zero" resolves to \/dev\/zero, outside the model's folder/],
    ['/dev/zero itself', () => ({ location: '/dev/zero', offset: 0, length: 16 }), /"\/dev\/zero" is absolute/],
    ['a symlink to a FIFO inside the folder', (f) => (execFileSync('mkfifo', [join(f, 'p2')]), symlinkSync('p2', join(f, 'link')), { location: 'link', offset: 0, length: 16 }), /"link" is not a regular file/],
    ['a folder', (f) => (mkdirSync(join(f, 'sub')), { location: 'sub', offset: 0, length: 16 }), /"sub" is not a regular file/],
    ['an offset beyond the file', (f) => (writeFileSync(join(f, 'w.bin'), new Uint8Array(16)), { location: 'w.bin', offset: 1 << 30, length: 16 }), /has 16 bytes, too short for 16 bytes at offset 1073741824/],
    ['an offset beyond 2^53', (f) => (writeFileSync(join(f, 'w.bin'), new Uint8Array(16)), { location: 'w.bin', offset: '18446744073709551615', length: 16 }), /offset 18446744073709551615 is too large/],
    ['a negative offset', (f) => (writeFileSync(join(f, 'w.bin'), new Uint8Array(16)), { location: 'w.bin', offset: -16, length: 16 }), /offset '-16' is not a non-negative integer/],
    ['a length that disagrees with the dims', (f) => (writeFileSync(join(f, 'w.bin'), new Uint8Array(16)), { location: 'w.bin', offset: 0, length: 2 ** 40 }), /length 1099511627776 in "w\.bin" disagrees with the 16 bytes/],
  ];
  it.each(cases)('%s: one line, no hang', (kind, make, message) => {
    const folder = join(root, kind.replace(/\W+/g, '-'));
    mkdirSync(folder);
    const path = chainModel(folder, n, [make(folder)]);
    const e = refusal(() => loadModel(path));
    expect(e.message).toMatch(message);
  });

  it('a tensor above the tensor cap is refused before its file is opened, naming the option that raises the cap', () => {
    const folder = join(root, 'cap');
    mkdirSync(folder);
    // dims of 2^31 floats (8 GiB), in a file of 16 bytes
    const path = chainModel(folder, 2 ** 31, [{ location: 'missing.bin', offset: 0, length: 2 ** 33 }]);
    const e = refusal(() => loadModel(path));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/--max-tensor-bytes/);
  });
});
