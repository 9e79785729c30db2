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
 * A try copies nothing the size of the buffer count: the kept placement is changed in place and put back from an undo
 * log when the new buffer does not fit; a sequence placed in full is written into a spare placement (swapped in when it
 * fits) from the members kept in each sequence's order (not sorted again); the per-try marks are numbered, not cleared.
 * A try then costs what it places.
 *
 * Sequences 'execution', 'size' and 'reverse' only ('outward' orders buffers by the whole set's live pressure, which a
 * new buffer changes).
 */
import { chooseOffset, conflictGraphWithRules, sequenceComparator, StPlanner, workspaceFor, type ConflictGraph, type PoolExtent, type Workspace } from './st-plan.ts';
import type { PlannedBuffer } from './planner-base.ts';
import type { OverlapRule } from './types.ts';

type Sequence = Exclude<(typeof StPlanner.SEQUENCES)[number], 'outward'>;

/**
 * One sequence's placement of the members, changed in place from try to try (entries of buffers that are not members
 * are left over from earlier tries and never read: a new buffer's own entries are written before they are read).
 */
interface SequencePlacement {
  sequence: Sequence;
  /** Member ids in the sequence's order. */
  order: number[];
  /** Offset of each placed member (by id; before the final shift to 0). */
  offsets: number[];
  /** The pool's bottom and top just before each member was placed (by id: [2·id], [2·id + 1]). */
  poolBefore: Float64Array;
  pool: PoolExtent;
  /** 1 for the members placed (those with bytes), by id: what chooseOffset reads of the placement. */
  isPlaced: Uint8Array;
}

