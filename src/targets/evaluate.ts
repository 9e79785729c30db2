/**
 * The library API `check`, `compare` and the report use: does an analyzed model fit each target, where
 * does it go, how long does it take — with the leave-one-model-out error of every predicted figure.
 *
 * ```ts
 * const results = evaluateTargets(analysis, ['STM32H747I-DISCO', 'stm32n6570-dk']);
 * results[0].fits; results[0].ram.marginBytes; results[0].latencyMs; results[0].latencyErrorPct;
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { FOLLOWED_SHAPE_NOTE_START } from '../analyzer/shapes/follow-size.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { analysisLayerWorks, type LayerWork } from './latency/layer-work.ts';
import { CALIBRATION_ERROR_PATH, calibrate, type CalibrationReport, type QuantityError } from './calibration/calibrate.ts';
import { loadCalibrationRows } from './calibration/dataset.ts';
import { referenceVersionOf } from './latency/fit.ts';
import { mpuCpuPath } from './latency/runtime-path.ts';
import { NEWEST_MPU_TOOL, convMacsOf, fitEngineModels, latencyPlacement, latencyRows, modelForEngine, neuralArtExternalShare, predictLayerMs, predictMs, type EngineModel } from './latency/engine-models.ts';
import { borrowedModelWords, latencyModelWords, otherBorrowedWords, toolWords } from './latency/engine-words.ts';
import { pricesExternalActivations } from './latency/features.ts';
import { mapMemory, type MemoryUse, type Placement, type RoleSummary } from './memory-map.ts';
import { activationPeakBytesForTool, poolPlanFor, type PeakEstimate, type PoolPlan } from './activation-peak.ts';
import { neuralArtBlobBytes, neuralArtWeightsFlashBytes } from './neural-art-weights.ts';
import { runtimeFitInput, runtimeRows } from './runtime-copies.ts';
import { memoryPoolFields, modelFeatures, neuralArtFields, type ModelFeatures } from './model-features.ts';
import type { TargetProfile } from './profile-schema.ts';
import { builtinProfiles, resolveTarget } from './resolve.ts';
import { fitRuntimeMemory, predictRuntimeBytes, runtimeFamily, type RuntimeMemoryFit } from './runtime-memory.ts';

export { listTargets, resolveTarget } from './resolve.ts';

export interface TargetResult {
  id: string;
  name: string;
  class: TargetProfile['class'];
  engine: { id: string; name: string; kind: string; clockMHz: number };
  fits: boolean;
  ram: RoleSummary;
  flash: RoleSummary;
  limitingMemory: string;
  activationBytes: number;
  /** 'neural-art-pools': the N6 compiler's per-pool layout (activation-peak.ts neuralArtPoolPlan); 'memory-pools': an MCU memory-pool descriptor's (memoryPoolLitePlan). */
  activationSource: ModelFeatures['activationPeakSource'] | 'neural-art-pools' | 'memory-pools';
  weightBytes: number;
  /**
   * N6 (profiles with activation pools): the weights in the form of ST's application blobs and re-identification
   * tables (3×3 depthwise kernels stored ×8, no biases; neural-art-weights.ts neuralArtBlobBytes). Absent elsewhere.
   */
  weightsBlobBytes?: number;
  /** Estimated runtime-library RAM and code flash (MCU; 0 where ST's tables do not publish them). */
  runtimeRamBytes: number;
  codeFlashBytes: number;
  latencyMs: number | null;
  /**
   * latencyMs split over the analysis layers (one entry per layer, views 0): the calibrated linear model
   * applied to each layer's work alone. Σ layerLatencyMs + perInferenceMs = latencyMs. Null without a
   * latency model, or when evaluateProfile was given no layers.
   */
  layerLatencyMs: number[] | null;
  /** The model's per-inference constant (interpreter invoke, input/output handling), in no layer. */
  perInferenceMs: number | null;
  /** Leave-one-model-out MAPE of this target's latency model (newest tool version); null when unknown. */
  latencyErrorPct: number | null;
  latencyWorstPct: number | null;
  latencyStatus: QuantityError['status'];
  /** Why the latency figure is thin or missing, and what it is based on. */
  latencyNote: string;
  /** Expected error of the memory figures (leave-one-out / direct, newest tool version). */
  memoryErrorPct: { activationRam: number | null; weightsFlash: number | null };
  toolVersion: string;
  placements: Placement[];
  /** Every memory of the target with its capacity and the bytes placed in it. */
  memories: MemoryUse[];
  notes: string[];
}

