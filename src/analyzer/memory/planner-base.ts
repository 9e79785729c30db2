/**
 * Shared bookkeeping for planners: buffers added through the TFLM-style interface, offsets computed lazily on
 * the first `offsetOf`/`arenaBytes` call (as TFLM's GreedyMemoryPlanner does), and the forbidden offset
 * intervals a placed buffer imposes on another one.
 */
import type { MemoryPlanner, OverlapRule, PlannerOptions } from './types.ts';

export interface PlannedBuffer {
  id: number;
  sizeBytes: number;
  firstStep: number;
  lastStep: number;
}

export abstract class PlannerBase implements MemoryPlanner {
  abstract readonly name: string;
  protected readonly buffers: PlannedBuffer[] = [];
  protected readonly alignment: number;
  private offsets: number[] | undefined;

  constructor(opts: PlannerOptions = {}) {
    this.alignment = Math.max(1, Math.floor(opts.alignmentBytes ?? 4));
  }

  addBuffer(sizeBytes: number, firstStep: number, lastStep: number): number {
    if (!(sizeBytes >= 0) || !Number.isFinite(sizeBytes) || lastStep < firstStep) {
      throw new RangeError(`bad buffer: size ${sizeBytes}, steps ${firstStep}..${lastStep}`);
    }
    this.offsets = undefined;
    this.buffers.push({ id: this.buffers.length, sizeBytes, firstStep, lastStep });
    return this.buffers.length - 1;
  }

  offsetOf(id: number): number {
    const offsets = this.plan();
    const o = offsets[id];
    if (o === undefined) throw new RangeError(`no buffer ${id}`);
    return o;
  }

  arenaBytes(): number {
    const offsets = this.plan();
    let top = 0;
    for (const b of this.buffers) top = Math.max(top, offsets[b.id]! + b.sizeBytes);
    return top;
  }

  protected invalidate(): void {
    this.offsets = undefined;
  }

  private plan(): number[] {
    this.offsets ??= this.computeOffsets();
    return this.offsets;
  }

  /** Offsets, indexed by buffer id, all ≥ 0 and multiples of the alignment. */
  protected abstract computeOffsets(): number[];

  protected alignUp(n: number): number {
    return Math.ceil(n / this.alignment) * this.alignment;
  }

  protected alignDown(n: number): number {
    return Math.floor(n / this.alignment) * this.alignment;
  }
}

/**
 * For each buffer, the buffers whose lifetimes intersect its own (a sweep over first steps keeping the active
 * buffers, O(n log n + pairs)), as flat arrays: buffer id i's conflicts are other[start[i] .. start[i+1]).
 * Two sweeps (count, then fill) and no array per buffer; `maxConflicts` = the longest list (workspace sizes).
 */
export function conflictGraphOf(buffers: readonly PlannedBuffer[]): { start: Int32Array; other: Int32Array; maxConflicts: number } {
  const n = buffers.length;
  const byFirst = buffersByFirstStep(buffers);
  // Two sweeps: for each buffer b in byFirst order, the buffers still live when b starts (in start order)
  // conflict with it; the first sweep counts, the second fills. The active ids sit in a typed array (dropDead).
  let maxId = -1;
  for (let i = 0; i < n; i++) if (buffers[i]!.id > maxId) maxId = buffers[i]!.id;
  const lastStepOf = new Float64Array(maxId + 1);
  for (let i = 0; i < n; i++) lastStepOf[buffers[i]!.id] = buffers[i]!.lastStep;
  const count = new Int32Array(Math.max(n, maxId + 1) + 1);
  const active = new Int32Array(n);
  let live = 0;
  for (const b of byFirst) {
    live = dropDead(active, live, lastStepOf, b.firstStep);
    for (let i = 0; i < live; i++) count[active[i]!]!++;
    count[b.id]! += live;
    active[live++] = b.id;
  }
  const start = new Int32Array(n + 1);
  let maxConflicts = 0;
  for (let i = 0; i < n; i++) {
    start[i + 1] = start[i]! + count[i]!;
    if (count[i]! > maxConflicts) maxConflicts = count[i]!;
  }
  const cursor = start.slice(0, n);
  const other = new Int32Array(start[n]!);
  live = 0;
  for (const b of byFirst) {
    live = dropDead(active, live, lastStepOf, b.firstStep);
    for (let i = 0; i < live; i++) {
      const a = active[i]!;
      other[cursor[a]!++] = b.id;
      other[cursor[b.id]!++] = a;
    }
    active[live++] = b.id;
  }
  return { start, other, maxConflicts };
}

