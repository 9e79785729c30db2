/**
 * ONNX TensorProto → ConstData: dims checked, size guarded before allocating, data taken from raw_data,
 * from the typed fields (re-encoded exactly as raw_data would store them), or from external data.
 */
import { DTYPE_BITS, ONNX_DTYPES, packedBytes, storageBytes, type DType } from '../dtype.ts';
import { EdgefitError } from '../errors.ts';
import type { ConstData } from '../ir.ts';
import { type ExternalReads, readExternalData } from './external-data.ts';
import protobuf from 'protobufjs/minimal.js';
import type { TensorProto } from './proto.ts';
import type { ReadTensorProto } from './tensor-proto-decode.ts';
import { WireTensor, type LazyPacked, type WireInt64 } from './wire-decode.ts';
import { ByteArena, readLazyRange, type LazyRange } from './wire-reader.ts';

export { ByteArena };

/**
 * ONNX_DTYPES and DTYPE_BITS by data type number, in arrays: one indexed read per tensor where a read keyed by
 * the dtype name goes through V8's generic keyed lookup (a QDQ model converts a thousand small tensors).
 */
const DTYPE_OF_CODE: (DType | undefined)[] = [];
const BITS_OF_CODE: number[] = [];
for (const [code, dtype] of Object.entries(ONNX_DTYPES)) {
  DTYPE_OF_CODE[Number(code)] = dtype;
  BITS_OF_CODE[Number(code)] = DTYPE_BITS[dtype];
}

/** Default cap on one tensor's storage: 1 GiB. */
export const DEFAULT_MAX_TENSOR_BYTES = 1 << 30;

export interface TensorContext {
  /** File name for messages. */
  path: string;
  baseDir?: string;
  maxTensorBytes: number;
  /** Where small decoded tensors are allocated (one buffer shared by many), when given. */
  arena?: ByteArena;
  /** External data read so far in this load (ranges shared, bytes per file bounded; external-data.ts). */
  externalReads?: ExternalReads;
}


type LongLike = { low: number; high: number; unsigned?: boolean; toNumber?: () => number };
export type Int64 = number | LongLike | string;

/** protobufjs int64 (number or Long) → number; `undefined` when it is not a safe integer. */
export function int64ToNumber(v: Int64 | null | undefined): number | undefined {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const n = v.unsigned ? (v.high >>> 0) * 0x100000000 + (v.low >>> 0) : v.high * 0x100000000 + (v.low >>> 0);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** int64 → number, clamped to ±(2^53 − 1) (for attributes such as Slice ends = INT64_MAX). */
export function int64Clamped(v: Int64 | null | undefined): number {
  const exact = int64ToNumber(v);
  if (exact !== undefined) return exact;
  const lv = v as LongLike | number | string;
  const negative = typeof lv === 'number' ? lv < 0 : typeof lv === 'string' ? lv.trim().startsWith('-') : !lv.unsigned && lv.high < 0;
  return negative ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
}

export function onnxDtype(code: number | null | undefined, what: string): DType {
  const dtype = code === null || code === undefined ? undefined : ONNX_DTYPES[code];
  if (dtype === undefined) throw new EdgefitError('BAD_MODEL', `${what} has an unknown ONNX data type ${code ?? 0}`);
  return dtype;
}

/** Dims → numbers: each a safe non-negative integer, product below 2^53. */
export function checkedDims(dims: Int64[] | null | undefined, what: string): { shape: number[]; count: number } {
  const shape: number[] = [];
  let count = 1;
  for (const d of dims ?? []) {
    const n = int64ToNumber(d);
    if (n === undefined) throw new EdgefitError('DIM_OVERFLOW', `${what} has a dim beyond 2^53`);
    if (n < 0) throw new EdgefitError('DIM_OVERFLOW', `${what} has a negative dim ${n}`);
    shape.push(n);
    count *= n;
    if (!Number.isSafeInteger(count)) {
      throw new EdgefitError('DIM_OVERFLOW', `${what} has dims [${(dims ?? []).map((x) => int64ToNumber(x) ?? '>2^53').join(', ')}] whose product overflows 2^53`);
    }
  }
  return { shape, count };
}

/**
 * A tensor named in messages: the file, then what the tensor is ("initializer 'w'": `what` = 'initializer',
 * `name` = 'w'; or all of it in `what`). Built only for a message: most tensors never need one.
 */
function where(ctx: TensorContext, what: string, name?: string): string {
  return name === undefined ? `${ctx.path}: ${what}` : `${ctx.path}: ${what} '${name}'`;
}

/**
 * The element count of dims the wire decoder read into an array of their own, when every dim is a plain
 * non-negative number and the product stays safe (that array is then the shape, no copy); else -1
 * (checkedDims builds the shape or throws its message).
 */
function plainDims(dims: WireInt64[]): number {
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (typeof d !== 'number' || d < 0) return -1;
    count *= d;
    if (!Number.isSafeInteger(count)) return -1;
  }
  return count;
}

