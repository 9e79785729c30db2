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
  types: Pick<ReadonlyMap<string, TensorType>, 'get'>,
): ActivationTensor[] {
  const outputSet = new Set(graphOutputs);
  const inputSet = new Set(graphInputs);
  const byName = new Map<string, ActivationTensor>();
  const order: ActivationTensor[] = [];

  /** The tensor `name` (shape and dtype: inferred type, else the fallbacks), added at the end of `order`. */
  const add = (name: string, producer: number, fallbackShape: number[] | undefined, fallbackDtype: DType | undefined): ActivationTensor => {
    const t = types.get(name);
    const shape = t?.shape ?? fallbackShape ?? [];
    const dtype: DType = t?.dtype ?? fallbackDtype ?? 'unknown';
    const tensor: ActivationTensor = {
      name,
      shape: shape.slice(),
      dtype,
      bytes: storageBytes(dtype, elementCount(shape)),
      producer,
      consumers: [],
      isGraphInput: inputSet.has(name),
      isGraphOutput: outputSet.has(name),
    };
    byName.set(name, tensor);
    order.push(tensor);
    return tensor;
  };

  for (const name of graphInputs) {
    if (byName.has(name)) continue;
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
    const outs = l.outputs;
    for (let i = 0; i < outs.length; i++) if (!byName.has(outs[i]!)) add(outs[i]!, l.index, l.outputShapes[i], l.outputDtypes[i]);
  }
  for (const l of layers) {
    const ins = l.inputs;
    for (let i = 0; i < ins.length; i++) {
      const name = ins[i]!;
      const t = byName.get(name) ?? add(name, -1, l.inputShapes[i], l.inputDtypes[i]);
      const c = t.consumers;
      if (c[c.length - 1] !== l.index) c.push(l.index);
    }
  }
  return order;
}
