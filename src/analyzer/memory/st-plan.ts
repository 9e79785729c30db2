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
import type { Analysis } from '../layer.ts';
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

  /**
   * Placement sequences tried; the smallest pool wins (patent US 11,609,851: sequences minimising the area).
   * 'outward' starts at the most crowded step and moves away from it step by step: with forward-only overlaps
   * (overlap-rules.ts forwardOnly) each producer's output then lands above the consumer output placed before it,
   * which finds the tight MobileNet v1 layouts that the other three orders miss (0.25 at 224: 211,952 → 206,096 B).
   */
  static readonly SEQUENCES = ['execution', 'size', 'reverse', 'outward'] as const;

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
        return bufs.sort((a, b) => isScratch(a) - isScratch(b) || dist(a) - dist(b) || pressure[b.id]! - pressure[a.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id);
      }
    }
  }

  /**
   * Places buffers in the given sequence, each at the aligned candidate (edges of conflicting live buffers,
   * overlap-preferred offsets, the pool's current ends) that grows the pool's extent least; ties go to an
   * overlap-preferred offset, then to the offset nearest the pool's bottom. Returns offsets shifted to ≥ 0.
   *
   * Per buffer: the candidates are sorted (numeric typed-array sort), each forbidden open interval (lo, hi)
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
      const sorted = cand.subarray(0, m).sort();
      blockedDiff.fill(0, 0, m + 1);
      for (let i = 0; i < k; i++) {
        // candidates c with lo < c < hi: ranks [firstAbove(lo), firstAtOrAbove(hi))
        const a = upperBound(sorted, lo[i]!);
        const b = lowerBound(sorted, hi[i]!);
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

/**
 * Per buffer id: the largest total of live buffer bytes (no overlap) over the steps the buffer lives (the
 * 'outward' sequence starts from the buffers of the most crowded step).
 * Steps are summed with a difference array; range maxima come from a sparse table (O(s log s) for s steps).
 */
function maxLivePressure(bufs: readonly PlannedBuffer[]): number[] {
  let steps = 0;
  let maxId = 0;
  for (const b of bufs) {
    steps = Math.max(steps, b.lastStep + 1);
    maxId = Math.max(maxId, b.id);
  }
  const diff = new Float64Array(steps + 1);
  for (const b of bufs) {
    diff[b.firstStep]! += b.sizeBytes;
    diff[b.lastStep + 1]! -= b.sizeBytes;
  }
  const levels: Float64Array[] = [new Float64Array(steps)];
  let run = 0;
  for (let s = 0; s < steps; s++) levels[0]![s] = run += diff[s]!;
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

/** First index whose value is > x (sorted ascending). */
function upperBound(a: Float64Array, x: number): number {
  let l = 0;
  let r = a.length;
  while (l < r) {
    const mid = (l + r) >> 1;
    if (a[mid]! <= x) l = mid + 1;
    else r = mid;
  }
  return l;
}

/** First index whose value is ≥ x (sorted ascending). */
function lowerBound(a: Float64Array, x: number): number {
  let l = 0;
  let r = a.length;
  while (l < r) {
    const mid = (l + r) >> 1;
    if (a[mid]! < x) l = mid + 1;
    else r = mid;
  }
  return l;
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
  for (const t of analysis.tensors) producerOf.set(t.name, t.producer);
  const inputFree = new Array<boolean>(analysis.layers.length).fill(false);
  for (const l of schedule) {
    inputFree[l] = analysis.layers[l]!.inputs.every((name) => {
      const p = producerOf.get(name);
      return p !== undefined && p >= 0 && inputFree[p]!;
    });
  }
  return [...schedule.filter((l) => inputFree[l]), ...schedule.filter((l) => !inputFree[l])];
}
