/**
 * The ONNX messages edgefit reads, decoded straight from the protobuf wire format (wire-reader.ts) into
 * plain objects shaped like onnx-proto's interfaces (proto.ts), so reader.ts converts them as before.
 *
 * Only what the reader uses is decoded: doc strings, metadata, training info, quantization annotations,
 * sequence/map type protos and the bodies of local functions (counted) are skipped without being read.
 * Initializer payloads (raw_data, packed float_data/double_data) may stay on disk as LazyRange
 * (`WireTensorProto.lazyRaw` / `lazyPacked`): tensor-data.ts checks their length against the dims and reads them on
 * first use. Semantics follow protobuf: a repeated scalar field may be packed or not, the last value of a
 * singular field wins.
 */
import type { AttributeProto, GraphProto, ModelProto, NodeProto, ValueInfoProto } from './proto.ts';
import type { PackedFields, ReadTensorProto } from './tensor-proto-decode.ts';
import { concatBytes, WireError, type LazyRange, type WireReader } from './wire-reader.ts';

/** Sub-graph nesting that the decoder follows; reader.ts refuses more than 64 with its own message. */
const MAX_DEPTH = 80;

export type LazyPacked = Partial<Record<keyof PackedFields, LazyRange>>;

/** A TensorProto as the lazy reader returns it: raw_data or packed data may be left on disk. */
export interface WireTensorProto extends ReadTensorProto {
  lazyRaw?: LazyRange;
  lazyPacked?: LazyPacked;
}

const PACKED_FIELDS: Record<number, keyof PackedFields> = { 4: 'floatData', 5: 'int32Data', 7: 'int64Data', 10: 'doubleData', 11: 'uint64Data' };


function isLazy(v: Uint8Array | LazyRange): v is LazyRange {
  return !(v instanceof Uint8Array);
}

/** int64 repeated field, packed or not. */
function readInt64s(r: WireReader, wire: number, end: number, out: unknown[]): void {
  if (wire === 2) {
    const e = r.sub(end);
    while (r.pos < e) out.push(r.int64(e));
  } else if (wire === 0) out.push(r.int64(end));
  else r.skip(wire, end);
}

export function decodeTensor(r: WireReader, end: number, materialise: (lazy: LazyRange) => Uint8Array): WireTensorProto {
  const t: WireTensorProto = { dims: [] };
  let unpacked: Record<string, unknown[]> | undefined;
  while (r.pos < end) {
    const tag = r.uint(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 4 || field === 5 || field === 7 || field === 10 || field === 11) {
      const packedName = PACKED_FIELDS[field]!;
      if (wire === 2) {
        const n = r.len(end);
        const fixed = field === 4 || field === 10;
        const v = fixed ? r.payload(n) : r.view(n);
        const priorView = t.packed?.[packedName];
        const priorLazy = t.lazyPacked?.[packedName];
        if (priorView === undefined && priorLazy === undefined) {
          if (isLazy(v)) (t.lazyPacked ??= {})[packedName] = v;
          else (t.packed ??= {})[packedName] = v;
        } else {
          // the field repeated: protobuf concatenates packed runs
          const a = priorLazy ? materialise(priorLazy) : priorView!;
          const b = isLazy(v) ? materialise(v) : v;
          if (t.lazyPacked) delete t.lazyPacked[packedName];
          (t.packed ??= {})[packedName] = concatBytes(a, b);
        }
        continue;
      }
      const list = ((unpacked ??= {})[packedName] ??= []);
      if (field === 4 && wire === 5) list.push(r.float(end));
      else if (field === 10 && wire === 1) {
        if (end - r.pos < 8) throw new WireError(`a double at byte ${r.pos} runs past the end of its message`);
        const b = r.view(8);
        list.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true));
      } else if (field === 5 && wire === 0) list.push(r.int32(end));
      else if (field === 7 && wire === 0) list.push(r.int64(end));
      else if (field === 11 && wire === 0) list.push(r.uint64(end));
      else r.skip(wire, end);
      continue;
    }
    switch (field) {
      case 1:
        readInt64s(r, wire, end, t.dims as unknown[]);
        break;
      case 2:
        if (wire === 0) t.dataType = r.int32(end);
        else r.skip(wire, end);
        break;
      case 3:
        if (wire === 2) {
          r.skipLen(end);
          t.segment = {};
        } else r.skip(wire, end);
        break;
      case 6:
        if (wire === 2) (t.stringData ??= []).push(r.view(r.len(end)));
        else r.skip(wire, end);
        break;
      case 8:
        if (wire === 2) t.name = r.string(r.len(end));
        else r.skip(wire, end);
        break;
      case 9:
        if (wire === 2) {
          const v = r.payload(r.len(end));
          if (isLazy(v)) {
            t.lazyRaw = v;
            t.rawData = undefined;
          } else {
            t.rawData = v;
            t.lazyRaw = undefined;
          }
        } else r.skip(wire, end);
        break;
      case 13:
        if (wire === 2) {
          const e = r.sub(end);
          const entry: { key?: string; value?: string } = {};
          while (r.pos < e) {
            const tg = r.uint(e);
            if (tg === 10 /* field 1, wire 2 */) entry.key = r.string(r.len(e));
            else if (tg === 18 /* field 2, wire 2 */) entry.value = r.string(r.len(e));
            else r.skip(tg & 7, e);
          }
          (t.externalData ??= []).push(entry);
        } else r.skip(wire, end);
        break;
      case 14:
        if (wire === 0) t.dataLocation = r.int32(end);
        else r.skip(wire, end);
        break;
      default:
        r.skip(wire, end);
    }
  }
  if (unpacked) for (const [name, list] of Object.entries(unpacked)) (t as Record<string, unknown>)[name] = list;
  return t;
}

