/**
 * Loading a model file into the IR: existence and size checks, format sniffing (TFLite by its `TFL3`
 * identifier at bytes 4..7, otherwise ONNX), the format's reader, then the structural graph check.
 *
 * ```ts
 * const model = loadModel('net.onnx', { maxFileBytes: 4 * 2 ** 30 });
 * ```
 */
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgefitError, escapeControlChars, isEdgefitError } from './errors.ts';
import { checkGraph } from './graph-check.ts';
import type { IRModel } from './ir.ts';
import { readFully } from './onnx/read-fully.ts';
import { readOnnxBytes, readOnnxFile, type OnnxRead } from './onnx/reader.ts';
import { DEFAULT_MAX_TENSOR_BYTES } from './onnx/tensor-data.ts';
import { readTflite, readTfliteFile } from './tflite/reader.ts';

export interface LoadOptions {
  /** Cap on the model file's size (default 2 GiB). */
  maxFileBytes?: number;
  /** Cap on one tensor's storage bytes (default 1 GiB). */
  maxTensorBytes?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;
export { DEFAULT_MAX_TENSOR_BYTES };

export interface LoadBytesOptions extends LoadOptions {
  /** Folder that external data locations are relative to (default: the folder of `path`). */
  baseDir?: string;
}

export function isTflite(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x54 && bytes[5] === 0x46 && bytes[6] === 0x4c && bytes[7] === 0x33; // 'TFL3'
}

function tooLarge(path: string, size: number, cap: number): EdgefitError {
  return new EdgefitError('FILE_TOO_LARGE', `${path} has ${size} bytes, above the ${cap}-byte file cap (raise it with --max-file-bytes / maxFileBytes)`);
}

/** Bytes read first: enough to tell TFLite from ONNX, and the start of an ONNX file's structure. */
const HEAD_BYTES = 16 * 1024;

/**
 * The buffer the first bytes are read into, reused from one load to the next (loads are synchronous): the
 * readers copy what they keep of it (the ONNX reader's strings and small payloads, the TFLite reader's bytes).
 */
const headBuffer = Buffer.allocUnsafe(HEAD_BYTES);

function cannotRead(path: string, e: unknown): EdgefitError {
  return new EdgefitError('FILE_NOT_FOUND', `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
}

/** Reads [from, into.length) of `into` from the same offsets of the file; TRUNCATED when it ends first. */
function readRest(fd: number, into: Uint8Array, from: number, path: string): void {
  const got = readFully(fd, into, from, into.length - from, from);
  if (from + got < into.length) throw new EdgefitError('TRUNCATED', `${path} ended after ${from + got} bytes while it was being read`);
}

/**
 * Reads and checks a model file. ONNX files are read structure first: initializer payloads above a few KiB
 * are not read until something asks for their bytes (see onnx/wire-reader.ts); TFLite files are read whole to
 * decode them, and their large constants are then left on disk likewise (tflite/reader.ts readTfliteFile).
 */
export function loadModel(path: string, opts: LoadOptions = {}): IRModel {
  const cap = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  let fd: number;
  try {
    // non-blocking, so a FIFO opens at once (and is refused below as not a regular file)
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new EdgefitError('FILE_NOT_FOUND', `${path}: no such file`);
    throw cannotRead(path, e);
  }
  let size: number;
  const absolute = resolve(path);
  const baseDir = dirname(absolute);
  try {
    let head: Uint8Array;
    let mtimeMs: number;
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new EdgefitError('FILE_NOT_FOUND', `${path} is not a file`);
      size = st.size;
      mtimeMs = st.mtimeMs;
      if (size > cap) throw tooLarge(path, size, cap);
      head = size >= HEAD_BYTES ? headBuffer : headBuffer.subarray(0, size);
      readRest(fd, head, 0, path);
    } catch (e) {
      if (isEdgefitError(e)) throw e;
      throw cannotRead(path, e);
    }
    if (isTflite(head)) {
      // large constants are left on disk until a stage reads them; the model keeps nothing of the file (tflite/reader.ts)
      const identity = { path: absolute, shown: path, size, mtimeMs };
      return withTfliteLimitHint(() => readTfliteFile(fd, identity, head, { path, maxTensorBytes: opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES }));
    }
    if (size === 0) {
      const bytes = Buffer.allocUnsafe(size);
      bytes.set(head, 0);
      try {
        readRest(fd, bytes, head.length, path);
      } catch (e) {
        if (isEdgefitError(e)) throw e;
        throw cannotRead(path, e);
      }
      return loadModelBytes(bytes, path, { ...opts, baseDir });
    }
    const maxTensorBytes = opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
    const identity = { path: absolute, shown: path, size, mtimeMs };
    return checked(withOnnxMessages(() => readOnnxFile(fd, identity, head, { path, baseDir, maxTensorBytes })), path);
  } finally {
    closeSync(fd);
  }
}

/** Every tensor-cap refusal says how to raise the cap, whichever reader made it. */
function withTfliteLimitHint(read: () => IRModel): IRModel {
  try {
    return read();
  } catch (e) {
    if (isEdgefitError(e) && e.code === 'LIMIT' && !e.message.includes('--max-tensor-bytes')) {
      throw new EdgefitError('LIMIT', `${e.message} (raise it with --max-tensor-bytes / maxTensorBytes)`);
    }
    throw e;
  }
}

function withOnnxMessages(read: () => OnnxRead): OnnxRead {
  try {
    return read();
  } catch (e) {
    if (isEdgefitError(e) && e.code === 'NOT_A_MODEL') {
      throw new EdgefitError('NOT_A_MODEL', e.message.replace('not an ONNX model', 'not an ONNX or TFLite model'));
    }
    throw e;
  }
}

function checked({ model, namesPrintable, ids }: OnnxRead, path: string): IRModel {
  const graph = checkGraph(model.graph, path, { namesPrintable, ids });
  // reader warnings quote names as read: shown escaped, as checkGraph shows the names themselves
  const warnings = model.warnings.map(escapeControlChars);
  return { ...model, graph, warnings };
}

/**
 * Reads a model already in memory. `path` names it in messages; external data (ONNX) is read relative
 * to `opts.baseDir`, or to the folder of `path` when not given.
 */
export function loadModelBytes(bytes: Uint8Array, path: string, opts: LoadBytesOptions = {}): IRModel {
  const cap = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length > cap) throw tooLarge(path, bytes.length, cap);
  const maxTensorBytes = opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  // checked by the reader itself (its tests call it directly)
  if (isTflite(bytes)) return withTfliteLimitHint(() => readTflite(bytes, { path, maxTensorBytes }));
  return checked(withOnnxMessages(() => readOnnxBytes(bytes, { path, baseDir: opts.baseDir ?? dirname(resolve(path)), maxTensorBytes })), path);
}
