/**
 * Activation memory planning (issue 6): liveness over a schedule, three planners behind one interface, the
 * best schedule a re-ordering search finds, and the lower bound max-over-steps(resident bytes).
 * docs/memory.md explains every rule and its evidence.
 */
import type { Analysis, Layer } from '../layer.ts';
import { LAYER_OPS } from '../layer-ops.ts';
import { searchBestSchedule } from './best-schedule.ts';
import { GreedyBySizePlanner } from './greedy-by-size.ts';
import { LinearFirstFitPlanner } from './linear-first-fit.ts';
import { computeLiveness, fusedConvPoolPairs, livenessLowerBoundBytes, type Liveness } from './liveness.ts';
import { defaultSchedule, assertValidSchedule } from './schedule.ts';
import type { ScratchEngineName } from './scratch-rules.ts';
import { StPlanner, stExecutionOrder } from './st-plan.ts';
import type { MemoryPlanner, PlacedBuffer } from './types.ts';

export type { PlacedBuffer, LiveBuffer, MemoryPlanner, OverlapRule, BufferKind } from './types.ts';
export { computeLiveness, livenessLowerBoundBytes } from './liveness.ts';
export { searchBestSchedule, schedulePeakBytes } from './best-schedule.ts';
export { GreedyBySizePlanner } from './greedy-by-size.ts';
export { LinearFirstFitPlanner } from './linear-first-fit.ts';
export { StPlanner } from './st-plan.ts';
export { cmsisNnScratchBytes, kernelScratchBytes } from './scratch-rules.ts';
export { stScratchBytes } from './st-scratch-rules.ts';
export { formatMemorySummary } from './format.ts';

export interface MemoryOptions {
  /** Graph inputs/outputs inside the activation pool (ST's default "allocate inputs/outputs"; default true). */
  allocateIo?: boolean;
  /** Offset alignment of every buffer (bytes, default 4: the alignment seen in ST's generated offsets). */
  alignmentBytes?: number;
  /**
   * Kernel library whose scratch rules size the working buffers: 'st' (default) = ST's MCU runtime, as the
   * published tables use; CMSIS-NN 'dsp' / 'mve' / 'none'; 'off' = no scratch.
   */
  scratchEngine?: ScratchEngineName | 'off';
  /** Execution order for the st/greedy/linear plans (layer indices; default the model's own order). */
  schedule?: number[];
  /** Largest number of states per level for the exact re-ordering search (default 200). */
  searchStateLimit?: number;
  /**
   * Largest layer count for which the re-ordering search runs (default 400). Beyond it the `best` plan is the
   * st plan on the model's own order, flagged `searchSkipped` (the beam search costs seconds on 1,000 layers).
   */
  searchLayerLimit?: number;
  /**
   * The st plan runs the padded convolutions ST's code generator splits into Pad + unpadded kernel as two steps
   * with a padded copy (overlap-rules.ts `stSplitsPadding`; default true).
   */
  stSplitPads?: boolean;
  /** The st plan fuses a conv with the pool that alone reads it, as ST does (overlap-rules.ts; default true). */
  stFuseConvPool?: boolean;
}

/** Default of `MemoryOptions.searchLayerLimit`. */
export const SEARCH_LAYER_LIMIT = 400;

export type PlannerName = 'st' | 'greedy' | 'linear' | 'best';

export interface PlannerReport {
  strategy: string;
  /** Activation pool size: the highest byte any buffer reaches. */
  peakBytes: number;
  /** Layer running when the pool's highest byte is in use. */
  peakLayer: string;
  peakStep: number;
  /** Buffers live at that step (names). */
  liveAtPeak: string[];
  buffers: PlacedBuffer[];
  /** Graph input/output bytes; inside `peakBytes` when `ioInPool`. */
  inputBytes: number;
  outputBytes: number;
  ioInPool: boolean;
  alignmentBytes: number;
  /** max over steps of resident bytes for this plan's schedule: no allocator can do better on it. */
  lowerBoundBytes: number;
  /** Layer names in execution order (best plan only). */
  schedule?: string[];
  /** Whether the schedule search was exhaustive (best plan only). */
  exact?: boolean;
  /** Best plan only: the search did not run (more layers than `searchLayerLimit`); the plan is the model's order. */
  searchSkipped?: boolean;
}

