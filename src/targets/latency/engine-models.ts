/**
 * One latency model per calibration key (engine family, in cycles). A key with enough distinct models gets
 * its own NNLS fit; a thin key (fewer than MIN_MODELS_FOR_FIT architectures) borrows a related key's fit
 * times one fitted ratio (e.g. Cortex-M33 = r × Cortex-M7 cycles) and is flagged as such.
 */
import { activationBytesForTool, memoryPoolsApplying } from '../activation-peak.ts';
import { toolWords } from './engine-words.ts';
import { mpuKey, type CalibrationRow } from '../calibration/dataset.ts';
import { mapMemory } from '../memory-map.ts';
import type { ModelFeatures } from '../model-features.ts';
import type { TargetProfile } from '../profile-schema.ts';
import { featureMask, featuresFor, fillWorkFeatureVector, LATENCY_FEATURES, latencyFeatureVector, placementOf, type Placement01 } from './features.ts';
import { emptyWork, type LayerWork } from './layer-work.ts';
import { fitScaled, predictScaled, versionRank, type FitRow, type ScaledFit } from './fit.ts';

export const MIN_MODELS_FOR_FIT = 5;
/** The MPU tool version predictions are made for (the newest in the tables). */
export const NEWEST_MPU_TOOL = 'x-linux-ai-6.1.0';
/** Ridge (column-normalised units) keeping 13 coefficients stable on ~10–20 models. */
export const LATENCY_RIDGE = 1e-3;

/** Thin keys borrow the cycle model of a related engine (hardware knowledge, not fitted). */
export const BORROW: Record<string, string> = {
  'cortex-m33': 'cortex-m7',
  'cortex-m55': 'cortex-m7',
  'cortex-a35x2:xnnpack': 'cortex-a7x2:xnnpack',
  'cortex-a35x2:builtin': 'cortex-a7x2:builtin',
  'mp2-npu-gpu:npu': 'mp2-npu-gpu:gpu',
  'cortex-a7x2:xnnpack:per-tensor': 'cortex-a7x2:xnnpack',
  'cortex-a7x1:xnnpack:per-tensor': 'cortex-a7x1:xnnpack',
  'cortex-a7x2:builtin:per-tensor': 'cortex-a7x2:builtin',
  'cortex-a7x1:builtin:per-tensor': 'cortex-a7x1:builtin',
  // one core at 1 GHz vs two at 800 MHz: the same built-in kernels, one fitted ratio (their threading)
  'cortex-a7x1:builtin': 'cortex-a7x2:builtin',
};

export interface EngineModel {
  key: string;
  kind: 'fitted' | 'borrowed';
  fit: ScaledFit;
  /** For borrowed models: the key whose fit is scaled, and the ratio. */
  borrowedFrom?: string;
  ratio?: number;
  models: string[];
  rows: number;
  /**
   * Rows of the fit (of the borrowed fit for a borrowed model) whose activations sit partly in external RAM: 0 means
   * the external-activation cost was never seen by the fit (every N6 row: evaluate.ts flags such a prediction thin).
   */
  externalActivationRows: number;
  /**
   * The fit's row with the fewest conv / dense MACs (convMacsOf) and which row it is. A model with fewer is outside every
   * fitted row: its time is mostly the per-inference and per-layer constants, which the rows barely pin (a few % of the
   * smallest row's time), so the leave-one-out error does not describe it (evaluate.ts flags it thin). Fitted models only.
   */
  smallestRow?: { convMacs: number; label: string };
}

/** Where a row's or a model's activations and weights sit when it runs (memory-map.ts). */
export interface PlacementContext {
  /** Tool version of the measurement (the pool split rule depends on it); omitted = the newest tool. */
  toolVersion?: string;
  /**
   * The activation pool to place, when known better than our plan: a published row's own pool (ST's activation RAM
   * column), i.e. where ST's measured deployment put it. Omitted = our plan (what a prediction uses).
   */
  activationBytes?: number;
  /**
   * ST's published split of that pool, where its table gives internal and external RAM apart (the H747
   * re-identification rows): the external part. With activationBytes = internal + external.
   */
  activationExternalBytes?: number;
}

/**
 * The share of a model's activations in external RAM as the Neural-ART compiler places them (profile `activationPools`,
 * the N6): the external pools' high-water mark over the plan's total (features from the plan: model-features.ts
 * neuralArtFields). Undefined on other profiles, or when the features carry no pool plan.
 */
