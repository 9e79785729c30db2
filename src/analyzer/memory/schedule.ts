/**
 * Execution order of the fused layers. By default a deployment runtime runs layers in the model's own
 * topological order, which is `Analysis.layers` index order; re-ordered schedules come from best-schedule.ts.
 */
import { EdgefitError } from '../errors.ts';
import type { Analysis } from '../layer.ts';

/** The model's own order: layer indices 0..n-1. */
export function defaultSchedule(analysis: Analysis): number[] {
  return analysis.layers.map((_, i) => i);
}

/**
 * Checks that `schedule` is a permutation of the layers in which every layer runs after the producers of the
 * tensors it reads. Throws EdgefitError naming the first offending layer.
 */
export function assertValidSchedule(analysis: Analysis, schedule: readonly number[]): void {
  const n = analysis.layers.length;
  if (schedule.length !== n) {
    throw new EdgefitError('BAD_MODEL', `${analysis.model.path}: schedule has ${schedule.length} steps for ${n} layers`);
  }
  // (a typed array reads undefined at a fractional or NaN index, as the plain array did: not a permutation)
  const stepOf = new Int32Array(n).fill(-1);
  for (let step = 0; step < n; step++) {
    const layer = schedule[step]!;
    if (layer < 0 || layer >= n || stepOf[layer] !== -1) {
      throw new EdgefitError('BAD_MODEL', `${analysis.model.path}: schedule is not a permutation (layer ${layer} at step ${step})`);
    }
    stepOf[layer] = step;
  }
  const producer = new Map<string, number>();
  const tensors = analysis.tensors;
  for (let i = 0; i < tensors.length; i++) producer.set(tensors[i]!.name, tensors[i]!.producer);
  const layers = analysis.layers;
  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li]!;
    const inputs = layer.inputs;
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k]!;
      const p = producer.get(input);
      if (p !== undefined && p >= 0 && stepOf[p]! > stepOf[layer.index]!) {
        throw new EdgefitError(
          'BAD_MODEL',
          `${analysis.model.path}: layer '${layer.name}' runs before '${analysis.layers[p]!.name}', which writes its input '${input}'`,
        );
      }
    }
  }
}
