/**
 * Test-only helpers for the onnxruntime shape oracle: expose every intermediate tensor of a model as a
 * graph output (no type info), run it once on zeros shaped as our inferred input shapes, and compare ORT's
 * real output dims and dtypes with inferShapes' TensorTypes.
 */
import * as ort from 'onnxruntime-node';
import { onnx, type ModelProto, type TensorProto, type AttributeProto, type ValueInfoProto } from '../src/analyzer/onnx/proto.ts';
import { encodeModel } from '../src/analyzer/onnx/builder.ts';
import type { IRModel } from '../src/analyzer/ir.ts';
import type { ShapeResult } from '../src/analyzer/shapes/infer.ts';
import type { DType } from '../src/analyzer/dtype.ts';

export interface OracleReport {
  compared: number;
  mismatches: string[];
  /** Our untyped tensors (unknown nodes), listed rather than compared. */
  untyped: string[];
}

/** Adds every node output that is not yet a graph output as an untyped graph output. */
export function exposeAllTensors(bytes: Uint8Array): { bytes: Uint8Array; names: string[] } {
  const model = onnx.ModelProto.decode(bytes) as unknown as ModelProto;
  const g = model.graph!;
  const outputs = new Set((g.output ?? []).map((o) => o.name!));
  const names: string[] = [];
  for (const n of g.node ?? []) {
    for (const o of n.output ?? []) {
      if (!o || names.includes(o)) continue;
      names.push(o);
      if (!outputs.has(o)) {
        g.output!.push({ name: o });
        outputs.add(o);
      }
    }
  }
  return { bytes: encodeModel(model), names };
}

type Typed = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

function zeros(dtype: DType, n: number): ort.Tensor['data'] | Typed {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'float16':
      return new Uint16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'uint32':
      return new Uint32Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'uint64':
      return new BigUint64Array(n);
    default:
      throw new Error(`oracle: no zero feed for dtype ${dtype}`);
  }
}

/** ORT's JS type names → our DType names (identical except where noted). */
function ortType(t: string): string {
  return t;
}

