/**
 * A small typed ONNX graph builder (encodes with onnx-proto/protobufjs). Used by the zoo builder, the
 * shape and analyzer tests, and the loader's own tests, so the project can write real .onnx files that
 * onnxruntime loads and runs.
 *
 * ```ts
 * const g = new OnnxGraphBuilder({ name: 'tiny', opsets: { '': 17 } });   // irVersion follows the opset
 * g.input('x', 'float32', [1, 3, 32, 32]);                                  // dims: number | string (dim_param)
 * g.initializer('w', 'float32', [8, 3, 3, 3], weights);                     // raw_data by default
 * g.initializer('b', 'float32', [8], bias, { typedField: true });           // float_data instead
 * g.initializer('big', 'int8', [1024], bytes, { external: 'weights.bin' }); // external data file
 * g.node('Conv', ['x', 'w', 'b'], ['y'], { pads: [1, 1, 1, 1], strides: [1, 1] }, { name: 'conv0' });
 * g.node('LeakyRelu', ['y'], ['z'], { alpha: { float: 0.1 } });            // force FLOAT for an integer value
 * g.constant('shape', 'int64', [2], [1, -1]);                               // a Constant node
 * g.node('QuantizeLinear', ['z', 's', 'zp'], ['q'], {}, { domain: 'com.microsoft' }); // adds the opset import
 * g.output('z', 'float32', [1, 8, 32, 32]);
 * const bytes = g.toBytes();             // the model (external tensors are referenced, not embedded)
 * const path = g.writeTo(dir, 'm.onnx'); // writes the model and its external data files
 * ```
 *
 * Values
 * - `values` is either logical element values (`ArrayLike<number | bigint>`, encoded for the dtype:
 *   float16/bfloat16 rounded to nearest even, int4/uint4 packed two per byte with the low nibble first,
 *   bool as 0/1) or a `Uint8Array`, which is taken as the raw storage bytes as they are (for uint8/bool
 *   that is the same thing). Supported value dtypes: float32, float16, bfloat16, float64, int4, uint4,
 *   int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool; other dtypes need raw bytes.
 * - `typedField: true` stores the data in the typed field ONNX uses for the dtype (float_data, int32_data
 *   — which also carries int8/uint8/int16/uint16/bool/float16/bfloat16 bits and packed int4 bytes —,
 *   int64_data, double_data, uint64_data) instead of raw_data.
 *
 * Attributes (ONNX AttributeProto type is inferred, or forced with a wrapper)
 * - integer number → INT, non-integer number → FLOAT, `{ float: 1 }` → FLOAT, `{ int: 1 }` → INT
 * - number[] → INTS when every element is an integer (also the empty array), else FLOATS;
 *   `{ floats: [...] }` / `{ ints: [...] }` force the type
 * - string → STRING, string[] → STRINGS (non-empty), `{ strings: [] }` for an empty list
 * - `{ tensor: TensorSpec }` → TENSOR, `{ tensors: [...] }` → TENSORS
 * - `{ graph: OnnxGraphBuilder }` → GRAPH (If/Loop bodies), `{ graphs: [...] }` → GRAPHS
 *
 * Escape hatches for hostile-file tests: `toProto()` returns the ModelProto object, which can be mutated
 * and encoded with `encodeModel()`; `rawInitializer()` adds any TensorProto as it is.
 * The builder does not validate the graph: tests use it to write cycles, dangling inputs and such.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ONNX_DTYPES, storageBytes, type DType } from '../dtype.ts';
import { onnx, type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.ts';

export type BuilderDim = number | string | bigint;
export type TensorValues = ArrayLike<number | bigint> | Uint8Array;

export interface TensorSpec {
  dtype: DType;
  dims: number[];
  values: TensorValues;
  /** Store in the dtype's typed field (float_data, int32_data, …) instead of raw_data. */
  typedField?: boolean;
  name?: string;
}

export type AttrSpec =
  | number
  | string
  | number[]
  | string[]
  | { float: number }
  | { int: number | bigint }
  | { floats: number[] }
  | { ints: (number | bigint)[] }
  | { strings: string[] }
  | { tensor: TensorSpec }
  | { tensors: TensorSpec[] }
  | { graph: OnnxGraphBuilder }
  | { graphs: OnnxGraphBuilder[] };

