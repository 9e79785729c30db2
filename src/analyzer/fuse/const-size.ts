/**
 * The stored size of a constant without reading it. An ONNX file read by `loadModel` leaves large
 * payloads on disk behind a `bytes` getter (onnx/tensor-data.ts, `lazyConstData`) whose length the reader
 * checked against dtype × shape; asking `bytes.byteLength` would read them. Code that needs only sizes
 * calls `constByteLength` and `unreadConstBytes` instead.
 */
import type { ConstData } from '../ir.ts';
import { storageBytes } from '../dtype.ts';
import { elementCount } from '../layer-ops.ts';
import { INLINE_PAYLOAD_BYTES } from '../onnx/wire-reader.ts';

/**
 * The stored size of `data` while its payload is still on disk (`bytes` is the lazy getter), else undefined.
 * Payloads up to INLINE_PAYLOAD_BYTES are always in memory, so the property-descriptor lookup (a slow runtime
 * call) is skipped for the many small constants.
 */
export function unreadConstBytes(data: ConstData): number | undefined {
  const bytes = storageBytes(data.dtype, elementCount(data.shape));
  if (bytes <= INLINE_PAYLOAD_BYTES) return undefined;
  return Object.getOwnPropertyDescriptor(data, 'bytes')?.get !== undefined ? bytes : undefined;
}

/**
 * `data.bytes.byteLength`, without reading an unread payload: the reader refused any payload whose length
 * is not storageBytes(dtype, elements), so that is its length.
 */
export function constByteLength(data: ConstData): number {
  return unreadConstBytes(data) ?? data.bytes.byteLength;
}