function guardSize(bytes: number, what: string, ctx: TensorContext): void {
  if (bytes > ctx.maxTensorBytes) {
    throw new EdgefitError(
      'LIMIT',
      `${what} needs ${bytes} bytes, above the ${ctx.maxTensorBytes}-byte tensor cap (raise it with --max-tensor-bytes / maxTensorBytes)`,
    );
  }
}

/** The typed field a TensorProto's data lives in, by dtype (onnx.proto comments). */
function typedFieldOf(dtype: DType): 'floatData' | 'int32Data' | 'int64Data' | 'doubleData' | 'uint64Data' | undefined {
  switch (dtype) {
    case 'float32':
    case 'complex64':
      return 'floatData';
    case 'float64':
    case 'complex128':
      return 'doubleData';
    case 'int64':
      return 'int64Data';
    case 'uint32':
    case 'uint64':
      return 'uint64Data';
    case 'string':
    case 'unknown':
      return undefined;
    default:
      return 'int32Data';
  }
}

/** Number of typed-field elements that store `count` tensor elements. */
function typedLength(dtype: DType, count: number): number {
  if (dtype === 'int4' || dtype === 'uint4' || dtype === 'float4e2m1') return Math.ceil(count / 2); // packed byte per int32
  if (dtype === 'complex64' || dtype === 'complex128') return count * 2;
  return count;
}

function writeLong(view: DataView, offset: number, v: Int64): void {
  if (typeof v === 'object') {
    view.setUint32(offset, v.low >>> 0, true);
    view.setUint32(offset + 4, v.high >>> 0, true);
  } else if (typeof v === 'number' && Number.isSafeInteger(v)) {
    // two's complement halves without a BigInt: `>>> 0` is the value modulo 2^32, and the floor of v / 2^32
    // (exact: a safe integer over a power of two) the high word, also modulo 2^32
    view.setUint32(offset, v >>> 0, true);
    view.setUint32(offset + 4, Math.floor(v / 4294967296) >>> 0, true);
  } else {
    view.setBigUint64(offset, BigInt.asUintN(64, BigInt(v)), true);
  }
}

/** Typed-field values → raw storage bytes. */
function encodeTyped(dtype: DType, values: ArrayLike<number | Int64>, byteLength: number): Uint8Array {
  const bytes = new Uint8Array(byteLength);
  const view = new DataView(bytes.buffer);
  const n = values.length;
  switch (dtype) {
    case 'float32':
    case 'complex64':
      for (let i = 0; i < n; i++) view.setFloat32(i * 4, values[i] as number, true);
      break;
    case 'float64':
    case 'complex128':
      for (let i = 0; i < n; i++) view.setFloat64(i * 8, values[i] as number, true);
      break;
    case 'int64':
    case 'uint64':
      for (let i = 0; i < n; i++) writeLong(view, i * 8, values[i] as Int64);
      break;
    case 'uint32':
      for (let i = 0; i < n; i++) view.setUint32(i * 4, int64ToNumber(values[i] as Int64) ?? 0, true);
      break;
    case 'int32':
      for (let i = 0; i < n; i++) view.setInt32(i * 4, values[i] as number, true);
      break;
    case 'int16':
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      for (let i = 0; i < n; i++) view.setUint16(i * 2, (values[i] as number) & 0xffff, true);
      break;
    default: // int8, uint8, bool, float8*, and packed int4/uint4/float4 bytes: one byte per element
      for (let i = 0; i < n; i++) bytes[i] = (values[i] as number) & 0xff;
  }
  return bytes;
}

