/**
 * Loading a model file into the IR: existence and size checks, format sniffing (TFLite by its `TFL3`
 * identifier at bytes 4..7, otherwise ONNX), the format's reader, then the structural graph check.
 *
 * ```ts
 * const model = loadModel('net.onnx', { maxFileBytes: 4 * 2 ** 30 });
 * ```
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EdgefitError, isEdgefitError } from './errors.ts';
import { checkGraph } from './graph-check.ts';
import type { IRModel } from './ir.ts';
import { readOnnx } from './onnx/reader.ts';
import { DEFAULT_MAX_TENSOR_BYTES } from './onnx/tensor-data.ts';
import { readTflite } from './tflite/reader.ts';

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

/** Reads and checks a model file. */
export function loadModel(path: string, opts: LoadOptions = {}): IRModel {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new EdgefitError('FILE_NOT_FOUND', `${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (isEdgefitError(e)) throw e;
    throw new EdgefitError('FILE_NOT_FOUND', `${path}: no such file`);
  }
  const cap = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (size > cap) throw tooLarge(path, size, cap);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new EdgefitError('FILE_NOT_FOUND', `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return loadModelBytes(bytes, path, { ...opts, baseDir: dirname(resolve(path)) });
}

/**
 * Reads a model already in memory. `path` names it in messages; external data (ONNX) is read relative
 * to `opts.baseDir`, or to the folder of `path` when not given.
 */
export function loadModelBytes(bytes: Uint8Array, path: string, opts: LoadBytesOptions = {}): IRModel {
  const cap = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length > cap) throw tooLarge(path, bytes.length, cap);
  const maxTensorBytes = opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  let model: IRModel;
  if (isTflite(bytes)) {
    try {
      model = readTflite(bytes, { path, maxTensorBytes });
    } catch (e) {
      // every tensor-cap refusal says how to raise the cap, whichever reader made it
      if (isEdgefitError(e) && e.code === 'LIMIT' && !e.message.includes('--max-tensor-bytes')) {
        throw new EdgefitError('LIMIT', `${e.message} (raise it with --max-tensor-bytes / maxTensorBytes)`);
      }
      throw e;
    }
  } else {
    try {
      model = readOnnx(bytes, { path, baseDir: opts.baseDir ?? dirname(resolve(path)), maxTensorBytes });
    } catch (e) {
      if (isEdgefitError(e) && e.code === 'NOT_A_MODEL') {
        throw new EdgefitError('NOT_A_MODEL', e.message.replace('not an ONNX model', 'not an ONNX or TFLite model'));
      }
      throw e;
    }
  }
  const graph = checkGraph(model.graph, path);
  return graph === model.graph ? model : { ...model, graph };
}
