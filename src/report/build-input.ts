/**
 * Assembles a ReportInput from a model file: analysis, activation memory plans, per-target verdicts and an
 * optional resolution sweep, plus the published figures that match the model. The memory planner and the
 * target evaluation are other modules (issues 6 and 7); their results are adapted here to the report's types,
 * and a missing piece becomes an absent section, never an invented number.
 */
import { basename } from 'node:path';
import { analyzeModel, analyzeModelAt } from '../analyzer/analyze.ts';
import { storageBytes } from '../analyzer/dtype.ts';
import { EdgefitError, isEdgefitError } from '../analyzer/errors.ts';
import type { IRModel } from '../analyzer/ir.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { loadModel } from '../analyzer/load.ts';
import { planMemory } from '../analyzer/memory/index.ts';
import { calibratedModels, DEFAULT_TARGETS, evaluateTargets, type TargetResult } from '../targets/evaluate.ts';
import { latencyModelWords } from '../targets/latency/engine-words.ts';
import { modelForEngine } from '../targets/latency/engine-models.ts';
import { modelFeatures } from '../targets/model-features.ts';
import { neuralArtBlobBytes } from '../targets/neural-art-weights.ts';
import { atResolutionError, tightestMemory, type TightestMemory } from '../targets/present.ts';
import { resolveTarget } from '../targets/resolve.ts';
import { layerLatencyOf } from './layer-latency.ts';
import { mpuCpuPath, runtimeShapeOps } from '../targets/latency/runtime-path.ts';
import { calibrationSources, findPublishedFigures, sameInputSize, type InputSize, type PublishedQuery } from './published.ts';
import { calibrationEntry, combinedError, lowerBoundsOf, memoryParts, profileOf, type LowerBounds } from './memory-parts.ts';
import type { TargetProfile } from '../targets/profile-schema.ts';
import { formatBytes, formatMs } from './format.ts';
import { limitingMemoryWords, type LimitingMemoryInput } from '../cli/format/limiting-memory.ts';
import type { PublishedFigure, ReportInput, ReportMemory, ReportMemoryPlan, ReportTargetResult, ResolutionPoint } from './types.ts';

export const EDGEFIT_VERSION = 'edgefit 0.1.0';

export interface ReportBuildOptions {
  /** Target names or profile paths; default: the default boards of the targets module (every board). */
  targets?: string[];
  /** Re-analyse the model at these square input resolutions (shapes re-inferred, no new file). */
  resolutions?: number[];
  /** Separately built model files per resolution (used instead of re-inference, e.g. by the demo). */
  resolutionModels?: { resolution: number; path: string }[];
  modelOrigin?: string;
  /** Published rows to show beside the predictions (looked up in data/published when a query is given). */
  published?: PublishedQuery | PublishedFigure[];
  notes?: string[];
  title?: string;
  generatedAt?: string;
  /** The model already loaded (with the CLI's size caps); loaded from `modelPath` when absent. */
  model?: IRModel;
  /** Input shape overrides (--input-shape) applied to every analysis, resolutions on top. */
  inputShapes?: Record<string, number[]>;
}

/** One analysed model with its memory plans and target verdicts. */
export interface EvaluatedModel {
  analysis: Analysis;
  memory?: ReportMemory;
  targets?: ReportTargetResult[];
  /** The targets module's results behind `targets`, same order. */
  results?: TargetResult[];
}

// ---------- memory (issue 6) ----------

function isPlan(x: unknown): x is ReportMemoryPlan {
  const p = x as ReportMemoryPlan;
  return !!p && typeof p.peakBytes === 'number' && Array.isArray(p.buffers);
}

/**
 * Adapts the planner's JSON (`memory` of `analyze --json`) to the report's memory type; undefined when absent.
 * A plan's schedule may list layer names (the best plan's re-ordering); they become layer indices.
 */
