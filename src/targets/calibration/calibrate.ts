/**
 * `edgefit calibrate`: refits every model on the published rows and measures each target's
 * leave-one-MODEL-out error (latency, activation RAM, weights flash; runtime RAM and code flash too).
 * In-sample error is never reported. The result is stored as data/calibration-error.json so every
 * prediction the tool prints can carry its expected error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stAllocatorFamily } from '../../analyzer/memory/st4x-plan.ts';
import { activationBytesForTool } from '../activation-peak.ts';
import { referenceVersionOf, versionRank } from '../latency/fit.ts';
import { latencyModelWords, toolWords } from '../latency/engine-words.ts';
import { BORROW, fitEngineModels, latencyRows, MIN_MODELS_FOR_FIT, predictMs, timedRows, type EngineModel } from '../latency/engine-models.ts';
import type { TargetProfile } from '../profile-schema.ts';
import { builtinProfiles } from '../resolve.ts';
import { publishedRuntimeBytes, runtimeFitInput, runtimeRows } from '../runtime-copies.ts';
import { fitRuntimeMemory, predictRuntimeBytes, type RuntimeMemoryFit } from '../runtime-memory.ts';
import { DATA_DIR, loadCalibrationRows, type CalibrationRow } from './dataset.ts';
import { looByGroup, outcomeOf, summarizeErrors, type ErrorSummary, type LooOutcome } from './loo.ts';

export type Quantity = 'latency' | 'activationRam' | 'weightsFlash' | 'runtimeRam' | 'codeFlash';
export const QUANTITIES: Quantity[] = ['latency', 'activationRam', 'weightsFlash', 'runtimeRam', 'codeFlash'];

export interface QuantityError {
  /** 'loo' = leave-one-model-out of a fitted model; 'direct' = no fitted parameter (analyzer figure vs published). */
  method: 'loo' | 'direct';
  /** 'ok', or 'thin' when fewer than MIN_MODELS_FOR_FIT distinct models back the number, or 'none'. */
  status: 'ok' | 'thin' | 'none';
  /** Rows of the newest tool version present (what predictions use). */
  toolVersion?: string;
  summary?: ErrorSummary;
  /** Rows of every tool version (older STM32Cube.AI / X-LINUX-AI tables included). */
  allVersions?: ErrorSummary;
  note: string;
  /** Latency: the figure broken down per cost-model key, the all-rows figure, rows reported outside the figure. */
  details?: string[];
}

export interface TargetCalibration {
  target: string;
  name: string;
  errors: Record<Quantity, QuantityError>;
}

export interface LooRecord {
  quantity: Quantity;
  target: string;
  rowId: string;
  arch: string;
  model: string;
  resolution: string;
  toolVersion: string;
  standIn: string;
  /** Latency: the cost model's key (engine family, runtime path / regime). */
  calibrationKey?: string;
  /**
   * Latency: 'scored' rows make the target's figure; 'thin' rows were predicted by a borrowed model (too few
   * models of their own, flagged thin wherever printed); 'contradicted' rows have a stand-in whose timing ST's
   * tables contradict (model-sources TIMING_CONTRADICTIONS): never fitted, predicted only to report the error.
   */
  role: 'scored' | 'thin' | 'contradicted';
  published: number;
  predicted: number;
  errorPct: number;
  /**
   * activationRam rows whose table publishes internal and external RAM instead of one activation figure (ST's MCU
   * re-identification tables; published = internal + external): the two parts, published and predicted (bytes).
   */
  parts?: { internal: { published: number; predicted: number }; external: { published: number; predicted: number } };
}

export interface CalibrationReport {
  description: string;
  minModelsForFit: number;
  rowsUsed: Record<Quantity, number>;
  targets: TargetCalibration[];
  records: LooRecord[];
}

const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function toRecords(q: Quantity, outs: LooOutcome<CalibrationRow>[], roleOf: (r: CalibrationRow) => LooRecord['role'] = () => 'scored', profiles?: Map<string, TargetProfile>): LooRecord[] {
  return outs.map((o) => {
    const parts = q === 'activationRam' && profiles ? activationParts(o.item, profiles) : undefined;
    return {
    quantity: q,
    target: o.item.target,
    rowId: o.item.rowId,
    arch: o.item.arch,
    model: o.item.model,
    resolution: o.item.resolution,
    toolVersion: o.item.toolVersion,
    standIn: o.item.standIn,
    ...(q === 'latency' ? { calibrationKey: o.item.calibrationKey } : {}),
    role: roleOf(o.item),
    published: round(o.actual, 3),
    predicted: round(o.predicted, 3),
    errorPct: round(o.errorPct, 2),
    ...(parts ? { parts } : {}),
    };
  });
}

