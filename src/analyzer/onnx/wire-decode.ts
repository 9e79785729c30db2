/**
 * The ONNX messages edgefit reads, decoded straight from the protobuf wire format (wire-reader.ts) into
 * small fixed-shape objects (one class per message: V8 allocates each exactly, every field in place) that
 * reader.ts converts to the IR.
 *
 * Only what the reader uses is decoded: doc strings, metadata, training info, quantization annotations,
 * sequence/map type protos and the bodies of local functions (counted) are skipped without being read.
 * Initializer payloads (raw_data, packed float_data/double_data) may stay on disk as LazyRange
 * (`WireTensor.lazyRaw` / `typedRun`): tensor-data.ts checks their length against the dims and reads them on
 * first use. Semantics follow protobuf: a repeated scalar field may be packed or not, the last value of a
 * singular field wins.
 *
 * Repeated fields (node inputs and outputs, dims, attribute ints and floats) are gathered on a shared stack
 * and copied out once at their exact length: an array grown by push starts with room for 17 elements, and
 * most of these hold one to four.
 */
import type { IRNode } from '../ir.ts';
import type { PackedFields } from './tensor-proto-decode.ts';
import { doubleArray, objectArray, smiArrayOf } from './push-arrays.ts';
import { concatBytes, readLazyRange, WireError, type LazyRange, type WireReader } from './wire-reader.ts';

/** AttributeProto.AttributeType GRAPH. */
const GRAPH_ATTRIBUTE = 5;

/** Sub-graph nesting that the decoder follows; reader.ts refuses more than 64 with its own message. */
const MAX_DEPTH = 80;

/** Shared by every list field left unset (frozen: such fields are replaced, never pushed to; it never reaches the IR). */
const EMPTY = Object.freeze([]) as unknown as never[];

/** int64 as the reader returns it: a number when it is a safe integer, else a Long-like pair. */
export type WireInt64 = number | { low: number; high: number; unsigned: boolean };

export type LazyPacked = Partial<Record<keyof PackedFields, LazyRange>>;

/**
 * The TensorProto fields most tensors leave unset, made when the first of them is set. A class with every
 * field in place: its readers (tensor-data.ts) load each field by name from one object shape.
 */
export class RareTensorFields {
  /** Packed typed fields other than WireTensor.typedField, by field. */
  packed: PackedFields | undefined = undefined;
  lazyPacked: LazyPacked | undefined = undefined;
  /** Unpacked typed values (legal protobuf, rare in ONNX files), by field. */
  floatData: number[] | undefined = undefined;
  int32Data: number[] | undefined = undefined;
  int64Data: WireInt64[] | undefined = undefined;
  doubleData: number[] | undefined = undefined;
  uint64Data: WireInt64[] | undefined = undefined;
  stringData: Uint8Array[] | undefined = undefined;
  segment: object | undefined = undefined;
  externalData: { key?: string; value?: string }[] | undefined = undefined;
  dataLocation: number | undefined = undefined;
}

const RARE_TENSOR_FIELDS = [
  'floatData', 'int32Data', 'int64Data', 'doubleData', 'uint64Data', 'stringData', 'segment', 'externalData', 'dataLocation',
] as const;

/**
 * A TensorProto: raw_data or packed data may be left on disk (lazyRaw, typedRun). The fields most tensors
 * leave unset live on one `rare` object made when the first of them is set: a QDQ model's thousand scales and
 * zero points each take six fields, not seventeen. They read as properties of the tensor too (accessors, for
 * code written against TensorProto); the reader's own code reads `rare`.
 */
