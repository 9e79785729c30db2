/**
 * The "st" strategy: our reconstruction of how ST Edge AI / X-CUBE-AI lays out its activation pool, checked
 * against ST's published activation RAM (test/memory-vs-published.test.ts, docs/memory.md).
 *
 * What is known (../shared/st-toolchain-facts.md §2) and what this planner does:
 * - One pool; inputs/outputs inside it when "allocate inputs/outputs" is on (the caller decides which buffers
 *   are added); scratch buffers inside it (`conv2d_scratch0 … activations/**default**`).
 * - A layer's output may overlap the input it consumes last, at the relative offsets overlap-rules.ts allows
 *   (generated network.c offsets show conv/depthwise outputs below and overlapping their inputs, a Pad output
 *   ending where its input ends, a conversion in place).
 * - Buffers are placed in execution order (patent US 12,462,149: "placed by execution order"), activations
 *   before the step's scratch (scratch "in the free area"). Each goes to the aligned position, among the edges
 *   of the live buffers and the overlap-preferred offsets, that grows the pool's extent least; the pool may
 *   grow downwards (negative offsets) and is shifted to start at 0 at the end. A chain of overlapping
 *   layers therefore stacks downwards as in the generated code (input highest, deepest layer at offset 0).
 * Offsets are 4-byte aligned by default (an observed `conv2d_4_output` offset 7,460 = align4(7,457)).
 */
import { conflictGraphOf, lowerBound, PlannerBase, upperBound, type PlannedBuffer } from './planner-base.ts';
import { residentBytesPerStep } from './resident-bytes.ts';
import type { Analysis } from '../layer.ts';
import type { OverlapRule } from './types.ts';

export class StPlanner extends PlannerBase {
  readonly name = 'st';
  /** Overlap rules in the order added (a later rule for the same pair replaces an earlier one: conflictGraph). */
  private readonly rules: OverlapRule[] = [];
  private readonly scratchIds = new Set<number>();
  private readonly anchors = new Map<number, number>();

  addOverlapRule(rule: OverlapRule): void {
    this.rules.push(rule);
    this.invalidate();
  }

  /** Marks a buffer as a kernel scratch buffer (placed after the step's activations). */
  markScratch(id: number): void {
    this.scratchIds.add(id);
    this.invalidate();
  }

  /**
   * Places buffer `id` directly after the end of buffer `anchorId` (aligned) whenever that spot is free when `id`
   * is placed (overlap-rules.ts `stScratchFollowsInput`: ST's RGB-conv scratch after its input); otherwise as any
   * buffer. Every placement sequence places a scratch after the activations of its step, so the anchor is placed.
   */
  placeAfter(id: number, anchorId: number): void {
    this.anchors.set(id, anchorId);
    this.invalidate();
  }

  /**
   * Placement sequences tried; the smallest pool wins (patent US 11,609,851: sequences minimising the area).
   * 'outward' starts at the most crowded step and moves away from it step by step: with forward-only overlaps
   * (overlap-rules.ts forwardOnly) each producer's output then lands above the consumer output placed before it,
   * which finds the tight MobileNet v1 layouts that the other three orders miss (0.25 at 224: 211,952 → 206,096 B).
   */
  static readonly SEQUENCES = ['execution', 'size', 'reverse', 'outward'] as const;
  /** The sequences this planner tries (default all; st4x-plan.ts leaves 'outward', an 8.1.0 fit, out of the lite pool). */
  sequences: readonly (typeof StPlanner.SEQUENCES)[number][] = StPlanner.SEQUENCES;