export function toReportMemory(report: unknown, analysis?: Analysis): ReportMemory | undefined {
  const r = report as { planners?: Record<string, unknown>; lowerBoundBytes?: number } | undefined;
  if (!r || typeof r !== 'object' || !r.planners || typeof r.lowerBoundBytes !== 'number') return undefined;
  const indexByName = new Map((analysis?.layers ?? []).map((l) => [l.name, l.index]));
  const planners: Record<string, ReportMemoryPlan> = {};
  for (const [name, plan] of Object.entries(r.planners)) {
    if (!isPlan(plan)) continue;
    const extra = plan as ReportMemoryPlan & { strategy?: string; exact?: boolean; schedule?: (number | string)[] };
    let schedule: number[] | undefined;
    if (Array.isArray(extra.schedule)) {
      const mapped = extra.schedule.map((s) => (typeof s === 'number' ? s : indexByName.get(s)));
      if (mapped.every((i): i is number => i !== undefined)) schedule = mapped;
    }
    const note = typeof extra.note === 'string' ? extra.note : [extra.strategy, extra.exact === undefined ? undefined : extra.exact ? 'exact search' : 'heuristic search'].filter(Boolean).join(', ');
    planners[name] = {
      peakBytes: plan.peakBytes,
      peakLayer: plan.peakLayer,
      buffers: plan.buffers.map((b) => ({
        name: String(b.name),
        sizeBytes: b.sizeBytes,
        offsetBytes: b.offsetBytes,
        firstStep: b.firstStep,
        lastStep: b.lastStep,
        ...(typeof b.kind === 'string' ? { kind: b.kind } : {}),
      })),
      inputBytes: plan.inputBytes,
      outputBytes: plan.outputBytes,
      ...(schedule ? { schedule } : {}),
      ...(note ? { note } : {}),
    };
  }
  if (Object.keys(planners).length === 0) return undefined;
  return { planners, lowerBoundBytes: r.lowerBoundBytes };
}

// ---------- targets (issue 7) ----------

/** Target ids evaluated when the user names none: the targets module's default boards (series left out). */
export function defaultTargetIds(): string[] {
  return [...DEFAULT_TARGETS];
}

function fitOf(x: unknown, errorPct: number | null | undefined, parts: Record<string, number> | undefined, tightest?: TightestMemory | null): ReportTargetResult['ram'] {
  const f = (x ?? {}) as Partial<ReportTargetResult['ram']>;
  const out: ReportTargetResult['ram'] = {
    internalBytes: f.internalBytes ?? 0,
    externalBytes: f.externalBytes ?? 0,
    capacityBytes: f.capacityBytes ?? 0,
    marginBytes: f.marginBytes ?? 0,
    errorPct: typeof f.errorPct === 'number' ? f.errorPct : (errorPct ?? null),
  };
  if (typeof f.internalCapacityBytes === 'number') out.internalCapacityBytes = f.internalCapacityBytes;
  if (tightest) out.tightest = { name: tightest.name, usedBytes: tightest.usedBytes, capacityBytes: tightest.capacityBytes, marginBytes: tightest.marginBytes };
  const p = f.parts ?? parts;
  if (p && Object.values(p).some((v) => v > 0)) out.parts = Object.fromEntries(Object.entries(p).filter(([, v]) => v > 0));
  return out;
}

/** The fields of the targets module's result (issue 7) beyond the `check --json` core the report uses. */
interface TargetResultExtras {
  engine?: string | { name?: string; clockMHz?: number };
  memoryErrorPct?: { activationRam?: number | null; weightsFlash?: number | null };
  activationBytes?: number;
  runtimeRamBytes?: number;
  weightBytes?: number;
  codeFlashBytes?: number;
  latencyNote?: string;
  class?: string;
  /** Every memory with its bytes (check --json memories[]): says an N6 limiting pool beside the pools' sum. */
  memories?: LimitingMemoryInput['memories'];
}

/**
 * Adapts one target result (`evaluateTargets` / `check --json` entry) to the report's type. The RAM and flash
 * parts get the expected error of their own quantity from the calibration table (memory-parts.ts): `profile`,
 * the target's profile (default: the built-in one of that id), `bounds`, what makes figures lower bounds (default:
 * read from the result's notes, as a saved `check --json` has them).
 */