export class WireTensor {
  dims: WireInt64[] = EMPTY;
  dataType: number | undefined = undefined;
  name: string | undefined = undefined;
  /** The name's number (WireReader.stringId). */
  nameId = 0;
  rawData: Uint8Array | undefined = undefined;
  lazyRaw: LazyRange | undefined = undefined;
  /**
   * The first packed typed field met (float_data … uint64_data) and its bytes (runs of it concatenated), left
   * on disk when long and fixed-width. A second typed field goes to `rare.packed` / `rare.lazyPacked`.
   */
  typedField: keyof PackedFields | undefined = undefined;
  typedRun: Uint8Array | LazyRange | undefined = undefined;
  rare: RareTensorFields | undefined = undefined;
  declare floatData: number[] | undefined;
  declare int32Data: number[] | undefined;
  declare int64Data: WireInt64[] | undefined;
  declare doubleData: number[] | undefined;
  declare uint64Data: WireInt64[] | undefined;
  declare stringData: Uint8Array[] | undefined;
  declare segment: object | undefined;
  declare externalData: { key?: string; value?: string }[] | undefined;
  declare dataLocation: number | undefined;
}

/** The tensor's rare fields, made on first use. */
function rareOf(t: WireTensor): RareTensorFields {
  return (t.rare ??= new RareTensorFields());
}

for (const key of RARE_TENSOR_FIELDS) {
  Object.defineProperty(WireTensor.prototype, key, {
    get(this: WireTensor) {
      return this.rare?.[key];
    },
    set(this: WireTensor, value: unknown) {
      (rareOf(this) as unknown as Record<string, unknown>)[key] = value;
    },
  });
}

/** An AttributeProto; lists of tensors or graphs are only counted (reader.ts warns). */
export class WireAttribute {
  name: string | undefined = undefined;
  type: number | undefined = undefined;
  f: number | undefined = undefined;
  i: WireInt64 | undefined = undefined;
  s: Uint8Array | undefined = undefined;
  t: WireTensor | undefined = undefined;
  g: WireGraph | undefined = undefined;
  floats: number[] = EMPTY;
  ints: WireInt64[] = EMPTY;
  strings: Uint8Array[] = EMPTY;
  tensors = 0;
  graphs = 0;
  sparseTensor = false;
}

/**
 * A ValueInfoProto with a tensor type (or none: `tensorType` false). `dims`: undefined when the type has no
 * shape, else one entry per dimension: its dim_value, its dim_param, or '' when it has neither.
 */
export class WireValueInfo {
  name = '';
  /** The name's number (WireReader.stringId). */
  nameId = 0;
  tensorType = false;
  elemType = 0;
  dims: (WireInt64 | string)[] | undefined = undefined;
}

export class WireGraph {
  name = '';
  /**
   * The nodes as the IR holds them, straight from the file: reader.ts renames them, normalises their domain
   * and fills `attrs` from `nodeAttributes` (same index), and takes Constant nodes out.
   */
  node: IRNode[] = objectArray();
  nodeAttributes: (WireAttribute[] | undefined)[] = objectArray();
  initializer: WireTensor[] = objectArray();
  input: WireValueInfo[] = [];
  output: WireValueInfo[] = [];
  valueInfo: WireValueInfo[] = objectArray();
  /** Sparse initializers: the name of each one's values (undefined when unnamed or absent). */
  sparseInitializer: (string | undefined)[] = EMPTY;
  /**
   * The numbers of the strings the nodes hold (WireReader.stringId: equal numbers ≥ 1 are equal strings),
   * for the graph check's bookkeeping in typed arrays instead of Maps: every node's inputs and outputs one
   * after another, in file order.
   */
  nodeInputIds: number[] = [];
  nodeOutputIds: number[] = [];
  /** Node j's inputs are nodeInputIds[nodeInputStart[j] … nodeInputStart[j + 1]) (and the same for outputs). */
  nodeInputStart: number[] = smiArrayOf(0);
  nodeOutputStart: number[] = smiArrayOf(0);
  /**
   * A hash of each node's name (WireReader.unkeptHash), by node index, while `nodeNamesHashed`: every node
   * has a name of printable ASCII or none (equal names have equal hashes), and reader.ts tests the names
   * for clashes by hash (node names are not kept in the reader's string table).
   */
  nodeNameHashes: number[] = doubleArray(); // reader.ts fills in the entries of unnamed nodes
  nodeNamesHashed = true;
  /** Nodes without a name (their entry in nodeNameHashes is 0: reader.ts hashes the name it gives them). */
  unnamedNodes = 0;
  /** Whether a node attribute may hold a graph (it has a `g` field, or GRAPH type). */
  subgraphs = false;
}