export class IncrementalStPool {
  private readonly graph: ConflictGraph;
  private readonly ws: Workspace;
  private readonly scratch: Uint8Array;
  private readonly compare: Map<Sequence, (a: number, b: number) => number>;
  private readonly member: Uint8Array;
  /** The members in each sequence's order (a sequence placed from the start takes them from here, not from a sort). */
  private readonly sortedMembers: Map<Sequence, number[]>;
  private kept: SequencePlacement | undefined;
  /** The arrays a sequence placed from the start is written into (swapped with `kept` when it fits). */
  private spare: SequencePlacement | undefined;
  /**
   * Per buffer, the number of the `place` call in which it changed (its offset moved, or it is the new buffer) and in
   * which a buffer conflicting with it changed: marks that need no clearing between tries.
   */
  private readonly changedIn: Uint32Array;
  private readonly touchedIn: Uint32Array;
  private placeCalls = 0;
  /** What a replay overwrote, to put back when it does not fit: per buffer its id, offset and pool ends before. */
  private readonly undo: number[] = [];

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
    this.changedIn = new Uint32Array(buffers.length);
    this.touchedIn = new Uint32Array(buffers.length);
    this.compare = new Map(
      sequences.map((s) => {
        const cmp = sequenceComparator(buffers, s, this.scratch);
        return [s, (a: number, b: number) => cmp(buffers[a]!, buffers[b]!)] as const;
      }),
    );
    this.sortedMembers = new Map(sequences.map((s) => [s, []]));
  }

  /** Adds buffer `id` when the members and it fit within `limitBytes` (as StPlanner.fitsWithin); whether it did. */
  tryAdd(id: number, limitBytes: number): boolean {
    if (this.member[id]) throw new RangeError(`buffer ${id} is already a member`);
    const kept = this.kept;
    let fits = kept !== undefined && this.replay(kept, id, limitBytes);
    for (const s of this.sequences) {
      if (fits) break;
      if (s !== kept?.sequence && this.placeAll(s, id, limitBytes)) {
        this.kept = this.spare;
        this.spare = kept;
        fits = true;
      }
    }
    if (!fits) return false;
    this.member[id] = 1;
    for (const [s, members] of this.sortedMembers) members.splice(this.positionIn(members, s, id), 0, id);
    return true;
  }

  /** Sequence `s` over the members and `id`, placed from the start into `spare`; whether it stays within the limit. */
  private placeAll(s: Sequence, id: number, limitBytes: number): boolean {
    const n = this.buffers.length;
    const p = (this.spare ??= { sequence: s, order: [], offsets: new Array<number>(n).fill(0), poolBefore: new Float64Array(2 * n), pool: { bottom: 0, top: 0 }, isPlaced: new Uint8Array(n) });
    for (const x of p.order) p.isPlaced[x] = 0;
    p.sequence = s;
    const members = this.sortedMembers.get(s)!;
    p.order = members.slice();
    p.order.splice(this.positionIn(members, s, id), 0, id);
    p.pool = { bottom: 0, top: 0 };
    return this.place(p, 0, id, limitBytes, false);
  }

  /** `kept` with `id` inserted at its place in the sequence; whether it stays within the limit (if not, `kept` is as it was). */
  private replay(kept: SequencePlacement, id: number, limitBytes: number): boolean {
    const order = kept.order;
    const lo = this.positionIn(order, kept.sequence, id);
    order.splice(lo, 0, id);
    this.undo.length = 0;
    if (this.place(kept, lo, id, limitBytes, true)) return true;
    const { offsets, poolBefore, isPlaced } = kept;
    const undo = this.undo;
    for (let u = undo.length - 4; u >= 0; u -= 4) {
      const x = undo[u]!;
      offsets[x] = undo[u + 1]!;
      poolBefore[2 * x] = undo[u + 2]!;
      poolBefore[2 * x + 1] = undo[u + 3]!;
    }
    order.splice(lo, 1);
    for (let q = lo; q < order.length; q++) isPlaced[order[q]!] = this.buffers[order[q]!]!.sizeBytes > 0 ? 1 : 0;
    isPlaced[id] = 0;
    return false;
  }

  /** Where `id` goes in `order` (ids in sequence `s`'s order, which is total). */
  private positionIn(order: readonly number[], s: Sequence, id: number): number {
    const cmp = this.compare.get(s)!;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(order[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Places `p.order` from position `from` on, in place, the positions before it as `p` has them; whether the pool stays
   * within the limit (when not, `p` is left part-placed: the caller puts it back or drops it). With `reuse` (`p` placed
   * these buffers, `id` inserted at `from`), a buffer other than `id` keeps its offset when none of its conflicts placed
   * before it changed, its anchor did not, and the pool's ends are those it was placed with; the values it overwrites
   * are logged in `undo`. Without, `p` holds nothing placed and its pool is empty.
   */
  private place(p: SequencePlacement, from: number, id: number, limitBytes: number, reuse: boolean): boolean {
    const { graph, ws, buffers, alignment: al, undo } = this;
    const { order, offsets, poolBefore, isPlaced } = p;
    // the buffer placed after the inserted one in `p` (before the insertion it stood at `from`)
    const next = reuse ? order[from + 1] : undefined;
    const pool: PoolExtent = next === undefined ? { ...p.pool } : { bottom: poolBefore[2 * next]!, top: poolBefore[2 * next + 1]! };
    // placedAny: the first placed buffer goes to 0 and makes the top positive
    let placedAny = pool.top > 0;
    // the pool only grows: past the limit before `from` (a smaller limit than the kept placement's), it stays past it
    const extent = () => pool.top - Math.floor(pool.bottom / al) * al;
    if (extent() > limitBytes) return false;
    for (let q = from; q < order.length; q++) isPlaced[order[q]!] = 0;
    const call = ++this.placeCalls;
    const { changedIn, touchedIn } = this;
    for (let q = from; q < order.length; q++) {
      const x = order[q]!;
      const bottomBefore = poolBefore[2 * x]!;
      const topBefore = poolBefore[2 * x + 1]!;
      const offsetBefore = offsets[x]!;
      if (reuse) undo.push(x, offsetBefore, bottomBefore, topBefore);
      poolBefore[2 * x] = pool.bottom;
      poolBefore[2 * x + 1] = pool.top;
      const xSize = buffers[x]!.sizeBytes;
      if (xSize === 0) continue;
      const anchor = this.anchors.get(x);
      const keeps = reuse && x !== id && touchedIn[x] !== call && (anchor === undefined || changedIn[anchor] !== call) && bottomBefore === pool.bottom && topBefore === pool.top;
      const chosen = keeps ? offsetBefore : placedAny ? chooseOffset(ws, x, xSize, graph, offsets, isPlaced, pool, al, anchor) : 0;
      if (x === id || !Object.is(chosen, offsetBefore)) {
        changedIn[x] = call;
        for (let c = graph.start[x]!, end = graph.start[x + 1]!; c < end; c++) touchedIn[graph.other[c]!] = call;
      }
      placedAny = true;
      offsets[x] = chosen;
      isPlaced[x] = 1;
      if (chosen < pool.bottom) pool.bottom = chosen;
      if (chosen + xSize > pool.top) pool.top = chosen + xSize;
      if (extent() > limitBytes) return false;
    }
    p.pool = pool;
    return true;
  }
}