/** Runs the model in ORT on zeros and compares every tensor's dims and dtype with `result`. */
export async function runOracle(bytes: Uint8Array, ir: IRModel, result: ShapeResult): Promise<OracleReport> {
  const exposed = exposeAllTensors(bytes);
  const session = await ort.InferenceSession.create(exposed.bytes, { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const t = result.types.get(name);
    if (!t) throw new Error(`oracle: input '${name}' has no inferred type`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    feeds[name] = new ort.Tensor(t.dtype as ort.Tensor.Type, zeros(t.dtype, n) as ort.Tensor.DataType, t.shape);
  }
  // Non-tensor outputs (ZipMap's sequence of maps) cannot be fetched by onnxruntime-node: leave them out.
  const fetches = session.outputMetadata.filter((m) => m.isTensor).map((m) => m.name);
  const out = await session.run(feeds, fetches);
  const report: OracleReport = { compared: 0, mismatches: [], untyped: [] };
  for (const name of exposed.names) {
    const real = out[name];
    if (!real || !('dims' in real)) continue;
    const ours = result.types.get(name);
    if (!ours) {
      report.untyped.push(name);
      continue;
    }
    report.compared++;
    const dims = [...real.dims].map(Number);
    const same = dims.length === ours.shape.length && dims.every((d, i) => d === ours.shape[i]);
    if (!same || ortType(real.type) !== ours.dtype) {
      report.mismatches.push(`${name}: ours ${ours.dtype}[${ours.shape.join(',')}] vs ORT ${real.type}[${dims.join(',')}]`);
    }
  }
  await session.release();
  void ir;
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// Minimal test-only ModelProto → IR decoding, used until the project loader (src/analyzer/load.ts) lands.
// Handles what the shared models use: raw_data and typed-field initializers, Constant nodes, value_info.
// ---------------------------------------------------------------------------------------------------------
import type { AttrValue, ConstData, Dim, IRNode, TensorInfo } from '../src/analyzer/ir.ts';
import { ONNX_DTYPES } from '../src/analyzer/dtype.ts';
import { encodeRaw } from '../src/analyzer/onnx/builder.ts';

type Longish = number | { toNumber(): number } | string | null | undefined;
const num = (v: Longish): number => (v == null ? 0 : typeof v === 'object' ? v.toNumber() : Number(v));

function constData(t: TensorProto): ConstData {
  const dtype = ONNX_DTYPES[t.dataType ?? 0] ?? 'unknown';
  const shape = (t.dims ?? []).map((d) => num(d as Longish));
  const count = shape.reduce((a, b) => a * b, 1);
  if (t.rawData && t.rawData.length > 0) return { dtype, shape, bytes: t.rawData };
  if (dtype === 'string') return { dtype, shape, bytes: new Uint8Array() };
  let values: number[] = [];
  if (t.floatData?.length) values = t.floatData;
  else if (t.doubleData?.length) values = t.doubleData;
  else if (t.int64Data?.length) values = t.int64Data.map((v) => num(v as Longish));
  else if (t.uint64Data?.length) values = t.uint64Data.map((v) => num(v as Longish));
  else if (t.int32Data?.length) {
    if (dtype === 'float16' || dtype === 'bfloat16') {
      const b = new Uint8Array(count * 2);
      t.int32Data.forEach((v, i) => new DataView(b.buffer).setUint16(i * 2, v, true));
      return { dtype, shape, bytes: b };
    }
    if (dtype === 'int4' || dtype === 'uint4') return { dtype, shape, bytes: Uint8Array.from(t.int32Data) };
    values = t.int32Data;
  }
  return { dtype, shape, bytes: encodeRaw(dtype, count, values) };
}

function attrValue(a: AttributeProto): AttrValue | undefined {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT:
      return a.f ?? 0;
    case T.INT:
      return num(a.i as Longish);
    case T.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.TENSOR:
      return constData(a.t!);
    case T.FLOATS:
      return [...(a.floats ?? [])];
    case T.INTS:
      return (a.ints ?? []).map((v) => num(v as Longish));
    case T.STRINGS:
      return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    default:
      return undefined;
  }
}

export function decodeForTest(bytes: Uint8Array, path: string): IRModel {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph!;
  const tensors = new Map<string, TensorInfo>();
  const info = (vi: ValueInfoProto): void => {
    const tt = vi.type?.tensorType;
    const shape: Dim[] | undefined = tt?.shape ? (tt.shape.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue != null ? num(d.dimValue as Longish) : '?')) : undefined;
    tensors.set(vi.name!, { name: vi.name!, dtype: ONNX_DTYPES[tt?.elemType ?? 0] ?? 'unknown', shape });
  };
  for (const vi of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) info(vi);
  const inits = new Set<string>();
  for (const t of g.initializer ?? []) {
    const data = constData(t);
    inits.add(t.name!);
    tensors.set(t.name!, { name: t.name!, dtype: data.dtype, shape: data.shape, data });
  }
  const nodes: IRNode[] = (g.node ?? []).map((n, i) => {
    const attrs: Record<string, AttrValue> = {};
    for (const a of n.attribute ?? []) {
      const v = attrValue(a);
      if (v !== undefined) attrs[a.name!] = v;
    }
    return { name: n.name || `${n.opType}_${i}`, opType: n.opType!, domain: n.domain ?? '', inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attrs };
  });
  const opsets: Record<string, number> = {};
  for (const o of m.opsetImport ?? []) opsets[o.domain === 'ai.onnx' ? '' : (o.domain ?? '')] = num(o.version as Longish);
  return {
    format: 'onnx',
    path,
    fileBytes: bytes.byteLength,
    opsets,
    producer: m.producerName ?? '',
    graph: {
      name: g.name ?? '',
      inputs: (g.input ?? []).map((i) => i.name!).filter((n) => !inits.has(n)),
      outputs: (g.output ?? []).map((o) => o.name!),
      nodes,
      tensors,
    },
    warnings: [],
  };
}
