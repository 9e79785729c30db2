/**
 * Re-orders layers to lower the peak resident bytes (the same per-step measure as liveness `stepBytes`).
 *
 * Exact search: dynamic programming over the set of executed layers. The resident bytes of a step depend only
 * on which layers ran before it and which layer runs, so the best peak to reach a set S is
 *   best(S ∪ {l}) = min over ready l of max(best(S), stepBytes(S, l)),
 * memoised by S (states with the same executed set merge). States are expanded level by level (|S| = k).
 * While every level holds at most `stateLimit` states the result is exact; past that the search keeps the
 * `beamWidth` states with the lowest (peak, resident bytes) per level — a stated heuristic, flagged `exact: false`.
 */
import type { Analysis, Layer } from '../layer.ts';
import { layerOverlap, OVERLAP_KIND, overlapSavingBytes, type OverlapBounds } from './overlap-rules.ts';

export interface ScheduleSearchOptions {
  allocateIo?: boolean;
  scratchBytes?: (layer: Layer) => number;
  /** Largest number of states per level for the search to stay exact (default 200). */
  stateLimit?: number;
  /** States kept per level once the limit is passed (default 8). */
  beamWidth?: number;
}

export interface ScheduleSearchResult {
  schedule: number[];
  /** max over steps of resident bytes for `schedule`. */
  peakBytes: number;
  exact: boolean;
  statesExpanded: number;
}

interface Root {
  sizeBytes: number;
  /** Layers reading any alias of this buffer. */
  consumers: number[];
  producer: number; // -1: graph input
  pinned: boolean; // graph output: never freed
  inPool: boolean;
}

interface OrderNode {
  layer: number;
  prev: OrderNode | undefined;
}

interface State {
  done: Uint8Array;
  /** Per layer: producers not yet run. */
  pending: Int32Array;
  remaining: Int32Array; // per root: consumers not yet run
  liveBytes: number;
  peak: number;
  order: OrderNode | undefined;
  /** Zobrist hash of `done` (52 bits): the memo key. */
  hash: number;
}

interface Model {
  roots: Root[];
  /** Per layer: output root (-1 for views / no pooled output), input roots per operand, scratch bytes. */
  outRoot: number[];
  inRoots: number[][];
  scratch: number[];
  /** Per layer: producer layers it waits for, and the layers waiting for it. */
  deps: number[][];
  succ: number[][];
  layers: readonly Layer[];
  /** Per layer: random 52-bit key for Zobrist hashing of executed sets. */
  zobrist: number[];
  /** Per layer: distinct input roots, flattened as [root, operand, root, operand, …]. */
  uniqueInputs: number[][];
  /** Per layer and operand: the overlap the layer allows with that input. */
  overlapOf: (OverlapBounds | undefined)[][];
}

function buildModel(analysis: Analysis, opts: ScheduleSearchOptions): Model {
  const allocateIo = opts.allocateIo ?? true;
  const rootName = new Map<string, string>();
  const root = (n: string): string => {
    let r = n;
    for (let x = rootName.get(r); x !== undefined; x = rootName.get(r)) r = x;
    return r;
  };
  for (const l of analysis.layers) {
    if (OVERLAP_KIND[l.op] === 'view' && l.inputs.length >= 1 && l.outputs.length === 1 && l.inputs[0] !== l.outputs[0]) {
      rootName.set(l.outputs[0]!, root(l.inputs[0]!));
    }
  }
  const index = new Map<string, number>();
  const roots: Root[] = [];
  const producerOf = new Map<string, number>();
  for (const t of analysis.tensors) producerOf.set(t.name, t.producer);
  for (const t of analysis.tensors) {
    const r = root(t.name);
    let i = index.get(r);
    if (i === undefined) {
      i = roots.length;
      index.set(r, i);
      roots.push({ sizeBytes: 0, consumers: [], producer: producerOf.get(r) ?? -1, pinned: false, inPool: true });
    }
    const rt = roots[i]!;
    if (t.name === r) rt.sizeBytes = t.bytes;
    for (const c of t.consumers) if (!rt.consumers.includes(c)) rt.consumers.push(c);
    if (t.isGraphOutput) rt.pinned = true;
    if (!allocateIo && (t.isGraphInput || t.isGraphOutput)) rt.inPool = false;
  }
  const n = analysis.layers.length;
  const outRoot = new Array<number>(n).fill(-1);
  const inRoots: number[][] = [];
  const scratch: number[] = [];
  const deps: number[][] = [];
  for (const l of analysis.layers) {
    const ins = l.inputs.map((x) => index.get(root(x)) ?? -1);
    inRoots.push(ins);
    if (OVERLAP_KIND[l.op] !== 'view' && l.outputs.length >= 1) {
      const o = index.get(root(l.outputs[0]!));
      if (o !== undefined && roots[o]!.producer === l.index) outRoot[l.index] = o;
    }
    scratch.push(opts.scratchBytes ? opts.scratchBytes(l) : 0);
    const d = new Set<number>();
    for (const x of l.inputs) {
      const p = producerOf.get(x);
      if (p !== undefined && p >= 0) d.add(p);
    }
    deps.push([...d]);
  }
  const succ: number[][] = deps.map(() => []);
  deps.forEach((ds, l) => ds.forEach((d) => succ[d]!.push(l)));
  let seed = 0x2545f491;
  const rand26 = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 6;
  };
  const zobrist = analysis.layers.map(() => rand26() * 2 ** 26 + rand26());
  const uniqueInputs = inRoots.map((ins) => {
    const flat: number[] = [];
    ins.forEach((r, operand) => {
      if (r < 0) return;
      for (let i = 0; i < flat.length; i += 2) if (flat[i] === r) return;
      flat.push(r, operand);
    });
    return flat;
  });
  const overlapOf = analysis.layers.map((l) => l.inputs.map((_, operand) => layerOverlap(l, operand)));
  return { roots, outRoot, inRoots, scratch, deps, succ, layers: analysis.layers, zobrist, uniqueInputs, overlapOf };
}