interface Calibrated {
  engineModels: Map<string, EngineModel>;
  /** The newest tool version of the MCU tables: what `check` predicts MCU activations, runtime RAM and code flash for. */
  mcuToolVersion: string;
  runtime: { codeFlash?: RuntimeMemoryFit; runtimeRam?: RuntimeMemoryFit };
  errors: CalibrationReport;
}

let cached: Calibrated | undefined;

/** How check's notes start that say a figure is a lower bound (the report reads a saved `check --json` by them). */
export const CODE_FLASH_LOWER_BOUND_NOTE_START = 'code flash is a lower bound';
export const PARTIAL_NOTE_START = 'analysis is partial (unknown ops)';

/** runtime-lite.ts `uncountedLayers` as check's note and the report list them: "Conv (input uint8, weights uint8) ×1, …". */
export function uncountedLayerList(uncounted: Record<string, number>): string {
  return Object.entries(uncounted)
    .map(([what, n]) => `${what} ×${n}`)
    .join(', ');
}

/** Models fitted on every published row (fast), and the stored leave-one-out error table. */
export function calibratedModels(): Calibrated {
  if (cached) return cached;
  const profiles = builtinProfiles();
  const rows = loadCalibrationRows({ profiles });
  const engineModels = fitEngineModels(latencyRows(rows), new Map(profiles.map((p) => [p.id, p])));
  const mcu = rows.filter((r) => r.table === 'mcu' && r.features && !r.approximate && r.toolVersion);
  const newest = referenceVersionOf(mcu.map((r) => r.toolVersion));
  const vrows = mcu.filter((r) => r.toolVersion === newest);
  const fitFor = (q: 'code-flash' | 'runtime-ram') => {
    // the rows calibrate's leave-one-out scores (runtime-copies.ts: no zoo-builder stand-ins, no relabelled copies),
    // with the models counted over those rows, not over every newest-version row
    const quantity = q === 'code-flash' ? 'codeFlash' : 'runtimeRam';
    const input = runtimeFitInput(runtimeRows(vrows, quantity), quantity);
    return fitRuntimeMemory(q, newest, input.rows, input.models);
  };
  const errors = existsSync(CALIBRATION_ERROR_PATH) ? (JSON.parse(readFileSync(CALIBRATION_ERROR_PATH, 'utf8')) as CalibrationReport) : calibrate({ rows, profiles });
  cached = { engineModels, mcuToolVersion: newest, runtime: { codeFlash: fitFor('code-flash'), runtimeRam: fitFor('runtime-ram') }, errors };
  return cached;
}

/**
 * The calibration table's entry for a profile: its own id first, then the targets it borrows calibration from
 * (`calibrationTargets`). What `check` reads its expected errors from, and the report its per-part errors.
 */
export function calibrationEntryFor(profile: Pick<TargetProfile, 'id' | 'calibrationTargets'>, errors: CalibrationReport): CalibrationReport['targets'][number] | undefined {
  const ids = [profile.id, ...(profile.calibrationTargets ?? [])];
  for (const id of ids) {
    const t = errors.targets.find((x) => x.target === id);
    if (t) return t;
  }
  return undefined;
}

/**
 * `layerWorks` (analysisLayerWorks of the analysis) adds the per-layer split of the latency. `poolPlan`: the analysis's
 * per-pool activation layout on a profile with `activationPools` (evaluateTargets makes it); without it such a profile
 * takes the stored per-pool figure (features.activationPeakBytesNeuralArt) when there is one, and its weights flash
 * from features.weightsFlashBytesNeuralArt (the MCU figure when absent). The latency model places activations with the
 * same plan (its external share: engine-models.ts latencyPlacement), the MCU plan when there is none.
 */
