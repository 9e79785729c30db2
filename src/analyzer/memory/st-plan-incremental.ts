/**
 * The st planner's fit test for a set of buffers that grows one buffer at a time (the MCU memory-pool placement,
 * targets/activation-peak.ts memoryPoolPlacement, asks "do the pool's buffers and this one fit?" once per buffer).
 *
 * `tryAdd(id, limit)` gives the answer `StPlanner.fitsWithin(limit)` gives on the members plus `id` (the planner's
 * pool is the smallest of its sequences', so it fits when one sequence does) without placing every buffer again. The
 * placement of the sequence that fitted last is kept; a new buffer enters that sequence at its sorted position, the
 * buffers before it keep their offsets (a sequence places each buffer once, from the buffers placed before it), and a
 * buffer after it is placed again only when what its offset depends on changed (st-plan.ts chooseOffset: the placed
 * buffers that conflict with it, its anchor, the pool's two ends); otherwise it keeps its offset. When that sequence no
 * longer fits, the others are placed in full, as fitsWithin does. Exact: the same answers as planning each set
 * (test/targets-pools-placement.test.ts).
 *
 * Sequences 'execution', 'size' and 'reverse' only ('outward' orders buffers by the whole set's live pressure, which a
 * new buffer changes).
 */
import { chooseOffset, conflictGraphWithRules, sequenceComparator, StPlanner, workspaceFor, type ConflictGraph, type PoolExtent, type Workspace } from './st-plan.ts';
import type { PlannedBuffer } from './planner-base.ts';
import type { OverlapRule } from './types.ts';

type Sequence = Exclude<(typeof StPlanner.SEQUENCES)[number], 'outward'>;

/** One sequence's placement of the members. */
interface SequencePlacement {
  sequence: Sequence;
  /** Member ids in the sequence's order. */
  order: number[];
  /** Offset of each placed member (by id; before the final shift to 0). */
  offsets: number[];
  /** The pool's bottom and top just before each member was placed (by id: [2·id], [2·id + 1]). */
  poolBefore: Float64Array;
  pool: PoolExtent;
}

export class IncrementalStPool {
  private readonly graph: ConflictGraph;
  private readonly ws: Workspace;
  private readonly scratch: Uint8Array;
  private readonly compare: Map<Sequence, (a: number, b: number) => number>;
  private readonly member: Uint8Array;
  private members: number[] = [];
  private kept: SequencePlacement | undefined;

  /**
   * `buffers` with ids = positions, the overlap rules and scratch marks / anchors as loadPlanner gives them to an
   * StPlanner; `sequences` as StPlanner.sequences (without 'outward').
   */
  constructor(
    private readonly buffers: readonly PlannedBuffer[],
    rules: readonly OverlapRule[],
    scratchIds: Iterable<number>,
    private readonly anchors: ReadonlyMap<number, number>,
    private readonly sequences: readonly Sequence[],
    private readonly alignment = 4,
  ) {
    this.graph = conflictGraphWithRules(buffers, rules);
    this.ws = workspaceFor(this.graph.maxConflicts);
    this.scratch = new Uint8Array(buffers.length);
    for (const id of scratchIds) this.scratch[id] = 1;
    this.member = new Uint8Array(buffers.length);
    this.compare = new Map(
      sequences.map((s) => {
        const cmp = sequenceComparator(buffers, s, this.scratch);
        return [s, (a: number, b: number) => cmp(buffers[a]!, buffers[b]!)] as const;
      }),
    );
  }

  /** Adds buffer `id` when the members and it fit within `limitBytes` (as StPlanner.fitsWithin); whether it did. */
  tryAdd(id: number, limitBytes: number): boolean {
    if (this.member[id]) throw new RangeError(`buffer ${id} is already a member`);
    const kept = this.kept;
    let placed = kept ? this.replay(kept, id, limitBytes) : undefined;
    for (const s of this.sequences) {
      if (placed) break;
      if (s !== kept?.sequence) placed = this.placeAll(s, id, limitBytes);
    }
    if (!placed) return false;
    this.kept = placed;
    this.member[id] = 1;
    this.members.push(id);
    return true;
  }