export interface BuilderOptions {
  name?: string;
  /** Opset imports by domain ('' = ai.onnx). Default { '': 17 }. Domains used by nodes are added (version 1). */
  opsets?: Record<string, number>;
  /** Default from the ai.onnx opset: 8 for ≤ 18, 9 for 19–20, 10 for 21+. */
  irVersion?: number;
  producer?: string;
}

export interface InitializerOptions {
  /** Store the data in an external file at this location, relative to the model's folder. */
  external?: string;
  /** Store in float_data/int32_data/int64_data/… instead of raw_data. */
  typedField?: boolean;
  /** Also list the initializer as a graph input (older exporters did this). */
  alsoInput?: boolean;
}

export interface NodeOptions {
  name?: string;
  domain?: string;
}

/** DType → ONNX TensorProto.DataType number (from ONNX_DTYPES, including types newer than onnx-proto's enum). */
export const ONNX_DTYPE_NUMBER: Record<string, number> = Object.fromEntries(
  Object.entries(ONNX_DTYPES).map(([num, dtype]) => [dtype, Number(num)]),
);

export function onnxDtypeNumber(dtype: DType): number {
  const n = ONNX_DTYPE_NUMBER[dtype];
  if (n === undefined) throw new Error(`OnnxGraphBuilder: dtype '${dtype}' has no ONNX number`);
  return n;
}

const AttrType = onnx.AttributeProto.AttributeType;

/** protobufjs encodes int64 from numbers, or from decimal strings (for values beyond 2^53). */
function int64(v: number | bigint): number {
  return (typeof v === 'bigint' ? v.toString() : v) as number;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 → float16 bits, round to nearest even. */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++; // a carry into the exponent is the right result
  return sign | h;
}

/** IEEE float32 → bfloat16 bits, round to nearest even. */
export function bfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if (Number.isNaN(value)) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

function num(v: number | bigint): number {
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Logical values → raw storage bytes for `dtype`, exactly as raw_data stores them (little-endian). */
export function encodeRaw(dtype: DType, count: number, values: TensorValues): Uint8Array {
  if (values instanceof Uint8Array) return values;
  if (values.length !== count) {
    throw new Error(`OnnxGraphBuilder: ${values.length} values for ${count} elements of ${dtype}`);
  }
  const bytes = new Uint8Array(storageBytes(dtype, count));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    switch (dtype) {
      case 'float32': view.setFloat32(i * 4, num(v), true); break;
      case 'float64': view.setFloat64(i * 8, num(v), true); break;
      case 'float16': view.setUint16(i * 2, float16Bits(num(v)), true); break;
      case 'bfloat16': view.setUint16(i * 2, bfloat16Bits(num(v)), true); break;
      case 'int4':
      case 'uint4': bytes[i >> 1]! |= (num(v) & 0xf) << ((i & 1) * 4); break;
      case 'int8': view.setInt8(i, num(v)); break;
      case 'uint8': view.setUint8(i, num(v)); break;
      case 'bool': view.setUint8(i, num(v) ? 1 : 0); break;
      case 'int16': view.setInt16(i * 2, num(v), true); break;
      case 'uint16': view.setUint16(i * 2, num(v), true); break;
      case 'int32': view.setInt32(i * 4, num(v), true); break;
      case 'uint32': view.setUint32(i * 4, num(v), true); break;
      case 'int64': view.setBigInt64(i * 8, BigInt(v), true); break;
      case 'uint64': view.setBigUint64(i * 8, BigInt(v), true); break;
      default: throw new Error(`OnnxGraphBuilder: give raw bytes (Uint8Array) for dtype '${dtype}'`);
    }
  }
  return bytes;
}