export function toReportTarget(x: unknown, ctx: { profile?: TargetProfile; bounds?: LowerBounds } = {}): ReportTargetResult {
  const t = x as Omit<Partial<ReportTargetResult>, 'engine'> & TargetResultExtras & { id: string };
  const engine = typeof t.engine === 'string' ? t.engine : t.engine?.name ? `${t.engine.name}${t.engine.clockMHz ? ` ${t.engine.clockMHz} MHz` : ''}` : undefined;
  const ramParts = t.activationBytes !== undefined ? { activations: t.activationBytes, runtime: t.runtimeRamBytes ?? 0 } : undefined;
  const flashParts = t.weightBytes !== undefined ? { weights: t.weightBytes, code: t.codeFlashBytes ?? 0 } : undefined;
  const notes = [...(t.latencyNote ? [t.latencyNote] : []), ...(Array.isArray(t.notes) ? t.notes.map(String) : [])];
  // the memory that binds: check --json's `tightest`, or worked out from an evaluateTargets result's placements
  const tightestOf = (role: 'ram' | 'flash'): TightestMemory | null | undefined => {
    const given = (t[role] as { tightest?: TightestMemory | null } | undefined)?.tightest;
    if (given !== undefined) return given;
    const r = x as Partial<TargetResult>;
    return Array.isArray(r.placements) && Array.isArray(r.memories) ? tightestMemory(r as TargetResult, role) : undefined;
  };
  const ram = fitOf(t.ram, t.memoryErrorPct?.activationRam, ramParts, tightestOf('ram'));
  const flash = fitOf(t.flash, t.memoryErrorPct?.weightsFlash, flashParts, tightestOf('flash'));
  const profile = ctx.profile ?? profileOf(t.id);
  const cls = t.class ?? profile?.class;
  const parts = memoryParts({ ...t, ...(cls ? { class: cls } : {}), notes: Array.isArray(t.notes) ? t.notes.map(String) : [] }, profile ? calibrationEntry(profile) : undefined, ctx.bounds);
  if (parts) {
    ram.components = parts.ram;
    flash.components = parts.flash;
    // the total's error comes from its parts' (a total is no better known than its least-known part)
    ram.errorPct = combinedError(parts.ram).errorPct;
    flash.errorPct = combinedError(parts.flash).errorPct;
  }
  return {
    id: t.id,
    ...(t.name ? { name: t.name } : {}),
    ...(engine ? { engine } : {}),
    fits: !!t.fits,
    ram,
    flash,
    latencyMs: typeof t.latencyMs === 'number' ? t.latencyMs : null,
    latencyErrorPct: typeof t.latencyErrorPct === 'number' ? t.latencyErrorPct : null,
    limitingMemory: t.limitingMemory ? limitingMemoryWords({ limitingMemory: t.limitingMemory, ...(cls ? { class: cls } : {}), ...(Array.isArray(t.memories) ? { memories: t.memories } : {}) }) : null,
    ...(Array.isArray(t.layerLatencyMs) ? { layerLatencyMs: t.layerLatencyMs } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

// ---------- analysis ----------

/** Input shape for a square resolution: NCHW for ONNX (unless the input is clearly NHWC), NHWC for TFLite. */
export function inputShapeAt(analysis: Analysis, resolution: number): Record<string, number[]> {
  if (!Number.isInteger(resolution) || resolution < 8 || resolution > 4096) {
    throw new EdgefitError('USAGE', `resolution ${resolution} is out of range (8..4096)`);
  }
  const input = analysis.model.inputs[0];
  if (!input || input.shape.length !== 4) {
    throw new EdgefitError('USAGE', `--resolutions needs a 4-D image input; ${analysis.model.path} input ${input ? `'${input.name}' has shape [${input.shape.join(', ')}]` : 'is missing'}`);
  }
  const [n, a, , d] = input.shape as [number, number, number, number];
  const channelsLast = analysis.model.format === 'tflite' || (d <= 4 && a > 4);
  return { [input.name]: channelsLast ? [n, resolution, resolution, d] : [n, a, resolution, resolution] };
}

/** The side of a square image input (NCHW or NHWC), if the model has one. */
export function squareResolutionOf(analysis: Analysis): number | undefined {
  const s = analysis.model.inputs[0]?.shape;
  if (!s || s.length !== 4) return undefined;
  if (s[2] === s[3] && s[1]! <= 4) return s[2];
  if (s[1] === s[2] && s[3]! <= 4) return s[1];
  return undefined;
}

/** Height × width × channels of the 4-D image input (NHWC for TFLite and channel-last ONNX, else NCHW), if any. */
export function inputSizeOf(analysis: Analysis): InputSize | undefined {
  const s = analysis.model.inputs[0]?.shape;
  if (!s || s.length !== 4) return undefined;
  const [, a, b, d] = s as [number, number, number, number];
  const channelsLast = analysis.model.format === 'tflite' || (d <= 4 && a > 4);
  return channelsLast ? { h: a, w: b, c: d } : { h: b, w: d, c: a };
}

/** Adds the per-layer attribution of each target's predicted latency (see layer-latency.ts). */
function attachLayerLatency(e: EvaluatedModel): void {
  (e.targets ?? []).forEach((t, i) => {
    const r = e.results?.[i];
    const per = r ? layerLatencyOf(r, t.latencyMs) : undefined;
    if (!per) {
      delete t.layerLatencyMs; // the split does not add up: no per-layer figures rather than wrong ones
      return;
    }
    t.layerLatencyMs = per.layerMs;
    if (per.perInferenceMs > 0) (t.notes ??= []).push(`per-inference overhead ${formatMs(per.perInferenceMs)} (not in any layer)`);
  });
}

/** `fileInputShapes` given: `inputShapes` re-infer the file at another size (analyzeModelAt). */
function evaluate(model: IRModel, targetIds: string[], inputShapes?: Record<string, number[]>, fileInputShapes?: Record<string, number[]>): EvaluatedModel {
  const analysis = fileInputShapes && inputShapes ? analyzeModelAt(model, inputShapes, fileInputShapes) : analyzeModel(model, { inputShapes });
  const memory = toReportMemory(planMemory(analysis, { allocateIo: true }), analysis);
  if (memory?.planners.st && analysis.totals.activationPeakBytes === undefined) analysis.totals.activationPeakBytes = memory.planners.st.peakBytes;
  const results = targetIds.length ? evaluateTargets(analysis, targetIds) : undefined;
  const bounds = results ? lowerBoundsOf(analysis) : undefined;
  const targets = results?.map((r, i) => toReportTarget(r, { profile: resolveTarget(targetIds[i]!), ...(bounds ? { bounds } : {}) }));
  return { analysis, memory, targets, ...(results ? { results } : {}) };
}

function sweepPoint(resolution: number, e: EvaluatedModel): ResolutionPoint {
  return {
    resolution,
    macs: e.analysis.totals.macsConvDense,
    weightBytes: e.analysis.totals.weightBytes,
    activationPeakBytes: e.memory?.planners.st?.peakBytes ?? e.analysis.totals.activationPeakBytes,
    targets: e.targets ?? [],
  };
}

/**
 * Why an activation-RAM figure is not like for like with this model, when the file ST measured takes another
 * input type (its graph input is a buffer of the activation pool): undefined when the input types agree.
 */
function inputTypeMismatch(f: PublishedFigure, analysis: Analysis): string | undefined {
  // the file ST measured itself: its input type is this model's, whatever its name suggests (Yamnet 256's int8 input)
  if (f.benchmarkedFile && basename(f.benchmarkedFile) === basename(analysis.model.path)) return undefined;
  const theirs = f.publishedInputDtype;
  const ours = analysis.model.inputs.map((i) => i.dtype);
  if (!theirs || ours.length === 0 || ours.every((d) => d === theirs)) return undefined;
  const ourBytes = analysis.model.inputs.reduce((sum, i) => sum + storageBytes(i.dtype, i.shape.reduce((a, b) => a * b, 1)), 0);
  return `not like for like: ST's file takes a ${theirs} input, this model a ${[...new Set(ours)].join('/')} one (${formatBytes(ourBytes)} in its activation RAM)`;
}

/** The expected error of one part of a fit (its own quantity's), or the fit's when it has no parts listed. */
function partError(fit: ReportTargetResult['ram'] | undefined, name: 'activations' | 'weights'): number | null {
  if (!fit) return null;
  const p = fit.components?.find((c) => c.name === name);
  return p ? p.errorPct : (fit.errorPct ?? null);
}

/**
 * Predictions to set beside published figures, taken from the results of the analysis whose input has the row's
 * size (H × W × C; for a figure without one, the square resolution).
 */
function attachPredictions(figures: PublishedFigure[], evaluated: EvaluatedModel[], byResolution: Map<number, EvaluatedModel>, arch?: string): PublishedFigure[] {
  return figures.map((f) => {
    const e = evaluatedModelFor(f, evaluated, byResolution);
    return e ? withPrediction(f, e, figures, arch) : f;
  });
}

/** The evaluated analysis whose input has the figure's size (H × W × C; for a figure without one, the square resolution). */
function evaluatedModelFor(f: PublishedFigure, evaluated: EvaluatedModel[], byResolution: Map<number, EvaluatedModel>): EvaluatedModel | undefined {
  if (f.inputSize) {
    return evaluated.find((x) => {
      const size = inputSizeOf(x.analysis);
      return size !== undefined && sameInputSize(size, f.inputSize!);
    });
  }
  return f.resolution !== undefined ? byResolution.get(f.resolution) : undefined;
}

/** The figure with our prediction from `e` beside it, its expected error, and whether (and why not) the two compare. */
function withPrediction(f: PublishedFigure, e: EvaluatedModel, figures: PublishedFigure[], arch: string | undefined): PublishedFigure {
  const t = e.targets?.find((x) => x.id === f.targetId);
  let predicted: number | null = null;
  let errorPct: number | null = null;
  if (f.metric === 'latencyMs') {
    predicted = t?.latencyMs ?? null;
    errorPct = t?.latencyErrorPct ?? null;
    const ours = f.publishedCpuPath ? mpuCpuPath(runtimeShapeOps(e.analysis)) : undefined;
    if (ours && ours !== f.publishedCpuPath) {
      const kernels = (p: string) => (p === 'builtin' ? "TFLite's built-in kernels" : 'XNNPACK');
      return {
        ...f,
        predictedValue: predicted,
        predictedErrorPct: errorPct,
        comparable: false,
        comparabilityNote: `not like for like: ST's file ran on ${kernels(f.publishedCpuPath!)}${f.publishedCpuPath === 'builtin' ? ' (a run-time SHAPE op makes TFLite drop XNNPACK)' : ''}, this model is priced on ${kernels(ours)}`,
      };
    }
  } else if (f.metric === 'weightsFlashBytes') {
    predicted = t?.flash.parts?.weights ?? e.analysis.totals.weightBytes;
    errorPct = partError(t?.flash, 'weights');
    if (f.publishedWeightsForm === 'application-blob') {
      // calibrate scores this row on the same form (calibration/weight-forms.ts); check's figure is the other one
      const blob = e.results?.find((r) => r.id === f.targetId)?.weightsBlobBytes ?? neuralArtBlobBytes(e.analysis);
      const note = `ST publishes this row in the form of its application blobs (3×3 depthwise kernels stored ×8, no biases): compared with that form of ours; check's N6 weights figure, the form of ST's other N6 rows, is ${predicted} B`;
      return { ...f, predictedValue: blob, predictedErrorPct: errorPct, comparable: true, comparabilityNote: note };
    }
  } else if (f.metric === 'activationRamBytes') {
    predicted = t?.ram.parts?.activations ?? e.memory?.planners.st?.peakBytes ?? null;
    errorPct = partError(t?.ram, 'activations');
    const unlike = inputTypeMismatch(f, e.analysis);
    if (unlike) return { ...f, predictedValue: predicted, predictedErrorPct: errorPct, comparable: false, comparabilityNote: unlike };
  } else if (f.metric === 'internalRamBytes' || f.metric === 'externalRamBytes') {
    predicted = t ? (f.metric === 'internalRamBytes' ? t.ram.internalBytes : t.ram.externalBytes) : null;
    if (predicted !== null) return { ...f, predictedValue: predicted, ...ramSplitError(f, figures, t!) };
  }
  const inSample = f.metric === 'latencyMs' && predicted !== null ? (inSampleLatencyNote(f.rowId) ?? borrowedInSampleNote(f, e, arch)) : undefined;
  return { ...f, predictedValue: predicted, predictedErrorPct: errorPct, ...(inSample ? { comparabilityNote: inSample } : {}) };
}

/**
 * A published latency row behind a borrowed latency model (engine-models.ts: a target with too few published models
 * scales another engine's fit by one ratio, fitted on this target's rows): when the row's network is among those the
 * ratio was fitted on, the prediction beside it is in-sample, and calibrate has no held-out figure for it (the U5:
 * one ratio fitted on Yamnet's single row). Undefined otherwise.
 */
function borrowedInSampleNote(f: PublishedFigure, e: EvaluatedModel, arch: string | undefined): string | undefined {
  if (!arch) return undefined;
  let profile: TargetProfile;
  try {
    profile = resolveTarget(f.targetId);
  } catch {
    return undefined;
  }
  const engine = profile.engines.find((x) => x.id === profile.defaultEngine);
  if (!engine) return undefined;
  const m = modelForEngine(calibratedModels().engineModels, engine.calibrationKey, modelFeatures(e.analysis), engine.kind);
  if (!m || m.kind !== 'borrowed' || !m.models.includes(arch)) return undefined;
  const fittedOn = m.rows === 1 ? "this row alone (the board's only published time of a model edgefit can analyze)" : `ST's ${m.rows} published times on this board (${m.models.join(', ')}), this row among them`;
  return `in-sample: this board's latency figure is the ${latencyModelWords(m.borrowedFrom ?? '')} model × one ratio fitted on ${fittedOn}: the agreement is not a test of the prediction, and no held-out figure exists`;
}

/**
 * The expected error beside a published internal / external RAM figure (the N6 tables, ST's H747 re-identification
 * tables). Calibrate scores such a row on internal + external together (its activation-RAM error on the target): that
 * error is the internal figure's when neither ST's row nor the prediction puts anything in external RAM; otherwise the
 * split has no calibrated error, and the note says so.
 */
function ramSplitError(f: PublishedFigure, figures: PublishedFigure[], t: ReportTargetResult): Pick<PublishedFigure, 'predictedErrorPct' | 'comparabilityNote'> {
  const sum = partError(t.ram, 'activations');
  const pct = sum === null ? undefined : `${sum.toFixed(1)} %`;
  const publishedExternal = figures.find((g) => g.metric === 'externalRamBytes' && g.targetId === f.targetId && g.rowId === f.rowId && g.row === f.row)?.publishedValue ?? 0;
  const noExternal = publishedExternal === 0 && t.ram.externalBytes === 0;
  if (f.metric === 'internalRamBytes' && noExternal && sum !== null) {
    return { predictedErrorPct: sum, comparabilityNote: `± is calibrate's activation-RAM error on this target (${pct}): it scores internal + external RAM together, and neither ST's row nor the prediction puts anything in external RAM` };
  }
  const why =
    sum === null
      ? 'no calibrated error: calibrate has no activation-RAM error for this target'
      : f.metric === 'externalRamBytes' && noExternal
        ? `no calibrated error of its own: nothing in external RAM on either side (calibrate scores internal + external together: ± ${pct})`
        : `no calibrated error for the internal / external split: calibrate scores their sum (activation RAM, ± ${pct})`;
  return { predictedErrorPct: null, comparabilityNote: why };
}

/**
 * A published latency row the latency fit was made on: the prediction beside it is in-sample (the full fit saw the
 * row), so the note gives what a fit that never saw the row's architecture predicts (calibrate's leave-one-model-out
 * record of that row). Undefined for a row outside the fit.
 */
function inSampleLatencyNote(rowId: string | undefined): string | undefined {
  if (!rowId) return undefined;
  const held = calibratedModels().errors.records.find((r) => r.quantity === 'latency' && r.rowId === rowId && r.role === 'scored');
  if (!held) return undefined;
  const sign = held.errorPct >= 0 ? '+' : '';
  return `in-sample: this row is in the latency fit behind the prediction; held out (calibrate: a fit that never saw ${held.arch}, on the row's own model) it is predicted ${formatMs(held.predicted)} (${sign}${held.errorPct.toFixed(1)} %)`;
}

export async function buildReportInput(modelPath: string, opts: ReportBuildOptions = {}): Promise<ReportInput> {
  const targetIds = opts.targets ?? defaultTargetIds();
  for (const t of targetIds) resolveTarget(t); // a bad --target fails before the model is analysed
  const model = opts.model ?? loadModel(modelPath);
  const main = evaluate(model, targetIds, opts.inputShapes);
  attachLayerLatency(main);
  const notes = [...(opts.notes ?? [])];
  if (!main.memory) notes.push('Activation memory planning is not available in this build: no memory plan.');

  const byResolution = new Map<number, EvaluatedModel>();
  const mainResolution = squareResolutionOf(main.analysis);
  if (mainResolution !== undefined) byResolution.set(mainResolution, main);
  for (const r of opts.resolutionModels ?? []) {
    byResolution.set(r.resolution, r.path === modelPath ? main : evaluate(loadModel(r.path), targetIds));
  }
  // a size the file's shapes do not follow is left out of the sweep and said (the report of the other sizes is still of use)
  const sweepFailures: { resolution: number; message: string }[] = [];
  for (const r of opts.resolutions ?? []) {
    if (byResolution.has(r)) continue;
    const shapes = { ...opts.inputShapes, ...inputShapeAt(main.analysis, r) };
    try {
      byResolution.set(r, evaluate(model, targetIds, shapes, opts.inputShapes ?? {}));
    } catch (e) {
      if (!isEdgefitError(e) || e.code === 'USAGE') throw e;
      sweepFailures.push({ resolution: r, message: atResolutionError(modelPath, r, e).message });
    }
  }
  const sweepResolutions = [...new Set([...(opts.resolutions ?? []), ...(opts.resolutionModels ?? []).map((r) => r.resolution)])].filter((r) => byResolution.has(r)).sort((a, b) => a - b);
  const sweep = sweepResolutions.length ? sweepResolutions.map((r) => sweepPoint(r, byResolution.get(r)!)) : undefined;

  let published: PublishedFigure[] = [];
  if (Array.isArray(opts.published)) published = opts.published;
  else if (opts.published) {
    // the rows of the input sizes this report analyses the model at (its own, and each resolution's), square or not
    const evaluated = [...new Set([main, ...byResolution.values()])];
    const inputSizes = evaluated.map((e) => inputSizeOf(e.analysis)).filter((s): s is InputSize => s !== undefined);
    published = attachPredictions(findPublishedFigures({ ...opts.published, resolutions: [], inputSizes }), evaluated, byResolution, opts.published.arch);
  }

  return {
    ...(opts.title ? { title: opts.title } : {}),
    generatedBy: EDGEFIT_VERSION,
    ...(opts.generatedAt ? { generatedAt: opts.generatedAt } : {}),
    ...(opts.modelOrigin ? { modelOrigin: opts.modelOrigin } : {}),
    analysis: main.analysis,
    ...(main.memory ? { memory: main.memory } : {}),
    ...(main.targets ? { targets: main.targets } : {}),
    ...(sweep ? { sweep } : {}),
    ...(sweepFailures.length ? { sweepFailures } : {}),
    published,
    ...(main.targets ? { calibrationSources: calibrationSources(main.targets.map((t) => t.id)) } : {}),
    notes,
  };
}