/** Called as each architecture is held out of the latency leave-one-out (most of calibrate's time): `done` of `total`. */
export type CalibrateProgress = (done: number, total: number, heldOut: string) => void;

/** Leave-one-model-out latency predictions for every row whose engine has a model. */
export function latencyLoo(rows: CalibrationRow[], profiles: Map<string, TargetProfile>, onProgress?: CalibrateProgress): LooOutcome<CalibrationRow>[] {
  const lrows = latencyRows(rows);
  const total = new Set(lrows.map((r) => r.arch)).size;
  let done = 0;
  return looByGroup(
    lrows,
    (r) => r.arch,
    (train, heldOut) => {
      onProgress?.(++done, total, heldOut);
      return fitEngineModels(train, profiles);
    },
    (models: Map<string, EngineModel>, r) => {
      const m = models.get(r.calibrationKey);
      if (!m) return undefined;
      // a borrowed model must have its ratio fitted without the held-out model: fitEngineModels saw only `train`
      return predictMs(m, r.features!, profiles.get(r.target)!, r.clockMHz, r.toolVersion);
    },
    (r) => r.published.inferenceMs!,
  );
}

/**
 * Rows whose stand-in ST's tables contradict (timedRows minus latencyRows): each architecture predicted by the
 * fit on every usable row of the other architectures. Reported beside the figure, never part of it.
 */
export function contradictedLoo(rows: CalibrationRow[], profiles: Map<string, TargetProfile>): LooOutcome<CalibrationRow>[] {
  const odd = timedRows(rows).filter((r) => !r.latencyComparable);
  return heldOutPredictions(latencyRows(rows), odd, profiles, (r) => r.calibrationKey);
}

/**
 * MP2 rows ST ran mostly on the NPU although the model is per-channel, priced the way a user's per-channel model
 * is (the GPU regime's fit, architecture held out): what we would print for them, since the file does not say
 * that ST's toolchain will map the model onto the NPU.
 */
export function mp2EngineChoiceLoo(rows: CalibrationRow[], profiles: Map<string, TargetProfile>): LooOutcome<CalibrationRow>[] {
  const usable = latencyRows(rows);
  const odd = usable.filter((r) => r.calibrationKey.endsWith(':npu') && r.quantization === 'per-channel');
  return heldOutPredictions(usable, odd, profiles, (r) => r.calibrationKey.replace(/:npu$/, ':gpu'));
}

/** Each architecture of `odd` predicted by the models fitted on `usable` without it, under the key `keyOf` names. */
function heldOutPredictions(usable: CalibrationRow[], odd: CalibrationRow[], profiles: Map<string, TargetProfile>, keyOf: (r: CalibrationRow) => string): LooOutcome<CalibrationRow>[] {
  const out: LooOutcome<CalibrationRow>[] = [];
  for (const arch of new Set(odd.map((r) => r.arch))) {
    const models = fitEngineModels(
      usable.filter((r) => r.arch !== arch),
      profiles,
    );
    for (const r of odd.filter((x) => x.arch === arch)) {
      const m = models.get(keyOf(r));
      if (!m) continue;
      const p = predictMs(m, r.features!, profiles.get(r.target)!, r.clockMHz, r.toolVersion);
      const a = r.published.inferenceMs!;
      out.push(outcomeOf(r, p, a));
    }
  }
  return out;
}

const pct = (e: ErrorSummary | undefined): string => (e ? `${round(e.mapePct, 1)} % / ${e.worstPct >= 0 ? '+' : ''}${round(e.worstPct, 0)} % ${e.worstModel} (${e.models} models, ${e.rows} rows)` : '—');

/**
 * Runtime RAM / code flash, leave-one-model-out per tool version (runtime-memory.ts). Rows used: MCU rows with
 * features, a tool version and an exact figure, whose stand-in is memory-comparable (zoo-builder QDQ builds of
 * int8 TFLite files are not: their float I/O and per-channel Gemm are the build's, not ST's file's) and which
 * are not relabelled copies of an older table (runtime-copies.ts). STEdgeAI 3.x/4.x runtime RAM has no fitted
 * parameter (objects counted per hybrid layer), so its leave-one-out prediction is the model itself. The lite
 * code flash counts the runtime library's kernels and fits only base / per layer / per hybrid layer, refitted here
 * without the held-out model.
 */