export function neuralArtExternalShare(f: Pick<ModelFeatures, 'activationPeakBytesNeuralArt' | 'activationExternalBytesNeuralArt'>, profile: Pick<TargetProfile, 'activationPools'>): number | undefined {
  const total = f.activationPeakBytesNeuralArt;
  if (!profile.activationPools || total === undefined || f.activationExternalBytesNeuralArt === undefined) return undefined;
  return total > 0 ? f.activationExternalBytesNeuralArt / total : 0;
}

/**
 * The share of a model's activations in external RAM as ST's memory-pool descriptor places them (profile
 * `activationMemoryPools`, the H747: STEdgeAI 3.x/4.x with ST's runtime, from the descriptor's fromToolVersion; the same
 * gate as the activation RAM figure: activation-peak.ts memoryPoolsApplying). Undefined where the descriptor does not
 * apply. A pool that fits the descriptor's first pool stays there (share 0). Otherwise: ST's published split where the row
 * gives one (`ctx.activationExternalBytes`), else the descriptor plan of the model's lite buffers
 * (ModelFeatures.activationPoolsLite: external high-water mark over the pools' sum); a model whose plan fits the first
 * pool (no activationPoolsLite) while ST's published pool does not is placed internal (ST's descriptor has DTCM after
 * AXI SRAM, so a pool a little above the first one stays on chip: EfficientNet LC 224, 466 KiB).
 */
export function memoryPoolExternalShare(f: Pick<ModelFeatures, 'activationPoolsLite'>, profile: TargetProfile, ctx: PlacementContext = {}): number | undefined {
  const mcu = memoryPoolsApplying(profile, ctx.toolVersion);
  if (!mcu) return undefined;
  if (ctx.activationBytes !== undefined && ctx.activationExternalBytes !== undefined) return ctx.activationBytes > 0 ? ctx.activationExternalBytes / ctx.activationBytes : 0;
  if (ctx.activationBytes !== undefined && ctx.activationBytes <= (mcu.internal[0]?.bytes ?? 0)) return 0;
  const pools = f.activationPoolsLite;
  const total = pools ? pools.internalBytes + pools.externalBytes : 0;
  return total > 0 ? pools!.externalBytes / total : 0;
}

/**
 * Where the latency model places a row's or a model's activations and weights. On a target whose compiler places
 * buffers per memory pool (N6 Neural-ART) the activation share comes from that pool plan (neuralArtExternalShare: the
 * same plan as the N6 activation RAM figure), for fitted rows, held-out rows and predictions alike; on a profile with an
 * MCU memory-pool descriptor (the H747, STEdgeAI 3.x/4.x) the descriptor's plan, as the activation RAM figure
 * (memoryPoolExternalShare; session 9, review8 finding 6: it was the fitted `activationSplit` byte rule); elsewhere from
 * the MCU runtime's pool as memory-map.ts places it (a fitted row's own published pool where ST's table gives one).
 */
export function latencyPlacement(f: ModelFeatures, profile: TargetProfile, ctx: PlacementContext = {}): Placement01 {
  const needs = { activationBytes: ctx.activationBytes ?? activationBytesForTool(f, profile.scratchEngine, ctx.toolVersion), weightBytes: f.weightsFlashBytes ?? f.weightBytes, runtimeRamBytes: 0, codeFlashBytes: 0 };
  const mapped = placementOf(mapMemory(profile, needs, { toolVersion: ctx.toolVersion }));
  const poolShare = neuralArtExternalShare(f, profile) ?? memoryPoolExternalShare(f, profile, ctx);
  const place = poolShare === undefined ? mapped : { ...mapped, activationExternalShare: poolShare };
  return ctx.toolVersion?.startsWith('cubeai-') ? { ...place, cubeAiRuntime: true } : place;
}

export function featureVectorFor(f: ModelFeatures, profile: TargetProfile, key: string, ctx: PlacementContext = {}): number[] {
  return latencyFeatureVector(f, latencyPlacement(f, profile, ctx), key);
}

/**
 * A fitted row's placement: its tool version, and ST's own published activation pool where the table gives one (the
 * pool ST's measurement ran with; a stand-in's plan can sit on the other side of the internal-RAM limit, e.g. the
 * zoo builder's float-input MobileNet v1 0.25 ImageNet: 588 KiB against ST's 267.2 KiB). Held-out rows and user
 * models are placed by our plan.
 */
