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

  protected computeOffsets(): number[] {
    const graph = this.conflictGraph();
    const keyed = this.sequenceKeys();
    let best: { offsets: number[]; extent: number } | undefined;
    for (const seq of StPlanner.SEQUENCES) {
      // the packed-key sort covers the three classic orders; 'outward' sorts by its own comparator
      const r = this.place(keyed && seq !== 'outward' ? keyed(seq) : this.sequence(seq), graph);
      if (!best || r.extent < best.extent) best = r;
    }
    return best!.offsets;
  }

  /**
   * The three sequences of `sequence` by one native numeric sort each: every buffer's sort key packed into one
   * integer (steps, scratch mark, rank of its size among the distinct sizes, id), exact below 2^53; undefined
   * (use `sequence`) when the steps are not small non-negative integers or the packed key would not be exact.
   */
  private sequenceKeys(): ((kind: Exclude<(typeof StPlanner.SEQUENCES)[number], 'outward'>) => PlannedBuffer[]) | undefined {
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
    const scratch = new Uint8Array(n);
    for (const id of this.scratchIds) if (id < n) scratch[id] = 1;
    const keys = new Float64Array(n);
    return (kind) => {
      for (let i = 0; i < n; i++) {
        const b = bufs[i]!;
        const sc = scratch[i]!;
        const primary = kind === 'execution' ? b.firstStep * 2 + sc : kind === 'reverse' ? (maxLast - b.lastStep) * 2 + sc : (sc * distinct + rank[i]!) * steps + b.firstStep;
        keys[i] = kind === 'size' ? primary * n + i : (primary * distinct + rank[i]!) * n + i;
      }
      keys.sort();
      const out = new Array<PlannedBuffer>(n);
      for (let i = 0; i < n; i++) out[i] = bufs[keys[i]! % n]!;
      return out;
    };
  }

  /** Conflict lists in flat arrays, each conflict with its overlap rule (if any), shared by the three sequences. */
  private conflictGraph(): ConflictGraph {
    const { start, other } = conflictGraphOf(this.buffers);
    const n = this.buffers.length;
    let maxConflicts = 0;
    for (let i = 0; i < n; i++) maxConflicts = Math.max(maxConflicts, start[i + 1]! - start[i]!);
    // Each rule goes to the conflict slot of its pair on both sides (pairs that never live together have none);
    // in the order added, so the last rule of a pair wins, as in a map keyed by the pair.
    const rule: (OverlapRule | undefined)[] = new Array(other.length).fill(undefined);
    const rules = this.rules;
    for (let r = 0; r < rules.length; r++) {
      const x = rules[r]!;
      setRuleAt(rule, start, other, n, x.outputId, x.inputId, x);
      setRuleAt(rule, start, other, n, x.inputId, x.outputId, x);
    }
    const sizeBytes = new Float64Array(n);
    for (const b of this.buffers) sizeBytes[b.id] = b.sizeBytes;
    return { start, other, rule, sizeBytes, maxConflicts };
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
        return bufs.sort((a, b) => scratch[a.id]! - scratch[b.id]! || dist(a) - dist(b) || pressure[b.id]! - pressure[a.id]! || b.sizeBytes - a.sizeBytes || a.id - b.id);
      }
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
  private place(order: PlannedBuffer[], graph: ConflictGraph): { offsets: number[]; extent: number } {
    const n = this.buffers.length;
    const al = this.alignment;
    const { start, other, rule: ruleOf, sizeBytes, maxConflicts } = graph;
    const offsets = new Array<number>(n).fill(0);
    const isPlaced = new Uint8Array(n);
    const cap = 4 * maxConflicts + 8;
    const cand = new Float64Array(cap);
    const lo = new Float64Array(maxConflicts + 1);
    const hi = new Float64Array(maxConflicts + 1);
    const blockedDiff = new Int32Array(cap + 1);
    const preferred = new Float64Array(2 * maxConflicts + 1);
    const extentOf = new Float64Array(cap);
    const prefOf = new Uint8Array(cap);
    const tried = new Uint8Array(cap);
    let bottom = 0;
    let top = 0;
    let placedAny = false;
    for (const x of order) {
      const xSize = x.sizeBytes;
      if (xSize === 0) continue;
      const xId = x.id;
      if (!placedAny) {
        offsets[xId] = 0;
        top = xSize;
        isPlaced[xId] = 1;
        placedAny = true;
        continue;
      }
      let m = 0;
      let k = 0;
      let np = 0;
      // alignDown(v) = floor(v / al) * al, alignUp(v) = ceil(v / al) * al (PlannerBase)
      cand[m++] = Math.floor(bottom / al) * al;
      cand[m++] = Math.ceil(top / al) * al;
      cand[m++] = Math.floor((bottom - xSize) / al) * al;
      for (let c = start[xId]!, end = start[xId + 1]!; c < end; c++) {
        const yId = other[c]!;
        if (!isPlaced[yId]) continue;
        const ySize = sizeBytes[yId]!;
        const rule = ruleOf[c];
        const yOff = offsets[yId]!;
        // forbiddenInterval() inlined (no tuple per pair): x may not start in (fLo, fHi).
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
          cand[m++] = Math.floor(fLo / al) * al;
          cand[m++] = Math.ceil(fHi / al) * al;
        }
        if (rule) {
          // The offsets at which x touches the bound of an allowed overlap with y.
          const asOutput = rule.outputId === xId;
          const fw = rule.forwardDeltaBytes;
          const bw = rule.backwardDeltaBytes;
          if (fw !== undefined) preferred[np++] = asOutput ? Math.floor((yOff + fw) / al) * al : Math.ceil((yOff - fw) / al) * al;
          if (bw !== undefined) preferred[np++] = asOutput ? Math.ceil((yOff + bw) / al) * al : Math.floor((yOff - bw) / al) * al;
        }
      }
      for (let i = 0; i < np; i++) cand[m++] = preferred[i]!;

      const anchor = this.anchors.get(xId);
      if (anchor !== undefined && isPlaced[anchor]) {
        const c = Math.ceil((offsets[anchor]! + sizeBytes[anchor]!) / al) * al;
        if (!insideAnyInterval(c, lo, hi, k)) {
          offsets[xId] = c;
          bottom = Math.min(bottom, c);
          top = Math.max(top, c + xSize);
          isPlaced[xId] = 1;
          continue;
        }
      }

      // The sweep below keeps the first candidate, in ascending order, of least (extent, not preferred, distance
      // to the bottom) among the unblocked ones: the unblocked candidate of least (extent, not preferred,
      // distance, value, -0 before 0 as the typed-array sort orders them). Most placements find it among the
      // first few candidates in that order, each checked against the k forbidden intervals, without a sort;
      // after LAZY_TRIES blocked ones the sorted sweep decides. Only worth it for many candidates (random DAGs
      // have ~90); real networks have about ten, which the insertion sort and sweep handle faster.
      const lazy = m > LAZY_MIN_CANDIDATES;
      for (let i = 0; lazy && i < m; i++) {
        const c = cand[i]!;
        extentOf[i] = Math.max(top, c + xSize) - Math.min(bottom, c);
        let pref = 1;
        for (let j = 0; j < np; j++) {
          if (preferred[j] === c) {
            pref = 0;
            break;
          }
        }
        prefOf[i] = pref;
        tried[i] = 0;
      }
      let chosen = NaN;
      for (let t = 0; lazy && t < LAZY_TRIES; t++) {
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
        if (!insideAnyInterval(bC, lo, hi, k)) {
          chosen = bC;
          break;
        }
        tried[bi] = 1;
      }
      if (chosen === chosen) {
        // (not NaN: found without the sweep)
        offsets[xId] = chosen;
        bottom = Math.min(bottom, chosen);
        top = Math.max(top, chosen + xSize);
        isPlaced[xId] = 1;
        continue;
      }

      // Usually a few dozen candidates: an insertion sort beats the typed-array sort's call overhead there
      // (the same ascending order, -0 before 0 included).
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
      let best = Math.ceil(top / al) * al;
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
        let pref = 1;
        for (let j = 0; j < np; j++) {
          if (preferred[j] === c) {
            pref = 0;
            break;
          }
        }
        const distance = Math.abs(c - bottom);
        if (extent < bestExtent || pref < bestPreferred || (pref === bestPreferred && distance < bestDistance)) {
          best = c;
          bestExtent = extent;
          bestPreferred = pref;
          bestDistance = distance;
        }
      }
      offsets[xId] = best;
      bottom = Math.min(bottom, best);
      top = Math.max(top, best + xSize);
      isPlaced[xId] = 1;
    }
    const floorBottom = Math.floor(bottom / al) * al;
    const shift = -floorBottom;
    for (let i = 0; i < n; i++) offsets[i] = offsets[i]! + shift;
    return { offsets, extent: top - floorBottom };
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
interface ConflictGraph {
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