export function runtimeLoo(rows: CalibrationRow[], quantity: 'runtimeRam' | 'codeFlash'): LooOutcome<CalibrationRow>[] {
  const usable = runtimeRows(rows, quantity);
  const out: LooOutcome<CalibrationRow>[] = [];
  for (const version of new Set(usable.map((r) => r.toolVersion))) {
    const vrows = usable.filter((r) => r.toolVersion === version);
    out.push(
      ...looByGroup(
        vrows,
        (r) => r.arch,
        (train) => {
          const input = runtimeFitInput(train, quantity);
          return fitRuntimeMemory(quantity === 'runtimeRam' ? 'runtime-ram' : 'code-flash', version, input.rows, input.models);
        },
        (fit: RuntimeMemoryFit, r) => predictRuntimeBytes(fit, r.features!, r.engineKind),
        (r) => publishedRuntimeBytes(r, quantity)!,
      ),
    );
  }
  return out;
}

/**
 * The published activation RAM of a row: internal + external RAM on ST's NPU (N6) tables and on the MCU tables that
 * publish those two columns instead of activation RAM (the H747 re-identification tables), the activation column elsewhere.
 */
function publishedActivationBytes(r: CalibrationRow): number | undefined {
  return r.table === 'npu' || publishesPools(r) ? (r.published.internalRamBytes ?? 0) + (r.published.externalRamBytes ?? 0) : r.published.activationRamBytes;
}

/** An MCU row with internal / external RAM columns and no activation column (ST's H747 re-identification tables). */
function publishesPools(r: CalibrationRow): boolean {
  return r.table === 'mcu' && r.published.activationRamBytes === undefined && r.published.internalRamBytes !== undefined;
}

/**
 * Our internal / external activation bytes for an MCU row published as pools, on a target with ST's memory-pool
 * descriptor under a tool version that takes it (activation-peak.ts memoryPoolLitePlan, stored as
 * features.activationPoolsLite when the lite pool exceeds the descriptor's first pool; otherwise the lite pool, all
 * internal). Undefined for any other row: one pool, scored on its activation column.
 */
function predictedPools(r: CalibrationRow, profiles: Map<string, TargetProfile>): { internalBytes: number; externalBytes: number } | undefined {
  const profile = profiles.get(r.target);
  const descriptor = profile?.activationMemoryPools;
  if (!publishesPools(r) || !descriptor || !r.features || versionRank(r.toolVersion) < versionRank(descriptor.fromToolVersion)) return undefined;
  if (r.features.activationPoolsLite) return r.features.activationPoolsLite;
  return { internalBytes: activationBytesForTool(r.features, profile.scratchEngine, r.toolVersion), externalBytes: 0 };
}

function activationParts(r: CalibrationRow, profiles: Map<string, TargetProfile>): LooRecord['parts'] {
  const ours = predictedPools(r, profiles);
  if (!ours) return undefined;
  return {
    internal: { published: round(r.published.internalRamBytes ?? 0, 3), predicted: ours.internalBytes },
    external: { published: round(r.published.externalRamBytes ?? 0, 3), predicted: ours.externalBytes },
  };
}

/**
 * Analyzer figures against published memory (nothing fitted: the error is direct, not in-sample). Relabelled
 * copies (runtime-copies.ts: an older table's figures under a 3.x/4.x label) are not measurements of the tool
 * they are scored under and are left out, as the runtime and latency fits leave them out.
 */
