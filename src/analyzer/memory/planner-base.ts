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

export function liveTogether(a: PlannedBuffer, b: PlannedBuffer): boolean {
  return a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
}

/**
 * Lowest aligned offset ≥ 0 at which a buffer of `size` fits among `placed` intervals [offset, offset+size)
 * (TFLM's first fit over the buffers already placed, sorted by offset).
 */
export function firstFitOffset(size: number, placed: { offset: number; size: number }[], alignUp: (n: number) => number): number {
  const sorted = [...placed].sort((a, b) => a.offset - b.offset);
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
    for (const [a, b] of [
      [rule.outputId, rule.inputId],
      [rule.inputId, rule.outputId],
    ] as const) {
      let m = this.byBuffer.get(a);
      if (!m) this.byBuffer.set(a, (m = new Map()));
      m.set(b, rule);
    }
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