export function evaluateProfile(given: ModelFeatures, profile: TargetProfile, layerWorks?: LayerWork[], poolPlan?: PoolPlan): TargetResult {
  const cal = calibratedModels();
  // the target's own pool plan replaces the stored one: the activation figure and the latency placement read it (a
  // Neural-ART plan as the Neural-ART fields, an MCU memory-pool descriptor's as activationPoolsLite)
  const features = !poolPlan ? given : poolPlan.kind === 'memory-pools' ? { ...given, ...memoryPoolFields(poolPlan) } : { ...given, ...neuralArtFields(poolPlan) };
  const engine = profile.engines.find((e) => e.id === profile.defaultEngine)!;
  const isMcu = profile.class === 'mcu';
  const runtimeRamBytes = isMcu && cal.runtime.runtimeRam ? Math.round(predictRuntimeBytes(cal.runtime.runtimeRam, features)) : 0;
  const codeFlashBytes = isMcu && cal.runtime.codeFlash ? Math.round(predictRuntimeBytes(cal.runtime.codeFlash, features, engine.kind)) : 0;
  const activation = activationFigure(features, profile, poolPlan);
  // the N6 Neural-ART compiler adds per-channel requantization tables to the weights (neural-art-weights.ts)
  // the lite generator (MCU, STEdgeAI 3.x/4.x) stores constant-only subgraphs as their results (runtime-lite.ts)
  const foldedBytes = isMcu && runtimeFamily(cal.mcuToolVersion) === 'lite' ? (features.runtimeObjects.liteWeightsDeltaBytes ?? 0) : 0;
  const weightBytes = ((profile.activationPools ? features.weightsFlashBytesNeuralArt : undefined) ?? features.weightsFlashBytes ?? features.weightBytes) + foldedBytes;
  const mapping = mapMemory(profile, {
    activationBytes: activation.bytes,
    weightBytes,
    runtimeRamBytes,
    codeFlashBytes,
    ...('pools' in activation ? { activationPools: activation.pools } : {}),
  });
  const err = calibrationEntryFor(profile, cal.errors);
  const lat = err?.errors.latency;
  const blob = profile.activationPools ? features.weightsBlobBytesNeuralArt : undefined;
  const notes = [...mapping.notes, ...figureNotes({ features, profile, activationSource: activation.source, weightBytes, foldedBytes, blob, flashMarginBytes: mapping.flash.marginBytes, codeFlashBytes })];
  const latency = latencyFigures(cal, features, profile, engine, lat, layerWorks);
  const perTensorOnMp2 = engine.kind === 'mpu-gpu-npu' && !features.perChannel;
  if (engine.kind === 'mpu-gpu-npu') notes.push(perTensorOnMp2 ? 'per-tensor model: runs on the NPU' : 'per-channel model: runs mainly on the GPU (the NPU takes per-tensor int8 only)');
  if (engine.kind === 'mpu-cpu') notes.push(mpuCpuPathNote(features, NEWEST_MPU_TOOL));
  const { latencyMs, thin } = latency;
  return {
    id: profile.id,
    name: profile.name,
    class: profile.class,
    engine: { id: engine.id, name: engine.name, kind: engine.kind, clockMHz: engine.clockMHz },
    fits: mapping.fits,
    ram: mapping.ram,
    flash: mapping.flash,
    limitingMemory: mapping.limitingMemory,
    activationBytes: activation.bytes,
    activationSource: activation.source,
    weightBytes,
    ...(blob !== undefined ? { weightsBlobBytes: blob } : {}),
    runtimeRamBytes,
    codeFlashBytes,
    latencyMs,
    layerLatencyMs: latency.layerLatencyMs,
    perInferenceMs: latency.perInferenceMs,
    latencyErrorPct: latencyMs !== null && lat?.summary && !thin ? lat.summary.mapePct : null,
    latencyWorstPct: latencyMs !== null && lat?.summary && !thin ? lat.summary.worstPct : null,
    latencyStatus: latencyMs === null ? 'none' : thin ? 'thin' : (lat?.status ?? 'none'),
    latencyNote: latency.latencyNote,
    memoryErrorPct: {
      // the LOO figure is the single lite pool's on ST's one-figure tables: it is not the error of a descriptor placement,
      // which only the two re-identification rows publish (calibrate's note), so that figure carries none
      activationRam: activation.source === 'memory-pools' ? null : (err?.errors.activationRam.summary?.mapePct ?? null),
      weightsFlash: err?.errors.weightsFlash.summary?.mapePct ?? null,
    },
    // the tool version the figures are for: the latency's, else (latency too thin to carry one, e.g. the U5) the memory quantities'
    toolVersion: lat?.toolVersion || err?.errors.activationRam.toolVersion || err?.errors.weightsFlash.toolVersion || '',
    placements: mapping.placements,
    memories: mapping.memories,
    notes,
  };
}

