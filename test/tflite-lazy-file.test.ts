/**
 * TFLite files loaded from disk (`loadModel` → readTfliteFile): large constants are left on disk until a stage
 * reads them, and the model keeps no view of the file. Oracle: the same file read whole into memory (`readTflite`, constants as views
 * of the file): the IR, every constant's bytes and the analysis are the same. Constants a stage never reads stay
 * unread through analysis and target checks; a file changed or cut after loading is refused with one line.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as flatbuffers from 'flatbuffers';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { isEdgefitError } from '../src/analyzer/errors.ts';
import type { ConstData, IRModel } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { INLINE_PAYLOAD_BYTES } from '../src/analyzer/onnx/wire-reader.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { readTflite, storedRegionKey } from '../src/analyzer/tflite/reader.ts';
import { evaluateTargets, DEFAULT_TARGETS } from '../src/targets/evaluate.ts';
import { MODELS_DIR, modelLabel, sharedModels } from './helpers/shared.ts';

const FILES = sharedModels('tflite');
if (!FILES.length) console.warn('[tflite-lazy-file] ../shared/models has no TFLite file: skipped');
const work = mkdtempSync(join(tmpdir(), 'edgefit-tflite-lazy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** True while `bytes` is still the lazy getter (nothing has read the constant). */
const unread = (d: ConstData): boolean => Object.getOwnPropertyDescriptor(d, 'bytes')?.get !== undefined;
const constants = (m: IRModel) => [...m.graph.tensors.values()].filter((t) => t.data);

/** The IR without constant bytes, for comparison (bytes are compared separately). */
function skeleton(m: IRModel): unknown {
  return {
    ...m,
    graph: { ...m.graph, tensors: [...m.graph.tensors.values()].map((t) => ({ ...t, data: t.data ? { dtype: t.data.dtype, shape: t.data.shape, origin: t.data.origin } : undefined })) },
  };
}

describe.skipIf(!FILES.length)('TFLite constants from disk are lazy and the same as read whole', () => {
  it.each(FILES.map((f) => [modelLabel(f), f]))('%s', (_label, path) => {
    const whole = readTflite(new Uint8Array(readFileSync(path)), { path });
    const paged = loadModel(path);
    expect(skeleton(paged)).toEqual(skeleton(whole));

    // large constants no other tensor shares are left on disk; nothing else is
    const lazy = constants(paged).filter((t) => unread(t.data!));
    for (const t of lazy) expect(t.data!.shape.reduce((a, b) => a * b, 1), t.name).toBeGreaterThan(INLINE_PAYLOAD_BYTES / 4);
    // analysis and every target's check read none of them, and give the same figures as the in-memory read
    const a = analyzeModel(paged);
    const b = analyzeModel(whole);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(evaluateTargets(a, [...DEFAULT_TARGETS]))).toBe(JSON.stringify(evaluateTargets(b, [...DEFAULT_TARGETS])));
    for (const t of lazy) expect(unread(t.data!), `${t.name} was read`).toBe(true);

    // read on demand: the stored bytes
    for (const t of constants(paged)) expect(Buffer.compare(t.data!.bytes, whole.graph.tensors.get(t.name)!.data!.bytes), t.name).toBe(0);
  });

  it("most of the largest file's bytes are left on disk, not kept with the model", () => {
    const largest = FILES.map((f) => ({ f, n: readFileSync(f).length })).sort((x, y) => y.n - x.n)[0]!;
    const m = loadModel(largest.f);
    const lazyBytes = constants(m)
      .filter((t) => unread(t.data!))
      .reduce((s, t) => s + t.data!.shape.reduce((a, b) => a * b, 1), 0);
    expect(lazyBytes / largest.n).toBeGreaterThan(0.5);
  });
});

