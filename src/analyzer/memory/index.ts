/**
 * Activation memory planning (issue 6): liveness over a schedule, three planners behind one interface, the
 * best schedule a re-ordering search finds, and the lower bound max-over-steps(resident bytes).
 * docs/memory.md explains every rule and its evidence.
 */
import type { ActivationTensor, Analysis, Layer } from '../layer.ts';
import { LAYER_OPS } from '../layer-ops.ts';
import { searchBestSchedule } from './best-schedule.ts';
import { GreedyBySizePlanner } from './greedy-by-size.ts';
import { LinearFirstFitPlanner } from './linear-first-fit.ts';
import { assembleLiveness, checkSkeletonLiveBuffers, computeLiveness, fusedConvPoolPairs, livenessLowerBoundBytes, livenessSkeleton, type FuseConvPoolRule, type Liveness, type LivenessSkeleton } from './liveness.ts';
import { defaultSchedule, assertValidSchedule } from './schedule.ts';
import type { ScratchEngineName } from './scratch-rules.ts';
import { StPlanner, stExecutionOrder } from './st-plan.ts';
import type { MemoryPlanner, PlacedBuffer } from './types.ts';

export type { PlacedBuffer, LiveBuffer, MemoryPlanner, OverlapRule, BufferKind } from './types.ts';
export { assembleLiveness, computeLiveness, livenessLowerBoundBytes, livenessSkeleton, type LivenessSkeleton } from './liveness.ts';
export { searchBestSchedule, schedulePeakBytes } from './best-schedule.ts';
export { GreedyBySizePlanner } from './greedy-by-size.ts';
export { LinearFirstFitPlanner } from './linear-first-fit.ts';
export { StPlanner } from './st-plan.ts';
export { cmsisNnScratchBytes, kernelScratchBytes } from './scratch-rules.ts';
export { stScratchBytes } from './st-scratch-rules.ts';

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
export function loadPlanner(liveness: Liveness, planner: MemoryPlanner): number[] {
  const buffers = liveness.buffers;
  const ids = new Array<number>(buffers.length);
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i]!;
    ids[i] = planner.addBuffer(b.sizeBytes, b.firstStep, b.lastStep);
  }
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
    for (let i = 0; i < buffers.length; i++) if (buffers[i]!.kind === 'scratch') planner.markScratch(ids[i]!);
    for (let i = 0; i < buffers.length; i++) {
      const after = buffers[i]!.placeAfter;
      if (after !== undefined) planner.placeAfter(ids[i]!, ids[after]!);
    }
  }
  return ids;
}

/**
 * Per-analysis memo of the work that does not depend on the scratch engine, for the model's own order: the
 * schedule check, the liveness skeletons (per allocateIo / splitPads / fuseConvPool) and the st pool sizes
 * `planStPeakBytes` computed. `analyze` plans once and each target's scratch engine plans again: they share the
 * graph walk. An Analysis is not modified after analysis (only `totals.activationPeakBytes` is filled in, which
 * planning does not read); the memo is dropped when its layer or tensor list is replaced.
 */
interface PlanningMemo {
  layers: readonly Layer[];
  tensors: readonly ActivationTensor[];
  layerCount: number;
  tensorCount: number;
  scheduleChecked: boolean;
  skeletons: Map<string, LivenessSkeleton>;
  /** Whether a schedule has conv + pool pairs to fuse (skeletonFor), by view key and order. */
  fusesConvPool: Map<string, boolean>;
  /**
   * Pool sizes, one map for every plan: the st plan's (planMemory / planStPeakBytes, `stPeakKey`) and other plans'
   * (memoisedPeakBytes: st4x-plan.ts's lite pool) by their caller's key (undefined: that plan has no pool).
   */
  peakBytes: Map<string, Memoised<number | undefined>>;
  /** Livenesses other plans assemble (memoisedLiveness: st4x-plan.ts's lite liveness), by their caller's key. */
  livenesses: Map<string, Memoised<Liveness>>;
  /** ST's execution order on the model's own schedule (stScheduleFor), and whether it moved a layer. */
  stSchedule?: number[];
  stScheduleMoved?: boolean;
}

const MEMO = new WeakMap<Analysis, PlanningMemo>();

/**
 * A memoised result and the skeletons it was planned from. The live-buffer cap (live-buffer-cap.ts) is checked when a
 * skeleton is built; the cap in force may be lower when the result is reused (a model planned under a raised
 * --max-live-buffers, then under the default), so each reuse checks those skeletons again and refuses as a fresh
 * analysis would.
 */
