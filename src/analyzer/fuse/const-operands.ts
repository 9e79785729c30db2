/**
 * What a static operand costs a deployment: its stored element type and bytes, and the quantization
 * parameters (scales, zero points) stored with it. Walks back from the tensor a kernel reads through the
 * ops that only re-present a constant (DequantizeLinear, Reshape, Transpose, …) to what the file stores.
 *
 * - QDQ weight: DequantizeLinear(int8/int4 initializer, scale, zp) → int8/int4 elements, scale + zp bytes.
 * - Fake-quant weight: float initializer → QuantizeLinear → DequantizeLinear: counted at the DequantizeLinear's
 *   input type (int8), as a deployment stores it; the scale/zp stored once (the DequantizeLinear's).
 * - Float weight: the initializer's own type.
 */
import { storageBytes, type DType } from '../dtype.ts';
import { elementCount } from '../layer-ops.ts';
import { constByteLength } from './const-size.ts';
import type { GraphIndex, TensorFacts } from './graph-index.ts';

export interface ConstOperand {
  elements: number;
  dtype: DType;
  bytes: number;
  quantParamBytes: number;
  /** Number of scales (> 1 = per-channel); 0 when not quantized. */
  scaleCount: number;
  /** (the stored tensor's or the inferred shape array itself: read it, do not change it) */
  shape: readonly number[];
}

export interface TensorFootprint {
  elements: number;
  dtype: DType;
  bytes: number;
  /** (the stored tensor's or the inferred shape array itself: read it, do not change it) */
  shape: readonly number[];
}

/** Ops that re-present their first input without changing the stored values' count. */
const PASS_THROUGH = new Set(['Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity', 'Flatten', 'Cast']);

/** Element count and stored bytes of any tensor, from its data or its inferred type. */
export function tensorFootprint(idx: GraphIndex, name: string): TensorFootprint {
  return footprintOf(idx.facts(name));
}

function footprintOf(f: TensorFacts | undefined): TensorFootprint {
  const data = f?.info?.data;
  if (data) return { elements: elementCount(data.shape), dtype: data.dtype, bytes: constByteLength(data), shape: data.shape };
  const shape = f?.type?.shape ?? f?.info?.shape?.map((d) => (typeof d === 'number' ? d : 1)) ?? [];
  const dtype: DType = f?.type?.dtype ?? f?.info?.dtype ?? 'unknown';
  const elements = elementCount(shape);
  return { elements, dtype, bytes: storageBytes(dtype, elements), shape };
}

/** Stored bytes of a tensor (a quantization parameter), and its element count. */
function paramBytes(idx: GraphIndex, name: string | undefined): { bytes: number; elements: number } | undefined {
  return name ? footprintOf(idx.facts(name)) : undefined;
}

/**
 * What the static operand `name` costs; the nodes folded into it (DequantizeLinear, QuantizeLinear, Reshape …) are
 * appended to `nodeNames` and `sourceOps` (the layer's own lists).
 */
export function describeConst(idx: GraphIndex, name: string, nodeNames: string[], sourceOps: string[]): ConstOperand {
  let t = name;
  let f = idx.facts(t);
  for (let guard = 0; guard < 64; guard++) {
    if (!f || f.info?.data || f.producer < 0) break;
    const p = idx.node(f.producer);
    if (p.opType === 'DequantizeLinear') {
      nodeNames.push(p.name);
      sourceOps.push(p.opType);
      const storedFacts = idx.facts(p.inputs[0]!);
      const stored = footprintOf(storedFacts);
      const scale = paramBytes(idx, p.inputs[1]);
      const zp = paramBytes(idx, p.inputs[2]);
      // A fake-quant chain (float → QuantizeLinear → here) is folded too.
      const q = storedFacts && storedFacts.producer >= 0 ? idx.node(storedFacts.producer) : undefined;
      if (q && q.opType === 'QuantizeLinear') {
        nodeNames.push(q.name);
        sourceOps.push(q.opType);
      }
      return {
        elements: stored.elements,
        dtype: stored.dtype,
        bytes: storageBytes(stored.dtype, stored.elements),
        quantParamBytes: (scale?.bytes ?? 0) + (zp?.bytes ?? 0),
        scaleCount: scale?.elements ?? 0,
        shape: stored.shape,
      };
    }
    if (!PASS_THROUGH.has(p.opType) || !p.inputs[0]) break;
    nodeNames.push(p.name);
    sourceOps.push(p.opType);
    t = p.inputs[0];
    f = idx.facts(t);
  }
  const src = footprintOf(f);
  const own = t === name ? src : tensorFootprint(idx, name);
  return { elements: own.elements, dtype: src.dtype, bytes: storageBytes(src.dtype, own.elements), quantParamBytes: 0, scaleCount: 0, shape: own.shape };
}