function directMemory(rows: CalibrationRow[], quantity: 'activationRam' | 'weightsFlash', profiles: Map<string, TargetProfile>): LooOutcome<CalibrationRow>[] {
  const out: LooOutcome<CalibrationRow>[] = [];
  for (const r of rows) {
    if (!r.features || !r.memoryComparable || r.approximate || r.features.partial || r.relabelledCopyOf || r.memoryCopyOf) continue;
    let actual: number | undefined;
    let predicted: number;
    if (quantity === 'weightsFlash') {
      actual = r.published.weightsFlashBytes;
      // the N6 Neural-ART weight blob carries per-channel tables the MCU figure has not (neural-art-weights.ts); a row
      // ST publishes in the application-blob form (weight-forms.ts) is scored on that form
      const onNeuralArt = r.table === 'npu' && !!profiles.get(r.target)?.activationPools;
      const neuralArt = !onNeuralArt ? undefined : r.weightsForm === 'application-blob' ? r.features.weightsBlobBytesNeuralArt : r.features.weightsFlashBytesNeuralArt;
      // a row listed in the blob form scored on the MCU figure would be a silent -20 %: stale features are an error
      if (onNeuralArt && r.weightsForm === 'application-blob' && neuralArt === undefined) {
        throw new Error(`${r.rowId}: its features (${r.featuresRef}) have no weightsBlobBytesNeuralArt; regenerate them (calibration/extract-features.ts)`);
      }
      predicted = neuralArt ?? r.features.weightsFlashBytes ?? r.features.weightBytes;
    } else {
      actual = publishedActivationBytes(r);
      // a target whose compiler places buffers per memory pool (N6 Neural-ART) is scored on that plan, as `check` predicts it
      const perPool = r.table === 'npu' && profiles.get(r.target)?.activationPools ? r.features.activationPeakBytesNeuralArt : undefined;
      // an MCU row published as internal / external RAM is scored on ST's memory-pool descriptor's plan (its pools' sum)
      const pools = predictedPools(r, profiles);
      // an MCU row is scored on the plan of its tool family (STEdgeAI 3.x/4.x: the lite pool), as `check` predicts it
      predicted = perPool ?? (pools ? pools.internalBytes + pools.externalBytes : activationBytesForTool(r.features, profiles.get(r.target)?.scratchEngine, r.toolVersion));
    }
    if (!actual || actual <= 0) continue;
    out.push(outcomeOf(r, predicted, actual));
  }
  return out;
}

/**
 * An NPU row on a Neural-ART target (buffers placed per pool) whose stand-in is not memory-comparable (zoo-builder
 * reconstruction, same-architecture file) and whose memory columns are its own: scored beside the figure, not in it.
 */
function isNeuralArtStandIn(r: CalibrationRow, profiles: Map<string, TargetProfile>): boolean {
  return r.table === 'npu' && !r.memoryComparable && !r.approximate && !!r.features && !r.features.partial && !r.memoryCopyOf && !!profiles.get(r.target)?.activationPools;
}

/**
 * NPU rows whose stand-in is not memory-comparable (zoo-builder reconstructions, same-architecture files), on a target
 * whose compiler places buffers per pool, predicted by that pool plan: not in the figure (the stand-in is not ST's file),
 * printed beside it because most of them land on ST's figure to the byte (docs/targets.md "N6 activation RAM").
 */
function poolPlanStandIns(rows: CalibrationRow[], profiles: Map<string, TargetProfile>): LooOutcome<CalibrationRow>[] {
  const out: LooOutcome<CalibrationRow>[] = [];
  for (const r of rows) {
    const predicted = r.features?.activationPeakBytesNeuralArt;
    if (predicted === undefined || !isNeuralArtStandIn(r, profiles)) continue;
    const actual = publishedActivationBytes(r) ?? 0;
    if (actual > 0) out.push(outcomeOf(r, predicted, actual));
  }
  return out;
}

/**
 * Rows left out of the memory figures because their memory columns are an older tool's (memory-copies.ts), scored
 * the way directMemory would score them: printed beside the figure, so the miss stays visible.
 */
function memoryCopyRows(rows: CalibrationRow[], quantity: 'activationRam' | 'weightsFlash', profiles: Map<string, TargetProfile>): LooOutcome<CalibrationRow>[] {
  const original = new Map<CalibrationRow, CalibrationRow>();
  for (const r of rows) if (r.memoryCopyOf && r.features && r.memoryComparable) original.set({ ...r, memoryCopyOf: undefined }, r);
  return directMemory([...original.keys()], quantity, profiles).map((o) => ({ ...o, item: original.get(o.item)! }));
}

/**
 * NPU rows whose stand-in is not memory-comparable, on a Neural-ART target, predicted by the Neural-ART weights figure
 * (neural-art-weights.ts): not in the figure, printed beside it with the MCU figure on the same rows.
 */