interface Memoised<T> {
  value: T;
  uses: SkeletonUse[];
}

/** A skeleton and the analysis (or lite view) it was built on, whose layer names the refusal gives. */
interface SkeletonUse {
  skeleton: LivenessSkeleton;
  planned: Analysis;
}

/** The skeleton uses of each memoised computation now running (innermost last); planning is synchronous. */
const recording: SkeletonUse[][] = [];

/** Checks `uses` against the cap in force and records them for every memoised computation running. */
function useSkeletons(uses: readonly SkeletonUse[]): void {
  for (const u of uses) checkSkeletonLiveBuffers(u.skeleton, u.planned);
  for (const frame of recording) for (const u of uses) frame.push(u);
}

/** Runs `compute`, returning its value and the skeletons it used (skeletonFor, reused memo entries). */
function recordUses<T>(compute: () => T): Memoised<T> {
  const uses: SkeletonUse[] = [];
  recording.push(uses);
  try {
    return { value: compute(), uses };
  } finally {
    recording.pop();
  }
}

/** A memo entry's value after checking its skeletons against the cap in force (useSkeletons); undefined when absent. */
function reuse<T>(entry: Memoised<T> | undefined): Memoised<T> | undefined {
  if (entry) useSkeletons(entry.uses);
  return entry;
}

function memoFor(analysis: Analysis): PlanningMemo {
  let m = MEMO.get(analysis);
  if (!m || m.layers !== analysis.layers || m.tensors !== analysis.tensors || m.layerCount !== analysis.layers.length || m.tensorCount !== analysis.tensors.length) {
    m = {
      layers: analysis.layers,
      tensors: analysis.tensors,
      layerCount: analysis.layers.length,
      tensorCount: analysis.tensors.length,
      scheduleChecked: false,
      skeletons: new Map(),
      fusesConvPool: new Map(),
      peakBytes: new Map(),
      livenesses: new Map(),
    };
    MEMO.set(analysis, m);
  }
  return m;
}

/** The schedule to plan: the caller's (checked each time) or the model's own order (checked once per analysis). */
function checkedSchedule(analysis: Analysis, schedule: number[] | undefined, memo: PlanningMemo | undefined): number[] {
  if (schedule) {
    assertValidSchedule(analysis, schedule);
    return schedule;
  }
  const own = defaultSchedule(analysis);
  if (!memo?.scheduleChecked) {
    assertValidSchedule(analysis, own);
    if (memo) memo.scheduleChecked = true;
  }
  return own;
}

interface SkeletonOptions {
  allocateIo: boolean;
  splitPads?: boolean;
  fuseConvPool?: FuseConvPoolRule;
}

/**
 * `stOrder`: the schedule is ST's execution order (stExecutionOrder), not the model's own; memoised apart. With no
 * conv + pool pair to fuse on the schedule, fuseConvPool changes nothing in the skeleton (livenessSkeleton): the
 * fused and unfused requests share one skeleton then (the 8.1 st plan and the lite plan of st4x-plan.ts, which
 * fuses its own pairs, 'lite'). `view`: the skeleton of another reading of the same graph (st4x-plan.ts's lite view), memoised on
 * `analysis` under its own key.
 */
function skeletonFor(
  analysis: Analysis,
  schedule: number[],
  memo: PlanningMemo | undefined,
  opts: SkeletonOptions,
  stOrder = false,
  view?: { analysis: Analysis; key: string },
): LivenessSkeleton {
  const planned = view?.analysis ?? analysis;
  if (!memo) {
    const built = livenessSkeleton(planned, schedule, opts);
    useSkeletons([{ skeleton: built, planned }]);
    return built;
  }
  let fuse: FuseConvPoolRule = opts.fuseConvPool ?? false;
  if (fuse) {
    const pairsKey = `${view?.key ?? ''}|${stOrder}|${fuse}`;
    let any = memo.fusesConvPool.get(pairsKey);
    if (any === undefined) memo.fusesConvPool.set(pairsKey, (any = fusedConvPoolPairs(planned, schedule, fuse).fusedPoolOf.size > 0));
    if (!any) fuse = false;
  }
  const key = `${view ? `${view.key}|` : ''}${opts.allocateIo}|${!!opts.splitPads}|${fuse}|${stOrder}`;
  let sk = memo.skeletons.get(key);
  if (!sk) memo.skeletons.set(key, (sk = livenessSkeleton(planned, schedule, { ...opts, fuseConvPool: fuse })));
  useSkeletons([{ skeleton: sk, planned }]);
  return sk;
}