/** JSON shape fixed by issue 6 (`analyze --json` → `memory`). */
export interface MemoryReport {
  planners: { st: PlannerReport; greedy: PlannerReport; linear: PlannerReport; best: PlannerReport };
  /**
   * max over steps of resident bytes in the model's own order, with convolutions fused with their pooling layer
   * when `stFuseConvPool` (a kernel fusion any runtime may do; ST's split paddings are not counted).
   */
  lowerBoundBytes: number;
  scratchEngine: ScratchEngineName | 'off';
  allocateIo: boolean;
  /** Whether the st plan splits padded convolutions as ST does (the st plan's buffers then include `<layer>#pad`). */
  stSplitPads: boolean;
  /** Whether the st plan fuses conv + pool pairs as ST does (the pooled output is written at the conv step). */
  stFuseConvPool: boolean;
}

/** Scratch bytes per layer, read from the per-op table (layer-ops.ts `scratchBytes`). */
export function scratchFunction(engine: ScratchEngineName | 'off'): (layer: Layer) => number {
  return engine === 'off' ? () => 0 : (layer) => LAYER_OPS[layer.op].scratchBytes(layer, engine);
}

/** Gives a planner the liveness's buffers, overlap rules and (st) scratch marks; returns the planner's buffer ids. */
function loadPlanner(liveness: Liveness, planner: MemoryPlanner): number[] {
  const ids = liveness.buffers.map((b) => planner.addBuffer(b.sizeBytes, b.firstStep, b.lastStep));
  if (planner.addOverlapRule) {
    for (const o of liveness.overlaps) {
      planner.addOverlapRule({
        outputId: ids[o.output]!,
        inputId: ids[o.input]!,
        forwardDeltaBytes: o.forwardDeltaBytes,
        backwardDeltaBytes: o.backwardDeltaBytes,
      });
    }
  }
  if (planner instanceof StPlanner) {
    liveness.buffers.forEach((b, i) => b.kind === 'scratch' && planner.markScratch(ids[i]!));
  }
  return ids;
}

/** Runs one planner over a liveness analysis and describes the result. */
export function runPlanner(analysis: Analysis, liveness: Liveness, planner: MemoryPlanner, alignmentBytes: number): PlannerReport {
  const ids = loadPlanner(liveness, planner);
  const buffers: PlacedBuffer[] = liveness.buffers.map((b, i) => ({

    name: b.name,
    kind: b.kind,
    sizeBytes: b.sizeBytes,
    offsetBytes: planner.offsetOf(ids[i]!),
    firstStep: b.firstStep,
    lastStep: b.lastStep,
  }));
  const peakBytes = planner.arenaBytes();
  // The step at which the pool's top byte is in use (first such step).
  let peakStep = 0;
  let bestTop = -1;
  const steps = liveness.schedule.length;
  const topAt = new Array<number>(steps).fill(0);
  for (const b of buffers) {
    for (let s = b.firstStep; s <= b.lastStep; s++) topAt[s] = Math.max(topAt[s]!, b.offsetBytes + b.sizeBytes);
  }
  topAt.forEach((t, s) => {
    if (t > bestTop) {
      bestTop = t;
      peakStep = s;
    }
  });
  const layerIndex = liveness.schedule[peakStep];
  return {
    strategy: planner.name,
    peakBytes,
    peakLayer: layerIndex === undefined ? '' : analysis.layers[layerIndex]!.name,
    peakStep,
    liveAtPeak: buffers.filter((b) => b.firstStep <= peakStep && peakStep <= b.lastStep).map((b) => b.name),
    buffers,
    inputBytes: liveness.inputBytes,
    outputBytes: liveness.outputBytes,
    ioInPool: liveness.ioInPool,
    alignmentBytes,
    lowerBoundBytes: livenessLowerBoundBytes(liveness),
  };
}

/**
 * Only the "st" plan's pool size (what targets need per scratch engine): the same plan as
 * `planMemory(...).planners.st.peakBytes` without the other planners and the re-ordering search.
 */