  protected computeOffsets(): number[] {
    const graph = this.conflictGraph();
    const scratch = this.scratchMask();
    const keyed = this.sequenceKeys(scratch);
    let best: { offsets: number[]; extent: number; rank: number } | undefined;
    for (const rank of triedOrder(this.sequences)) {
      const seq = this.sequences[rank]!;
      // The first smallest pool (in `sequences` order) wins, so a sequence is abandoned as soon as its pool (which
      // only grows as buffers are placed) passes the best one's size, or reaches it when the best one comes first
      // in `sequences`. The sequence that won the previous plan is tried first (triedOrder), so the others stop
      // early; the winner is the same as in `sequences` order. The packed-key sort covers the three classic
      // orders; 'outward' sorts by its own comparator.
      const r = this.place(keyed && seq !== 'outward' ? keyed(seq) : this.sequence(seq, scratch), graph, best?.extent ?? Infinity, best !== undefined && rank < best.rank);
      if (r) best = { ...r, rank };
    }
    lastWinner = this.sequences[best!.rank]!;
    return best!.offsets;
  }

  /**
   * Whether the pool `arenaBytes` would give is at most `limitBytes`, without planning it: true as soon as one placement
   * sequence ends within the limit (the pool is the smallest sequence's), each sequence abandoned as soon as its pool
   * passes the limit. The same answer as `arenaBytes() <= limitBytes` (test/targets-pools-placement.test.ts) for a
   * fraction of the work when it is yes: the sequence that fitted last is tried first, and the others are not placed.
   * Used by the memory-pool placement (targets/activation-peak.ts), which asks only whether buffers fit a pool.
   */
  fitsWithin(limitBytes: number): boolean {
    // a pool is never below 0 bytes (an empty or all-empty set is 0, which `place` does not check against the limit)
    if (!(limitBytes >= 0)) return false;
    const graph = this.conflictGraph();
    const scratch = this.scratchMask();
    const keyed = this.sequenceKeys(scratch);
    const first = this.sequences.indexOf(lastFitter);
    const tried = first < 0 ? this.sequences.map((_, i) => i) : [first, ...this.sequences.map((_, i) => i).filter((i) => i !== first)];
    for (const rank of tried) {
      const seq = this.sequences[rank]!;
      if (this.place(keyed && seq !== 'outward' ? keyed(seq) : this.sequence(seq, scratch), graph, limitBytes, true)) {
        lastFitter = seq;
        return true;
      }
    }
    return false;
  }

  /**
   * What the planner places from, as loaded (loadPlanner): buffers (ids = positions), overlap rules in the order added,
   * scratch marks, anchors and alignment. For a fit test over a growing subset (st-plan-incremental.ts); read-only.
   */
  placementInputs(): { buffers: readonly PlannedBuffer[]; rules: readonly OverlapRule[]; scratchIds: ReadonlySet<number>; anchors: ReadonlyMap<number, number>; alignment: number } {
    return { buffers: this.buffers, rules: this.rules, scratchIds: this.scratchIds, anchors: this.anchors, alignment: this.alignment };
  }

  /** 1 for the buffers marked as scratch (placed after their step's activations), by id. */
  private scratchMask(): Uint8Array {
    const mask = new Uint8Array(this.buffers.length);
    for (const id of this.scratchIds) if (id < mask.length) mask[id] = 1;
    return mask;
  }

