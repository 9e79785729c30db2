/**
 * ONNX AttributeProto → IR AttrValue. Ints and floats become numbers (int64 beyond 2^53 clamped),
 * strings are decoded as UTF-8, tensors become ConstData, graphs (If/Loop bodies) become IRGraphs.
 * Kinds the IR has no place for (lists of tensors or graphs, sparse tensors, type protos) are left out
 * with a warning.
 */
import type { AttrValue, IRGraph } from '../ir.ts';
import { int64Clamped, tensorData, type TensorContext } from './tensor-data.ts';
import { WireGraph, WireTensor, type WireAttribute } from './wire-decode.ts';

/** onnx.proto AttributeType numbers. */
const T = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

const utf8 = new TextDecoder();

/** Old files leave `type` unset (UNDEFINED): infer it from the field that holds a value. */
function attrType(a: WireAttribute): number {
  if (a.type) return a.type;
  if (a.floats.length) return T.FLOATS;
  if (a.ints.length) return T.INTS;
  if (a.strings.length) return T.STRINGS;
  if (a.tensors) return T.TENSORS;
  if (a.graphs) return T.GRAPHS;
  if (a.t) return T.TENSOR;
  if (a.g) return T.GRAPH;
  if (a.sparseTensor) return T.SPARSE_TENSOR;
  if (a.s?.length) return T.STRING;
  if (a.f) return T.FLOAT;
  return T.INT;
}

export interface AttrContext extends TensorContext {
  warnings: string[];
  convertGraph: (g: WireGraph) => IRGraph;
}

/** Converts one attribute; `undefined` when the IR cannot hold it (a warning says so). */
export function convertAttribute(a: WireAttribute, nodeName: string, ctx: AttrContext): AttrValue | undefined {
  switch (attrType(a)) {
    case T.FLOAT:
      return a.f ?? 0;
    case T.INT:
      return int64Clamped(a.i);
    case T.STRING:
      return utf8.decode(a.s ?? new Uint8Array(0));
    case T.TENSOR:
      return tensorData(a.t ?? new WireTensor(), `attribute '${a.name ?? ''}' of node '${nodeName}'`, ctx);
    case T.GRAPH:
      return ctx.convertGraph(a.g ?? new WireGraph());
    // the decoded attribute's own list (each attribute is converted once), not a copy; a fresh array for an
    // attribute without values (the decoder's shared empty list is frozen)
    case T.FLOATS:
      return a.floats.length > 0 ? a.floats : [];
    case T.INTS: {
      const ints = a.ints;
      if (ints.length === 0) return [];
      for (let k = 0; k < ints.length; k++) {
        const v = ints[k]!;
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) ints[k] = int64Clamped(v);
      }
      return ints as number[];
    }
    case T.STRINGS:
      return a.strings.map((s) => utf8.decode(s));
    default:
      ctx.warnings.push(`node '${nodeName}': attribute '${a.name ?? ''}' (ONNX attribute type ${a.type}) is not represented and was ignored`);
      return undefined;
  }
}