/** Raw storage bytes → the typed-field form ONNX uses for `dtype`. */
function typedFields(dtype: DType, raw: Uint8Array): Partial<TensorProto> {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: number[] = [];
  switch (dtype) {
    case 'float32':
      for (let o = 0; o < raw.length; o += 4) out.push(view.getFloat32(o, true));
      return { floatData: out };
    case 'float64':
      for (let o = 0; o < raw.length; o += 8) out.push(view.getFloat64(o, true));
      return { doubleData: out };
    case 'int64':
      return { int64Data: readBig(raw, true).map((b) => int64(b)) };
    case 'uint64':
    case 'uint32': {
      if (dtype === 'uint32') for (let o = 0; o < raw.length; o += 4) out.push(view.getUint32(o, true));
      const vals = dtype === 'uint64' ? readBig(raw, false).map((b) => int64(b)) : out;
      return { uint64Data: vals };
    }
    case 'int32':
      for (let o = 0; o < raw.length; o += 4) out.push(view.getInt32(o, true));
      return { int32Data: out };
    case 'int16':
      for (let o = 0; o < raw.length; o += 2) out.push(view.getInt16(o, true));
      return { int32Data: out };
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      for (let o = 0; o < raw.length; o += 2) out.push(view.getUint16(o, true));
      return { int32Data: out };
    case 'int8':
      for (let o = 0; o < raw.length; o++) out.push(view.getInt8(o));
      return { int32Data: out };
    case 'uint8':
    case 'bool':
    case 'int4': // one packed byte (two nibbles) per int32 element, as onnx.helper.make_tensor stores it
    case 'uint4':
    case 'float8e4m3fn':
    case 'float8e4m3fnuz':
    case 'float8e5m2':
    case 'float8e5m2fnuz':
      for (let o = 0; o < raw.length; o++) out.push(raw[o]!);
      return { int32Data: out };
    default:
      throw new Error(`OnnxGraphBuilder: no typed field for dtype '${dtype}'`);
  }
}

function readBig(raw: Uint8Array, signed: boolean): bigint[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: bigint[] = [];
  for (let o = 0; o < raw.length; o += 8) out.push(signed ? view.getBigInt64(o, true) : view.getBigUint64(o, true));
  return out;
}

/** A TensorProto with its data inline (raw_data or typed field). */
export function tensorProto(spec: TensorSpec): TensorProto {
  const count = spec.dims.reduce((a, b) => a * b, 1);
  const raw = encodeRaw(spec.dtype, count, spec.values);
  const t: TensorProto = { name: spec.name ?? '', dims: spec.dims.map(int64), dataType: onnxDtypeNumber(spec.dtype) };
  if (spec.typedField) Object.assign(t, typedFields(spec.dtype, raw));
  else t.rawData = raw;
  return t;
}

function valueInfo(name: string, dtype: DType, dims: BuilderDim[] | null): ValueInfoProto {
  const tensorType: Record<string, unknown> = { elemType: onnxDtypeNumber(dtype) };
  if (dims !== null) {
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: int64(d) })),
    };
  }
  return { name, type: { tensorType } };
}

function isIntegral(v: number): boolean {
  return Number.isInteger(v);
}

