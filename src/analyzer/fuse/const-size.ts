/**
 * The stored size of a constant without reading it. An ONNX file read by `loadModel` leaves large
 * payloads on disk behind a `bytes` getter (onnx/tensor-data.ts, `lazyConstData`) whose length the reader
 * checked against dtype × shape; asking `bytes.byteLength` would read them. Code that needs only sizes
 * calls `constByteLength` and `isUnreadConst` instead.
 */
import type { ConstData } from '../ir.ts';
import { storageBytes } from '../dtype.ts';
import { elementCount } from '../layer-ops.ts';

/**
 * Payloads this small are always in memory (the reader leaves only those above 4 KiB on disk:
 * INLINE_PAYLOAD_BYTES in onnx/wire-reader.ts). Only a shortcut: were a smaller payload left on disk,
 * it would be read, and every size would stay the same.
 */
const ALWAYS_READ_BYTES = 4 * 1024;

/** True while `data.bytes` is still the lazy getter (nothing read yet). */
export function isUnreadConst(data: ConstData): boolean {
  // a property-descriptor lookup is a slow runtime call: skipped for the many small constants
  if (storageBytes(data.dtype, elementCount(data.shape)) <= ALWAYS_READ_BYTES) return false;
  return Object.getOwnPropertyDescriptor(data, 'bytes')?.get !== undefined;
}

/**
 * `data.bytes.byteLength`, without reading an unread payload: the reader refused any payload whose length
 * is not storageBytes(dtype, elements), so that is its length.
 */
export function constByteLength(data: ConstData): number {
  const bytes = storageBytes(data.dtype, elementCount(data.shape));
  if (bytes > ALWAYS_READ_BYTES && Object.getOwnPropertyDescriptor(data, 'bytes')?.get !== undefined) return bytes;
  return data.bytes.byteLength;
}