const FIELD_NAMES: Record<string, string> = {
  floatData: 'float_data',
  int32Data: 'int32_data',
  int64Data: 'int64_data',
  doubleData: 'double_data',
  uint64Data: 'uint64_data',
};

/** The typed field's name in onnx.proto, for messages. */
function fieldNameOf(field: TypedField | undefined): string {
  return field ? FIELD_NAMES[field]! : 'data';
}

/** The error for typed data of the wrong length: `have` values where the dims need `expected`. */
function mismatchError(
  ctx: TensorContext,
  what: string,
  name: string | undefined,
  field: TypedField | undefined,
  shape: number[],
  expected: number,
  have: number,
): EdgefitError {
  return new EdgefitError(
    'BAD_MODEL',
    `${where(ctx, what, name)} has ${have} values in ${fieldNameOf(field)} (and no raw_data) but its dims [${shape.join(', ')}] need ${expected}`,
  );
}

/** The unpacked values of a tensor without any (shared, never written). */
const NO_VALUES: ArrayLike<number | Int64> = Object.freeze([]);

/**
 * The data of a TensorProto as ConstData. `what` names the tensor in messages ("initializer 'w'").
 * String tensors give empty bytes (the caller warns); segmented tensors are refused.
 */
export function tensorData(tensor: TensorProto | WireTensor, what: string, ctx: TensorContext, origin: ConstData['origin'] = 'inline'): ConstData {
  return namedTensorData(tensor, what, undefined, ctx, origin);
}

/** tensorData for a tensor named in messages as "<what> '<name>'" (the message is built only when thrown). */
export function namedTensorData(
  tensor: TensorProto | WireTensor,
  what: string,
  name: string | undefined,
  ctx: TensorContext,
  origin: ConstData['origin'] = 'inline',
): ConstData {
  const t = tensor as ReadTensorProto & { lazyRaw?: LazyRange; lazyPacked?: LazyPacked };
  // a WireTensor's rarely set fields live on its `rare` object (absent for most tensors), read there by name;
  // a protobufjs TensorProto holds them itself
  const wire = tensor instanceof WireTensor;
  const rare: RareFields | undefined = wire ? tensor.rare : t;
  const code = t.dataType;
  const known = typeof code === 'number' && code >= 0 && code < DTYPE_OF_CODE.length;
  let dtype = known ? DTYPE_OF_CODE[code] : undefined;
  if (dtype === undefined) dtype = onnxDtype(code, where(ctx, what, name));
  let shape: number[];
  let count: number;
  const wireDims = wire ? tensor.dims : undefined;
  const plain = wireDims ? plainDims(wireDims) : -1;
  if (plain >= 0) {
    shape = wireDims!.length === 0 ? [] : (wireDims as number[]);
    count = plain;
  } else ({ shape, count } = checkedDims(t.dims as Int64[] | null | undefined, where(ctx, what, name)));
  if (rare?.segment) throw new EdgefitError('UNSUPPORTED', `${where(ctx, what, name)} is a segmented tensor, which edgefit does not read`);
  if (dtype === 'string') return { dtype, shape, bytes: new Uint8Array(0), origin };
  const byteLength = known ? packedBytes(BITS_OF_CODE[code]!, count) : storageBytes(dtype, count);
  if (byteLength > ctx.maxTensorBytes) guardSize(byteLength, where(ctx, what, name), ctx);

  const external = rare !== undefined && (rare.dataLocation === 1 || (rare.externalData?.length ?? 0) > 0);
  if (external) {
    const bytes = readExternalData(rare.externalData ?? [], byteLength, where(ctx, what, name), ctx.baseDir, ctx.externalReads);
    return { dtype, shape, bytes, origin: 'external' };
  }
  const lazyRaw = t.lazyRaw;
  const rawLength = lazyRaw ? lazyRaw.length : (t.rawData?.length ?? 0);
  if (rawLength > 0) {
    if (rawLength !== byteLength) {
      throw new EdgefitError(
        'BAD_MODEL',
        `${where(ctx, what, name)} holds ${rawLength} bytes of raw data but its dims [${shape.join(', ')}] of ${dtype} need ${byteLength}`,
      );
    }
    return lazyRaw ? lazyConstData(dtype, shape, origin, lazyRaw) : { dtype, shape, bytes: t.rawData!, origin };
  }
  const own = wire ? ownTypedRun(tensor, typedFieldOf(dtype)) : undefined;
  return typedData(rare, own, dtype, shape, count, byteLength, ctx, what, name, origin);
}