function attributeProto(name: string, spec: AttrSpec): AttributeProto {
  if (typeof spec === 'number') {
    return isIntegral(spec) ? { name, type: AttrType.INT, i: spec } : { name, type: AttrType.FLOAT, f: spec };
  }
  if (typeof spec === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(spec) };
  if (Array.isArray(spec)) {
    if (spec.length > 0 && typeof spec[0] === 'string') {
      return { name, type: AttrType.STRINGS, strings: (spec as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    const nums = spec as number[];
    return nums.every(isIntegral)
      ? { name, type: AttrType.INTS, ints: nums }
      : { name, type: AttrType.FLOATS, floats: nums };
  }
  if ('float' in spec) return { name, type: AttrType.FLOAT, f: spec.float };
  if ('int' in spec) return { name, type: AttrType.INT, i: int64(spec.int) };
  if ('floats' in spec) return { name, type: AttrType.FLOATS, floats: spec.floats };
  if ('ints' in spec) return { name, type: AttrType.INTS, ints: spec.ints.map(int64) };
  if ('strings' in spec) return { name, type: AttrType.STRINGS, strings: spec.strings.map((s) => new TextEncoder().encode(s)) };
  if ('tensor' in spec) return { name, type: AttrType.TENSOR, t: tensorProto(spec.tensor) };
  if ('tensors' in spec) return { name, type: AttrType.TENSORS, tensors: spec.tensors.map(tensorProto) };
  if ('graph' in spec) return { name, type: AttrType.GRAPH, g: spec.graph.toGraphProto() };
  if ('graphs' in spec) return { name, type: AttrType.GRAPHS, graphs: spec.graphs.map((g) => g.toGraphProto()) };
  throw new Error(`OnnxGraphBuilder: attribute '${name}' has an unsupported value`);
}

export function defaultIrVersion(aiOnnxOpset: number): number {
  if (aiOnnxOpset >= 21) return 10;
  if (aiOnnxOpset >= 19) return 9;
  return 8;
}

/** Encodes a ModelProto object (e.g. one from `toProto()` that a test mutated). */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export class OnnxGraphBuilder {
  readonly name: string;
  readonly opsets: Record<string, number>;
  private readonly irVersion: number | undefined;
  private readonly producer: string;
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly valueInfos: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];
  /** External data files by location: the chunks appended in order. */
  private readonly externalFiles = new Map<string, Uint8Array[]>();
  private readonly externalSizes = new Map<string, number>();

  constructor(opts: BuilderOptions = {}) {
    this.name = opts.name ?? 'graph';
    this.opsets = { ...(opts.opsets ?? { '': 17 }) };
    this.irVersion = opts.irVersion;
    this.producer = opts.producer ?? 'edgefit';
  }

  /** A graph input; `dims === null` leaves the shape undeclared. */
  input(name: string, dtype: DType, dims: BuilderDim[] | null): this {
    this.inputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  output(name: string, dtype: DType, dims: BuilderDim[] | null): this {
    this.outputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  valueInfo(name: string, dtype: DType, dims: BuilderDim[] | null): this {
    this.valueInfos.push(valueInfo(name, dtype, dims));
    return this;
  }

  initializer(name: string, dtype: DType, dims: number[], values: TensorValues, opts: InitializerOptions = {}): this {
    if (opts.external !== undefined) {
      const count = dims.reduce((a, b) => a * b, 1);
      const raw = encodeRaw(dtype, count, values);
      const offset = this.externalSizes.get(opts.external) ?? 0;
      const chunks = this.externalFiles.get(opts.external) ?? [];
      chunks.push(raw);
      this.externalFiles.set(opts.external, chunks);
      this.externalSizes.set(opts.external, offset + raw.length);
      this.initializers.push({
        name,
        dims: dims.map(int64),
        dataType: onnxDtypeNumber(dtype),
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: opts.external },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(raw.length) },
        ],
      });
    } else {
      this.initializers.push(tensorProto({ name, dtype, dims, values, typedField: opts.typedField }));
    }
    if (opts.alsoInput) this.inputs.push(valueInfo(name, dtype, dims));
    return this;
  }

  /** Adds a TensorProto initializer exactly as given (for hostile-file tests). */
  rawInitializer(t: TensorProto): this {
    this.initializers.push(t);
    return this;
  }

  node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrSpec> = {}, opts: NodeOptions = {}): this {
    const domain = opts.domain ?? '';
    if (domain !== '' && domain !== 'ai.onnx' && this.opsets[domain] === undefined) this.opsets[domain] = 1;
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: opts.name ?? '',
      domain,
      attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
    });
    return this;
  }

  /** A Constant node producing `name` (attribute `value`). */
  constant(name: string, dtype: DType, dims: number[], values: TensorValues, opts: { typedField?: boolean; nodeName?: string } = {}): this {
    return this.node('Constant', [], [name], { value: { tensor: { dtype, dims, values, typedField: opts.typedField } } }, { name: opts.nodeName });
  }

  toGraphProto(): GraphProto {
    return {
      name: this.name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
      valueInfo: this.valueInfos,
    };
  }

  toProto(): ModelProto {
    const aiOnnx = this.opsets[''] ?? this.opsets['ai.onnx'] ?? 17;
    return {
      irVersion: this.irVersion ?? defaultIrVersion(aiOnnx),
      producerName: this.producer,
      opsetImport: Object.entries(this.opsets).map(([domain, version]) => ({ domain, version })),
      graph: this.toGraphProto(),
    };
  }

  /** The model bytes; external tensors are referenced by location, their data is in `externalData()`. */
  toBytes(): Uint8Array {
    return encodeModel(this.toProto());
  }

  /** External data files by location (relative to the model's folder). */
  externalData(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [loc, chunks] of this.externalFiles) out.set(loc, Buffer.concat(chunks));
    return out;
  }

  /**
   * Writes the model to `dir/fileName` and each external data file to `dir/<location>`; returns the
   * model path. Locations that are absolute or contain '..' are not written (hostile-file tests write
   * those themselves).
   */
  writeTo(dir: string, fileName: string): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileName);
    writeFileSync(path, this.toBytes());
    for (const [loc, data] of this.externalData()) {
      if (isAbsolute(loc) || loc.split(/[\\/]/).includes('..')) continue;
      const target = join(dir, loc);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, data);
    }
    return path;
  }
}
