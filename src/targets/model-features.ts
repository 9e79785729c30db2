/**
 * The per-model figures targets need, computed once from an Analysis: work per layer kind, bytes moved,
 * weights, activation peak and the kernel kinds a runtime must link. Stored as derived data
 * (data/features/*.json) so calibration runs without the model files; computed live for `check`.
 */
import type { Analysis, Layer, LayerKind } from '../analyzer/layer.ts';
import { elementCount } from '../analyzer/layer-ops.ts';
import { activationPeakBytes, litePeakBytes, memoryPoolLitePlanBuiltin, poolPlanFor, type PoolPlan } from './activation-peak.ts';
import { neuralArtBlobBytes, neuralArtWeightsFlashBytes } from './neural-art-weights.ts';
import { analysisLayerWorks, sumWork, type LayerWork } from './latency/layer-work.ts';
import { runtimeShapeOps } from './latency/runtime-path.ts';
import { runtimeObjectCounts, type RuntimeObjectCounts } from './runtime-lite.ts';
import { builtinProfiles } from './resolve.ts';

export const LAYER_KINDS: LayerKind[] = ['conv', 'pointwise', 'depthwise', 'dense', 'matmul', 'eltwise', 'pool', 'globalpool', 'activation', 'softmax', 'datamove', 'view', 'convert', 'other', 'unknown'];

export interface ModelFeatures {
  /** Sum of layer.macs per kind (MACs for conv/dense/matmul, elementary ops for the rest). */
  macsByKind: Record<LayerKind, number>;
  layersByKind: Record<LayerKind, number>;
  /** Output elements per kind (each costs a requantize + store whatever its MACs). */
  outputElementsByKind: Record<LayerKind, number>;
  /** Layers that execute a kernel (views excluded). */
  kernelLayers: number;
  macs: number;
  stMacc: number;
  params: number;
  /** Kernel weights + biases. */
  weightBytes: number;
  /** What ST's MCU tables call Weights Flash: kernels + biases + layer constants (anchor tables …). */
  weightsFlashBytes: number;
  /**
   * Weights flash on the STM32N6 Neural-ART: weightsFlashBytes + the per-channel requantization tables of convolutions
   * with more than 512 output channels (neural-art-weights.ts); with the lite field.
   */
  weightsFlashBytesNeuralArt?: number;
  /** The Neural-ART weight blob in ST's application form (3×3 depthwise kernels ×8, no biases; neural-art-weights.ts); with the lite field. */
  weightsBlobBytesNeuralArt?: number;
  quantParamBytes: number;
  fileConstBytes: number;
  /** Peak activation RAM of the "st" plan, or the fallback (see activation-peak.ts). */
  activationPeakBytes: number;
  activationPeakSource: 'st-plan' | 'fallback-max-live';
  /**
   * Peak activation RAM as STEdgeAI Core 3.0/4.0 allocates it on an MCU (the "lite" code generator's pool,
   * memory/st4x-plan.ts, docs/memory-4x.md); present when computed (MCU 'st' scratch rules, the plan succeeded).
   */
  activationPeakBytesLite?: number;
  /** Activation RAM as the STM32N6 Neural-ART compiler lays it out over its memory pools (activation-peak.ts neuralArtPoolPlan); with the lite field. */
  activationPeakBytesNeuralArt?: number;
  /**
   * Of activationPeakBytesNeuralArt, the bytes the Neural-ART pool plan puts in external RAM (hyperRAM: buffers no
   * internal pool holds over their lifetime): the N6 latency model's placement (latency/engine-models.ts
   * latencyPlacement); with the lite field.
   */
  activationExternalBytesNeuralArt?: number;
  /**
   * The lite pool split over ST's H747 memory-pool descriptor (activation-peak.ts memoryPoolLitePlan; the built-in profile
   * with `activationMemoryPools`): internal and external bytes as ST's re-identification tables publish them. With the lite
   * field, present only when the lite pool exceeds the descriptor's first pool.
   */
  activationPoolsLite?: { internalBytes: number; externalBytes: number; pools: { id: string; bytes: number }[] };
  /** Distinct kernels a runtime links: op + kind + dtype (+ kernel size for convs), sorted. */
  kernelKinds: string[];
  /** Any layer with per-channel weights (decides NPU vs GPU on the MP2, facts §4.5). */
  perChannel: boolean;
  /** 'int8', 'float32', 'mixed-int4' … the dominant weight type. */
  weightFormat: string;
  inputShapes: number[][];
  partial: boolean;
  /** Σ over layers of the latency model's per-layer work terms (latency/layer-work.ts). */
  latencyWork: LayerWork;
  /** TFLite SHAPE operators (run-time shape arithmetic): the graph has dynamic tensors, so TFLite runs it without XNNPACK (latency/runtime-path.ts). */
  runtimeShapeOps?: number;
  /** Objects ST's generated MCU code declares (runtime RAM / code flash model, runtime-lite.ts). */
  runtimeObjects: RuntimeObjectCounts;
}

