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
import { conflictLists, OverlapRuleIndex, PlannerBase, type PlannedBuffer } from './planner-base.ts';
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
    const scratch = new Uint8Array(this.buffers.length);
    for (const id of this.scratchIds) if (id < scratch.length) scratch[id] = 1;
    const bufs = this.buffers.slice();
    switch (kind) {
      case 'execution':
        return bufs.sort((a, b) => a.firstStep - b.firstStep || scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id);
      case 'reverse':
        return bufs.sort((a, b) => b.lastStep - a.lastStep || scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id);
      case 'size':
        return bufs.sort((a, b) => scratch[a.id]! - scratch[b.id]! || b.sizeBytes - a.sizeBytes || a.firstStep - b.firstStep || a.id - b.id);
    }
  }

  /**
   * Places buffers in the given sequence, each at the aligned candidate (edges of conflicting live buffers,
   * overlap-preferred offsets, the pool's current ends) that grows the pool's extent least; ties go to an
   * overlap-preferred offset, then to the offset nearest the pool's bottom. Returns offsets shifted to ≥ 0.
   *
   * Per buffer: the candidates are sorted (ascending, insertion sort), each forbidden open interval (lo, hi)
   * marks the candidates strictly inside it through a difference array over candidate ranks (binary search),
   * so a placement costs O(k log k) for k conflicting buffers, with no per-buffer allocation.
   */
  private place(order: PlannedBuffer[], conflicts: number[][]): { offsets: number[]; extent: number } {
    const n = this.buffers.length;
    const offsets = new Array<number>(n).fill(0);
    const isPlaced = new Uint8Array(n);
    let maxConflicts = 0;
    for (const c of conflicts) maxConflicts = Math.max(maxConflicts, c.length);
    const cap = 4 * maxConflicts + 8;
    const cand = new Float64Array(cap);
    const lo = new Float64Array(maxConflicts + 1);
    const hi = new Float64Array(maxConflicts + 1);
    const blockedDiff = new Int32Array(cap + 1);
    const preferred: number[] = [];
    let bottom = 0;
    let top = 0;
    let placedAny = false;
    for (const x of order) {
      if (x.sizeBytes === 0) continue;
      if (!placedAny) {
        offsets[x.id] = 0;
        top = x.sizeBytes;
        isPlaced[x.id] = 1;
        placedAny = true;
        continue;
      }
      let m = 0;
      let k = 0;
      preferred.length = 0;
      cand[m++] = this.alignDown(bottom);
      cand[m++] = this.alignUp(top);
      cand[m++] = this.alignDown(bottom - x.sizeBytes);
      const partners = this.rules.partnersOf(x.id);
      for (const yId of conflicts[x.id]!) {
        if (!isPlaced[yId]) continue;
        const y = this.buffers[yId]!;
        const rule = partners?.get(yId);
        const yOff = offsets[yId]!;
        // forbiddenInterval() inlined (no tuple per pair): x may not start in (fLo, fHi).
        let fLo = yOff - x.sizeBytes;
        let fHi = yOff + y.sizeBytes;
        if (rule) {
          const fw = rule.forwardDeltaBytes;
          const bw = rule.backwardDeltaBytes;
          if (rule.outputId === x.id) {
            if (fw !== undefined) fLo = Math.max(fLo, yOff + fw);
            if (bw !== undefined) fHi = Math.min(fHi, yOff + bw);
          } else {
            if (fw !== undefined) fHi = Math.min(fHi, yOff - fw);
            if (bw !== undefined) fLo = Math.max(fLo, yOff - bw);
          }
        }
        if (y.sizeBytes > 0 && fLo < fHi) {
          lo[k] = fLo;
          hi[k] = fHi;
          k++;
          cand[m++] = this.alignDown(fLo);
          cand[m++] = this.alignUp(fHi);
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
      for (const p of preferred) cand[m++] = p;
      // A few dozen candidates at most: an insertion sort beats the typed-array sort's call overhead here
      // (same ascending order; -0 and 0, the only equal values it may order differently, place identically).
      sortAscending(cand, m);
      const sorted = cand;
      blockedDiff.fill(0, 0, m + 1);
      for (let i = 0; i < k; i++) {
        // candidates c with lo < c < hi: ranks [firstAbove(lo), firstAtOrAbove(hi))
        const a = upperBound(sorted, m, lo[i]!);
        const b = lowerBound(sorted, m, hi[i]!);
        if (a < b) {
          blockedDiff[a]!++;
          blockedDiff[b]!--;
        }
      }
      let best = this.alignUp(top);
      let bestExtent = Infinity;
      let bestPreferred = 1;
      let bestDistance = Infinity;
      let blocked = 0;
      for (let i = 0; i < m; i++) {
        blocked += blockedDiff[i]!;
        if (blocked > 0) continue;
        const c = sorted[i]!;
        const extent = Math.max(top, c + x.sizeBytes) - Math.min(bottom, c);
        if (extent > bestExtent) continue;
        const pref = preferred.includes(c) ? 0 : 1;
        const distance = Math.abs(c - bottom);
        if (extent < bestExtent || pref < bestPreferred || (pref === bestPreferred && distance < bestDistance)) {
          best = c;
          bestExtent = extent;
          bestPreferred = pref;
          bestDistance = distance;
        }
      }
      offsets[x.id] = best;
      bottom = Math.min(bottom, best);
      top = Math.max(top, best + x.sizeBytes);
      isPlaced[x.id] = 1;
    }
    const shift = -this.alignDown(bottom);
    return { offsets: offsets.map((o) => o + shift), extent: top - this.alignDown(bottom) };
  }
}

/** Sorts a[0 .. n) ascending in place (insertion sort). */
function sortAscending(a: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** First index in a[0 .. n) whose value is > x (sorted ascending). */
function upperBound(a: Float64Array, n: number, x: number): number {
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
function lowerBound(a: Float64Array, n: number, x: number): number {
  let l = 0;
  let r = n;
  while (l < r) {
    const mid = (l + r) >> 1;
    if (a[mid]! < x) l = mid + 1;
    else r = mid;
  }
  return l;
}