export function planStPeakBytes(analysis: Analysis, opts: MemoryOptions = {}): number | undefined {
  if (analysis.layers.length === 0) return undefined;
  const allocateIo = opts.allocateIo ?? true;
  const alignmentBytes = Math.max(1, Math.floor(opts.alignmentBytes ?? 4));
  const scratchBytes = scratchFunction(opts.scratchEngine ?? 'st');
  const schedule = opts.schedule ?? defaultSchedule(analysis);
  assertValidSchedule(analysis, schedule);
  const stOpts = { allocateIo, scratchBytes, splitPads: opts.stSplitPads ?? true, fuseConvPool: opts.stFuseConvPool ?? true };
  // runPlanner's peakBytes is the planner's arena; the per-buffer report is not needed here.
  const planner = new StPlanner({ alignmentBytes });
  loadPlanner(computeLiveness(analysis, opts.schedule ? schedule : stExecutionOrder(analysis, schedule), stOpts), planner);
  return planner.arenaBytes();
}

export function planMemory(analysis: Analysis, opts: MemoryOptions = {}): MemoryReport | undefined {
  if (analysis.layers.length === 0) return undefined;
  const allocateIo = opts.allocateIo ?? true;
  const alignmentBytes = Math.max(1, Math.floor(opts.alignmentBytes ?? 4));
  const scratchEngine = opts.scratchEngine ?? 'st';
  const scratchBytes = scratchFunction(scratchEngine);
  const schedule = opts.schedule ?? defaultSchedule(analysis);
  assertValidSchedule(analysis, schedule);

  const liveness = computeLiveness(analysis, schedule, { allocateIo, scratchBytes });
  const splitPads = opts.stSplitPads ?? true;
  const fuseConvPool = opts.stFuseConvPool ?? true;
  const stOpts = { allocateIo, scratchBytes, splitPads, fuseConvPool };
  // ST's own order (st-plan.ts stExecutionOrder) unless the caller fixed one.
  const stSchedule = opts.schedule ? schedule : stExecutionOrder(analysis, schedule);
  const stLiveness = splitPads || fuseConvPool || stSchedule.some((l, i) => l !== schedule[i]) ? computeLiveness(analysis, stSchedule, stOpts) : liveness;
  const st = runPlanner(analysis, stLiveness, new StPlanner({ alignmentBytes }), alignmentBytes);
  const greedy = runPlanner(analysis, liveness, new GreedyBySizePlanner({ alignmentBytes }), alignmentBytes);
  const linear = runPlanner(analysis, liveness, new LinearFirstFitPlanner({ alignmentBytes }), alignmentBytes);

  const layerLimit = opts.searchLayerLimit ?? SEARCH_LAYER_LIMIT;
  let best: PlannerReport;
  if (analysis.layers.length > layerLimit) {
    best = {
      ...st,
      strategy: `st on the model's own order (re-ordering search skipped: ${analysis.layers.length} layers > ${layerLimit})`,
      schedule: stSchedule.map((i) => analysis.layers[i]!.name),
      exact: false,
      searchSkipped: true,
    };
  } else {
    const search = searchBestSchedule(analysis, { allocateIo, scratchBytes, stateLimit: opts.searchStateLimit ?? 200 });
    const bestLiveness = computeLiveness(analysis, search.schedule, { allocateIo, scratchBytes });
    const bestStLiveness = splitPads || fuseConvPool ? computeLiveness(analysis, search.schedule, stOpts) : bestLiveness;
    const candidates = [
      runPlanner(analysis, bestStLiveness, new StPlanner({ alignmentBytes }), alignmentBytes),
      runPlanner(analysis, bestLiveness, new GreedyBySizePlanner({ alignmentBytes }), alignmentBytes),
      st,
    ];
    const bestPlan = candidates.reduce((a, b) => (b.peakBytes < a.peakBytes ? b : a));
    best = {
      ...bestPlan,
      strategy: `${bestPlan.strategy} on ${bestPlan === st ? "the model's own order" : 'the searched order'}`,
      schedule: (bestPlan === st ? stSchedule : search.schedule).map((i) => analysis.layers[i]!.name),
      exact: search.exact,
    };
  }
  return {
    planners: { st, greedy, linear, best },
    // With no conv + pool pair to fuse, that liveness is `liveness` itself (same options otherwise).
    lowerBoundBytes: livenessLowerBoundBytes(
      fuseConvPool && fusedConvPoolPairs(analysis, schedule).fusedPoolOf.size > 0 ? computeLiveness(analysis, schedule, { allocateIo, scratchBytes, fuseConvPool }) : liveness,
    ),
    scratchEngine,
    allocateIo,
    stSplitPads: splitPads,
    stFuseConvPool: fuseConvPool,
  };
}