describe.skipIf(!FILES.length)('a TFLite file changed or cut after loading', () => {
  const source = FILES.map((f) => ({ f, n: readFileSync(f).length })).sort((x, y) => y.n - x.n)[0]?.f;

  it('refuses to read a lazy constant from a file rewritten since loading', () => {
    const path = join(work, 'rewritten.tflite');
    copyFileSync(source!, path);
    const m = loadModel(path);
    const t = constants(m).find((x) => unread(x.data!))!;
    const bytes = readFileSync(path);
    writeFileSync(path, bytes);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(() => t.data!.bytes).toThrow(/changed on disk after it was loaded/);
  });

  it('refuses a file cut at any of 12 points with one EdgefitError line', () => {
    const bytes = readFileSync(source!);
    for (let k = 1; k <= 12; k++) {
      const path = join(work, `cut-${k}.tflite`);
      writeFileSync(path, bytes);
      truncateSync(path, Math.floor((bytes.length * k) / 13));
      try {
        loadModel(path);
        throw new Error(`cut at ${k}/13 loaded`);
      } catch (e) {
        expect(isEdgefitError(e), String(e)).toBe(true);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });
});

/** A copy of a TFLite file whose tensor `to` reads the buffer of tensor `from` (the `buffer` field rewritten in place). */
function withBufferOf(bytes: Buffer, to: number, from: number | 'out-of-range'): Buffer {
  const out = Buffer.from(bytes);
  const model = Model.getRootAsModel(new flatbuffers.ByteBuffer(out));
  const tensors = model.subgraphs(0)!;
  const target = tensors.tensors(to)!;
  const field = target.bb_pos + target.bb!.__offset(target.bb_pos, 8); // Tensor.buffer
  out.writeUInt32LE(from === 'out-of-range' ? model.buffersLength() + 5 : tensors.tensors(from)!.buffer(), field);
  return out;
}

const MOBILENET = join(MODELS_DIR, 'legacy_tflite/bvenreply/image_classification/mobilenetv1/mobilenet_v1_0.25_96_int8.tflite');
describe.skipIf(!existsSync(MOBILENET))('a large constant two tensors read, and a buffer index out of range (MobileNet v1 0.25 96, rewritten)', () => {
  // tensors 31 and 35: the 128→128 pointwise kernels of conv_pw_7 and conv_pw_8, int8 [128,1,1,128], 16 KiB each
  const original = readFileSync(MOBILENET);

  it('is copied once (not left on disk), charged once, and the analysis is the in-memory read\'s', () => {
    const path = join(work, 'shared-buffer.tflite');
    writeFileSync(path, withBufferOf(original, 35, 31));
    const m = loadModel(path);
    const [t31, t35] = [31, 35].map((i) => [...m.graph.tensors.values()][i]!);
    expect(t31!.data!.shape).toEqual([128, 1, 1, 128]);
    expect(unread(t31!.data!) || unread(t35!.data!)).toBe(false);
    expect(t35!.data!.bytes).toBe(t31!.data!.bytes);
    expect(storedRegionKey(t35!.data!)).toBe(storedRegionKey(t31!.data!));
    const fromFile = analyzeModel(m);
    expect(JSON.stringify(fromFile)).toBe(JSON.stringify(analyzeModel(loadModelBytes(readFileSync(path), path))));
    // the original file's weights less the one 16 KiB kernel no tensor reads any more
    expect(analyzeModel(loadModel(MOBILENET)).totals.weightBytes - fromFile.totals.weightBytes).toBe(t31!.data!.bytes.byteLength);
  });

  it('a tensor whose buffer index is out of range: one EdgefitError line naming the tensor', () => {
    const path = join(work, 'buffer-out-of-range.tflite');
    writeFileSync(path, withBufferOf(original, 35, 'out-of-range'));
    try {
      loadModel(path);
      throw new Error('loaded');
    } catch (e) {
      expect(isEdgefitError(e), String(e)).toBe(true);
      expect((e as Error).message).toMatch(/tensor 35 '.*conv_pw_8.*': buffer index \d+ out of range/);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