/** Bytes resident while layer `l` runs from state `s`, and the resident bytes after it. */
function stepCost(m: Model, s: State, l: number): { stepBytes: number; after: number } {
  const out = m.outRoot[l]!;
  const outSize = out >= 0 && m.roots[out]!.inPool ? m.roots[out]!.sizeBytes : 0;
  let freed = 0;
  let saving = 0;
  const ins = m.uniqueInputs[l]!;
  for (let i = 0; i < ins.length; i += 2) {
    const r = ins[i]!;
    const root = m.roots[r]!;
    if (!root.inPool || root.pinned || s.remaining[r] !== 1) continue;
    freed += root.sizeBytes;
    if (out >= 0 && outSize > 0 && r !== out) {
      const rule = m.overlapOf[l]![ins[i + 1]!];
      if (rule) saving = Math.max(saving, overlapSavingBytes(root.sizeBytes, outSize, rule));
    }
  }
  return { stepBytes: s.liveBytes + m.scratch[l]! + outSize - saving, after: s.liveBytes + outSize - freed };
}

function advance(m: Model, s: State, l: number, cost = stepCost(m, s, l)): State {
  const done = s.done.slice();
  done[l] = 1;
  const pending = s.pending.slice();
  for (const x of m.succ[l]!) pending[x]!--;
  const remaining = s.remaining.slice();
  const ins = m.uniqueInputs[l]!;
  for (let i = 0; i < ins.length; i += 2) remaining[ins[i]!]!--;
  return {
    done,
    pending,
    remaining,
    liveBytes: cost.after,
    peak: Math.max(s.peak, cost.stepBytes),
    order: { layer: l, prev: s.order },
    hash: xorHash(s.hash, m.zobrist[l]!),
  };
}

/** XOR of two non-negative integers below 2^52. */
function xorHash(a: number, b: number): number {
  const hi = (Math.floor(a / 2 ** 26) ^ Math.floor(b / 2 ** 26)) >>> 0;
  const lo = ((a % 2 ** 26) ^ (b % 2 ** 26)) >>> 0;
  return hi * 2 ** 26 + lo;
}

function orderOf(s: State): number[] {
  const out: number[] = [];
  for (let n = s.order; n; n = n.prev) out.push(n.layer);
  return out.reverse();
}

function initialState(m: Model): State {
  const remaining = new Int32Array(m.roots.length);
  let live = 0;
  m.roots.forEach((r, i) => {
    remaining[i] = r.consumers.length;
    if (r.producer < 0 && r.inPool) live += r.sizeBytes;
  });
  const pending = Int32Array.from(m.deps.map((d) => d.length));
  return { done: new Uint8Array(m.layers.length), pending, remaining, liveBytes: live, peak: live, order: undefined, hash: 0 };
}

function ready(m: Model, s: State): number[] {
  const out: number[] = [];
  for (let l = 0; l < m.layers.length; l++) {
    if (!s.done[l] && s.pending[l] === 0) out.push(l);
  }
  return out;
}

/** Peak resident bytes of a given schedule under the search's cost model. */
export function schedulePeakBytes(analysis: Analysis, schedule: readonly number[], opts: ScheduleSearchOptions = {}): number {
  const m = buildModel(analysis, opts);
  let s = initialState(m);
  for (const l of schedule) s = advance(m, s, l);
  return s.peak;
}

export function searchBestSchedule(analysis: Analysis, opts: ScheduleSearchOptions = {}): ScheduleSearchResult {
  const m = buildModel(analysis, opts);
  const n = m.layers.length;
  const stateLimit = opts.stateLimit ?? 200;
  const beamWidth = opts.beamWidth ?? 8;
  let level: State[] = [initialState(m)];
  let exact = true;
  let expanded = 0;
  for (let k = 0; k < n; k++) {
    // Cost every transition first (cheap); materialise only the states kept.
    const moves: { s: State; l: number; hash: number; peak: number; after: number; cost: ReturnType<typeof stepCost> }[] = [];
    const bestByHash = new Map<number, number>(); // hash → index in moves
    for (const s of level) {
      for (const l of ready(m, s)) {
        expanded++;
        const cost = stepCost(m, s, l);
        const move = { s, l, hash: xorHash(s.hash, m.zobrist[l]!), peak: Math.max(s.peak, cost.stepBytes), after: cost.after, cost };
        const prev = bestByHash.get(move.hash);
        if (prev === undefined) {
          bestByHash.set(move.hash, moves.length);
          moves.push(move);
        } else if (move.peak < moves[prev]!.peak) {
          moves[prev] = move;
        }
      }
    }
    if (moves.length === 0) break; // a cycle or a dangling input: keep what we have
    let kept = moves;
    if (moves.length > stateLimit) {
      exact = false;
      kept = [...moves].sort((a, b) => a.peak - b.peak || a.after - b.after).slice(0, beamWidth);
    }
    level = kept.map((mv) => advance(m, mv.s, mv.l, mv.cost));
  }
  const best = level.reduce<State | undefined>((b, s) => (!b || s.peak < b.peak ? s : b), undefined);
  const bestOrder = best ? orderOf(best) : [];
  if (!best || bestOrder.length !== n) {
    const order = analysis.layers.map((l) => l.index);
    return { schedule: order, peakBytes: schedulePeakBytes(analysis, order, opts), exact: false, statesExpanded: expanded };
  }
  return { schedule: bestOrder, peakBytes: best.peak, exact, statesExpanded: expanded };
}
