/**
 * Element types, format-neutral. The ONNX and TFLite readers map their enums onto these names.
 * ONNX TensorProto.DataType numbers are from onnx.proto (IR version 10/11), including the types newer
 * than the `onnx-proto` npm enum: FLOAT8 variants (17–20), UINT4/INT4 (21/22), FLOAT4E2M1 (23).
 */
export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'float4e2m1'
  | 'int4'
  | 'uint4'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'complex128'
  | 'unknown';

/** Storage size of one element in bits (int4/uint4 are packed two per byte). */
export const DTYPE_BITS: Record<DType, number> = {
  float32: 32,
  float16: 16,
  bfloat16: 16,
  float64: 64,
  float8e4m3fn: 8,
  float8e4m3fnuz: 8,
  float8e5m2: 8,
  float8e5m2fnuz: 8,
  float4e2m1: 4,
  int4: 4,
  uint4: 4,
  int8: 8,
  uint8: 8,
  int16: 16,
  uint16: 16,
  int32: 32,
  uint32: 32,
  int64: 64,
  uint64: 64,
  bool: 8,
  string: 0,
  complex64: 64,
  complex128: 128,
  unknown: 0,
};

/** ONNX TensorProto.DataType → DType. */
export const ONNX_DTYPES: Record<number, DType> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
};

/** Bytes needed to store `count` elements of `dtype` (packed sub-byte types round up). */
export function storageBytes(dtype: DType, count: number): number {
  return packedBytes(DTYPE_BITS[dtype], count);
}

/** Bytes of `count` elements of `bits` bits each, packed (int4/uint4 two per byte, the last byte padded). */
export function packedBytes(bits: number, count: number): number {
  return Math.ceil((bits * count) / 8);
}

export function isFloat(dtype: DType): boolean {
  return dtype.startsWith('float') || dtype === 'bfloat16';
}

export function isQuantizedInt(dtype: DType): boolean {
  return dtype === 'int8' || dtype === 'uint8' || dtype === 'int4' || dtype === 'uint4' || dtype === 'int16' || dtype === 'uint16';
}