/**
 * The liveness skeleton on `opts.schedule` (checked and walked each time) or on the model's own order (checked once
 * and memoised per analysis): what st4x-plan.ts's lite plan assembles its liveness from. `view` as in skeletonFor.
 */
export function skeletonOnSchedule(
  analysis: Analysis,
  opts: { allocateIo: boolean; splitPads: boolean; fuseConvPool: FuseConvPoolRule; schedule?: number[] },
  view?: { analysis: Analysis; key: string },
): LivenessSkeleton {
  const memo = opts.schedule ? undefined : memoFor(analysis);
  const schedule = checkedSchedule(analysis, opts.schedule, memo);
  return skeletonFor(analysis, schedule, memo, opts, false, view);
}

/** A pool size memoised per analysis under `key` (on the model's own order only; `compute` may throw: not kept). */
export function memoisedPeakBytes(analysis: Analysis, key: string, compute: () => number | undefined, schedule?: number[]): number | undefined {
  return schedule ? compute() : memoised(memoFor(analysis).peakBytes, key, compute);
}

/**
 * A liveness memoised per analysis under `key` (on the model's own order only; `compute` may throw: not kept). The
 * callers share it: it is read, never modified (a planner copies what it loads; a subset is a new liveness).
 */
export function memoisedLiveness(analysis: Analysis, key: string, compute: () => Liveness, schedule?: number[]): Liveness {
  return schedule ? compute() : memoised(memoFor(analysis).livenesses, key, compute);
}

function memoised<T>(table: Map<string, Memoised<T>>, key: string, compute: () => T): T {
  const known = reuse(table.get(key));
  if (known) return known.value;
  const entry = recordUses(compute);
  table.set(key, entry);
  return entry.value;
}

/**
 * The order the st plan runs: ST's execution order (st-plan.ts stExecutionOrder: layers that depend on no graph
 * input first) unless the caller fixed a schedule. The same array as `schedule` when nothing moves, so callers
 * can test identity; memoised per analysis on the model's own order.
 */
function stScheduleFor(analysis: Analysis, schedule: number[], callerFixed: boolean, memo: PlanningMemo | undefined): number[] {
  if (callerFixed) return schedule;
  // (each call has its own array of the model's order: "nothing moved" is memoised, not the array, so the
  // identity test holds on every call and the skeletons keyed by it are shared)
  if (memo?.stSchedule) return memo.stScheduleMoved ? memo.stSchedule : schedule;
  const order = stExecutionOrder(analysis, schedule);
  const moved = !(order.length === schedule.length && order.every((l, i) => l === schedule[i]));
  if (memo) {
    memo.stSchedule = order;
    memo.stScheduleMoved = moved;
  }
  return moved ? order : schedule;
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
  const topAt = new Float64Array(steps);
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i]!;
    const end = b.offsetBytes + b.sizeBytes;
    for (let s = b.firstStep; s <= b.lastStep; s++) if (end > topAt[s]!) topAt[s] = end;
  }
  for (let s = 0; s < steps; s++) {
    if (topAt[s]! > bestTop) {
      bestTop = topAt[s]!;
      peakStep = s;
    }
  }
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
 * `planMemory(...).planners.st.peakBytes` without the other planners and the re-ordering search. On the model's
 * own order the graph walk is shared with `planMemory` and the other engines, and the result is memoised.
 */
/** The memo key of an st pool size: planMemory stores it, planStPeakBytes reads it. */
function stPeakKey(scratchEngine: string, allocateIo: boolean, alignmentBytes: number, splitPads: boolean, fuseConvPool: boolean): string {
  return `st|${scratchEngine}|${allocateIo}|${alignmentBytes}|${splitPads}|${fuseConvPool}`;
}

export function planStPeakBytes(analysis: Analysis, opts: MemoryOptions = {}): number | undefined {
  if (analysis.layers.length === 0) return undefined;
  const allocateIo = opts.allocateIo ?? true;
  const alignmentBytes = Math.max(1, Math.floor(opts.alignmentBytes ?? 4));
  const scratchEngine = opts.scratchEngine ?? 'st';
  const splitPads = opts.stSplitPads ?? true;
  const fuseConvPool = opts.stFuseConvPool ?? true;
  const memo = opts.schedule ? undefined : memoFor(analysis);
  const key = stPeakKey(scratchEngine, allocateIo, alignmentBytes, splitPads, fuseConvPool);
  const known = reuse(memo?.peakBytes.get(key));
  if (known && known.value !== undefined) return known.value;
  const planned = recordUses(() => {
    const schedule = checkedSchedule(analysis, opts.schedule, memo);
    const stSchedule = stScheduleFor(analysis, schedule, opts.schedule !== undefined, memo);
    const skeleton = skeletonFor(analysis, stSchedule, memo, { allocateIo, splitPads, fuseConvPool }, stSchedule !== schedule);
    // runPlanner's peakBytes is the planner's arena; the per-buffer report is not needed here.
    const planner = new StPlanner({ alignmentBytes });
    loadPlanner(assembleLiveness(skeleton, analysis, scratchFunction(scratchEngine)), planner);
    return planner.arenaBytes();
  });
  memo?.peakBytes.set(key, planned);
  return planned.value;
}