export class WireModel {
  producerName = '';
  producerVersion = '';
  graph: WireGraph | undefined = undefined;
  opsetImport: { domain: string; version: WireInt64 }[] = [];
  functions = 0;
}

/**
 * A stack on which repeated fields are gathered (nested messages push above and pop back before the outer
 * one continues), then copied out at their exact length.
 */
class Gather<T> {
  items: T[] = [];
  top = 0;

  push(v: T): void {
    this.items[this.top++] = v;
  }

  /** The items from `base` up, as a new array; the stack drops back to `base`. */
  take(base: number): T[] {
    const items = this.items;
    const n = this.top - base;
    this.top = base;
    // up to four items (most node input and output lists, dims): an array literal, allocated inline, where
    // slice is a builtin call
    switch (n) {
      case 1:
        return [items[base]!];
      case 2:
        return [items[base]!, items[base + 1]!];
      case 3:
        return [items[base]!, items[base + 1]!, items[base + 2]!];
      case 4:
        return [items[base]!, items[base + 1]!, items[base + 2]!, items[base + 3]!];
      default:
        return items.slice(base, base + n);
    }
  }

  reset(): void {
    this.items = [];
    this.top = 0;
  }
}

const inputs = new Gather<string>();
const outputs = new Gather<string>();
const int64s = new Gather<WireInt64>();
const floats = new Gather<number>();
const dims = new Gather<WireInt64 | string>();
const attributes = new Gather<WireAttribute>();

function isLazy(v: Uint8Array | LazyRange): v is LazyRange {
  return !(v instanceof Uint8Array);
}

/** A packed run of a typed data field (float_data … uint64_data): kept as bytes, left on disk when long and fixed-width. */
function packedRun(r: WireReader, t: WireTensor, name: keyof PackedFields, end: number): void {
  const n = r.len(end);
  const v = name === 'floatData' || name === 'doubleData' ? r.payload(n) : r.view(n);
  if (t.typedField === undefined) {
    // the usual case (a QDQ model's scales and zero points): one run of one field, held by the tensor itself
    t.typedField = name;
    t.typedRun = v;
    return;
  }
  if (t.typedField === name) {
    // the field repeated: protobuf concatenates packed runs
    t.typedRun = concatBytes(bytesOf(t.typedRun!), bytesOf(v));
    return;
  }
  // a second typed field (legal protobuf; tensorData reads the one its dtype uses): kept by name
  const rare = rareOf(t);
  const prior = rare.packed?.[name] ?? rare.lazyPacked?.[name];
  const run = prior === undefined ? v : concatBytes(bytesOf(prior), bytesOf(v));
  if (isLazy(run)) (rare.lazyPacked ??= {})[name] = run;
  else {
    if (rare.lazyPacked) delete rare.lazyPacked[name];
    (rare.packed ??= {})[name] = run;
  }
}

function bytesOf(v: Uint8Array | LazyRange): Uint8Array {
  return isLazy(v) ? readLazyRange(v) : v;
}

/**
 * Tags are matched whole (field number and wire type, `field << 3 | wire`): a known field with a wire type
 * its type never has is skipped like an unknown field.
 */