function decodeAttribute(r: WireReader, end: number, depth: number, materialise: (lazy: LazyRange) => Uint8Array): AttributeProto {
  const a: AttributeProto = {};
  while (r.pos < end) {
    const tag = r.uint(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        if (wire === 2) a.name = r.string(r.len(end));
        else r.skip(wire, end);
        break;
      case 2:
        if (wire === 5) a.f = r.float(end);
        else r.skip(wire, end);
        break;
      case 3:
        if (wire === 0) a.i = r.int64(end) as number;
        else r.skip(wire, end);
        break;
      case 4:
        if (wire === 2) {
          const n = r.len(end);
          a.s = r.view(n);
        } else r.skip(wire, end);
        break;
      case 5:
        if (wire === 2) {
          const e = r.sub(end);
          a.t = decodeTensor(r, e, materialise);
        } else r.skip(wire, end);
        break;
      case 6:
        if (wire === 2) {
          const e = r.sub(end);
          a.g = decodeGraph(r, e, depth + 1, materialise);
        } else r.skip(wire, end);
        break;
      case 7: {
        const list = (a.floats ??= []) as number[];
        if (wire === 2) {
          const e = r.sub(end);
          while (r.pos < e) list.push(r.float(e));
        } else if (wire === 5) list.push(r.float(end));
        else r.skip(wire, end);
        break;
      }
      case 8:
        readInt64s(r, wire, end, (a.ints ??= []) as unknown[]);
        break;
      case 9:
        if (wire === 2) ((a.strings ??= []) as Uint8Array[]).push(r.view(r.len(end)));
        else r.skip(wire, end);
        break;
      case 10: // tensors: counted, not represented (reader.ts warns)
      case 11: // graphs
        if (wire === 2) {
          r.skipLen(end);
          const key = field === 10 ? 'tensors' : 'graphs';
          ((a as Record<string, unknown[]>)[key] ??= []).push({});
        } else r.skip(wire, end);
        break;
      case 20:
        if (wire === 0) a.type = r.int32(end);
        else r.skip(wire, end);
        break;
      case 22:
        if (wire === 2) {
          r.skipLen(end);
          a.sparseTensor = {};
        } else r.skip(wire, end);
        break;
      default:
        r.skip(wire, end);
    }
  }
  return a;
}