function neuralArtWeightStandIns(rows: CalibrationRow[], profiles: Map<string, TargetProfile>): { neuralArt: LooOutcome<CalibrationRow>[]; mcu: LooOutcome<CalibrationRow>[] } {
  const neuralArt: LooOutcome<CalibrationRow>[] = [];
  const mcu: LooOutcome<CalibrationRow>[] = [];
  for (const r of rows) {
    // a row ST publishes in the application-blob form (weight-forms.ts) is scored on that form, as directMemory does
    const predicted = r.weightsForm === 'application-blob' ? r.features?.weightsBlobBytesNeuralArt : r.features?.weightsFlashBytesNeuralArt;
    const actual = r.published.weightsFlashBytes ?? 0;
    if (predicted === undefined || actual <= 0 || !isNeuralArtStandIn(r, profiles)) continue;
    neuralArt.push(outcomeOf(r, predicted, actual));
    mcu.push(outcomeOf(r, r.features!.weightsFlashBytes, actual));
  }
  return { neuralArt, mcu };
}

/**
 * The rows of directMemory('activationRam') (passed in) of STEdgeAI 3.0/4.0 only, predicted by the STM32Cube.AI 8.1
 * st plan instead of their own tool family's lite pool (st4x-plan.ts, docs/memory-4x.md): printed beside the figure
 * so users see how far the older allocator model is from the newest tables.
 */
function st81ActivationMemory(activationRam: LooOutcome<CalibrationRow>[]): LooOutcome<CalibrationRow>[] {
  return activationRam.flatMap((o) => {
    const st81 = o.item.features!.activationPeakBytes;
    if (o.item.table !== 'mcu' || stAllocatorFamily(o.item.toolVersion) !== 'stedgeai-lite') return [];
    return [outcomeOf(o.item, st81, o.actual)];
  });
}