export function planMemory(analysis: Analysis, opts: MemoryOptions = {}): MemoryReport | undefined {
  if (analysis.layers.length === 0) return undefined;
  const allocateIo = opts.allocateIo ?? true;
  const alignmentBytes = Math.max(1, Math.floor(opts.alignmentBytes ?? 4));
  const scratchEngine = opts.scratchEngine ?? 'st';
  const scratchBytes = scratchFunction(scratchEngine);
  const memo = opts.schedule ? undefined : memoFor(analysis);
  const schedule = checkedSchedule(analysis, opts.schedule, memo);

  const liveness = assembleLiveness(skeletonFor(analysis, schedule, memo, { allocateIo }), analysis, scratchBytes);
  const splitPads = opts.stSplitPads ?? true;
  const fuseConvPool = opts.stFuseConvPool ?? true;
  const stOpts = { allocateIo, scratchBytes, splitPads, fuseConvPool };
  // ST's own order (st-plan.ts stExecutionOrder) unless the caller fixed one.
  const stSchedule = stScheduleFor(analysis, schedule, opts.schedule !== undefined, memo);
  const reordered = stSchedule !== schedule;
  const stSkeleton = splitPads || fuseConvPool || reordered ? skeletonFor(analysis, stSchedule, memo, { allocateIo, splitPads, fuseConvPool }, reordered) : undefined;
  const stLiveness = stSkeleton ? assembleLiveness(stSkeleton, analysis, scratchBytes) : liveness;
  const st = runPlanner(analysis, stLiveness, new StPlanner({ alignmentBytes }), alignmentBytes);
  if (memo) {
    const stPlanned = stSkeleton ?? skeletonFor(analysis, schedule, memo, { allocateIo });
    memo.peakBytes.set(stPeakKey(scratchEngine, allocateIo, alignmentBytes, splitPads, fuseConvPool), { value: st.peakBytes, uses: [{ skeleton: stPlanned, planned: analysis }] });
  }
  const greedy = runPlanner(analysis, liveness, new GreedyBySizePlanner({ alignmentBytes }), alignmentBytes);
  const linear = runPlanner(analysis, liveness, new LinearFirstFitPlanner({ alignmentBytes }), alignmentBytes);

  const layerLimit = opts.searchLayerLimit ?? SEARCH_LAYER_LIMIT;
  // the st plan runs ST's execution order when that moved a layer (stScheduleFor), the model's own order otherwise
  const stOrderName = stSchedule === schedule ? "the model's own order" : "ST's execution order";
  let best: PlannerReport;
  if (analysis.layers.length > layerLimit) {
    best = {
      ...st,
      strategy: `st on ${stOrderName} (re-ordering search skipped: ${analysis.layers.length} layers > ${layerLimit})`,
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
      strategy: `${bestPlan.strategy} on ${bestPlan === st ? stOrderName : 'the searched order'}`,
      schedule: (bestPlan === st ? stSchedule : search.schedule).map((i) => analysis.layers[i]!.name),
      exact: search.exact,
    };
  }
  // With no conv + pool pair to fuse, that liveness is `liveness` itself (same options otherwise); the st
  // skeleton (fuseConvPool on) found the pairs on this schedule already.
  const fusedPairs = fuseConvPool ? stSkeleton!.fusedPairCount : 0; // stSkeleton is built whenever fuseConvPool is on
  return {
    planners: { st, greedy, linear, best },
    lowerBoundBytes: livenessLowerBoundBytes(
      fusedPairs > 0 ? assembleLiveness(skeletonFor(analysis, schedule, memo, { allocateIo, fuseConvPool }), analysis, scratchBytes) : liveness,
    ),
    scratchEngine,
    allocateIo,
    stSplitPads: splitPads,
    stFuseConvPool: fuseConvPool,
  };
}