/** The TensorProto fields tensorData reads from a WireTensor's `rare` object (or a TensorProto itself). */
type RareFields = Pick<ReadTensorProto, 'segment' | 'dataLocation' | 'externalData' | 'packed'> & { lazyPacked?: LazyPacked } & Partial<
  Record<TypedField, ArrayLike<number | Int64> | null>
>;
type TypedField = NonNullable<ReturnType<typeof typedFieldOf>>;

/** The unpacked values of a typed field, read by name (a keyed read over five names would be megamorphic). */
function typedValues(rare: RareFields, field: TypedField): ArrayLike<number | Int64> | null | undefined {
  switch (field) {
    case 'floatData':
      return rare.floatData;
    case 'int32Data':
      return rare.int32Data;
    case 'int64Data':
      return rare.int64Data;
    case 'doubleData':
      return rare.doubleData;
    case 'uint64Data':
      return rare.uint64Data;
  }
}

/** The packed run a WireTensor holds itself (its first typed field), when it is the field `field`. */
function ownTypedRun(t: WireTensor, field: TypedField | undefined): Uint8Array | LazyRange | undefined {
  return field !== undefined && t.typedField === field ? t.typedRun : undefined;
}

/**
 * A tensor without raw data: its values from the typed field its dtype uses (packed, left on disk, or unpacked).
 * `own`: that field's packed run when the tensor holds it itself (WireTensor.typedRun), else it is looked up in `rare`.
 */
function typedData(
  rare: RareFields | undefined,
  own: Uint8Array | LazyRange | undefined,
  dtype: DType,
  shape: number[],
  count: number,
  byteLength: number,
  ctx: TensorContext,
  what: string,
  name: string | undefined,
  origin: ConstData['origin'],
): ConstData {
  const field = typedFieldOf(dtype);
  const expected = typedLength(dtype, count);
  const packed = own !== undefined ? (own instanceof Uint8Array ? own : undefined) : field && rare ? rare.packed?.[field] : undefined;
  const lazyPacked = own !== undefined ? (own instanceof Uint8Array ? undefined : own) : field && rare ? rare.lazyPacked?.[field] : undefined;
  const values = (field && rare ? typedValues(rare, field) : undefined) ?? NO_VALUES;
  if ((packed || lazyPacked) && values.length > 0) throw new EdgefitError('BAD_MODEL', `${where(ctx, what, name)} mixes packed and unpacked ${fieldNameOf(field)}`);
  if (lazyPacked) {
    // left on disk only for fixed-width fields (float_data, double_data), whose bytes are raw_data's layout
    const width = field === 'doubleData' ? 8 : 4;
    if (lazyPacked.length !== expected * width) throw mismatchError(ctx, what, name, field, shape, expected, lazyPacked.length / width);
    return lazyConstData(dtype, shape, origin, lazyPacked);
  }
  if (packed) {
    const bytes = decodePacked(dtype, field!, packed, expected, byteLength, ctx.arena);
    if (typeof bytes === 'number') throw mismatchError(ctx, what, name, field, shape, expected, bytes);
    return { dtype, shape, bytes, origin };
  }
  if (values.length !== expected) throw mismatchError(ctx, what, name, field, shape, expected, values.length);
  return { dtype, shape, bytes: encodeTyped(dtype, values, byteLength), origin };
}

/** `bytes` as a plain property from now on (what a read returned, or what was assigned). */
function settleBytes(data: ConstData, bytes: Uint8Array): void {
  Object.defineProperty(data, 'bytes', { value: bytes, enumerable: true, configurable: true, writable: true });
}

/**
 * ConstData whose bytes stay in the model file until first read. Where they lie is a private field, which no
 * consumer sees (no key, no spread, no JSON) and which costs no `defineProperty` call: one per object is left,
 * for `bytes` (below).
 */