function decodeNode(r: WireReader, end: number, depth: number, materialise: (lazy: LazyRange) => Uint8Array): NodeProto {
  const input: string[] = [];
  const output: string[] = [];
  const n: NodeProto = { input, output };
  while (r.pos < end) {
    const tag = r.uint(end);
    switch (tag) {
      case 10 /* field 1, wire 2 */:
        input.push(r.string(r.len(end)));
        break;
      case 18 /* field 2, wire 2 */:
        output.push(r.string(r.len(end)));
        break;
      case 26 /* field 3, wire 2 */:
        n.name = r.string(r.len(end));
        break;
      case 34 /* field 4, wire 2 */:
        n.opType = r.string(r.len(end));
        break;
      case 42 /* field 5, wire 2 */: {
        const e = r.sub(end);
        (n.attribute ??= []).push(decodeAttribute(r, e, depth, materialise));
        break;
      }
      case 58 /* field 7, wire 2 */:
        n.domain = r.string(r.len(end));
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  return n;
}

/** TensorShapeProto.Dimension list of a TypeProto.Tensor. */
function decodeShape(r: WireReader, end: number): { dim: { dimValue?: unknown; dimParam?: string }[] } {
  const dim: { dimValue?: unknown; dimParam?: string }[] = [];
  while (r.pos < end) {
    const tag = r.uint(end);
    if (tag === 10 /* field 1, wire 2 */) {
      const e = r.sub(end);
      const d: { dimValue?: unknown; dimParam?: string } = {};
      while (r.pos < e) {
        const tg = r.uint(e);
        if (tg === 8 /* field 1, wire 0 */) {
          d.dimValue = r.int64(e);
          d.dimParam = undefined;
        } else if (tg === 18 /* field 2, wire 2 */) {
          d.dimParam = r.string(r.len(e));
          d.dimValue = undefined;
        } else r.skip(tg & 7, e);
      }
      dim.push(d);
    } else r.skip(tag & 7, end);
  }
  return { dim };
}

function decodeValueInfo(r: WireReader, end: number): ValueInfoProto {
  const vi: ValueInfoProto = {};
  while (r.pos < end) {
    const tag = r.uint(end);
    if (tag === 10 /* field 1, wire 2 */) vi.name = r.string(r.len(end));
    else if (tag === 18 /* field 2, wire 2 */) {
      const e = r.sub(end);
      let tensorType: { elemType?: number; shape?: ReturnType<typeof decodeShape> } | undefined;
      while (r.pos < e) {
        const tg = r.uint(e);
        if (tg === 10 /* field 1, wire 2 */) {
          const te = r.sub(e);
          tensorType = {};
          while (r.pos < te) {
            const t3 = r.uint(te);
            if (t3 === 8 /* field 1, wire 0 */) tensorType.elemType = r.int32(te);
            else if (t3 === 18 /* field 2, wire 2 */) {
              const se = r.sub(te);
              tensorType.shape = decodeShape(r, se);
            } else r.skip(t3 & 7, te);
          }
        } else r.skip(tg & 7, e);
      }
      vi.type = tensorType ? { tensorType } : {};
    } else r.skip(tag & 7, end);
  }
  return vi;
}

export function decodeGraph(r: WireReader, end: number, depth: number, materialise: (lazy: LazyRange) => Uint8Array): GraphProto {
  if (depth > MAX_DEPTH) throw new WireError('messages nested too deeply');
  const g: GraphProto = { node: [], initializer: [], input: [], output: [], valueInfo: [] };
  while (r.pos < end) {
    const tag = r.uint(end);
    const field = tag >>> 3;
    const wire = tag & 7;
    if (wire !== 2) {
      r.skip(wire, end);
      continue;
    }
    const e = r.sub(end);
    switch (field) {
      case 1:
        g.node!.push(decodeNode(r, e, depth, materialise));
        break;
      case 2:
        g.name = r.string(e - r.pos);
        break;
      case 5:
        g.initializer!.push(decodeTensor(r, e, materialise));
        break;
      case 11:
        g.input!.push(decodeValueInfo(r, e));
        break;
      case 12:
        g.output!.push(decodeValueInfo(r, e));
        break;
      case 13:
        g.valueInfo!.push(decodeValueInfo(r, e));
        break;
      case 15: {
        // sparse_initializer: only its values' name is used (reader.ts refuses it)
        const sparse: { values?: { name?: string | null } } = {};
        while (r.pos < e) {
          const tg = r.uint(e);
          if (tg === 10 /* field 1, wire 2 */) {
            const te = r.sub(e);
            sparse.values = decodeTensor(r, te, materialise);
          } else r.skip(tg & 7, e);
        }
        (g.sparseInitializer ??= []).push(sparse);
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
export function decodeModel(r: WireReader, materialise: (lazy: LazyRange) => Uint8Array): ModelProto {
  const end = r.size;
  const m: ModelProto = { opsetImport: [] };
  let functions = 0;
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
        m.graph = decodeGraph(r, e, 0, materialise);
        break;
      }
      case 66 /* field 8, wire 2 */: {
        const e = r.sub(end);
        const o: { domain?: string; version?: unknown } = {};
        while (r.pos < e) {
          const tg = r.uint(e);
          if (tg === 10 /* field 1, wire 2 */) o.domain = r.string(r.len(e));
          else if (tg === 16 /* field 2, wire 0 */) o.version = r.int64(e);
          else r.skip(tg & 7, e);
        }
        m.opsetImport!.push(o as never);
        break;
      }
      case 202 /* field 25, wire 2 */:
        r.skipLen(end);
        functions++;
        break;
      default:
        r.skip(tag & 7, end);
    }
  }
  if (functions > 0) m.functions = new Array(functions).fill({});
  return m;
}