interface ActivationFigure {
  bytes: number;
  source: TargetResult['activationSource'];
  /** Per memory pool, when a pool plan (N6 compiler, MCU memory-pool descriptor) laid the buffers out. */
  pools?: { id: string; bytes: number }[];
}

/** The activation bytes a target is checked with: its pool plan's, else a stored per-pool (Neural-ART) figure, else the MCU plan's. */
function activationFigure(features: ModelFeatures, profile: TargetProfile, poolPlan: PoolPlan | undefined): ActivationFigure {
  const stored = profile.activationPools ? features.activationPeakBytesNeuralArt : undefined;
  return poolPlan
    ? { bytes: poolPlan.bytes, source: poolPlan.kind === 'memory-pools' ? ('memory-pools' as const) : ('neural-art-pools' as const), pools: poolPlan.pools.map((p) => ({ id: p.id, bytes: p.bytes })) }
    : stored !== undefined
      ? { bytes: stored, source: 'neural-art-pools' as const }
      : { bytes: features.activationPeakBytes, source: features.activationPeakSource };
}

/** What evaluateProfile's memory figures rest on, for figureNotes. */
interface FigureNoteInput {
  features: ModelFeatures;
  profile: TargetProfile;
  activationSource: ActivationFigure['source'];
  weightBytes: number;
  /** Constant-only subgraphs the lite generator stores as their results, included in weightBytes. */
  foldedBytes: number;
  /** The Neural-ART blob form of the weights (N6), when known. */
  blob: number | undefined;
  flashMarginBytes: number;
  codeFlashBytes: number;
}

/** The notes on where the activation and flash figures come from and where they are bounds, after the placement's. */
function figureNotes({ features, profile, activationSource, weightBytes, foldedBytes, blob, flashMarginBytes, codeFlashBytes }: FigureNoteInput): string[] {
  const notes: string[] = [];
  if (profile.activationPools && activationSource !== 'neural-art-pools') notes.push('activation RAM from the MCU plan: no per-pool (Neural-ART) layout was made for this model');
  const tableBytes = weightBytes - foldedBytes - (features.weightsFlashBytes ?? features.weightBytes);
  if (tableBytes > 0) notes.push(`weights flash includes ${tableBytes} B of Neural-ART per-channel requantization tables (convolutions over 512 output channels)`);
  // printed where the two forms differ by more than 1 % (the blob form drops biases; it is larger where 3x3 depthwise kernels are)
  // the fit is checked with weightBytes; which build options give the blob form is not public (neural-art-weights.ts)
  if (blob !== undefined && Math.abs(blob - weightBytes) > 0.01 * weightBytes) {
    notes.push(
      `weights flash, two forms: the table's flash figure, ${weightBytes} B, decides the fit (the form of ST's N6 benchmark rows for classification, detection and Yamnet models); ST's re-identification applications flash a blob form (3x3 depthwise kernels stored x8, no biases) of ${blob} B. Which build options give which form is not public; ${flashMarginBytes + weightBytes - blob >= 0 ? 'the flash has room for either' : 'the flash has no room for the blob form'}`,
    );
  }
  if (activationSource === 'fallback-max-live') notes.push('activation RAM from the max-live fallback (no st plan): an over-estimate for many nets');
  if (features.partial) notes.push(`${PARTIAL_NOTE_START}: figures are lower bounds`);
  const uncounted = features.runtimeObjects.uncountedLayers;
  if (codeFlashBytes > 0 && uncounted) {
    notes.push(`${CODE_FLASH_LOWER_BOUND_NOTE_START}: no function of ST's runtime library is known for these layers (op, the types its kernel takes, count): ${uncountedLayerList(uncounted)}; their kernels' code is not counted`);
  }
  return notes;
}

interface LatencyFigures {
  latencyMs: number | null;
  layerLatencyMs: number[] | null;
  perInferenceMs: number | null;
  latencyNote: string;
  /** The figure has no reliable error: thin calibration data, a borrowed model, or a model outside every fitted row. */
  thin: boolean;
}