  /**
   * The three sequences of `sequence` by one native numeric sort each: every buffer's sort key packed into one
   * integer (steps, scratch mark, rank of its size among the distinct sizes, id), exact below 2^53; undefined
   * (use `sequence`) when the steps are not small non-negative integers or the packed key would not be exact.
   */
  private sequenceKeys(scratch: Uint8Array): ((kind: Exclude<(typeof StPlanner.SEQUENCES)[number], 'outward'>) => LazyOrder) | undefined {
    const bufs = this.buffers;
    const n = bufs.length;
    if (n === 0) return undefined;
    let maxFirst = 0;
    let maxLast = 0;
    for (let i = 0; i < n; i++) {
      const b = bufs[i]!;
      if (b.id !== i || !Number.isSafeInteger(b.firstStep) || !Number.isSafeInteger(b.lastStep) || b.firstStep < 0 || b.lastStep < 0) return undefined;
      if (b.firstStep > maxFirst) maxFirst = b.firstStep;
      if (b.lastStep > maxLast) maxLast = b.lastStep;
    }
    // rank of each size among the distinct sizes, largest first (0)
    const sizes = new Float64Array(n);
    for (let i = 0; i < n; i++) sizes[i] = bufs[i]!.sizeBytes;
    sizes.sort();
    let distinct = 0;
    for (let i = 0; i < n; i++) if (i === 0 || sizes[i] !== sizes[distinct - 1]) sizes[distinct++] = sizes[i]!;
    const rank = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rank[i] = distinct - 1 - lowerBound(sizes, distinct, bufs[i]!.sizeBytes);
    }
    const steps = Math.max(maxFirst, maxLast) + 1;
    if (2 * steps * distinct * n >= Number.MAX_SAFE_INTEGER) return undefined;
    // (one key array: each sequence is consumed by `place` before the next one is made)
    const keys = new Float64Array(n);
    return (kind) => {
      for (let i = 0; i < n; i++) {
        const b = bufs[i]!;
        const sc = scratch[i]!;
        const primary = kind === 'execution' ? b.firstStep * 2 + sc : kind === 'reverse' ? (maxLast - b.lastStep) * 2 + sc : (sc * distinct + rank[i]!) * steps + b.firstStep;
        keys[i] = kind === 'size' ? primary * n + i : (primary * distinct + rank[i]!) * n + i;
      }
      return new LazyOrder(bufs, (i, j) => keys[i]! < keys[j]!, (rest) => {
        const k = Float64Array.from(rest, (i) => keys[i]!).sort();
        const out = new Array<PlannedBuffer>(k.length);
        for (let i = 0; i < k.length; i++) out[i] = bufs[k[i]! % n]!;
        return out;
      });
    };
  }

  /** Conflict lists in flat arrays, each conflict with its overlap rule (if any), shared by the sequences. */
  private conflictGraph(): ConflictGraph {
    return conflictGraphWithRules(this.buffers, this.rules);
  }

  private sequence(kind: (typeof StPlanner.SEQUENCES)[number], scratch: Uint8Array): LazyOrder {
    return LazyOrder.byComparator(this.buffers, sequenceComparator(this.buffers, kind, scratch));
  }

  /**
   * Places buffers in the given sequence, each at the aligned candidate (edges of conflicting live buffers,
   * overlap-preferred offsets, the pool's current ends) that grows the pool's extent least; ties go to an
   * overlap-preferred offset, then to the offset nearest the pool's bottom. Returns offsets shifted to ≥ 0, or
   * undefined as soon as the pool's extent (it only grows as buffers are placed) reaches `abandonAtBytes` (passes it
   * when `keepEqual`: a pool of that size still wins).
   *
   * Per buffer: `gatherCandidates` collects the candidates and the forbidden open intervals, `pickFew` checks the
   * best few candidates one by one, and only when they are all blocked `pickSorted` sorts the candidates and marks
   * the blocked ones through a difference array over candidate ranks (binary search): O(k log k) for k
   * conflicting buffers, with no per-buffer allocation.
   */
  private place(order: LazyOrder, graph: ConflictGraph, abandonAtBytes: number, keepEqual = false): { offsets: number[]; extent: number } | undefined {
    const n = this.buffers.length;
    const al = this.alignment;
    const ws = workspaceFor(graph.maxConflicts);
    const offsets = new Array<number>(n).fill(0);
    const isPlaced = new Uint8Array(n);
    const pool: PoolExtent = { bottom: 0, top: 0 };
    let placedAny = false;
    for (let x = order.next(); x !== undefined; x = order.next()) {
      const xSize = x.sizeBytes;
      if (xSize === 0) continue;
      const xId = x.id;
      const chosen = placedAny ? chooseOffset(ws, xId, xSize, graph, offsets, isPlaced, pool, al, this.anchors.get(xId)) : 0;
      placedAny = true;
      offsets[xId] = chosen;
      isPlaced[xId] = 1;
      if (chosen < pool.bottom) pool.bottom = chosen;
      if (chosen + xSize > pool.top) pool.top = chosen + xSize;
      const extent = pool.top - alignDown(pool.bottom, al);
      if (extent > abandonAtBytes || (extent === abandonAtBytes && !keepEqual)) return undefined;
    }
    const floorBottom = alignDown(pool.bottom, al);
    const shift = -floorBottom;
    for (let i = 0; i < n; i++) offsets[i] = offsets[i]! + shift;
    return { offsets, extent: pool.top - floorBottom };
  }
}

