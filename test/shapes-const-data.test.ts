import { describe, expect, it } from 'vitest';
import { constElementCount, decodeConst, decodeSmallConst, float16ToNumber } from '../src/analyzer/const-data.ts';
import type { ConstData } from '../src/analyzer/ir.ts';
import type { DType } from '../src/analyzer/dtype.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';

const c = (dtype: DType, shape: number[], bytes: number[]): ConstData => ({ dtype, shape, bytes: Uint8Array.from(bytes) });

describe('decodeConst', () => {
  it('float32 little-endian', () => {
    // 1.0 = 0x3f800000, -2.5 = 0xc0200000
    expect(decodeConst(c('float32', [2], [0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]))).toEqual([1, -2.5]);
  });
  it('float64', () => {
    // 0.5 = 0x3fe0000000000000
    expect(decodeConst(c('float64', [], [0, 0, 0, 0, 0, 0, 0xe0, 0x3f]))).toEqual([0.5]);
  });
  it('float16 incl. subnormal, inf, nan', () => {
    // 1.0 = 0x3c00, -2 = 0xc000, 65504 = 0x7bff, smallest subnormal 0x0001 = 2^-24, inf 0x7c00
    const v = decodeConst(c('float16', [5], [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c]));
    expect(v).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });
  it('bfloat16', () => {
    // 1.0 = 0x3f80, -3 = 0xc040
    expect(decodeConst(c('bfloat16', [2], [0x80, 0x3f, 0x40, 0xc0]))).toEqual([1, -3]);
  });
  it('int4 unpacks low nibble first with sign extension', () => {
    // byte 0x8f: low nibble 0xf = -1, high nibble 0x8 = -8; byte 0x07: low 7, high 0
    expect(decodeConst(c('int4', [4], [0x8f, 0x07]))).toEqual([-1, -8, 7, 0]);
  });
  it('int4 with odd count ignores the padding nibble', () => {
    expect(decodeConst(c('int4', [3], [0x21, 0xf3]))).toEqual([1, 2, 3]);
  });
  it('uint4', () => {
    expect(decodeConst(c('uint4', [2, 2], [0x8f, 0x07]))).toEqual([15, 8, 7, 0]);
  });
  it('int8 / uint8 / bool', () => {
    expect(decodeConst(c('int8', [3], [0xff, 0x80, 0x7f]))).toEqual([-1, -128, 127]);
    expect(decodeConst(c('uint8', [3], [0xff, 0x80, 0x7f]))).toEqual([255, 128, 127]);
    expect(decodeConst(c('bool', [3], [0, 1, 2]))).toEqual([0, 1, 1]);
  });
  it('int16 / uint16 / int32 / uint32', () => {
    expect(decodeConst(c('int16', [2], [0xff, 0xff, 0x00, 0x80]))).toEqual([-1, -32768]);
    expect(decodeConst(c('uint16', [1], [0x00, 0x80]))).toEqual([32768]);
    expect(decodeConst(c('int32', [1], [0xfe, 0xff, 0xff, 0xff]))).toEqual([-2]);
    expect(decodeConst(c('uint32', [1], [0xfe, 0xff, 0xff, 0xff]))).toEqual([4294967294]);
  });
  it('int64 as numbers, including -1 and INT64_MAX (as used by Slice ends)', () => {
    const bytes = [
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // -1
      ...[0x00, 0x01, 0, 0, 0, 0, 0, 0], // 256
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], // INT64_MAX
    ];
    const v = decodeConst(c('int64', [3], bytes));
    expect(v[0]).toBe(-1);
    expect(v[1]).toBe(256);
    expect(v[2]).toBe(9223372036854775807);
  });
  it('uint64', () => {
    expect(decodeConst(c('uint64', [1], [5, 0, 0, 0, 0, 0, 0, 0]))).toEqual([5]);
  });
  it('float8 e4m3fn and e5m2', () => {
    // e4m3fn: 0x38 = 0 0111 000 = 1.0; 0x7f = NaN; 0xc0 = -2
    const a = decodeConst(c('float8e4m3fn', [3], [0x38, 0x7f, 0xc0]));
    expect(a[0]).toBe(1);
    expect(a[1]).toBeNaN();
    expect(a[2]).toBe(-2);
    // e5m2: 0x3c = 0 01111 00 = 1.0; 0x7c = inf
    expect(decodeConst(c('float8e5m2', [2], [0x3c, 0x7c]))).toEqual([1, Infinity]);
  });
  it('respects a byteOffset into a larger buffer', () => {
    const big = Uint8Array.from([9, 9, 9, 0x02, 0x00, 0x00, 0x00]);
    expect(decodeConst({ dtype: 'int32', shape: [1], bytes: big.subarray(3) })).toEqual([2]);
  });
  it('refuses to decode above maxElements', () => {
    const data = c('uint8', [4, 4], new Array(16).fill(0));
    expect(() => decodeConst(data, 10)).toThrow(EdgefitError);
    try {
      decodeConst(data, 10);
    } catch (e) {
      expect((e as EdgefitError).code).toBe('LIMIT');
    }
    // Never allocates for a huge declared shape with no bytes behind it
    expect(() => decodeConst(c('float32', [1 << 20, 1 << 20], []))).toThrow(/decode limit/);
    expect(decodeSmallConst(data, 10)).toBeUndefined();
    expect(decodeSmallConst(data, 16)).toHaveLength(16);
  });
  it('short byte arrays are a BAD_MODEL error, not garbage', () => {
    expect(() => decodeConst(c('int64', [2], [1, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/needs 16 bytes but holds 8/);
  });
  it('string tensors are unsupported', () => {
    expect(() => decodeConst(c('string', [1], [0]))).toThrow(EdgefitError);
  });
});

describe('constElementCount', () => {
  it('scalar is 1, empty dim is 0', () => {
    expect(constElementCount(c('float32', [], []))).toBe(1);
    expect(constElementCount(c('float32', [3, 0, 2], []))).toBe(0);
    expect(constElementCount(c('float32', [2, 3, 4], []))).toBe(24);
  });
  it('rejects negative dims', () => {
    expect(() => constElementCount(c('float32', [2, -1], []))).toThrow(EdgefitError);
  });
});