/** The latency on the profile's default engine, its per-layer split (with `layerWorks`), and what its error figure is worth. */
function latencyFigures(cal: Calibrated, features: ModelFeatures, profile: TargetProfile, engine: TargetProfile['engines'][number], lat: QuantityError | undefined, layerWorks: LayerWork[] | undefined): LatencyFigures {
  const model = modelForEngine(cal.engineModels, engine.calibrationKey, features, engine.kind);
  let latencyMs: number | null = null;
  let layerLatencyMs: number[] | null = null;
  let perInferenceMs: number | null = null;
  // the calibration table's note names borrowed models by calibration key ("cortex-a7x2:xnnpack cycles × 1.778"): said in words
  const engineKeys = new Set(profile.engines.map((e) => e.calibrationKey));
  const borrowedHere = [...cal.engineModels.values()].filter((m) => m.kind === 'borrowed' && engineKeys.has(m.key.split(/[:@]/)[0]!));
  let latencyNote =
    lat?.note && borrowedHere.length
      ? otherBorrowedWords(borrowedHere)
      : (lat?.note ?? '').replace(/only (\d+) model\(s\) behind this figure/, (_, n: string) => `only ${n} published model${n === '1' ? '' : 's'} timed on this board: too few to measure the error of its figure`);
  let uncalibratedExternal: string | undefined;
  if (model) {
    latencyMs = predictMs(model, features, profile, engine.clockMHz);
    if (layerWorks) {
      const split = predictLayerMs(model, features, profile, engine.clockMHz, layerWorks);
      layerLatencyMs = split.layerMs;
      perInferenceMs = split.perInferenceMs;
    }
    if (model.kind === 'borrowed') latencyNote = `thin data: ${borrowedModelWords(model)}`;
    uncalibratedExternal = externalActivationsUncalibrated(model, features, profile);
  } else latencyNote ||= noLatencyModelNote(engine, [...cal.engineModels.keys()]);
  let thin = lat?.status === 'thin' || model?.kind === 'borrowed';
  // latency outside every fit: kernels no calibration row runs (every row is an int8 model on int8 kernels), and/or
  // activations in an external RAM no row of this engine had; the figure is thin and the note gives each reason
  const unfittedKernels =
    latencyMs === null
      ? undefined
      : features.weightFormat !== 'int8'
        ? // float kernels (several × slower on MCU) or int4 weights are extrapolation
          `${features.weightFormat === 'none' ? 'no weights' : `${features.weightFormat} weights`}: latency models are calibrated on int8 models only, expect a large error`
        : features.runtimeObjects.floatInputInt8WeightConvs
          ? // int8 weights, but convolutions on a float32 input: ST runs them as its float kernel (runtime-lite.ts)
            `${features.runtimeObjects.floatInputInt8WeightConvs} convolution(s) with int8 weights on a float32 input (ST's MCU runtime runs its float kernel on them): latency models are calibrated on int8 kernels only, expect a large error`
          : undefined;
  const unfitted = [unfittedKernels, uncalibratedExternal, model && latencyMs !== null ? belowSmallestRow(model, features) : undefined].filter((x): x is string => x !== undefined);
  if (unfitted.length) {
    thin = true;
    latencyNote = unfitted.join('; ');
  }
  return { latencyMs, layerLatencyMs, perInferenceMs, latencyNote, thin };
}

/**
 * Why a latency figure is outside its calibration when the model has fewer conv / dense MACs than every row the fit saw:
 * its time is then mostly the per-inference and per-layer constants, which the rows barely pin (on the H747 the
 * per-inference constant ranges 0 to 226,000 cycles over the leave-one-out folds, 0 to 0.57 ms against ST MNIST's
 * 3.43 ms), so the rows' leave-one-out error does not describe it. Undefined inside the rows' range and for borrowed
 * models (already thin).
 */
function belowSmallestRow(model: EngineModel, features: ModelFeatures): string | undefined {
  if (model.kind !== 'fitted' || !model.smallestRow) return undefined;
  const macs = convMacsOf(features);
  if (!(macs < model.smallestRow.convMacs)) return undefined;
  return `${macs.toLocaleString('en-US')} conv/dense MACs, fewer than every published row behind the ${latencyModelWords(model.key)} latency model (the smallest: ${model.smallestRow.label}, ${model.smallestRow.convMacs.toLocaleString('en-US')} MACs): outside every fitted row, the figure is mostly the per-inference and per-layer constants the rows barely pin; the leave-one-out error does not apply`;
}