export function calibrate(opts: { rows?: CalibrationRow[]; profiles?: TargetProfile[]; onProgress?: CalibrateProgress } = {}): CalibrationReport {
  const profileList = opts.profiles ?? builtinProfiles();
  const profiles = new Map(profileList.map((p) => [p.id, p]));
  const rows = opts.rows ?? loadCalibrationRows({ profiles: profileList });
  const outcomes: Record<Quantity, LooOutcome<CalibrationRow>[]> = {
    latency: latencyLoo(rows, profiles, opts.onProgress),
    activationRam: directMemory(rows, 'activationRam', profiles),
    weightsFlash: directMemory(rows, 'weightsFlash', profiles),
    runtimeRam: runtimeLoo(rows, 'runtimeRam'),
    codeFlash: runtimeLoo(rows, 'codeFlash'),
  };
  const allModels = fitEngineModels(latencyRows(rows), profiles);
  const contradicted = contradictedLoo(rows, profiles);
  const engineChoice = mp2EngineChoiceLoo(rows, profiles);
  const st81Activation = st81ActivationMemory(outcomes.activationRam);
  const standInPools = poolPlanStandIns(rows, profiles);
  const standInWeights = neuralArtWeightStandIns(rows, profiles);
  const copiedMemory = { activationRam: memoryCopyRows(rows, 'activationRam', profiles), weightsFlash: memoryCopyRows(rows, 'weightsFlash', profiles) };
  // a row whose key borrows another engine's fit is predicted `thin` (check prints no error figure for it)
  const latencyRole = (r: CalibrationRow): LooRecord['role'] => (!r.latencyComparable ? 'contradicted' : allModels.get(r.calibrationKey)?.kind === 'borrowed' ? 'thin' : 'scored');
  const targets: TargetCalibration[] = [];
  for (const p of profileList) {
    const calib = new Set(p.calibrationTargets.length ? p.calibrationTargets : [p.id]);
    const errors = {} as Record<Quantity, QuantityError>;
    for (const q of QUANTITIES) {
      const every = outcomes[q].filter((o) => calib.has(o.item.target));
      const toolVersion = referenceVersionOf(every.map((o) => o.item.toolVersion)) || undefined;
      // latency: the figure is over rows predicted by a model fitted on their own engine ('scored'), when there are any
      const hasScored = q === 'latency' && every.some((o) => latencyRole(o.item) === 'scored');
      const all = hasScored ? every.filter((o) => latencyRole(o.item) === 'scored') : every;
      const outs = all.filter((o) => o.item.toolVersion === toolVersion);
      const summary = summarizeErrors(outs, (r) => r.arch);
      const allVersions = summarizeErrors(all, (r) => r.arch);
      const method = q === 'activationRam' || q === 'weightsFlash' ? 'direct' : 'loo';
      let note = '';
      let details: string[] | undefined;
      let status: QuantityError['status'] = summary ? 'ok' : 'none';
      if (q === 'latency') {
        const keys = [...new Set(p.engines.map((e) => e.calibrationKey))];
        const models = keys.flatMap((k) => [...allModels.values()].filter((m) => m.key === k || m.key.startsWith(`${k}:`) || m.key.startsWith(`${k}@`)));
        const borrowed = models.filter((m) => m.kind === 'borrowed');
        if (borrowed.length) {
          note = borrowed.map((m) => `${latencyModelWords(m.key)}: ${m.models.length} model(s) only; the ${latencyModelWords(m.borrowedFrom!)} model's cycles × ${m.ratio!.toFixed(3)}`).join('; ');
          if (borrowed.length === models.length) status = 'thin';
        }
        if (!models.length) note = `no published time with a model we can analyze for ${keys.map(latencyModelWords).join(', ')}`;
        const newest = every.filter((o) => o.item.toolVersion === toolVersion);
        const parts: string[] = [];
        const byKey = new Map<string, LooOutcome<CalibrationRow>[]>();
        for (const o of newest) byKey.set(o.item.calibrationKey, [...(byKey.get(o.item.calibrationKey) ?? []), o]);
        if (byKey.size > 1) for (const [k, os] of [...byKey].sort()) parts.push(`${latencyModelWords(k)}${latencyRole(os[0]!.item) === 'thin' ? ' (thin)' : ''}: ${pct(summarizeErrors(os, (r) => r.arch))}`);
        if (hasScored && newest.length > outs.length) parts.push(`all rows incl. thin ${pct(summarizeErrors(newest, (r) => r.arch))}`);
        const odd = contradicted.filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        if (odd.length) {
          parts.push(`not in the figure, stand-in timing contradicted by ST's tables: ${[...new Set(odd.map((o) => o.item.arch))].join(', ')} ${pct(summarizeErrors(odd, (r) => r.arch))}`);
          parts.push(`with them ${pct(summarizeErrors([...newest, ...odd], (r) => r.arch))}`);
        }
        const onNpu = engineChoice.filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        if (onNpu.length) {
          const each = onNpu.map((o) => `${o.item.arch} ${o.item.resolution.split('x')[0]} ${o.errorPct >= 0 ? '+' : ''}${round(o.errorPct, 0)} %`).join(', ');
          parts.push(`per-channel models ST ran on the NPU, priced as any per-channel model (GPU regime): ${pct(summarizeErrors(onNpu, (r) => r.arch))}: ${each}`);
        }
        if (parts.length) details = parts;
      }
      if (q === 'activationRam') {
        const st81 = st81Activation.filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        if (st81.length) details = [`the figure is the STEdgeAI 3.0/4.0 lite-generator pool (docs/memory-4x.md; partial); the STM32Cube.AI 8.1 st plan on the same rows: ${pct(summarizeErrors(st81, (r) => r.arch))}`];
        const pooled = outs.filter((o) => publishesPools(o.item));
        if (pooled.length) {
          const signed = (v: number) => `${v >= 0 ? '+' : ''}${round(v, 1)} %`;
          const part = (pub: number, ours: number) => (pub > 0 ? signed((100 * (ours - pub)) / pub) : `${ours} B for 0`);
          const each = pooled.map((o) => {
            const parts = activationParts(o.item, profiles)!;
            return `${o.item.model} ${o.item.resolution.split('x').slice(0, 2).join('x')} ${signed(o.errorPct)} (internal ${part(parts.internal.published, parts.internal.predicted)}, external ${part(parts.external.published, parts.external.predicted)})`;
          });
          details = [...(details ?? []), `rows published as internal + external RAM, scored on ST's memory-pool descriptor (activationMemoryPools): ${each.join(', ')}`];
        }
        const unscored = rows.filter((r) => calib.has(r.target) && r.toolVersion === toolVersion && publishesPools(r) && !outs.some((o) => o.item === r));
        if (unscored.length) details = [...(details ?? []), `rows published as internal + external RAM with no stand-in (not scored): ${unscored.map((r) => `${r.model} ${r.resolution.split('x').slice(0, 2).join('x')}`).join(', ')}`];
        const standIns = standInPools.filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        if (standIns.length) {
          const exact = standIns.filter((o) => Math.abs(o.predicted - o.actual) < 1).length;
          const mcuPlan = standIns.map((o) => outcomeOf(o.item, o.item.features!.activationPeakBytes, o.actual));
          details = [
            ...(details ?? []),
            `Neural-ART pool plan on the stand-in rows (not ST's files, not in the figure): ${pct(summarizeErrors(standIns, (r) => r.arch))}, ${exact} of ${standIns.length} rows to the byte; the MCU plan on them ${pct(summarizeErrors(mcuPlan, (r) => r.arch))}`,
          ];
        }
      }
      if (q === 'weightsFlash') {
        const mine = (os: LooOutcome<CalibrationRow>[]) => os.filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        const standIns = mine(standInWeights.neuralArt);
        if (standIns.length) {
          details = [
            `Neural-ART weights (kernels + biases + per-channel tables of convolutions over 512 channels) on the stand-in rows (not ST's files, not in the figure): ${pct(summarizeErrors(standIns, (r) => r.arch))}; the MCU figure on them ${pct(summarizeErrors(mine(standInWeights.mcu), (r) => r.arch))}`,
          ];
        }
        const blobRows = outs.filter((o) => o.item.weightsForm === 'application-blob' && o.item.features!.weightsFlashBytesNeuralArt !== undefined);
        if (blobRows.length) {
          const each = blobRows
            .map((o) => {
              const other = outcomeOf(o.item, o.item.features!.weightsFlashBytesNeuralArt!, o.actual).errorPct;
              return `${o.item.model} ${o.item.resolution.split('x')[0]} ${o.errorPct >= 0 ? '+' : ''}${round(o.errorPct, 2)} % (the other form ${other >= 0 ? '+' : ''}${round(other, 1)} %)`;
            })
            .join(', ');
          details = [...(details ?? []), `scored on ST's application-blob form (3x3 depthwise kernels x8, no biases; npu-weight-forms.json): ${each}`];
        }
      }
      if (q === 'activationRam' || q === 'weightsFlash') {
        const copied = copiedMemory[q].filter((o) => calib.has(o.item.target) && o.item.toolVersion === toolVersion);
        if (copied.length) {
          const each = copied.map((o) => `${o.item.model} ${o.item.resolution.split('x')[0]} ${o.errorPct >= 0 ? '+' : ''}${round(o.errorPct, 1)} %`).join(', ');
          details = [...(details ?? []), `not in the figure, memory columns of an older tool printed under this label (${[...new Set(copied.map((o) => toolWords(o.item.memoryCopyOf!.split(' ')[0]!)))].join(', ')}): ${each}`];
        }
      }
      if (summary && summary.models < MIN_MODELS_FOR_FIT) {
        status = 'thin';
        note = [note, `only ${summary.models} model(s) behind this figure`].filter(Boolean).join('; ');
      }
      if (!summary && q === 'latency' && status !== 'thin') note ||= 'no leave-one-out prediction possible';
      if (!summary && status === 'thin') note ||= 'too few models for leave-one-out';
      const r2 = (e: ErrorSummary | undefined) => e && { ...e, mapePct: round(e.mapePct), worstPct: round(e.worstPct) };
      errors[q] = { method, status, toolVersion, summary: r2(summary), allVersions: r2(allVersions), note, ...(details ? { details } : {}) };
    }
    targets.push({ target: p.id, name: p.name, errors });
  }
  return {
    description:
      'Leave-one-model-out error per target: each architecture (all its resolutions, datasets, boards and tool versions) predicted by a fit that never saw it. activationRam and weightsFlash have no fitted parameter: their error is the analyzer figure against the published one (rows whose stand-in has the same head). Borrowed engines (BORROW) are flagged thin.',
    minModelsForFit: MIN_MODELS_FOR_FIT,
    rowsUsed: Object.fromEntries(QUANTITIES.map((q) => [q, outcomes[q].length])) as Record<Quantity, number>,
    targets,
    records: [...QUANTITIES.flatMap((q) => toRecords(q, outcomes[q], q === 'latency' ? latencyRole : undefined, profiles)), ...toRecords('latency', contradicted, latencyRole)],
  };
}

export const CALIBRATION_ERROR_PATH = join(DATA_DIR, 'calibration-error.json');

export function writeCalibrationError(report: CalibrationReport, path = CALIBRATION_ERROR_PATH): void {
  writeFileSync(path, JSON.stringify(report, null, 1) + '\n');
}

export { BORROW };
