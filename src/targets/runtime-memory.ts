/**
 * Runtime RAM and code flash of ST's MCU runtime, which the MCU tables publish beside activations and
 * weights (facts §1.5: code flash = the linked kernels + network.c + toolchain objects; runtime RAM = their
 * .data/.bss). Modelled per tool version as
 *     bytes = base + per_layer × kernel layers + q × per-channel quant-param bytes + Σ per-kernel-family cost × [family used]
 * with non-negative coefficients fitted on the published rows (relative error), so a model that links
 * depthwise and softmax kernels pays for them once, whatever its size.
 */
import type { LayerOp } from '../analyzer/layer.ts';
import { nnls } from './latency/nnls.ts';
import type { ModelFeatures } from './model-features.ts';

/** Kernel families a runtime links separately (grouping LayerOps that share an implementation). */
export const KERNEL_FAMILIES: { name: string; ops: LayerOp[] }[] = [
  { name: 'conv', ops: ['Conv', 'ConvTranspose'] },
  { name: 'depthwise', ops: ['DepthwiseConv'] },
  { name: 'dense', ops: ['Dense', 'MatMul'] },
  { name: 'eltwise', ops: ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min'] },
  { name: 'pool', ops: ['AveragePool', 'MaxPool', 'GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceSum'] },
  { name: 'activation', ops: ['Activation', 'Softmax', 'BatchNorm'] },
  { name: 'datamove', ops: ['Concat', 'Split', 'Slice', 'Gather', 'Pad', 'Resize', 'Transpose'] },
  { name: 'convert', ops: ['Quantize', 'Dequantize', 'Cast'] },
];

/**
 * quant_param_bytes: per-channel requantization parameters. ST's generated code keeps them with the code, not
 * with the weights: across MobileNet widths (same kernels, same layer count) code flash grows by ≈ 0.3 B per
 * byte of our per-channel scale/zero-point figure (v1 0.5→1.0: +21.5 KiB; v2 0.35→1.4: +66.5 KiB).
 */
export const RUNTIME_FEATURES = ['base', 'layers', 'quant_param_bytes', ...KERNEL_FAMILIES.map((f) => `uses_${f.name}`)];

export function runtimeFeatureVector(f: ModelFeatures): number[] {
  const ops = new Set(f.kernelKinds.map((k) => k.split(':')[0] as LayerOp));
  return [1, f.kernelLayers, f.quantParamBytes, ...KERNEL_FAMILIES.map((fam) => (fam.ops.some((o) => ops.has(o)) ? 1 : 0))];
}

export interface RuntimeMemoryFit {
  /** What is modelled: 'code-flash' or 'runtime-ram'. */
  quantity: 'code-flash' | 'runtime-ram';
  toolVersion: string;
  coef: number[];
  models: number;
  rows: number;
}

export interface RuntimeMemoryRow {
  features: ModelFeatures;
  bytes: number;
}

export function fitRuntimeMemory(quantity: RuntimeMemoryFit['quantity'], toolVersion: string, rows: RuntimeMemoryRow[], models: number): RuntimeMemoryFit | undefined {
  const usable = rows.filter((r) => r.bytes > 0);
  if (usable.length < 2) return undefined;
  const a = usable.map((r) => runtimeFeatureVector(r.features).map((v) => v / r.bytes));
  const b = usable.map(() => 1);
  return { quantity, toolVersion, coef: nnls(a, b).x, models, rows: usable.length };
}

export function predictRuntimeBytes(fit: RuntimeMemoryFit, f: ModelFeatures): number {
  return runtimeFeatureVector(f).reduce((s, v, j) => s + v * fit.coef[j]!, 0);
}