/**
 * Why a latency figure is outside its calibration when the model's activations sit partly in external RAM and the fit
 * saw no row with external activations (every N6 row: ST publishes external RAM only for N6 models we have no stand-in
 * for); undefined otherwise. The fit then prices the external bytes at 0, so the figure misses their cost.
 */
function externalActivationsUncalibrated(model: EngineModel, features: ModelFeatures, profile: TargetProfile): string | undefined {
  const key = model.kind === 'borrowed' ? model.borrowedFrom! : model.key;
  if (model.externalActivationRows > 0 || !pricesExternalActivations(key)) return undefined;
  const share = latencyPlacement(features, profile).activationExternalShare;
  if (!(share > 0)) return undefined;
  const where = profile.memories.find((m) => m.activations && m.kind === 'external-ram')?.name ?? 'external RAM';
  const plan = neuralArtExternalShare(features, profile) !== undefined ? 'the Neural-ART pool plan' : 'the activation plan';
  return `${(100 * share).toFixed(1)} % of the activation bytes are in ${where} by ${plan}; no published row behind the ${latencyModelWords(key)} latency model has activations in external RAM, so their cost is not calibrated: the figure leaves it out (expect the time to be higher)`;
}

/**
 * Which TFLite kernels a Cortex-A latency is for (latency/runtime-path.ts): the XNNPACK delegate X-LINUX-AI applies by
 * default, or the built-in kernels TFLite falls back to when the file computes a shape at run time.
 */
function mpuCpuPathNote(f: ModelFeatures, toolVersion: string): string {
  const tool = toolWords(toolVersion);
  const kind = f.weightFormat === 'int8' && !f.perChannel ? ' (per-tensor int8 kernels)' : '';
  if (mpuCpuPath(f.runtimeShapeOps, toolVersion) === 'xnnpack') return `latency for TFLite on ${tool} with its XNNPACK delegate${kind}, which it applies by default to a model whose tensor sizes are all fixed`;
  const n = f.runtimeShapeOps ?? 0;
  return `latency for TFLite's built-in kernels on ${tool}${kind}, not the XNNPACK delegate: the file has ${n} SHAPE operator${n === 1 ? '' : 's'} computing a tensor size at run time, and TFLite drops XNNPACK for such a graph`;
}

/** Evaluates one analysis on each target (ids, names as ST prints them, or profile paths). */
export function evaluateTargets(analysis: Analysis, targetIds: string[]): TargetResult[] {
  const works = analysisLayerWorks(analysis);
  const base = modelFeatures(analysis, { layerWorks: works });
  // modelFeatures plans the 8.1 st plan with the default scratch rules ('st', ST's MCU runtime); peakFor gives each
  // distinct engine its own figure once (the newest MCU tool's pool for 'st', the st plan with their scratch rules
  // for the others; memoised per analysis by the memory planner)
  const mcuToolVersion = calibratedModels().mcuToolVersion;
  const byScratch = new Map<string, ReturnType<typeof peakFor>>();
  const results: TargetResult[] = [];
  // the Neural-ART weight forms depend on the analysis only: computed once for every N6 profile
  let neuralArt: { weightsFlashBytesNeuralArt: number; weightsBlobBytesNeuralArt: number } | undefined;
  const followed = followedShapesNote(analysis);
  for (const t of targetIds) {
    const profile = resolveTarget(t);
    // the activation plan depends on the target's kernel scratch rules (CMSIS-NN DSP vs MVE, facts §3); the latency
    // model's placement features keep reading it on every target
    let f = byScratch.get(profile.scratchEngine);
    if (!f) byScratch.set(profile.scratchEngine, (f = peakFor(analysis, base, profile.scratchEngine, mcuToolVersion)));
    // a compiler that places buffers per memory pool (N6 Neural-ART) has its own activation figure and layout
    if (profile.activationPools) neuralArt ??= { weightsFlashBytesNeuralArt: neuralArtWeightsFlashBytes(analysis), weightsBlobBytesNeuralArt: neuralArtBlobBytes(analysis) };
    // the descriptor applies from its profile's fromToolVersion: check predicts for the newest MCU tool
    const r = evaluateProfile({ ...f.features, ...(profile.activationPools ? neuralArt : {}) }, profile, works, poolPlanFor(analysis, profile, mcuToolVersion));
    if (f.planError !== undefined) r.notes.push(`st activation plan failed (${profile.scratchEngine} scratch rules): ${f.planError}`);
    const lite = `${toolWords(mcuToolVersion)} lite-generator`;
    if (f.plan === 'stedgeai-lite' && r.activationSource === 'st-plan') {
      r.notes.push(`activation RAM: the ${lite} pool (docs/memory-4x.md); the STM32Cube.AI 8.1 plan gives ${base.activationPeakBytes} B`);
    } else if (f.plan === 'stedgeai-lite' && r.activationSource === 'memory-pools') {
      // the figure is the pools' sum (activation-peak.ts memoryPoolLitePlan), not the lite pool: both are quoted
      const single = calibrationEntryFor(profile, calibratedModels().errors)?.errors.activationRam.summary?.mapePct;
      r.notes.push(
        `activation RAM: the ${lite} buffers placed over ST's memory-pool descriptor, as ST's deployment scripts do for a pool larger than the first memory (no calibrated error: only ST's two re-identification rows publish this placement, see \`edgefit calibrate\`); as one lite pool, the figure of ST's benchmark tables: ${f.features.activationPeakBytes} B${single !== undefined ? ` (± ${single.toFixed(1)} %)` : ''}; the STM32Cube.AI 8.1 plan gives ${base.activationPeakBytes} B`,
      );
    }
    if (followed) r.notes.push(followed);
    results.push(r);
  }
  return results;
}

