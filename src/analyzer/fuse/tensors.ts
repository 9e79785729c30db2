/**
 * Activation tensors between fused layers: who writes each buffer, who reads it, and how many bytes it holds.
 * Shared by the ONNX fusion and the TFLite reader; memory planning builds liveness from this list.
 */
import { storageBytes, type DType } from '../dtype.ts';
import type { TensorType } from '../ir.ts';
import type { ActivationTensor, Layer } from '../layer.ts';
import { elementCount } from '../layer-ops.ts';

/**
 * One entry per activation tensor: graph inputs first (in graph order), then every layer output in schedule
 * order. Shapes and dtypes come from inferred `types`, else from the layers that write or read the tensor.
 * Graph outputs that no layer writes and that are not graph inputs are skipped (constants).
 */
export function collectActivationTensors(
  layers: readonly Layer[],
  graphInputs: readonly string[],
  graphOutputs: readonly string[],
  types: ReadonlyMap<string, TensorType>,
): ActivationTensor[] {
  const outputSet = new Set(graphOutputs);
  const inputSet = new Set(graphInputs);
  const byName = new Map<string, ActivationTensor>();
  const order: string[] = [];

  const describe = (name: string, fallbackShape: number[] | undefined, fallbackDtype: DType | undefined) => {
    const t = types.get(name);
    const shape = t?.shape ?? fallbackShape ?? [];
    const dtype: DType = t?.dtype ?? fallbackDtype ?? 'unknown';
    return { shape: [...shape], dtype, bytes: storageBytes(dtype, elementCount(shape)) };
  };

  const add = (name: string, producer: number, shape: number[] | undefined, dtype: DType | undefined) => {
    if (byName.has(name)) return;
    byName.set(name, {
      name,
      ...describe(name, shape, dtype),
      producer,
      consumers: [],
      isGraphInput: inputSet.has(name),
      isGraphOutput: outputSet.has(name),
    });
    order.push(name);
  };

  for (const name of graphInputs) {
    // A graph input's shape: inferred type, else whatever the first reading layer saw.
    let shape: number[] | undefined;
    let dtype: DType | undefined;
    for (const l of layers) {
      const i = l.inputs.indexOf(name);
      if (i >= 0) {
        shape = l.inputShapes[i];
        dtype = l.inputDtypes[i];
        break;
      }
    }
    add(name, -1, shape, dtype);
  }
  for (const l of layers) {
    l.outputs.forEach((name, i) => add(name, l.index, l.outputShapes[i], l.outputDtypes[i]));
  }
  for (const l of layers) {
    l.inputs.forEach((name, i) => {
      if (!byName.has(name)) add(name, -1, l.inputShapes[i], l.inputDtypes[i]);
      const t = byName.get(name)!;
      if (t.consumers[t.consumers.length - 1] !== l.index) t.consumers.push(l.index);
    });
  }
  return order.map((n) => byName.get(n)!);
}
