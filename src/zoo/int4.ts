/**
 * Which weight tensors a w4/w8 build stores as INT4 (architectures.md §1.1). ST's search starts with every
 * Conv/Gemm weight in int4, ranks tensors by size and moves the smallest back to int8 until accuracy is
 * within tolerance, so the int4 set is always a largest-first prefix; `w4_X%` is its share of the weight
 * count. Given X, we take the longest largest-first prefix whose share does not exceed X (plus 0.05 points
 * for the rounding in ST's file names): EfficientNet LC v1 food-101 `w4_26.1%` → the top conv and the
 * classifier, 141,120 / 540,736 = 26.10 %.
 */
import type { NetSpec } from './net.ts';

export interface WeightTensor {
  layer: string;
  count: number;
}

/** Kernel weight tensors (conv and dense) in graph order with their element counts. */
export function weightTensors(spec: NetSpec): WeightTensor[] {
  const out: WeightTensor[] = [];
  for (const l of spec.layers) {
    if (l.kind === 'conv') out.push({ layer: l.name, count: l.cout * (l.cin / l.group) * l.kernel[0] * l.kernel[1] });
    else if (l.kind === 'dense') out.push({ layer: l.name, count: l.cin * l.cout });
  }
  return out;
}

export interface Int4Choice {
  layers: string[];
  int4Count: number;
  totalCount: number;
  /** Share of the weight count stored as int4, in percent. */
  percent: number;
}

const NAME_ROUNDING_POINTS = 0.05;

export function chooseInt4(spec: NetSpec, targetPercent: number): Int4Choice {
  const tensors = weightTensors(spec);
  const totalCount = tensors.reduce((a, t) => a + t.count, 0);
  // Stable sort: equal sizes keep graph order.
  const ranked = tensors.map((t, i) => ({ ...t, i })).sort((a, b) => b.count - a.count || a.i - b.i);
  const layers: string[] = [];
  let int4Count = 0;
  for (const t of ranked) {
    if (((int4Count + t.count) / totalCount) * 100 > targetPercent + NAME_ROUNDING_POINTS) break;
    int4Count += t.count;
    layers.push(t.layer);
  }
  return { layers, int4Count, totalCount, percent: (int4Count / totalCount) * 100 };
}
