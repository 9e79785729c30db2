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
import { forbiddenInterval, OverlapRuleIndex, PlannerBase, type PlannedBuffer } from './planner-base.ts';
import type { OverlapRule } from './types.ts';

export class StPlanner extends PlannerBase {
  readonly name = 'st';
  private readonly rules = new OverlapRuleIndex();
  private readonly scratchIds = new Set<number>();

  addOverlapRule(rule: OverlapRule): void {
    this.rules.add(rule);
    this.invalidate();
  }

  /** Marks a buffer as a kernel scratch buffer (placed after the step's activations). */
  markScratch(id: number): void {
    this.scratchIds.add(id);
    this.invalidate();
  }

  /** Placement sequences tried; the smallest pool wins (patent US 11,609,851: sequences minimising the area). */
  static readonly SEQUENCES = ['execution', 'size', 'reverse'] as const;

  protected computeOffsets(): number[] {
    const conflicts = conflictLists(this.buffers);
    let best: { offsets: number[]; extent: number } | undefined;
    for (const seq of StPlanner.SEQUENCES) {
      const r = this.place(this.sequence(seq), conflicts);
      if (!best || r.extent < best.extent) best = r;
    }
    return best!.offsets;
  }

  private sequence(kind: (typeof StPlanner.SEQUENCES)[number]): PlannedBuffer[] {
    const isScratch = (b: PlannedBuffer) => (this.scratchIds.has(b.id) ? 1 : 0);
    const bufs = [...this.buffers];
    switch (kind) {
      case 'execution':
        return bufs.sort((a, b) => a.firstStep - b.firstStep || isScratch(a) - isScratch(b) || b.sizeBytes - a.sizeBytes || a.id - b.id);
      case 'reverse':
        return bufs.sort((a, b) => b.lastStep - a.lastStep || isScratch(a) - isScratch(b) || b.sizeBytes - a.sizeBytes || a.id - b.id);
      case 'size':
        return bufs.sort((a, b) => isScratch(a) - isScratch(b) || b.sizeBytes - a.sizeBytes || a.firstStep - b.firstStep || a.id - b.id);
    }
  }

  /**
   * Places buffers in the given sequence, each at the aligned candidate (edges of conflicting live buffers,
   * overlap-preferred offsets, the pool's current ends) that grows the pool's extent least; ties go to an
   * overlap-preferred offset, then to the offset nearest the pool's bottom. Returns offsets shifted to ≥ 0.
   */
  private place(order: PlannedBuffer[], conflicts: number[][]): { offsets: number[]; extent: number } {
    const offsets = new Array<number>(this.buffers.length).fill(0);
    const placed: PlannedBuffer[] = [];
    const isPlaced = new Uint8Array(this.buffers.length);
    let bottom = 0;
    let top = 0;
    for (const x of order) {
      if (x.sizeBytes === 0) continue;
      if (placed.length === 0) {
        offsets[x.id] = 0;
        top = x.sizeBytes;
        placed.push(x);
        isPlaced[x.id] = 1;
        continue;
      }
      const intervals: [number, number][] = [];
      const candidates: number[] = [this.alignDown(bottom), this.alignUp(top), this.alignDown(bottom - x.sizeBytes)];
      const preferred: number[] = [];
      const partners = this.rules.partnersOf(x.id);
      for (const yId of conflicts[x.id]!) {
        if (!isPlaced[yId]) continue;
        const y = this.buffers[yId]!;
        const rule = partners?.get(y.id);
        const yOff = offsets[y.id]!;
        const f = forbiddenInterval(x.id, x.sizeBytes, y.id, yOff, y.sizeBytes, rule);
        if (f) {
          intervals.push(f);
          candidates.push(this.alignDown(f[0]), this.alignUp(f[1]));
        }
        if (rule) {
          // The offsets at which x touches the bound of an allowed overlap with y.
          const asOutput = rule.outputId === x.id;
          const fw = rule.forwardDeltaBytes;
          const bw = rule.backwardDeltaBytes;
          if (fw !== undefined) preferred.push(asOutput ? this.alignDown(yOff + fw) : this.alignUp(yOff - fw));
          if (bw !== undefined) preferred.push(asOutput ? this.alignUp(yOff + bw) : this.alignDown(yOff - bw));
        }
      }
      const blocked = mergeOpenIntervals(intervals);
      let best = this.alignUp(top);
      let bestExtent = Infinity;
      let bestPreferred = 1;
      let bestDistance = Infinity;
      const consider = (c: number, pref: number) => {
        if (insideAny(blocked, c)) return;
        const extent = Math.max(top, c + x.sizeBytes) - Math.min(bottom, c);
        const distance = Math.abs(c - bottom);
        if (
          extent < bestExtent ||
          (extent === bestExtent && (pref < bestPreferred || (pref === bestPreferred && distance < bestDistance)))
        ) {
          best = c;
          bestExtent = extent;
          bestPreferred = pref;
          bestDistance = distance;
        }
      };
      for (const c of preferred) consider(c, 0);
      for (const c of candidates) consider(c, 1);
      offsets[x.id] = best;
      bottom = Math.min(bottom, best);
      top = Math.max(top, best + x.sizeBytes);
      placed.push(x);
      isPlaced[x.id] = 1;
    }
    const shift = -this.alignDown(bottom);
    return { offsets: offsets.map((o) => o + shift), extent: top - this.alignDown(bottom) };
  }
}

/** Sorted union of open intervals (touching ends stay separate: the shared point is free). */
function mergeOpenIntervals(intervals: [number, number][]): [number, number][] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo < last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Whether `x` lies strictly inside one of the sorted, merged open intervals. */
function insideAny(merged: [number, number][], x: number): boolean {
  let lo = 0;
  let hi = merged.length - 1;
  let idx = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (merged[mid]![0] < x) {
      idx = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return idx >= 0 && x < merged[idx]![1];
}

/** For each buffer, the ids of the buffers whose lifetimes intersect its own (sweep over first steps). */
function conflictLists(buffers: readonly PlannedBuffer[]): number[][] {
  const out: number[][] = buffers.map(() => []);
  const byFirst = [...buffers].sort((a, b) => a.firstStep - b.firstStep);
  const active: PlannedBuffer[] = [];
  for (const b of byFirst) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i]!.lastStep < b.firstStep) active.splice(i, 1);
    for (const a of active) {
      out[a.id]!.push(b.id);
      out[b.id]!.push(a.id);
    }
    active.push(b);
  }
  return out;
}