/** Buffers by (firstStep, id): a counting sort when ids are positions and steps small non-negative integers. */
function buffersByFirstStep(buffers: readonly PlannedBuffer[]): readonly PlannedBuffer[] {
  const n = buffers.length;
  let maxStep = -1;
  for (let i = 0; i < n; i++) {
    const b = buffers[i]!;
    if (b.id !== i || !Number.isInteger(b.firstStep) || b.firstStep < 0 || b.firstStep > 4 * n + 1024) {
      return buffers.slice().sort((x, y) => x.firstStep - y.firstStep || x.id - y.id);
    }
    if (b.firstStep > maxStep) maxStep = b.firstStep;
  }
  const next = new Int32Array(maxStep + 2);
  for (const b of buffers) next[b.firstStep + 1]!++;
  for (let s = 1; s < next.length; s++) next[s]! += next[s - 1]!;
  const sorted = new Array<PlannedBuffer>(n);
  for (const b of buffers) sorted[next[b.firstStep]!++] = b;
  return sorted;
}

/** Removes from active[0 .. live) (keeping the order) the ids of buffers dead before `step`; returns how many remain. */
function dropDead(active: Int32Array, live: number, lastStepOf: Float64Array, step: number): number {
  let kept = 0;
  for (let i = 0; i < live; i++) {
    const a = active[i]!;
    if (lastStepOf[a]! >= step) active[kept++] = a;
  }
  return kept;
}

/**
 * First fit in a given placement order (TFLM's greedy planner and the linear planner): each buffer goes to the
 * lowest aligned offset clear of the already-placed buffers whose lifetimes intersect its own.
 */
export function firstFitInOrder(
  buffers: readonly PlannedBuffer[],
  order: readonly PlannedBuffer[],
  alignUp: (n: number) => number,
): number[] {
  const { start, other, maxConflicts } = conflictGraphOf(buffers);
  const offsets = new Array<number>(buffers.length).fill(0);
  const isPlaced = new Uint8Array(buffers.length);
  const placedOffset = new Float64Array(maxConflicts + 1);
  const placedSize = new Float64Array(maxConflicts + 1);
  for (const b of order) {
    let k = 0;
    for (let c = start[b.id]!, end = start[b.id + 1]!; c < end; c++) {
      const id = other[c]!;
      if (!isPlaced[id]) continue;
      // kept sorted by offset (the order among equal offsets does not change the first fit)
      const off = offsets[id]!;
      const size = buffers[id]!.sizeBytes;
      const lo = upperBound(placedOffset, k, off);
      if (k - lo > 12) {
        placedOffset.copyWithin(lo + 1, lo, k);
        placedSize.copyWithin(lo + 1, lo, k);
      } else {
        for (let j = k; j > lo; j--) {
          placedOffset[j] = placedOffset[j - 1]!;
          placedSize[j] = placedSize[j - 1]!;
        }
      }
      placedOffset[lo] = off;
      placedSize[lo] = size;
      k++;
    }
    let candidate = 0;
    for (let i = 0; i < k; i++) {
      const size = placedSize[i]!;
      if (size === 0) continue;
      const off = placedOffset[i]!;
      if (candidate + b.sizeBytes <= off) break;
      candidate = Math.max(candidate, alignUp(off + size));
    }
    offsets[b.id] = candidate;
    isPlaced[b.id] = 1;
  }
  return offsets;
}

export function liveTogether(a: PlannedBuffer, b: PlannedBuffer): boolean {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

/** First index in a[0 .. n) whose value is > x (sorted ascending). */
export function upperBound(a: Float64Array, n: number, x: number): number {
  let l = 0;
  let r = n;
  while (l < r) {
    const mid = (l + r) >> 1;
    if (a[mid]! <= x) l = mid + 1;
    else r = mid;
  }
  return l;
}

/** First index in a[0 .. n) whose value is ≥ x (sorted ascending). */
export function lowerBound(a: Float64Array, n: number, x: number): number {
  let l = 0;
  let r = n;
  while (l < r) {
    const mid = (l + r) >> 1;
    if (a[mid]! < x) l = mid + 1;
    else r = mid;
  }
  return l;
}

/**
 * Open interval of offsets forbidden to buffer `x` (size xSize) by placed buffer `y` at yOffset (size ySize),
 * given an optional overlap rule between them; undefined when nothing is forbidden.
 */
export function forbiddenInterval(
  xId: number,
  xSize: number,
  yId: number,
  yOffset: number,
  ySize: number,
  rule: OverlapRule | undefined,
): [number, number] | undefined {
  if (xSize === 0 || ySize === 0) return undefined;
  let lo = yOffset - xSize;
  let hi = yOffset + ySize;
  if (rule) {
    const f = rule.forwardDeltaBytes;
    const b = rule.backwardDeltaBytes;
    if (rule.outputId === xId && rule.inputId === yId) {
      // x = output: safe when x − y ≤ F or x − y ≥ B
      if (f !== undefined) lo = Math.max(lo, yOffset + f);
      if (b !== undefined) hi = Math.min(hi, yOffset + b);
    } else if (rule.outputId === yId && rule.inputId === xId) {
      // x = input: safe when y − x ≤ F (x ≥ y − F) or y − x ≥ B (x ≤ y − B)
      if (f !== undefined) hi = Math.min(hi, yOffset - f);
      if (b !== undefined) lo = Math.max(lo, yOffset - b);
    }
  }
  return lo < hi ? [lo, hi] : undefined;
}
