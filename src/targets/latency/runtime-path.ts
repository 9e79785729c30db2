/**
 * Which kernels run a TFLite model on the STM32MP1 Cortex-A7s: TensorFlow Lite's XNNPACK delegate or its
 * built-in CPU kernels. The choice is the runtime's, and it is visible in the file.
 *
 * X-LINUX-AI 6.x runs TFLite 2.18, which applies the XNNPACK delegate by default. That delegate only accepts
 * graphs whose tensors all have static sizes; when a tensor is dynamic the interpreter prints "Attempting to
 * use a delegate that only supports static-sized tensors with a graph that has dynamic-sized tensors",
 * ignores the delegate and runs *every* operator on its built-in kernels. Keras `Flatten`/`Reshape` layers
 * exported with a run-time batch size leave a SHAPE → STRIDED_SLICE → PACK → RESHAPE chain in the file: the
 * RESHAPE's target shape is computed at run time, so its output is a dynamic tensor. Our analyzer folds that
 * chain away (its result is known before run time), so the evidence is taken from the file's operators.
 *
 * Evidence in ST's tables (docs/targets.md, "MPU CPU"): the three architectures whose files carry SHAPE ops
 * (ST EfficientNet LC v1, FD-MobileNet 0.25, ST FD-MobileNet v1) did not get faster from the pre-6.x tables to
 * X-LINUX-AI 6.1 (138 → 137 ms, 23.6 → 25.0 ms, 39.5 → 43.1 ms), while every static-shaped file became
 * 1.5–2.9× faster.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Analysis } from '../../analyzer/layer.ts';
import { CheckedByteBuffer } from '../../analyzer/tflite/checked-byte-buffer.ts';
import { BuiltinOperator } from '../../analyzer/tflite/gen/tflite/builtin-operator.ts';
import { Model } from '../../analyzer/tflite/gen/tflite/model.ts';

export type MpuCpuPath = 'xnnpack' | 'builtin';

/** TFLite operators whose output is a run-time shape (the start of a dynamic-shape chain). */
const RUNTIME_SHAPE_OPS = new Set<number>([BuiltinOperator.SHAPE]);

/**
 * Counts the operators of subgraph 0 whose builtin code is in RUNTIME_SHAPE_OPS. Reads only the operator-code
 * table and the operators' opcode indices (no tensors, no buffers), bounds-checked like the analyzer's reader.
 */
export function countRuntimeShapeOps(bytes: Uint8Array): number {
  const model = Model.getRootAsModel(new CheckedByteBuffer(bytes));
  const hit = new Set<number>();
  for (let i = 0; i < model.operatorCodesLength(); i++) {
    const oc = model.operatorCodes(i)!;
    if (RUNTIME_SHAPE_OPS.has(Math.max(oc.deprecatedBuiltinCode(), oc.builtinCode()))) hit.add(i);
  }
  if (!hit.size || model.subgraphsLength() < 1) return 0;
  const sg = model.subgraphs(0)!;
  let n = 0;
  for (let i = 0; i < sg.operatorsLength(); i++) if (hit.has(sg.operators(i)!.opcodeIndex())) n++;
  return n;
}

const cache = new Map<string, { mtimeMs: number; size: number; count: number }>();

/** Number of SHAPE operators in a TFLite file's main graph; 0 for other formats or an unreadable file. */
export function runtimeShapeOpsOfFile(path: string, format: string): number {
  if (format !== 'tflite') return 0;
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.count;
  let count = 0;
  try {
    count = countRuntimeShapeOps(readFileSync(path));
  } catch {
    count = 0; // the analysis already read this file; a failure here only loses the path hint
  }
  cache.set(path, { mtimeMs: st.mtimeMs, size: st.size, count });
  return count;
}

/** runtimeShapeOpsOfFile for the file an analysis was made from. */
export function runtimeShapeOps(a: Analysis): number {
  return a.model.path ? runtimeShapeOpsOfFile(a.model.path, a.model.format) : 0;
}

/** X-LINUX-AI releases whose TFLite applies XNNPACK by default to int8 models (see docs/targets.md). */
export function xnnpackByDefault(toolVersion: string): boolean {
  const m = /^x-linux-ai-(\d+)/.exec(toolVersion);
  return m !== null && Number(m[1]) >= 5;
}

/** The kernel family a model runs on under a tool version (newest when not given). */
export function mpuCpuPath(runtimeShapeOpCount: number | undefined, toolVersion?: string): MpuCpuPath {
  if (toolVersion !== undefined && !xnnpackByDefault(toolVersion)) return 'builtin';
  return (runtimeShapeOpCount ?? 0) > 0 ? 'builtin' : 'xnnpack';
}
