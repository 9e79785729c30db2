/**
 * Test-only helpers for the onnxruntime shape oracle: expose every intermediate tensor of a model as a
 * graph output (no type info), run it once on zeros shaped as our inferred input shapes, and compare ORT's
 * real output dims and dtypes with inferShapes' TensorTypes.
 */
import * as ort from 'onnxruntime-node';
import { onnx, type ModelProto } from '../src/analyzer/onnx/proto.ts';
import { encodeModel } from '../src/analyzer/onnx/builder.ts';
import type { ShapeResult } from '../src/analyzer/shapes/infer.ts';
import type { DType } from '../src/analyzer/dtype.ts';

export interface OracleReport {
  /** Node outputs in the file (every one is fetched from ORT unless it is not a tensor). */
  exposed: number;
  compared: number;
  mismatches: string[];
  /** Tensors whose folded `value` (shape sub-graphs) was compared element by element with ORT's data. */
  valuesCompared: number;
  /** Our untyped tensors (unknown nodes), listed rather than compared. */
  untyped: string[];
}

/**
 * Adds every node output that is not yet a graph output as an untyped graph output. `relaxInputs` makes
 * every graph-input dim symbolic and drops value_info, so ORT accepts inputs at another size than declared
 * (for --input-shape override checks).
 */
export function exposeAllTensors(bytes: Uint8Array, relaxInputs = false): { bytes: Uint8Array; names: string[] } {
  const model = onnx.ModelProto.decode(bytes) as unknown as ModelProto;
  const g = model.graph!;
  if (relaxInputs) {
    g.valueInfo = [];
    for (const input of g.input ?? []) {
      const dims = input.type?.tensorType?.shape?.dim ?? [];
      dims.forEach((d, i) => {
        d.dimValue = null;
        d.dimParam = `relaxed_${input.name}_${i}`;
      });
    }
  }
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

/** Element values of an ORT tensor as numbers (int64 via Number; float16 stays raw bits and is skipped). */
function ortValues(t: ort.Tensor): number[] | undefined {
  if (t.type === 'float16' || t.type === 'string' || t.type === 'int4' || t.type === 'uint4') return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Runs the model in ORT on zeros and compares every tensor's dims and dtype with `result`. */
export async function runOracle(bytes: Uint8Array, result: ShapeResult, opts: { relaxInputs?: boolean } = {}): Promise<OracleReport> {
  const exposed = exposeAllTensors(bytes, opts.relaxInputs);
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
  const report: OracleReport = { exposed: exposed.names.length, compared: 0, valuesCompared: 0, mismatches: [], untyped: [] };
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
    // Folded values come from constants and shapes only (inputs carry none), so they do not depend on
    // the zeros fed in: they must equal what ORT computes.
    const realValues = ours.value ? ortValues(real) : undefined;
    if (ours.value && realValues) {
      report.valuesCompared++;
      if (realValues.length !== ours.value.length || realValues.some((v, i) => !sameValue(v, ours.value![i]!))) {
        report.mismatches.push(`${name}: folded value [${ours.value.join(',')}] vs ORT [${realValues.join(',')}]`);
      }
    }
  }
  await session.release();
  return report;
}

