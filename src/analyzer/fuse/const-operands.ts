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
import type { GraphIndex } from './graph-index.ts';

export interface ConstOperand {
  elements: number;
  dtype: DType;
  bytes: number;
  quantParamBytes: number;
  /** Number of scales (> 1 = per-channel); 0 when not quantized. */
  scaleCount: number;
  shape: number[];
  /** Nodes folded into the operand (DequantizeLinear, QuantizeLinear, Reshape …). */
  nodeNames: string[];
  sourceOps: string[];
}

/** Ops that re-present their first input without changing the stored values' count. */
const PASS_THROUGH = new Set(['Reshape', 'Transpose', 'Squeeze', 'Unsqueeze', 'Identity', 'Flatten', 'Cast']);

/** Element count and stored bytes of any tensor, from its data or its inferred type. */
export function tensorFootprint(idx: GraphIndex, name: string): { elements: number; dtype: DType; bytes: number; shape: number[] } {
  const data = idx.graph.tensors.get(name)?.data;
  if (data) return { elements: elementCount(data.shape), dtype: data.dtype, bytes: constByteLength(data), shape: [...data.shape] };
  const t = idx.types.get(name);
  const shape = t?.shape ?? idx.graph.tensors.get(name)?.shape?.map((d) => (typeof d === 'number' ? d : 1)) ?? [];
  const dtype: DType = t?.dtype ?? idx.graph.tensors.get(name)?.dtype ?? 'unknown';
  const elements = elementCount(shape);
  return { elements, dtype, bytes: storageBytes(dtype, elements), shape: [...shape] };
}

export function describeConst(idx: GraphIndex, name: string): ConstOperand {
  const nodeNames: string[] = [];
  const sourceOps: string[] = [];
  let t = name;
  for (let guard = 0; guard < 64; guard++) {
    if (idx.graph.tensors.get(t)?.data) break;
    const p = idx.producerOf(t);
    if (!p) break;
    if (p.opType === 'DequantizeLinear') {
      nodeNames.push(p.name);
      sourceOps.push(p.opType);
      const stored = tensorFootprint(idx, p.inputs[0]!);
      const scale = p.inputs[1] ? tensorFootprint(idx, p.inputs[1]) : undefined;
      const zp = p.inputs[2] ? tensorFootprint(idx, p.inputs[2]) : undefined;
      // A fake-quant chain (float → QuantizeLinear → here) is folded too.
      const q = idx.producerOf(p.inputs[0]!);
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
        nodeNames,
        sourceOps,
      };
    }
    if (!PASS_THROUGH.has(p.opType) || !p.inputs[0]) break;
    nodeNames.push(p.name);
    sourceOps.push(p.opType);
    t = p.inputs[0];
  }
  const f = tensorFootprint(idx, t);
  const own = tensorFootprint(idx, name);
  return { elements: own.elements, dtype: f.dtype, bytes: storageBytes(f.dtype, own.elements), quantParamBytes: 0, scaleCount: 0, shape: own.shape, nodeNames, sourceOps };
}