/** op:kind[:KhxKw]:dtype, empty parts left out. */
export function kernelKindOf(l: Layer): string {
  let key: string = l.op || '';
  if (l.kind) key = key ? `${key}:${l.kind}` : l.kind;
  if (l.conv) key = key ? `${key}:${l.conv.kernel[0]}x${l.conv.kernel[1]}` : `${l.conv.kernel[0]}x${l.conv.kernel[1]}`;
  if (l.dtype) key = key ? `${key}:${l.dtype}` : l.dtype;
  return key;
}

/** Product of a shape's dims (1 for a scalar). */
/** Position of each kind in LAYER_KINDS (per-kind sums are kept in arrays, then written out in that order). */
const KIND_POSITION = new Map<string, number>(LAYER_KINDS.map((k, i) => [k, i]));

/**
 * Features of an analysis, with the activation plan of ST's MCU runtime scratch rules (targets with other
 * kernels re-plan: evaluate.ts). `withLitePeak` adds the STEdgeAI 3.0/4.0 pool (one more plan: asked for by
 * calibration). `layerWorks`: analysisLayerWorks(a) when the caller has them already.
 */
export function modelFeatures(a: Analysis, opts: { withLitePeak?: boolean; layerWorks?: readonly LayerWork[] } = {}): ModelFeatures {
  const macsByKind = Object.fromEntries(LAYER_KINDS.map((k) => [k, 0])) as Record<LayerKind, number>;
  const layersByKind = Object.fromEntries(LAYER_KINDS.map((k) => [k, 0])) as Record<LayerKind, number>;
  const outputElementsByKind = Object.fromEntries(LAYER_KINDS.map((k) => [k, 0])) as Record<LayerKind, number>;
  const macsAt = new Array<number>(LAYER_KINDS.length).fill(0);
  const layersAt = new Array<number>(LAYER_KINDS.length).fill(0);
  const outputElementsAt = new Array<number>(LAYER_KINDS.length).fill(0);
  const kinds = new Set<string>();
  let kernelLayers = 0;
  let perChannel = false;
  const wtypes = new Map<string, number>();
  for (const l of a.layers) {
    let outputElements = 0;
    for (let i = 0; i < l.outputShapes.length; i++) outputElements += elementCount(l.outputShapes[i]!);
    const at = KIND_POSITION.get(l.kind);
    if (at !== undefined) {
      macsAt[at] += l.macs;
      layersAt[at] += 1;
      outputElementsAt[at] += outputElements;
    } else {
      // (a kind outside LAYER_KINDS: summed under its own key, after the listed ones)
      macsByKind[l.kind] += l.macs;
      layersByKind[l.kind] += 1;
      outputElementsByKind[l.kind] += outputElements;
    }
    if (l.kind === 'view') continue;
    kernelLayers++;
    kinds.add(kernelKindOf(l));
    perChannel ||= !!l.perChannel;
    if (l.weightDtype) wtypes.set(l.weightDtype, (wtypes.get(l.weightDtype) ?? 0) + l.weightBytes);
  }
  for (let i = 0; i < LAYER_KINDS.length; i++) {
    const k = LAYER_KINDS[i]!;
    macsByKind[k] = macsAt[i]!;
    layersByKind[k] = layersAt[i]!;
    outputElementsByKind[k] = outputElementsAt[i]!;
  }
  const peak = activationPeakBytes(a);
  const wsorted = [...wtypes.entries()].sort((x, y) => y[1] - x[1]);
  const weightFormat = wtypes.has('int4') && wtypes.size > 1 ? 'mixed-int4' : (wsorted[0]?.[0] ?? 'none');
  return {
    macsByKind,
    layersByKind,
    outputElementsByKind,
    kernelLayers,
    macs: a.totals.macs,
    stMacc: a.totals.stMacc,
    params: a.totals.params,
    weightBytes: a.totals.weightBytes,
    weightsFlashBytes: a.totals.weightsFlashBytes ?? a.totals.weightBytes,
    quantParamBytes: a.totals.quantParamBytes,
    fileConstBytes: a.totals.fileConstBytes,
    activationPeakBytes: peak.bytes,
    activationPeakSource: peak.source,
    ...(opts.withLitePeak ? liteField(a) : {}),
    kernelKinds: [...kinds].sort(),
    perChannel,
    weightFormat,
    inputShapes: a.model.inputs.map((t) => t.shape),
    partial: a.partial,
    latencyWork: sumWork(opts.layerWorks ?? analysisLayerWorks(a)),
    runtimeShapeOps: runtimeShapeOps(a),
    runtimeObjects: runtimeObjectCounts(a),
  };
}