/**
 * Conflict lists of `buffers` (ids = positions) in flat arrays, each conflict with its overlap rule: each rule goes to
 * the conflict slot of its pair on both sides (pairs that never live together have none), in the order given, so the
 * last rule of a pair wins, as in a map keyed by the pair.
 */
export function conflictGraphWithRules(buffers: readonly PlannedBuffer[], rules: readonly OverlapRule[]): ConflictGraph {
  const { start, other, maxConflicts } = conflictGraphOf(buffers);
  const n = buffers.length;
  const rule: (OverlapRule | undefined)[] = new Array(other.length).fill(undefined);
  for (let r = 0; r < rules.length; r++) {
    const x = rules[r]!;
    setRuleAt(rule, start, other, n, x.outputId, x.inputId, x);
    setRuleAt(rule, start, other, n, x.inputId, x.outputId, x);
  }
  const sizeBytes = new Float64Array(n);
  for (const b of buffers) sizeBytes[b.id] = b.sizeBytes;
  return { start, other, rule, sizeBytes, maxConflicts };
}

/** The order of a placement sequence over `bufs` (a total order: ids break every tie); `scratch` marks scratch buffers by id. */
export function sequenceComparator(bufs: readonly PlannedBuffer[], kind: (typeof StPlanner.SEQUENCES)[number], scratch: Uint8Array): (a: PlannedBuffer, b: PlannedBuffer) => number {
  switch (kind) {
    case 'execution':
      return (a, b) => a.firstStep - b.firstStep || scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id;
    case 'reverse':
      return (a, b) => b.lastStep - a.lastStep || scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id;
    case 'size':
      return (a, b) => scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.firstStep - b.firstStep || a.id - b.id;
    case 'outward': {
      // From the most crowded step outwards, so that each buffer is placed after the consumer it may overlap and
      // lands just above it: a chain of forward overlaps then descends from the peak instead of towards it.
      const pressure = maxLivePressure(bufs);
      let peak = 0;
      let peakBytes = -1;
      for (const b of bufs) {
        if (pressure[b.id]! > peakBytes) {
          peakBytes = pressure[b.id]!;
          peak = b.firstStep;
        }
      }
      const dist = (b: PlannedBuffer) => (b.lastStep < peak ? peak - b.lastStep : b.firstStep > peak ? b.firstStep - peak : 0);
      return (a, b) => scratch[a.id]! - scratch[b.id]! || dist(a) - dist(b) || pressure[b.id]! - pressure[a.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id;
    }
  }
}

/**
 * The order `computeOffsets` tries its sequences in, as indices into `sequences`: the sequence that won the previous
 * plan first (the plans of one model for several scratch engines and tools mostly share their winner; 'size' before
 * any plan, the winner on the generated 500- and 1,000-layer graphs), then the others in their order. Only the time
 * depends on it: the winner is the first smallest pool in `sequences` order whatever the order tried.
 */
function triedOrder(sequences: readonly string[]): number[] {
  const first = sequences.indexOf(lastWinner);
  const rest = sequences.map((_, i) => i).filter((i) => i !== first);
  return first < 0 ? rest : [first, ...rest];
}

/** The sequence that won the last st plan (triedOrder). */
let lastWinner: string = 'size';
/** The sequence that fitted in the last `fitsWithin` that said yes (tried first by the next; only the time depends on it). */
let lastFitter: (typeof StPlanner.SEQUENCES)[number] = 'size';

/**
 * The buffers of a placement sequence in its order, made as `place` consumes them: the first LAZY_ORDER_PICKS from a
 * binary heap (O(n) to build, O(log n) a buffer), the rest by one sort of what remains. A sequence abandoned after a
 * few buffers (the usual loser) then costs no full sort; the order is the sorted one (every order is total).
 */
class LazyOrder {
  private readonly heap: Int32Array;
  private size: number;
  private rest: PlannedBuffer[] | undefined;
  private restAt = 0;

  /** `less(i, j)`: item i comes before item j; `sortRest`: the given items (indices) in order. */
  constructor(
    private readonly items: readonly PlannedBuffer[],
    private readonly less: (i: number, j: number) => boolean,
    private readonly sortRest: (indices: Int32Array) => PlannedBuffer[],
  ) {
    const n = items.length;
    this.heap = new Int32Array(n);
    for (let i = 0; i < n; i++) this.heap[i] = i;
    this.size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  static byComparator(items: readonly PlannedBuffer[], cmp: (a: PlannedBuffer, b: PlannedBuffer) => number): LazyOrder {
    return new LazyOrder(items, (i, j) => cmp(items[i]!, items[j]!) < 0, (rest) => Array.from(rest, (i) => items[i]!).sort(cmp));
  }

  next(): PlannedBuffer | undefined {
    if (this.rest) return this.rest[this.restAt++];
    if (this.items.length - this.size >= LAZY_ORDER_PICKS) {
      this.rest = this.sortRest(this.heap.subarray(0, this.size));
      return this.rest[this.restAt++];
    }
    if (this.size === 0) return undefined;
    const heap = this.heap;
    const top = heap[0]!;
    heap[0] = heap[--this.size]!;
    this.siftDown(0);
    return this.items[top];
  }

  private siftDown(at: number): void {
    const heap = this.heap;
    const n = this.size;
    const v = heap[at]!;
    for (;;) {
      let c = 2 * at + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(heap[c + 1]!, heap[c]!)) c++;
      if (!this.less(heap[c]!, v)) break;
      heap[at] = heap[c]!;
      at = c;
    }
    heap[at] = v;
  }
}

/** Buffers a sequence takes from its heap before sorting the rest (LazyOrder). */
const LAZY_ORDER_PICKS = 32;

/** The pool's current ends while buffers are placed (it may grow downwards: offsets below 0). */
export interface PoolExtent {
  bottom: number;
  top: number;
}

/**
 * Per-placement scratch arrays of `place`, sized for the longest conflict list: `cand[0 .. m)` candidate
 * offsets, `lo/hi[0 .. k)` the forbidden open intervals, `preferred[0 .. np)` the overlap-preferred offsets
 * (also among the candidates), and the per-candidate work arrays of `pickFew` / `pickSorted`.
 */
export interface Workspace {
  cand: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  preferred: Float64Array;
  blockedDiff: Int32Array;
  extentOf: Float64Array;
  prefOf: Uint8Array;
  tried: Uint8Array;
  m: number;
  k: number;
  np: number;
}

export function workspaceFor(maxConflicts: number): Workspace {
  const cap = 4 * maxConflicts + 8;
  return {
    cand: new Float64Array(cap),
    lo: new Float64Array(maxConflicts + 1),
    hi: new Float64Array(maxConflicts + 1),
    preferred: new Float64Array(2 * maxConflicts + 1),
    blockedDiff: new Int32Array(cap + 1),
    extentOf: new Float64Array(cap),
    prefOf: new Uint8Array(cap),
    tried: new Uint8Array(cap),
    m: 0,
    k: 0,
    np: 0,
  };
}

const alignDown = (v: number, al: number) => Math.floor(v / al) * al;
const alignUp = (v: number, al: number) => Math.ceil(v / al) * al;

/**
 * Fills `ws` for placing buffer `xId` (size xSize): the candidates (the pool's ends, below the pool, both edges
 * of every forbidden interval, the overlap-preferred offsets), the forbidden open intervals the placed
 * conflicting buffers impose (forbiddenInterval() inlined: no tuple per pair) and the preferred offsets.
 */
function gatherCandidates(ws: Workspace, xId: number, xSize: number, graph: ConflictGraph, offsets: number[], isPlaced: Uint8Array, pool: PoolExtent, al: number): void {
  const { cand, lo, hi, preferred } = ws;
  const { start, other, rule: ruleOf, sizeBytes } = graph;
  let m = 0;
  let k = 0;
  let np = 0;
  cand[m++] = alignDown(pool.bottom, al);
  cand[m++] = alignUp(pool.top, al);
  cand[m++] = alignDown(pool.bottom - xSize, al);
  for (let c = start[xId]!, end = start[xId + 1]!; c < end; c++) {
    const yId = other[c]!;
    if (!isPlaced[yId]) continue;
    const ySize = sizeBytes[yId]!;
    const rule = ruleOf[c];
    const yOff = offsets[yId]!;
    // x may not start in (fLo, fHi)
    let fLo = yOff - xSize;
    let fHi = yOff + ySize;
    if (rule) {
      const fw = rule.forwardDeltaBytes;
      const bw = rule.backwardDeltaBytes;
      if (rule.outputId === xId) {
        if (fw !== undefined) fLo = Math.max(fLo, yOff + fw);
        if (bw !== undefined) fHi = Math.min(fHi, yOff + bw);
      } else {
        if (fw !== undefined) fHi = Math.min(fHi, yOff - fw);
        if (bw !== undefined) fLo = Math.max(fLo, yOff - bw);
      }
    }
    if (ySize > 0 && fLo < fHi) {
      lo[k] = fLo;
      hi[k] = fHi;
      k++;
      cand[m++] = alignDown(fLo, al);
      cand[m++] = alignUp(fHi, al);
    }
    if (rule) {
      // the offsets at which x touches the bound of an allowed overlap with y
      const asOutput = rule.outputId === xId;
      const fw = rule.forwardDeltaBytes;
      const bw = rule.backwardDeltaBytes;
      if (fw !== undefined) preferred[np++] = asOutput ? alignDown(yOff + fw, al) : alignUp(yOff - fw, al);
      if (bw !== undefined) preferred[np++] = asOutput ? alignUp(yOff + bw, al) : alignDown(yOff - bw, al);
    }
  }
  for (let i = 0; i < np; i++) cand[m++] = preferred[i]!;
  ws.m = m;
  ws.k = k;
  ws.np = np;
}

/**
 * Where `place` puts buffer `xId` (size xSize > 0) when buffers are already placed: after its anchor (`placeAfter`)
 * when that spot is free, otherwise the best unblocked candidate (pickFew, then pickSorted). A function of the placed
 * buffers that conflict with x (offsets, sizes, rules), the anchor's offset and the pool's ends only: what the
 * incremental pool (st-plan-incremental.ts) relies on to keep a placement that none of these changed.
 */
export function chooseOffset(ws: Workspace, xId: number, xSize: number, graph: ConflictGraph, offsets: number[], isPlaced: Uint8Array, pool: PoolExtent, al: number, anchor: number | undefined): number {
  gatherCandidates(ws, xId, xSize, graph, offsets, isPlaced, pool, al);
  if (anchor !== undefined && isPlaced[anchor]) {
    const c = alignUp(offsets[anchor]! + graph.sizeBytes[anchor]!, al);
    if (!insideAnyInterval(c, ws.lo, ws.hi, ws.k)) return c;
  }
  if (ws.m > LAZY_MIN_CANDIDATES) {
    const c = pickFew(ws, xSize, pool);
    if (c === c) return c;
  }
  return pickSorted(ws, xSize, pool, al);
}

/** 0 when `c` is an overlap-preferred offset, 1 otherwise (the tie-break rank after the extent). */
function notPreferred(ws: Workspace, c: number): number {
  const { preferred, np } = ws;
  for (let j = 0; j < np; j++) if (preferred[j] === c) return 0;
  return 1;
}

/**
 * The unblocked candidate of least (extent, not preferred, distance to the bottom, value, -0 before 0 as the
 * typed-array sort orders them), if it is among the LAZY_TRIES best candidates by that order; NaN otherwise.
 * Most placements find it there, each candidate checked against the k forbidden intervals, without a sort.
 * Only worth it for many candidates (random DAGs have ~90); real networks have about ten, which `pickSorted`
 * handles faster. Picks exactly what `pickSorted` would (the first candidate, in ascending order, of least
 * (extent, not preferred, distance)).
 */
function pickFew(ws: Workspace, xSize: number, pool: PoolExtent): number {
  const { cand, extentOf, prefOf, tried, m } = ws;
  const { bottom, top } = pool;
  for (let i = 0; i < m; i++) {
    const c = cand[i]!;
    extentOf[i] = Math.max(top, c + xSize) - Math.min(bottom, c);
    prefOf[i] = notPreferred(ws, c);
    tried[i] = 0;
  }
  for (let t = 0; t < LAZY_TRIES; t++) {
    let bi = -1;
    let bE = Infinity;
    let bP = 2;
    let bD = Infinity;
    let bC = Infinity;
    for (let i = 0; i < m; i++) {
      if (tried[i]) continue;
      const e = extentOf[i]!;
      if (e > bE) continue;
      const c = cand[i]!;
      const p = prefOf[i]!;
      const d = Math.abs(c - bottom);
      if (e < bE || p < bP || (p === bP && (d < bD || (d === bD && (c < bC || (c === 0 && bC === 0 && 1 / c < 0 && 1 / bC > 0)))))) {
        bi = i;
        bE = e;
        bP = p;
        bD = d;
        bC = c;
      }
    }
    if (bi < 0) break;
    if (!insideAnyInterval(bC, ws.lo, ws.hi, ws.k)) return bC;
    tried[bi] = 1;
  }
  return NaN;
}

/**
 * The first candidate, in ascending order, of least (extent, not preferred, distance to the bottom) among those
 * inside no forbidden interval: candidates sorted (insertion sort for the usual few), each interval (lo, hi)
 * marks the candidates strictly inside it through a difference array over candidate ranks. The aligned pool top
 * when every candidate is blocked (never: it is above every placed buffer).
 */
function pickSorted(ws: Workspace, xSize: number, pool: PoolExtent, al: number): number {
  const { cand, lo, hi, blockedDiff, m, k } = ws;
  const { bottom, top } = pool;
  sortAscending(cand, m);
  for (let i = 0; i <= m; i++) blockedDiff[i] = 0;
  for (let i = 0; i < k; i++) {
    // candidates c with lo < c < hi: ranks [firstAbove(lo), firstAtOrAbove(hi))
    const a = upperBound(cand, m, lo[i]!);
    const b = lowerBound(cand, m, hi[i]!);
    if (a < b) {
      blockedDiff[a]!++;
      blockedDiff[b]!--;
    }
  }
  let best = alignUp(top, al);
  let bestExtent = Infinity;
  let bestPreferred = 1;
  let bestDistance = Infinity;
  let blocked = 0;
  for (let i = 0; i < m; i++) {
    blocked += blockedDiff[i]!;
    if (blocked > 0) continue;
    const c = cand[i]!;
    const extent = Math.max(top, c + xSize) - Math.min(bottom, c);
    if (extent > bestExtent) continue;
    const pref = notPreferred(ws, c);
    const distance = Math.abs(c - bottom);
    if (extent < bestExtent || pref < bestPreferred || (pref === bestPreferred && distance < bestDistance)) {
      best = c;
      bestExtent = extent;
      bestPreferred = pref;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Per buffer id: the largest total of live buffer bytes (no overlap) over the steps the buffer lives (the
 * 'outward' sequence starts from the buffers of the most crowded step).
 * Steps are summed by residentBytesPerStep; range maxima come from a sparse table (O(s log s) for s steps).
 */
function maxLivePressure(bufs: readonly PlannedBuffer[]): number[] {
  let steps = 0;
  let maxId = 0;
  for (const b of bufs) {
    steps = Math.max(steps, b.lastStep + 1);
    maxId = Math.max(maxId, b.id);
  }
  const levels: Float64Array[] = [residentBytesPerStep(bufs, steps)];
  for (let k = 1; 1 << k <= steps; k++) {
    const prev = levels[k - 1]!;
    const cur = new Float64Array(steps - (1 << k) + 1);
    for (let s = 0; s < cur.length; s++) cur[s] = Math.max(prev[s]!, prev[s + (1 << (k - 1))]!);
    levels.push(cur);
  }
  const out = new Array<number>(maxId + 1).fill(0);
  for (const b of bufs) {
    const k = 31 - Math.clz32(b.lastStep - b.firstStep + 1);
    out[b.id] = Math.max(levels[k]![b.firstStep]!, levels[k]![b.lastStep - (1 << k) + 1]!);
  }
  return out;
}

/** Sets `rule` on buffer a's conflict slot with buffer b, if b is among a's conflicts. */
function setRuleAt(slots: (OverlapRule | undefined)[], start: Int32Array, other: Int32Array, n: number, a: number, b: number, rule: OverlapRule): void {
  if (!(a >= 0 && a < n) || !Number.isInteger(a)) return;
  for (let at = start[a]!, end = start[a + 1]!; at < end; at++) {
    if (other[at] === b) {
      slots[at] = rule;
      return;
    }
  }
}

/** Conflicts of every buffer as flat arrays: buffer i's are other[start[i] .. start[i+1]), with rule[] beside. */
export interface ConflictGraph {
  start: Int32Array;
  other: Int32Array;
  rule: (OverlapRule | undefined)[];
  sizeBytes: Float64Array;
  maxConflicts: number;
}

/** Candidates checked one by one before `place` sorts them all (see there). */
const LAZY_TRIES = 4;
/** Fewer candidates than this go straight to the sorted sweep. */
const LAZY_MIN_CANDIDATES = 24;

/**
 * Sorts a[0 .. n) ascending in place as Float64Array.prototype.sort does (-0 before 0): insertion sort for the
 * usual few candidates, the typed-array sort beyond.
 */
function sortAscending(a: Float64Array, n: number): void {
  if (n > 24) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && (a[j]! > v || (v === 0 && a[j] === 0 && 1 / v < 0 && 1 / a[j]! > 0))) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * ST's execution order for a model's own order `schedule`: the layers that depend on no graph input (every
 * activation they read comes from such layers, or they read constants only) run first, in their relative
 * order; the others follow in theirs. In SSD heads this is the anchor chain (TILE of a constant → Reshape →
 * Concatenation → Dequantize to a float graph output): its output then stays resident over the whole backbone.
 * Inferred, not read off a generated file: a topological sort that starts from every layer with no pending
 * producer (Kahn's algorithm) emits these layers at the start, and ST's published SSD MobileNet v2 FPN-lite 192
 * figure (578,816 B, stm.ai 8.1.0) is the backbone's 8→48 expansion (516,608 B, exact in MobileNet v2 0.35)
 * plus that 61,520 B float anchor output to 0.1 % (docs/memory.md "ST's graph rewrites").
 */
export function stExecutionOrder(analysis: Analysis, schedule: readonly number[]): number[] {
  const producerOf = new Map<string, number>();
  const tensors = analysis.tensors;
  for (let i = 0; i < tensors.length; i++) producerOf.set(tensors[i]!.name, tensors[i]!.producer);
  const inputFree = new Array<boolean>(analysis.layers.length).fill(false);
  for (let pos = 0; pos < schedule.length; pos++) {
    const l = schedule[pos]!;
    const inputs = analysis.layers[l]!.inputs;
    let free = true;
    for (let i = 0; i < inputs.length && free; i++) {
      const p = producerOf.get(inputs[i]!);
      free = p !== undefined && p >= 0 && !!inputFree[p];
    }
    inputFree[l] = free;
  }
  const order: number[] = [];
  for (let pos = 0; pos < schedule.length; pos++) if (inputFree[schedule[pos]!]) order.push(schedule[pos]!);
  for (let pos = 0; pos < schedule.length; pos++) if (!inputFree[schedule[pos]!]) order.push(schedule[pos]!);
  return order;
}

/** Whether offset `c` lies strictly inside one of the first `k` open intervals (lo[i], hi[i]). */
function insideAnyInterval(c: number, lo: ArrayLike<number>, hi: ArrayLike<number>, k: number): boolean {
  for (let i = 0; i < k; i++) if (lo[i]! < c && c < hi[i]!) return true;
  return false;
}