/**
 * The note of an analysis re-inferred at another size whose file fixed some shapes for its own (follow-size.ts):
 * how many followed the input, the first of them, and what that means for the figures; undefined when none did.
 */
function followedShapesNote(analysis: Analysis): string | undefined {
  const followed = analysis.warnings.filter((w) => w.startsWith(FOLLOWED_SHAPE_NOTE_START));
  if (!followed.length) return undefined;
  const first = followed[0]!.slice(FOLLOWED_SHAPE_NOTE_START.length).trim();
  return `${FOLLOWED_SHAPE_NOTE_START} ${followed.length} shape${followed.length > 1 ? 's' : ''} the file fixed for its own input size follow${followed.length > 1 ? '' : 's'} this one, as an export at this size would hold them (${first}${followed.length > 1 ? '; the rest in analyze --json warnings' : ''}): the figures are the network's at this size; a constant that follows keeps the file's bytes`;
}

/**
 * The activation figure for one scratch engine: with ST's MCU runtime ('st') the pool of the newest MCU tool's
 * allocator (STEdgeAI 3.x/4.x: the lite generator's pool, activation-peak.ts activationPeakBytesForTool), otherwise
 * the st plan with that engine's scratch rules.
 */
function peakFor(a: Analysis, base: ModelFeatures, engine: TargetProfile['scratchEngine'], toolVersion: string): { features: ModelFeatures; planError?: string; plan?: PeakEstimate['plan'] } {
  const p = activationPeakBytesForTool(a, toolVersion, engine);
  const features = p.bytes === base.activationPeakBytes && p.source === base.activationPeakSource ? base : { ...base, activationPeakBytes: p.bytes, activationPeakSource: p.source };
  return { features, planError: p.planError, plan: p.plan };
}

/** Boards `compare` and `check` use when no --target is given (series profiles left out). */
export const DEFAULT_TARGETS = ['stm32h747i-disco', 'stm32f769i-disco', 'b-u585i-iot02a', 'stm32n6570-dk', 'stm32mp257f-dk2', 'stm32mp157f-dk2', 'stm32mp135f-dk2'];

/**
 * Why a target has no latency figure, for the JSON `latencyNote` as check's "no latency figure:" line says it: an
 * engine whose calibration key no published rows were fitted for (a user's profile: "cortex-m4") is told the keys
 * that have a model. `modelKeys`: the calibrated engine models' keys ("cortex-m7", "cortex-a7x2:xnnpack" …).
 */
export function noLatencyModelNote(engine: { name: string; calibrationKey: string }, modelKeys: readonly string[]): string {
  const fitted = [...new Set(modelKeys.map((k) => k.split(/[:@]/)[0]!))];
  if (fitted.includes(engine.calibrationKey)) return `no calibrated latency model for ${latencyModelWords(engine.calibrationKey)}`;
  return `its engine ${engine.name} has "calibrationKey": "${engine.calibrationKey}", which no published rows were fitted for; keys with a latency model: ${fitted.join(', ')}`;
}