class LazyConstData implements ConstData {
  readonly #range: LazyRange;
  declare dtype: DType;
  declare shape: number[];
  declare bytes: Uint8Array;
  declare origin: ConstData['origin'];

  constructor(dtype: DType, shape: number[], origin: ConstData['origin'], range: LazyRange) {
    this.#range = range;
    // fields in the order of an eager ConstData (dtype, shape, bytes, origin), for the same key order
    this.dtype = dtype;
    this.shape = shape;
    Object.defineProperty(this, 'bytes', LAZY_BYTES);
    this.origin = origin;
  }

  /** The bytes, read from the file (once: the getter then gives way to a plain property). */
  static read(data: LazyConstData): Uint8Array {
    const bytes = readLazyRange(data.#range);
    settleBytes(data, bytes);
    return bytes;
  }
}

/**
 * The one `bytes` accessor every lazy ConstData shares. Shared, not a getter closure per object: V8 keeps
 * objects defined with the same accessor pair on one fast hidden class, while a fresh pair per object turned
 * each into a slower dictionary-mode object (and cost more to define).
 */
const LAZY_BYTES: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: LazyConstData) {
    return LazyConstData.read(this);
  },
  set(this: ConstData, value: Uint8Array) {
    settleBytes(this, value);
  },
};

/**
 * ConstData whose bytes stay in the model file until first read: `bytes` is an enumerable getter that reads
 * them (readLazyRange: same file, unchanged) and then becomes a plain property. Spreading or serialising
 * the object reads them too, so every consumer sees ordinary bytes.
 */
export function lazyConstData(dtype: DType, shape: number[], origin: ConstData['origin'], range: LazyRange): ConstData {
  return new LazyConstData(dtype, shape, origin, range);
}

/** Number of varints in a packed field (each ends with a byte below 0x80). */
function countVarints(view: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < view.length; i++) if (view[i]! < 0x80) n++;
  return n;
}

/**
 * Packed typed-field bytes → raw storage bytes, checking the element count first: the number of values found
 * when it is not `expected` (the caller's message says so).
 */
function decodePacked(
  dtype: DType,
  field: TypedField,
  view: Uint8Array,
  expected: number,
  byteLength: number,
  arena: ByteArena | undefined,
): Uint8Array | number {
  if (field === 'floatData' || field === 'doubleData') {
    const width = field === 'floatData' ? 4 : 8;
    if (view.length !== expected * width) return view.length / width;
    return view; // packed little-endian floats are exactly raw_data's layout
  }
  const n = countVarints(view);
  if (n !== expected || (view.length > 0 && view[view.length - 1]! >= 0x80)) return n;
  if (field === 'int64Data' || dtype === 'uint64') {
    const r = protobuf.Reader.create(view);
    const longs: Int64[] = [];
    for (let i = 0; i < n; i++) longs.push(field === 'int64Data' ? r.int64() : r.uint64());
    return encodeTyped(dtype, longs, byteLength);
  }
  // int32_data (and uint32 in uint64_data): the low 32 bits of each varint.
  const width = dtype === 'int32' || dtype === 'uint32' ? 4 : dtype === 'int16' || dtype === 'uint16' || dtype === 'float16' || dtype === 'bfloat16' ? 2 : 1;
  // one byte per element and every varint one byte (values 0–127: most zero points): the packed bytes are the
  // storage bytes, as packed floats are (in memory a view of the model's bytes, from a file the reader's copy)
  if (width === 1 && n === view.length && byteLength === n) return view;
  const out = arena ? arena.alloc(byteLength) : new Uint8Array(byteLength);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = view[pos++]!;
      if (shift < 32) v |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (width === 1) out[i] = v & 0xff;
    else if (width === 2) {
      out[i * 2] = v & 0xff;
      out[i * 2 + 1] = (v >>> 8) & 0xff;
    } else {
      out[i * 4] = v & 0xff;
      out[i * 4 + 1] = (v >>> 8) & 0xff;
      out[i * 4 + 2] = (v >>> 16) & 0xff;
      out[i * 4 + 3] = (v >>> 24) & 0xff;
    }
  }
  return out;
}