export function fitContext(r: CalibrationRow): PlacementContext {
  const { activationRamBytes, internalRamBytes, externalRamBytes } = r.published;
  // a table that publishes internal and external RAM apart (no single figure) gives ST's own placement
  if (activationRamBytes === undefined && internalRamBytes !== undefined && r.table === 'mcu') {
    return { toolVersion: r.toolVersion, activationBytes: internalRamBytes + (externalRamBytes ?? 0), activationExternalBytes: externalRamBytes ?? 0 };
  }
  return { toolVersion: r.toolVersion, activationBytes: activationRamBytes };
}

/** Rows a latency model can use: a stand-in with features, a published time, a tool version. */
export function timedRows(rows: CalibrationRow[]): CalibrationRow[] {
  return rows.filter((r) => r.features && r.published.inferenceMs && r.published.inferenceMs > 0 && r.toolVersion !== '' && !r.features.partial);
}

/** timedRows whose stand-in ST's tables do not contradict (the rows fitted and scored). */
export function latencyRows(rows: CalibrationRow[]): CalibrationRow[] {
  // a relabelled copy of an older table's row (runtime-copies.ts) is no measurement of the tool it is labelled with
  return timedRows(rows).filter((r) => r.latencyComparable && !r.relabelledCopyOf);
}

/** Where a fitted row's activations and weights sit (latencyPlacement at its fitContext). */
function rowPlacement(r: CalibrationRow, profiles: Map<string, TargetProfile>): Placement01 {
  return latencyPlacement(r.features!, profiles.get(r.target)!, fitContext(r));
}

/** A row placed at `place`, with the features of `key`'s model. */
function fitRowAt(r: CalibrationRow, place: Placement01, key: string): FitRow {
  return { x: latencyFeatureVector(r.features!, place, key), y: r.published.inferenceMs!, version: r.toolVersion, clockMHz: r.clockMHz };
}

function archCount(rows: CalibrationRow[]): number {
  return new Set(rows.map((r) => r.arch)).size;
}

/** Fits every key present in `rows` (already filtered by latencyRows). */
export function fitEngineModels(rows: CalibrationRow[], profiles: Map<string, TargetProfile>): Map<string, EngineModel> {
  const byKey = new Map<string, CalibrationRow[]>();
  for (const r of rows) byKey.set(r.calibrationKey, [...(byKey.get(r.calibrationKey) ?? []), r]);
  const models = new Map<string, EngineModel>();
  for (const [key, rs] of byKey) {
    if (archCount(rs) < MIN_MODELS_FOR_FIT) continue;
    // each row placed once: its fit row and whether its activations spill come from the same placement
    const places = rs.map((r) => rowPlacement(r, profiles));
    models.set(key, {
      key,
      kind: 'fitted',
      fit: fitScaled(rs.map((r, i) => fitRowAt(r, places[i]!, key)), { ridge: LATENCY_RIDGE }),
      models: [...new Set(rs.map((r) => r.arch))].sort(),
      rows: rs.length,
      externalActivationRows: places.filter((p) => p.activationExternalShare > 0).length,
      smallestRow: smallestRowOf(rs),
    });
  }
  for (const [key, rs] of byKey) {
    if (models.has(key)) continue;
    const [baseKey, version] = key.split('@');
    const borrow = BORROW[baseKey!];
    const base = borrow ? models.get(version !== undefined ? `${borrow}@${version}` : borrow) : undefined;
    if (!base) continue;
    // one ratio on relative error: r = Σ(p/y) / Σ(p/y)²
    let num = 0;
    let den = 0;
    for (const r of rs) {
      const fr = fitRowAt(r, rowPlacement(r, profiles), base.key);
      const q = predictScaled(base.fit, fr.x, fr.clockMHz, base.fit.referenceVersion) / fr.y;
      num += q;
      den += q * q;
    }
    if (!(den > 0)) continue;
    models.set(key, { key, kind: 'borrowed', fit: base.fit, borrowedFrom: base.key, ratio: num / den, models: [...new Set(rs.map((r) => r.arch))].sort(), rows: rs.length, externalActivationRows: base.externalActivationRows });
  }
  return models;
}

function smallestRowOf(rs: CalibrationRow[]): EngineModel['smallestRow'] {
  let best: CalibrationRow | undefined;
  for (const r of rs) if (!best || convMacsOf(r.features!) < convMacsOf(best.features!)) best = r;
  return best && { convMacs: convMacsOf(best.features!), label: `${best.model} ${best.resolution}, ${best.published.inferenceMs} ms on ${best.target.toUpperCase()} with ${toolWords(best.toolVersion)}` };
}