  /** Sequence `s` over the members and `id`, placed from the start; undefined once its pool passes the limit. */
  private placeAll(s: Sequence, id: number, limitBytes: number): SequencePlacement | undefined {
    const order = [...this.members, id].sort(this.compare.get(s)!);
    const n = this.buffers.length;
    return this.place({ sequence: s, order: [], offsets: new Array<number>(n).fill(0), poolBefore: new Float64Array(2 * n), pool: { bottom: 0, top: 0 } }, order, 0, id, limitBytes, false);
  }

  /** `kept` with `id` inserted at its place in the sequence; undefined once the pool passes the limit. */
  private replay(kept: SequencePlacement, id: number, limitBytes: number): SequencePlacement | undefined {
    const cmp = this.compare.get(kept.sequence)!;
    let lo = 0;
    let hi = kept.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(kept.order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    const order = kept.order.slice(0, lo);
    order.push(id);
    for (let q = lo; q < kept.order.length; q++) order.push(kept.order[q]!);
    return this.place(kept, order, lo, id, limitBytes, true);
  }

  /**
   * Places `order` from position `from` on, the positions before it as in `before` (whose order they share); a buffer
   * other than `id` keeps its `before` offset when none of its conflicts placed before it changed, its anchor did not,
   * and the pool's ends are those it was placed with (`reuse`: `before` placed these buffers; otherwise it is empty).
   */
  private place(before: SequencePlacement, order: number[], from: number, id: number, limitBytes: number, reuse: boolean): SequencePlacement | undefined {
    const { graph, ws, buffers, alignment: al } = this;
    const n = buffers.length;
    const offsets = before.offsets.slice();
    const poolBefore = before.poolBefore.slice();
    const isPlaced = new Uint8Array(n);
    for (let q = 0; q < from; q++) if (buffers[order[q]!]!.sizeBytes > 0) isPlaced[order[q]!] = 1;
    const next = before.order[from];
    const pool: PoolExtent = next === undefined ? { ...before.pool } : { bottom: before.poolBefore[2 * next]!, top: before.poolBefore[2 * next + 1]! };
    // placedAny: the first placed buffer goes to 0 and makes the top positive
    let placedAny = pool.top > 0;
    // the pool only grows: past the limit before `from` (a smaller limit than the kept placement's), it stays past it
    const extent = () => pool.top - Math.floor(pool.bottom / al) * al;
    if (extent() > limitBytes) return undefined;
    const changed = new Uint8Array(n);
    const touched = new Uint8Array(n);
    for (let q = from; q < order.length; q++) {
      const x = order[q]!;
      poolBefore[2 * x] = pool.bottom;
      poolBefore[2 * x + 1] = pool.top;
      const xSize = buffers[x]!.sizeBytes;
      if (xSize === 0) continue;
      const anchor = this.anchors.get(x);
      const keeps = reuse && x !== id && !touched[x] && (anchor === undefined || !changed[anchor]) && before.poolBefore[2 * x] === pool.bottom && before.poolBefore[2 * x + 1] === pool.top;
      const chosen = keeps ? before.offsets[x]! : placedAny ? chooseOffset(ws, x, xSize, graph, offsets, isPlaced, pool, al, anchor) : 0;
      if (x === id || !Object.is(chosen, before.offsets[x])) {
        changed[x] = 1;
        for (let c = graph.start[x]!, end = graph.start[x + 1]!; c < end; c++) touched[graph.other[c]!] = 1;
      }
      placedAny = true;
      offsets[x] = chosen;
      isPlaced[x] = 1;
      if (chosen < pool.bottom) pool.bottom = chosen;
      if (chosen + xSize > pool.top) pool.top = chosen + xSize;
      if (extent() > limitBytes) return undefined;
    }
    return { sequence: before.sequence, order, offsets, poolBefore, pool };
  }
}
