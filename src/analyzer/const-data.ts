/**
 * Decoding constant tensor bytes (ConstData) into plain numbers, for every dtype the IR knows.
 * Used by shape inference (folding shape sub-graphs), fusion (reading scales and zero points) and reports.
 *
 * Storage conventions (ir.ts): little-endian; int4/uint4/float4e2m1 packed two per byte, low nibble first.
 * int64/uint64 become JS numbers (exact up to 2^53; larger magnitudes lose precision, which is fine for
 * shapes, axes and zero points). Decoding is refused above `maxElements` so a huge weight is never expanded
 * into a JS array by accident.
 */
import type { ConstData } from './ir.ts';
import { storageBytes, type DType } from './dtype.ts';
import { EdgefitError } from './errors.ts';

/** Default cap on decoded elements (1 Mi): enough for any scale/zero-point/shape vector, far below a weight bank. */
export const DEFAULT_MAX_DECODE_ELEMENTS = 1 << 20;

/** Number of elements the tensor holds (product of its shape; 1 for a scalar). */
export function constElementCount(data: ConstData): number {
  let n = 1;
  for (const d of data.shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new EdgefitError('BAD_SHAPE', `constant tensor has an invalid dim ${d} in shape [${data.shape.join(', ')}]`);
    }
    n *= d;
  }
  return n;
}

/** IEEE 754 half precision → number. */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 (upper half of a float32) → number. */
export function bfloat16ToNumber(b: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, (b & 0xffff) << 16, true);
  return buf.getFloat32(0, true);
}

/**
 * Generic small-float decoder: `expBits`/`manBits`, exponent `bias`; `fnuz` variants have no negative zero
 * and encode NaN as 0x80; `e4m3fn` has no infinities and NaN at all-ones exponent+mantissa.
 */
function smallFloat(v: number, expBits: number, manBits: number, bias: number, kind: 'ieee' | 'fn' | 'fnuz'): number {
  const total = 1 + expBits + manBits;
  const signBit = 1 << (total - 1);
  if (kind === 'fnuz' && v === signBit) return NaN;
  const sign = v & signBit ? -1 : 1;
  const exp = (v >> manBits) & ((1 << expBits) - 1);
  const man = v & ((1 << manBits) - 1);
  const expMax = (1 << expBits) - 1;
  if (kind === 'ieee' && exp === expMax) return man ? NaN : sign * Infinity;
  if (kind === 'fn' && exp === expMax && man === (1 << manBits) - 1) return NaN;
  if (exp === 0) return sign * man * 2 ** (1 - bias - manBits);
  return sign * (1 + man / (1 << manBits)) * 2 ** (exp - bias);
}

const FLOAT4E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

function nibble(bytes: Uint8Array, i: number): number {
  const b = bytes[i >> 1]!;
  return i & 1 ? b >> 4 : b & 0x0f;
}

/** A dtype whose elements are not numbers (decodeConst refuses it, decodeSmallConst gives no value). */
function undecodable(dtype: DType): boolean {
  return dtype === 'string' || dtype === 'complex64' || dtype === 'complex128' || dtype === 'unknown';
}

/**
 * Decodes every element of `data` to a number (row-major). bool → 0/1.
 * Throws EdgefitError('LIMIT') above `maxElements`, ('BAD_MODEL') when the bytes are too short,
 * ('UNSUPPORTED') for string/complex/unknown tensors.
 */
export function decodeConst(data: ConstData, maxElements = DEFAULT_MAX_DECODE_ELEMENTS): number[] {
  const count = constElementCount(data);
  if (count > maxElements) {
    throw new EdgefitError('LIMIT', `constant tensor of ${count} elements is above the decode limit of ${maxElements}`);
  }
  if (undecodable(data.dtype)) throw new EdgefitError('UNSUPPORTED', `cannot decode a constant tensor of dtype ${data.dtype}`);
  return decodeCounted(data, count);
}

/** Decodes a constant only when it holds at most `maxElements` elements; otherwise undefined (no throw). */
export function decodeSmallConst(data: ConstData, maxElements: number): number[] | undefined {
  // the element count without constElementCount's throw (an invalid dim means: no value)
  let count = 1;
  const shape = data.shape;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0) return undefined;
    count *= d;
  }
  if (count > maxElements || undecodable(data.dtype)) return undefined;
  return decodeCounted(data, count);
}