export function decodeTensor(r: WireReader, end: number): WireTensor {
  const t = new WireTensor();
  const dimBase = int64s.top;
  // unpacked typed values (legal protobuf, rare in ONNX files), by field; a closure over this variable would
  // make it context-allocated and cost a fifth of the decoding time
  let unpacked: Record<string, unknown[]> | undefined;
  while (r.pos < end) {
    const tag = r.uint(end);
    switch (tag) {
      case 8 /* dims, field 1, varint */:
        int64s.push(r.int64(end));
        break;
      case 10 /* dims, packed */: {
        const e = r.sub(end);
        while (r.pos < e) int64s.push(r.int64(e));
        break;
      }
      case 16 /* data_type, field 2, varint */:
        t.dataType = r.int32(end);
        break;
      case 26 /* segment, field 3 */:
        r.skipLen(end);
        rareOf(t).segment = {};
        break;
      case 34 /* float_data, field 4, packed */:
        packedRun(r, t, 'floatData', end);
        break;
      case 37 /* float_data, one fixed32 */:
        ((unpacked ??= {}).floatData ??= []).push(r.float(end));
        break;
      case 40 /* int32_data, field 5, one varint */:
        ((unpacked ??= {}).int32Data ??= []).push(r.int32(end));
        break;
      case 42 /* int32_data, packed */:
        packedRun(r, t, 'int32Data', end);
        break;
      case 50 /* string_data, field 6 */:
        (rareOf(t).stringData ??= []).push(r.view(r.len(end)));
        break;
      case 56 /* int64_data, field 7, one varint */:
        ((unpacked ??= {}).int64Data ??= []).push(r.int64(end));
        break;
      case 58 /* int64_data, packed */:
        packedRun(r, t, 'int64Data', end);
        break;
      case 66 /* name, field 8 */:
        t.name = r.string(r.len(end));
        t.nameId = r.stringId;
        break;
      case 74 /* raw_data, field 9 */: {
        const v = r.payload(r.len(end));
        if (isLazy(v)) {
          t.lazyRaw = v;
          t.rawData = undefined;
        } else {
          t.rawData = v;
          t.lazyRaw = undefined;
        }
        break;
      }
      case 81 /* double_data, field 10, one fixed64 */: {
        if (end - r.pos < 8) throw new WireError(`a double at byte ${r.pos} runs past the end of its message`);
        const b = r.view(8);
        ((unpacked ??= {}).doubleData ??= []).push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true));
        break;
      }
      case 82 /* double_data, packed */:
        packedRun(r, t, 'doubleData', end);
        break;
      case 88 /* uint64_data, field 11, one varint */:
        ((unpacked ??= {}).uint64Data ??= []).push(r.uint64(end));
        break;
      case 90 /* uint64_data, packed */:
        packedRun(r, t, 'uint64Data', end);
        break;
      case 106 /* external_data, field 13 */: {
        const e = r.sub(end);
        const entry: { key?: string; value?: string } = {};
        while (r.pos < e) {
          const tg = r.uint(e);
          if (tg === 10 /* field 1, wire 2 */) entry.key = r.string(r.len(e));
          else if (tg === 18 /* field 2, wire 2 */) entry.value = r.string(r.len(e));
          else r.skip(tg & 7, e);
        }
        (rareOf(t).externalData ??= []).push(entry);
        break;
      }
      case 112 /* data_location, field 14, varint */:
        rareOf(t).dataLocation = r.int32(end);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  if (int64s.top > dimBase) t.dims = int64s.take(dimBase);
  if (unpacked) for (const [name, list] of Object.entries(unpacked)) (rareOf(t) as unknown as Record<string, unknown>)[name] = list;
  return t;
}

