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
 * For each buffer, the ids of the buffers whose lifetimes intersect its own: a sweep over first steps keeping
 * the active buffers in a list (O(n log n + pairs)).
 */
export function conflictLists(buffers: readonly PlannedBuffer[]): number[][] {
  const out: number[][] = new Array(buffers.length);
  for (let i = 0; i < buffers.length; i++) out[i] = [];
  const byFirst = buffers.slice().sort((a, b) => a.firstStep - b.firstStep || a.id - b.id);
  let active: PlannedBuffer[] = [];
  for (const b of byFirst) {
    // drop the buffers dead before b starts (kept in insertion order, as a filter would)
    let kept = 0;
    for (let i = 0; i < active.length; i++) if (active[i]!.lastStep >= b.firstStep) kept++;
    if (kept < active.length) {
      const next: PlannedBuffer[] = [];
      for (const a of active) if (a.lastStep >= b.firstStep) next.push(a);
      active = next;
    }
    for (const a of active) {
      out[a.id]!.push(b.id);
      out[b.id]!.push(a.id);
    }
    active.push(b);
  }
  return out;
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
  const conflicts = conflictLists(buffers);
  const offsets = new Array<number>(buffers.length).fill(0);
  const isPlaced = new Uint8Array(buffers.length);
  const placed: { offset: number; size: number }[] = [];
  for (const b of order) {
    placed.length = 0;
    for (const id of conflicts[b.id]!) if (isPlaced[id]) placed.push({ offset: offsets[id]!, size: buffers[id]!.sizeBytes });
    offsets[b.id] = firstFitOffset(b.sizeBytes, placed, alignUp);
    isPlaced[b.id] = 1;
  }
  return offsets;
}

export function liveTogether(a: PlannedBuffer, b: PlannedBuffer): boolean {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

/**
 * Lowest aligned offset ≥ 0 at which a buffer of `size` fits among `placed` intervals [offset, offset+size)
 * (TFLM's first fit over the buffers already placed, sorted by offset). Sorts `placed` in place.
 */
export function firstFitOffset(size: number, placed: { offset: number; size: number }[], alignUp: (n: number) => number): number {
  const sorted = placed.sort((a, b) => a.offset - b.offset);
  let candidate = 0;
  for (const p of sorted) {
    if (p.size === 0) continue;
    if (candidate + size <= p.offset) break;
    candidate = Math.max(candidate, alignUp(p.offset + p.size));
  }
  return candidate;
}

/** Rules keyed by unordered buffer pair. */
export class OverlapRuleIndex {
  private readonly byBuffer = new Map<number, Map<number, OverlapRule>>();

  add(rule: OverlapRule): void {
    this.addOneWay(rule.outputId, rule.inputId, rule);
    this.addOneWay(rule.inputId, rule.outputId, rule);
  }

  private addOneWay(a: number, b: number, rule: OverlapRule): void {
    const m = this.byBuffer.get(a);
    if (m) m.set(b, rule);
    else this.byBuffer.set(a, new Map([[b, rule]]));
  }

  get(a: number, b: number): OverlapRule | undefined {
    return this.byBuffer.get(a)?.get(b);
  }

  /** Rules involving buffer `a`, keyed by the other buffer (undefined when none). */
  partnersOf(a: number): ReadonlyMap<number, OverlapRule> | undefined {
    return this.byBuffer.get(a);
  }
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