/** Throws BAD_MODEL when the bytes of `data` are too short to hold `count` elements of its dtype. */
export function checkConstBytes(data: ConstData, count: number): void {
  const dtype = data.dtype;
  // the widths of the common dtypes spelled out: storageBytes' table lookup by dtype name was a measurable cost
  const needBytes =
    dtype === 'float32' || dtype === 'int32' ? count * 4 : dtype === 'int8' || dtype === 'uint8' ? count : dtype === 'int64' ? count * 8 : storageBytes(dtype, count);
  const haveBytes = data.bytes.byteLength;
  if (haveBytes < needBytes) {
    throw new EdgefitError('BAD_MODEL', `constant tensor of shape [${data.shape.join(', ')}] ${dtype} needs ${needBytes} bytes but holds ${haveBytes}`);
  }
}

/** The `count` elements of a decodable constant; BAD_MODEL when its bytes are too short to hold them. */
function decodeCounted(data: ConstData, count: number): number[] {
  checkConstBytes(data, count);
  const dtype = data.dtype;
  const bytes = data.bytes;
  const out = new Array<number>(count);
  // the common dtypes read the bytes directly: no DataView per constant (most are a few elements)
  switch (dtype) {
    case 'float32':
      for (let i = 0; i < count; i++) out[i] = float32At(bytes, i * 4);
      return out;
    case 'int8':
      for (let i = 0; i < count; i++) out[i] = (bytes[i]! << 24) >> 24;
      return out;
    case 'uint8':
      for (let i = 0; i < count; i++) out[i] = bytes[i]!;
      return out;
    case 'int32':
      for (let i = 0; i < count; i++) out[i] = int32At(bytes, i * 4);
      return out;
    case 'int64':
      for (let i = 0; i < count; i++) out[i] = int64At(bytes, i * 8);
      return out;
    default: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) out[i] = element(dtype, view, bytes, i);
      return out;
    }
  }
}

/** Little-endian int32 at `offset`. */
function int32At(bytes: Uint8Array, offset: number): number {
  return bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24);
}

/** One float's bits go through here: a float32 read without a DataView over the constant's own bytes. */
const scratchView = new DataView(new ArrayBuffer(8));

/** Little-endian float32 at `offset`. */
function float32At(bytes: Uint8Array, offset: number): number {
  scratchView.setInt32(0, int32At(bytes, offset), true);
  return scratchView.getFloat32(0, true);
}

/** Little-endian int64 at `offset` → number, as Number(getBigInt64) gives it (exact below 2^53), without a BigInt when it fits. */
function int64At(bytes: Uint8Array, offset: number): number {
  const lo = int32At(bytes, offset) >>> 0;
  const hi = int32At(bytes, offset + 4);
  // |hi| < 2^21 keeps hi·2^32 + lo below 2^53 in magnitude: exact in a double, like Number(bigint)
  if (hi >= -0x200000 && hi < 0x200000) return hi * 0x100000000 + lo;
  scratchView.setInt32(0, lo | 0, true);
  scratchView.setInt32(4, hi, true);
  return Number(scratchView.getBigInt64(0, true));
}

/** Element i of the dtypes decodeCounted does not read directly. */
function element(dtype: DType, view: DataView, bytes: Uint8Array, i: number): number {
  switch (dtype) {
    case 'float64':
      return view.getFloat64(i * 8, true);
    case 'float16':
      return float16ToNumber(view.getUint16(i * 2, true));
    case 'bfloat16':
      return bfloat16ToNumber(view.getUint16(i * 2, true));
    case 'float8e4m3fn':
      return smallFloat(bytes[i]!, 4, 3, 7, 'fn');
    case 'float8e4m3fnuz':
      return smallFloat(bytes[i]!, 4, 3, 8, 'fnuz');
    case 'float8e5m2':
      return smallFloat(bytes[i]!, 5, 2, 15, 'ieee');
    case 'float8e5m2fnuz':
      return smallFloat(bytes[i]!, 5, 2, 16, 'fnuz');
    case 'float4e2m1': {
      const v = nibble(bytes, i);
      return (v & 8 ? -1 : 1) * FLOAT4E2M1[v & 7]!;
    }
    case 'int4': {
      const v = nibble(bytes, i);
      return v & 8 ? v - 16 : v;
    }
    case 'uint4':
      return nibble(bytes, i);
    case 'bool':
      return bytes[i] ? 1 : 0;
    case 'int16':
      return view.getInt16(i * 2, true);
    case 'uint16':
      return view.getUint16(i * 2, true);
    case 'uint32':
      return view.getUint32(i * 4, true);
    case 'uint64':
      return Number(view.getBigUint64(i * 8, true));
    default:
      throw new EdgefitError('UNSUPPORTED', `cannot decode a constant tensor of dtype ${dtype}`);
  }
}