function decodeAttribute(r: WireReader, end: number, depth: number): WireAttribute {
  const a = new WireAttribute();
  // floats and ints stay on their stacks until the attribute ends (a nested tensor or graph pops its own)
  const floatBase = floats.top;
  const intBase = int64s.top;
  while (r.pos < end) {
    const tag = r.uint(end);
    switch (tag) {
      case 10 /* name, field 1 */:
        a.name = r.string(r.len(end), true);
        break;
      case 21 /* f, field 2, fixed32 */:
        a.f = r.float(end);
        break;
      case 24 /* i, field 3, varint */:
        a.i = r.int64(end);
        break;
      case 34 /* s, field 4 */:
        a.s = r.view(r.len(end));
        break;
      case 42 /* t, field 5 */: {
        const e = r.sub(end);
        a.t = decodeTensor(r, e);
        break;
      }
      case 50 /* g, field 6 */: {
        const e = r.sub(end);
        a.g = decodeGraph(r, e, depth + 1);
        break;
      }
      case 58 /* floats, field 7, packed */: {
        const e = r.sub(end);
        while (r.pos < e) floats.push(r.float(e));
        break;
      }
      case 61 /* floats, one fixed32 */:
        floats.push(r.float(end));
        break;
      case 64 /* ints, field 8, one varint */:
        int64s.push(r.int64(end));
        break;
      case 66 /* ints, packed */: {
        const e = r.sub(end);
        while (r.pos < e) int64s.push(r.int64(e));
        break;
      }
      case 74 /* strings, field 9 */:
        (a.strings === EMPTY ? (a.strings = []) : a.strings).push(r.view(r.len(end)));
        break;
      case 82 /* tensors, field 10: counted, not represented (reader.ts warns) */:
        r.skipLen(end);
        a.tensors++;
        break;
      case 90 /* graphs, field 11: counted */:
        r.skipLen(end);
        a.graphs++;
        break;
      case 160 /* type, field 20, varint */:
        a.type = r.int32(end);
        break;
      case 178 /* sparse_tensor, field 22 */:
        r.skipLen(end);
        a.sparseTensor = true;
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  if (floats.top > floatBase) a.floats = floats.take(floatBase);
  if (int64s.top > intBase) a.ints = int64s.take(intBase);
  return a;
}

function decodeNode(r: WireReader, end: number, depth: number, g: WireGraph): void {
  let name = '';
  let nameHash = 0;
  let namePlain = false;
  let opType = '';
  let domain = '';
  const inBase = inputs.top;
  const attrBase = attributes.top;
  const outBase = outputs.top;
  const inputIds = g.nodeInputIds;
  const outputIds = g.nodeOutputIds;
  while (r.pos < end) {
    const tag = r.uint(end);
    switch (tag) {
      case 10 /* field 1, wire 2 */:
        inputs.push(r.string(r.len(end)));
        inputIds.push(r.stringId);
        break;
      case 18 /* field 2, wire 2 */:
        outputs.push(r.string(r.len(end)));
        outputIds.push(r.stringId);
        break;
      case 26 /* field 3, wire 2 */:
        name = r.unkeptString(r.len(end));
        nameHash = r.unkeptHash;
        namePlain = r.unkeptPlain;
        break;
      case 34 /* field 4, wire 2 */:
        opType = r.string(r.len(end), true);
        break;
      case 42 /* field 5, wire 2 */: {
        const e = r.sub(end);
        const a = decodeAttribute(r, e, depth);
        if (a.g !== undefined || a.type === GRAPH_ATTRIBUTE) g.subgraphs = true;
        attributes.push(a);
        break;
      }
      case 58 /* field 7, wire 2 */:
        domain = r.string(r.len(end), true);
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  g.node.push({ name, opType, domain, inputs: inputs.take(inBase), outputs: outputs.take(outBase), attrs: {} });
  g.nodeAttributes.push(attributes.top > attrBase ? attributes.take(attrBase) : undefined);
  if (name === '') {
    g.nodeNameHashes.push(0);
    g.unnamedNodes++;
  } else if (namePlain) g.nodeNameHashes.push(nameHash);
  else g.nodeNamesHashed = false;
  g.nodeInputStart.push(inputIds.length);
  g.nodeOutputStart.push(outputIds.length);
}

/** TensorShapeProto's dims onto the dims stack: dim_value, dim_param, or '' for neither (the last set wins). */
function gatherShape(r: WireReader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint(end);
    if (tag === 10 /* field 1, wire 2 */) {
      const e = r.sub(end);
      let d: WireInt64 | string = '';
      while (r.pos < e) {
        const tg = r.uint(e);
        if (tg === 8 /* field 1, wire 0 */) d = r.int64(e);
        else if (tg === 18 /* field 2, wire 2 */) d = r.string(r.len(e));
        else r.skip(tg & 7, e);
      }
      dims.push(d);
    } else r.skip(tag & 7, end);
  }
}

function decodeValueInfo(r: WireReader, end: number): WireValueInfo {
  const vi = new WireValueInfo();
  while (r.pos < end) {
    const tag = r.uint(end);
    if (tag === 10 /* field 1, wire 2 */) {
      vi.name = r.string(r.len(end));
      vi.nameId = r.stringId;
    }
    else if (tag === 18 /* field 2, wire 2 */) {
      // a TypeProto: only its tensor_type is read; a later one replaces an earlier one whole
      const e = r.sub(end);
      vi.tensorType = false;
      vi.elemType = 0;
      vi.dims = undefined;
      while (r.pos < e) {
        const tg = r.uint(e);
        if (tg === 10 /* field 1, wire 2 */) {
          const te = r.sub(e);
          vi.tensorType = true;
          vi.elemType = 0;
          vi.dims = undefined;
          while (r.pos < te) {
            const t3 = r.uint(te);
            if (t3 === 8 /* field 1, wire 0 */) vi.elemType = r.int32(te);
            else if (t3 === 18 /* field 2, wire 2 */) {
              const se = r.sub(te);
              const base = dims.top;
              gatherShape(r, se);
              vi.dims = dims.take(base);
            } else r.skip(t3 & 7, te);
          }
        } else r.skip(tg & 7, e);
      }
    } else r.skip(tag & 7, end);
  }
  return vi;
}

export function decodeGraph(r: WireReader, end: number, depth: number): WireGraph {
  if (depth > MAX_DEPTH) throw new WireError('messages nested too deeply');
  const g = new WireGraph();
  while (r.pos < end) {
    const tag = r.uint(end);
    if ((tag & 7) !== 2) {
      r.skip(tag & 7, end); // every GraphProto field is length-delimited
      continue;
    }
    const e = r.sub(end);
    switch (tag) {
      case 10 /* node, field 1 */:
        decodeNode(r, e, depth, g);
        break;
      case 18 /* name, field 2 */:
        g.name = r.string(e - r.pos);
        break;
      case 42 /* initializer, field 5 */:
        g.initializer.push(decodeTensor(r, e));
        break;
      case 90 /* input, field 11 */:
        g.input.push(decodeValueInfo(r, e));
        break;
      case 98 /* output, field 12 */:
        g.output.push(decodeValueInfo(r, e));
        break;
      case 106 /* value_info, field 13 */:
        g.valueInfo.push(decodeValueInfo(r, e));
        break;
      case 122 /* sparse_initializer, field 15 */: {
        // sparse_initializer: only its values' name is used (reader.ts refuses it)
        let name: string | undefined;
        while (r.pos < e) {
          const tg = r.uint(e);
          if (tg === 10 /* field 1, wire 2 */) {
            const te = r.sub(e);
            name = decodeTensor(r, te).name;
          } else r.skip(tg & 7, e);
        }
        (g.sparseInitializer === EMPTY ? (g.sparseInitializer = []) : g.sparseInitializer).push(name);
        break;
      }
      default:
        r.pos = e;
    }
    if (r.pos !== e) throw new WireError(`a graph field at byte ${r.pos} overruns its length`);
  }
  return g;
}

/** ModelProto: the fields reader.ts uses. Call after scanModelWire has accepted the top level. */
export function decodeModel(r: WireReader): WireModel {
  for (const g of [inputs, outputs, int64s, floats, dims, attributes]) g.reset();
  const end = r.size;
  const m = new WireModel();
  r.pos = 0;
  while (r.pos < end) {
    const tag = r.uint(end);
    switch (tag) {
      case 18 /* field 2, wire 2 */:
        m.producerName = r.string(r.len(end));
        break;
      case 26 /* field 3, wire 2 */:
        m.producerVersion = r.string(r.len(end));
        break;
      case 58 /* field 7, wire 2 */: {
        const e = r.sub(end);
        m.graph = decodeGraph(r, e, 0);
        break;
      }
      case 66 /* field 8, wire 2 */: {
        const e = r.sub(end);
        const o: { domain: string; version: WireInt64 } = { domain: '', version: 0 };
        while (r.pos < e) {
          const tg = r.uint(e);
          if (tg === 10 /* field 1, wire 2 */) o.domain = r.string(r.len(e), true);
          else if (tg === 16 /* field 2, wire 0 */) o.version = r.int64(e);
          else r.skip(tg & 7, e);
        }
        m.opsetImport.push(o);
        break;
      }
      case 202 /* field 25, wire 2 */:
        r.skipLen(end);
        m.functions++;
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  return m;
}