/** Conv / dense MACs of a model (k×k, 1×1, depthwise and dense work terms): the "MACs (conv/dense)" check prints. */
export function convMacsOf(f: Pick<ModelFeatures, 'latencyWork'>): number {
  const w = f.latencyWork;
  return w.macs_conv + w.macs_pointwise + w.macs_depthwise + w.macs_dense;
}

/** The model used for predictions on an engine: its own key, the MP2 NPU/GPU regime, the MPU CPU runtime path. */
export function modelForEngine(models: Map<string, EngineModel>, calibrationKey: string, f: ModelFeatures, engineKind: string): EngineModel | undefined {
  let key = calibrationKey;
  if (engineKind === 'mpu-gpu-npu' || engineKind === 'mpu-cpu') key = mpuKey(calibrationKey, engineKind, NEWEST_MPU_TOOL, !f.perChannel, f);
  const direct = models.get(key);
  if (direct) return direct;
  const versions = [...models.keys()].filter((k) => k.startsWith(`${key}@`));
  versions.sort((a, b) => versionRank(b.split('@')[1]!) - versionRank(a.split('@')[1]!));
  return versions.length ? models.get(versions[0]!) : undefined;
}

/** Predicted ms for a model on an engine; the tool version defaults to the newest seen (factor 1). */
export function predictMs(m: EngineModel, f: ModelFeatures, profile: TargetProfile, clockMHz: number, version?: string): number {
  const x = featureVectorFor(f, profile, m.kind === 'borrowed' ? m.borrowedFrom! : m.key, { toolVersion: version });
  if (m.kind === 'borrowed') return predictScaled(m.fit, x, clockMHz, m.fit.referenceVersion) * m.ratio!;
  return predictScaled(m.fit, x, clockMHz, version);
}

export interface LayerLatencySplit {
  /** ms per layer (views 0), in layer order. */
  layerMs: number[];
  /** The per-inference constant (invoke overhead), not attributed to any layer. */
  perInferenceMs: number;
}

/**
 * The same prediction as predictMs split over layers: the model is linear in the per-layer work, so each
 * layer's work priced alone (at the whole model's memory placement) plus the per-inference constant adds up
 * to predictMs exactly. `works` are layerWork(l) of the layers whose sum is f.latencyWork.
 */
export function predictLayerMs(m: EngineModel, f: ModelFeatures, profile: TargetProfile, clockMHz: number, works: LayerWork[]): LayerLatencySplit {
  const key = m.kind === 'borrowed' ? m.borrowedFrom! : m.key;
  const place = latencyPlacement(f, profile);
  const scale = m.kind === 'borrowed' ? m.ratio! : 1;
  const version = m.kind === 'borrowed' ? m.fit.referenceVersion : undefined;
  const mask = featureMask(new Set(featuresFor(key)));
  // predictScaled's arithmetic, term for term, over one reused feature vector (no arrays or closures per layer)
  const coef = m.fit.coef;
  const factor = (version !== undefined ? m.fit.versionFactor[version] : undefined) ?? 1;
  const perMs = clockMHz * 1000;
  const x = new Float64Array(LATENCY_FEATURES.length);
  const n = x.length;
  // Only the terms that can be other than ±0 (feature in the mask, or a non-finite coefficient): a ±0 term
  // leaves the sum as it was (the sum starts at +0 and never becomes −0), so the result is the same.
  const active = new Int32Array(n);
  let na = 0;
  for (let j = 0; j < n; j++) if (mask[j] || !Number.isFinite(coef[j]!)) active[na++] = j;
  const layerMs = new Array<number>(works.length);
  for (let i = 0; i < works.length; i++) {
    fillWorkFeatureVector(x, works[i]!, place, mask, 0);
    let s = 0;
    for (let a = 0; a < na; a++) {
      const j = active[a]!;
      s = s + x[j]! * coef[j]!;
    }
    layerMs[i] = ((factor * s) / perMs) * scale;
  }
  return {
    layerMs,
    perInferenceMs: predictScaled(m.fit, fillWorkFeatureVector(new Array<number>(LATENCY_FEATURES.length), emptyWork(), place, mask, 1), clockMHz, version) * scale,
  };
}
