/**
 * The stored size of a constant without reading it. An ONNX file read by `loadModel` leaves large
 * payloads on disk behind a `bytes` getter (onnx/tensor-data.ts, `lazyConstData`) whose length the reader
 * checked against dtype × shape; asking `bytes.byteLength` would read them. Code that needs only sizes
 * calls `constByteLength` and `isUnreadConst` instead.
 */
import type { ConstData } from '../ir.ts';
import { storageBytes } from '../dtype.ts';
import { elementCount } from '../layer-ops.ts';

/** True while `data.bytes` is still the lazy getter (nothing read yet). */
export function isUnreadConst(data: ConstData): boolean {
  return Object.getOwnPropertyDescriptor(data, 'bytes')?.get !== undefined;
}

/**
 * `data.bytes.byteLength`, without reading an unread payload: the reader refused any payload whose length
 * is not storageBytes(dtype, elements), so that is its length.
 */
export function constByteLength(data: ConstData): number {
  return isUnreadConst(data) ? storageBytes(data.dtype, elementCount(data.shape)) : data.bytes.byteLength;
}