type NeuralArtFields = 'activationPeakBytesNeuralArt' | 'activationExternalBytesNeuralArt';

/**
 * The Neural-ART pool plan's figures as ModelFeatures stores them: its activation RAM (Σ pool high-water marks) and the
 * part in external pools. What extract-features stores for the built-in N6 profile and evaluate.ts sets from the
 * target's own plan: one pair of fields for the N6 activation RAM figure and the N6 latency placement.
 */
export function neuralArtFields(plan: Pick<PoolPlan, 'bytes' | 'externalBytes'> | undefined): Pick<ModelFeatures, NeuralArtFields> {
  return plan === undefined ? {} : { activationPeakBytesNeuralArt: plan.bytes, activationExternalBytesNeuralArt: plan.externalBytes };
}

/**
 * An MCU memory-pool descriptor's plan as ModelFeatures stores it (activationPoolsLite): what extract-features stores for
 * the built-in H747 profile and evaluate.ts sets from the target's own plan, read by the activation RAM figure and the
 * latency placement (latency/engine-models.ts memoryPoolExternalShare).
 */
export function memoryPoolFields(plan: Pick<PoolPlan, 'internalBytes' | 'externalBytes' | 'pools'> | undefined): Pick<ModelFeatures, 'activationPoolsLite'> {
  return plan === undefined ? {} : { activationPoolsLite: { internalBytes: plan.internalBytes, externalBytes: plan.externalBytes, pools: plan.pools.map((p) => ({ id: p.id, bytes: p.bytes })) } };
}

function liteField(a: Analysis): Pick<ModelFeatures, 'activationPeakBytesLite' | NeuralArtFields | 'activationPoolsLite' | 'weightsFlashBytesNeuralArt' | 'weightsBlobBytesNeuralArt'> {
  const bytes = litePeakBytes(a);
  const pools = bytes === undefined ? undefined : memoryPoolLitePlanBuiltin(a);
  // the built-in profile that places activations per pool (STM32N6570-DK)
  const n6 = builtinProfiles().find((p) => p.activationPools);
  return {
    ...(bytes === undefined ? {} : { activationPeakBytesLite: bytes }),
    ...neuralArtFields(n6 ? poolPlanFor(a, n6) : undefined),
    ...memoryPoolFields(pools),
    weightsFlashBytesNeuralArt: neuralArtWeightsFlashBytes(a),
    weightsBlobBytesNeuralArt: neuralArtBlobBytes(a),
  };
}
