/**
 * The one place targets learn a model's activation RAM. Preference order:
 *   1. `analysis.totals.activationPeakBytes` (analyze fills it from the "st" plan),
 *   2. planStPeakBytes(analysis) (the memory planner's st plan alone, per scratch engine),
 *   3. FALLBACK: the maximum over the schedule of live activation bytes (every tensor from its producer to
 *      its last consumer, views aliased). This over-estimates ST for many nets (facts §2.2) and is labelled
 *      'fallback-max-live' wherever it is used. When the planner threw, its message is kept
 *      (`PeakEstimate.planError`) and `evaluateTargets` adds it to each affected target's notes.
 */
import type { ScratchEngineName } from '../analyzer/memory/scratch-rules.ts';
import type { ActivationTensor, Analysis } from '../analyzer/layer.ts';
import { planStPeakBytes } from '../analyzer/memory/index.ts';
import { liteFitsWithin, liteIncrementalPool, planLivenessBytes, planStLiteLiveness, planStLitePeakBytes, stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';
import type { Liveness } from '../analyzer/memory/liveness.ts';
import type { IncrementalStPool } from '../analyzer/memory/st-plan-incremental.ts';
import type { ModelFeatures } from './model-features.ts';
import type { TargetProfile } from './profile-schema.ts';
import { builtinProfiles } from './resolve.ts';
import { versionRank } from './latency/fit.ts';

export interface PeakEstimate {
  bytes: number;
  source: 'st-plan' | 'fallback-max-live';
  /** Why the st plan is missing when the planner failed (its error message); the fallback is used then. */
  planError?: string;
  /** Which st plan made `bytes` (activationPeakBytesForTool only): the 8.1 model or the STEdgeAI 3.x/4.x lite model. */
  plan?: 'st-8.1' | 'stedgeai-lite';
}

function stPlanBytes(a: Analysis, scratchEngine?: ScratchEngineName): { bytes?: number; error?: string } {
  // analyze's own figure is the default ('st' scratch) plan; another scratch engine needs its own plan
  if ((!scratchEngine || scratchEngine === 'st') && typeof a.totals.activationPeakBytes === 'number' && a.totals.activationPeakBytes > 0) return { bytes: a.totals.activationPeakBytes };
  let peak: number | undefined;
  try {
    // memoised per analysis and engine (memory/index.ts): a check asks once per distinct scratch engine
    peak = planStPeakBytes(a, scratchEngine ? { scratchEngine } : {});
  } catch (e) {
    // Not swallowed: the fallback is labelled and the planner's message travels with it (PeakEstimate.planError).
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return { bytes: peak !== undefined && peak > 0 ? peak : undefined };
}

/** FALLBACK until the st planner is available: max live activation bytes over the schedule. */
export function fallbackMaxLiveBytes(a: Analysis): number {
  const viewOf = new Map<string, string>();
  for (const l of a.layers) if (l.kind === 'view' && l.inputs[0] && l.outputs[0]) viewOf.set(l.outputs[0], l.inputs[0]);
  const root = (n: string): string => {
    let r = n;
    for (let i = 0; i < 1000 && viewOf.has(r); i++) r = viewOf.get(r)!;
    return r;
  };
  const bytes = new Map<string, number>();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const n = a.layers.length;
  for (const t of a.tensors) {
    const r = root(t.name);
    bytes.set(r, Math.max(bytes.get(r) ?? 0, t.bytes));
    const f = t.producer < 0 ? 0 : t.producer;
    first.set(r, Math.min(first.get(r) ?? f, f));
    let l = f;
    if (t.isGraphOutput) l = n - 1;
    else for (const c of t.consumers) if (c > l) l = c; // a loop: spreading 10^5 consumers into Math.max overflows the stack
    last.set(r, Math.max(last.get(r) ?? l, l));
  }
  // bytes live at each step as a running sum of +bytes at a buffer's first step and −bytes after its last (one pass;
  // summing every buffer at every step took hours on a generated model of 10^5 layers)
  const delta = new Float64Array(n + 1);
  for (const [r, b] of bytes) {
    const from = Math.max(0, first.get(r)!);
    const to = Math.min(n - 1, last.get(r)!);
    if (from > to) continue;
    delta[from] += b;
    delta[to + 1] -= b;
  }
  let peak = 0;
  let live = 0;
  for (let step = 0; step < n; step++) {
    live += delta[step]!;
    if (a.layers[step]!.kind === 'view') continue;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** `scratchEngine` (ST's MCU runtime 'st', or a CMSIS-NN build: DSP on M7/M33, MVE on M55/N6) changes kernel scratch sizes. */
export function activationPeakBytes(a: Analysis, scratchEngine?: ScratchEngineName): PeakEstimate {
  const st = stPlanBytes(a, scratchEngine);
  if (st.bytes !== undefined) return { bytes: st.bytes, source: 'st-plan' };
  const fallback: PeakEstimate = { bytes: fallbackMaxLiveBytes(a), source: 'fallback-max-live' };
  if (st.error !== undefined) fallback.planError = st.error;
  return fallback;
}

/**
 * The pool STEdgeAI Core 3.0/4.0 (lite code generator, ST's MCU runtime scratch rules) allocates; undefined when
 * that plan cannot be made (the 8.1 figure stands then, labelled by the caller). The memory planner memoises the pool
 * per analysis (memory/index.ts), so modelFeatures' lite field and activationPeakBytesForTool do not plan it twice.
 */
export function litePeakBytes(a: Analysis): number | undefined {
  try {
    const b = planStLitePeakBytes(a);
    return b !== undefined && b > 0 ? b : undefined;
  } catch {
    return undefined;
  }
}

/**
 * STM32N6 Neural-ART: how ST's compiler (ATON) lays activations out, as far as its generated code shows it
 * (docs/targets.md "N6 activation RAM"). Each buffer lies whole in one memory pool (a virtual pool spanning the
 * contiguous internal pools for a buffer that fits in no pool's free range over its lifetime: ST's files show it for a
 * buffer larger than every pool; a smaller buffer blocked by others is our extrapolation); the pools are tried in the compiler's order of
 * preference and, inside a pool, buffers are packed largest first at the lowest offset free over their lifetime. The
 * published figure ("Internal RAM" + "External RAM") is the sum over pools of each pool's high-water mark.
 */
export interface ActivationPool {
  id: string;
  bytes: number;
  external: boolean;
}

export interface PoolPlan {
  /** Whose placement: the N6 Neural-ART compiler's (neuralArtPoolPlan) or an MCU memory-pool descriptor's (memoryPoolLitePlan). */
  kind?: 'neural-art' | 'memory-pools';
  /** Σ over pools of the pool's high-water mark: what ST's N6 tables publish as internal + external RAM. */
  bytes: number;
  internalBytes: number;
  externalBytes: number;
  /** The largest buffer placed in the virtual pool over the contiguous internal pools (0: none needed it). */
  virtualBytes: number;
  /** High-water mark of each pool that holds something (address range, virtual-pool buffers included), in the order of `pools`. */
  pools: { id: string; bytes: number; external: boolean }[];
  buffers: number;
}

interface NpuBuffer {
  bytes: number;
  first: number;
  last: number;
}

/**
 * The buffers the Neural-ART compiler allocates for an analysis: one per tensor, sized as the tensor (its generated
 * buffer tables carry no channel padding or alignment granule), live from its producer to its last consumer, except:
 * views (reshape) share their source's buffer; a Pad read only by convolutions or pools is done by the stream engine
 * (no buffer, the padded layer reads the unpadded tensor); an input read only by a Concat is written in place into
 * the concatenation's buffer (ST's tables place them inside it); a float graph input read only by a Quantize is not
 * allocated (ST's N6 benchmark feeds the quantized input: YOLO26n's published 722 KiB is less than its 768 KiB
 * float input); the sigmoid of a SiLU (x · sigmoid(x), its output read only by Muls that also read x) is streamed
 * into the Mul (inferred: chosen among three readings by ST's N6 rows, docs/targets.md); a convolution read only by a
 * max pool is streamed into the pool (no buffer for the convolution's output: R-N6's whole pool is below its first
 * convolution's output); a concatenation that requantizes (a QDQ ONNX Concat: its inputs carry their own
 * scale/zero point, which TFLite's int8 spec forbids) is a copy, not written in place (docs/targets.md).
 */
function neuralArtBuffers(a: Analysis): NpuBuffer[] {
  const tensors = new Map(a.tensors.map((t) => [t.name, t]));
  const { alias, skipped } = neuralArtAliases(a, tensors);
  const root = (n: string): string => {
    let r = n;
    for (let i = 0; i < 1000 && alias.has(r); i++) r = alias.get(r)!;
    return r;
  };
  const last = a.layers.length - 1;
  const byRoot = new Map<string, NpuBuffer>();
  for (const t of a.tensors) {
    if (skipped.has(t.name)) continue;
    const r = root(t.name);
    const first = t.producer < 0 || skipped.has(a.layers[t.producer]?.inputs[0] ?? '') ? 0 : t.producer;
    let end = t.isGraphOutput ? last : first;
    if (!t.isGraphOutput) for (const c of t.consumers) if (c > end) end = c; // a loop: spreading 10^5 consumers into Math.max overflows the stack
    const b = byRoot.get(r);
    if (b) (b.first = Math.min(b.first, first)), (b.last = Math.max(b.last, end));
    else byRoot.set(r, { bytes: tensors.get(r)!.bytes, first, last: end });
  }
  return [...byRoot.values()].filter((b) => b.bytes > 0);
}

/**
 * neuralArtBuffers's rules as data: `alias` maps a tensor to the tensor whose buffer it is written in (a convolution's
 * output into its max pool's, a view, a streamed Pad or SiLU sigmoid into its input's, a concatenation's inputs into
 * its output's); `skipped` holds the float graph input a Quantize reads (no buffer).
 */
function neuralArtAliases(a: Analysis, tensors: Map<string, ActivationTensor>): { alias: Map<string, string>; skipped: Set<string> } {
  const isConv = (l: Analysis['layers'][number]): boolean => l.kind === 'conv' || l.kind === 'pointwise' || l.kind === 'depthwise';
  // a QDQ ONNX Concat re-quantizes its output (DequantizeLinear → Concat → QuantizeLinear, each input with its own
  // scale: every Concat of the zoo builder's SqueezeNet, 21 of 22 in YOLO26n's file), so it copies its inputs
  const requantizes = (l: Analysis['layers'][number]): boolean => a.model.format === 'onnx' && l.sourceOps.includes('QuantizeLinear');
  const alias = new Map<string, string>();
  const skipped = new Set<string>();
  const streamedInto = (l: Analysis['layers'][number]): boolean => {
    const out = tensors.get(l.outputs[0] ?? '');
    return !!out && out.consumers.length > 0;
  };
  a.layers.forEach((l) => {
    const input = l.inputs[0];
    const output = l.outputs[0];
    if (!input || !output || !tensors.has(input) || !tensors.has(output)) return;
    const out = tensors.get(output)!;
    const readers = out.consumers.map((c) => a.layers[c]!);
    if (isConv(l) && readers.length === 1 && readers[0]!.op === 'MaxPool' && !out.isGraphOutput) alias.set(output, readers[0]!.outputs[0]!);
    else if (l.kind === 'view') alias.set(output, input);
    else if (l.op === 'Pad' && streamedInto(l) && readers.every((r) => isConv(r) || r.kind === 'pool')) alias.set(output, input);
    else if (l.kind === 'activation' && streamedInto(l) && !out.isGraphOutput && readers.every((r) => r.op === 'Mul' && r.inputs.includes(input))) alias.set(output, input);
    else if (l.op === 'Concat' && !requantizes(l)) {
      // each input read only by the concatenation is written in place into its slice of the output (ST's buffer
      // tables: yolo_x nano's Concat_81_out_0 spans exactly its two inputs' buffers; a TFLite int8 concatenation's
      // inputs share its scale and zero point, as in every concatenation of the shared YOLO TFLite files)
      for (const x of l.inputs) {
        const t = tensors.get(x);
        if (t && !t.isGraphInput && !alias.has(x) && t.consumers.length === 1) alias.set(x, output);
      }
    } else if (l.op === 'Quantize') {
      const src = tensors.get(input)!;
      if (src.isGraphInput && src.dtype === 'float32' && src.consumers.length === 1) skipped.add(input);
    }
  });
  return { alias, skipped };
}

/** Lowest offset in [lo, hi) where `bytes` fit between the (start-sorted) busy ranges; undefined when none. */
function lowestFit(busy: { start: number; end: number }[], lo: number, hi: number, bytes: number): number | undefined {
  let at = lo;
  for (const r of busy) {
    if (r.end <= at || r.start >= hi) continue;
    if (r.start >= at + bytes) break;
    at = Math.max(at, r.end);
  }
  return at + bytes <= hi ? at : undefined;
}

/**
 * Places the analysis's Neural-ART buffers in `pools` (internal ones in order of preference, then external ones) and
 * returns each pool's high-water mark. Internal pools are taken as contiguous in the order `addressOrder` lists them
 * (the N6's cpuRAM2 and npuRAM3–6 are), for the rare buffer that fits in no pool's free range.
 */
export function neuralArtPoolPlan(a: Analysis, pools: ActivationPool[], addressOrder: string[] = pools.filter((p) => !p.external).map((p) => p.id)): PoolPlan {
  const internal = pools.filter((p) => !p.external);
  const { base, externalBase } = poolAddresses(internal, addressOrder);
  const buffers = neuralArtBuffers(a).sort((x, y) => y.bytes - x.bytes || x.first - y.first);
  const placed = placeNpuBuffers(buffers, internal, base, externalBase);
  // each pool's high-water mark over the address range it covers: a virtual-pool buffer counts in every pool it spans,
  // as ST's report counts "Used memory ranges" per physical pool (MobileNet v2 1.0 224: its 1,204,224 B expansion
  // tensor spans cpuRAM2 and npuRAM3, and the sum is the published 2058 KiB to the byte)
  const highWater = (lo: number, hi: number): number => placed.reduce((m, p) => (p.start < hi && p.end > lo ? Math.max(m, Math.min(p.end, hi) - lo) : m), 0);
  const used = internal.map((p) => ({ id: p.id, bytes: highWater(base.get(p.id)!, base.get(p.id)! + p.bytes) }));
  const virtualBytes = placed.filter((p) => p.pool === 'virtual').reduce((m, p) => Math.max(m, p.end - p.start), 0);
  return poolPlanOf(used, { id: pools.find((p) => p.external)?.id, bytes: highWater(externalBase, Infinity) }, virtualBytes, buffers.length);
}

/** The internal pools laid end to end, `addressOrder` first (the rest after, in their order); external RAM after them all. */
function poolAddresses(internal: ActivationPool[], addressOrder: string[]): { base: Map<string, number>; externalBase: number } {
  const base = new Map<string, number>();
  let span = 0;
  for (const id of addressOrder) {
    const p = internal.find((x) => x.id === id);
    if (p) base.set(p.id, span), (span += p.bytes);
  }
  for (const p of internal) if (!base.has(p.id)) base.set(p.id, span), (span += p.bytes);
  return { base, externalBase: span };
}

/** A placed Neural-ART buffer; `pool`: the internal pool holding it, 'virtual' (the span over the contiguous internal pools), or 'external'. */
interface PlacedNpuBuffer {
  start: number;
  end: number;
  first: number;
  last: number;
  pool: string;
}

/**
 * Places each buffer (in the given order) at the lowest free offset of the first internal pool it fits in, else of the
 * span over the contiguous internal pools, else of external RAM.
 */
function placeNpuBuffers(buffers: NpuBuffer[], internal: ActivationPool[], base: Map<string, number>, externalBase: number): PlacedNpuBuffer[] {
  const placed: PlacedNpuBuffer[] = [];
  // the placed buffers live at each step (indices into `placed`): a buffer's lifetime neighbours without a scan of
  // every placed buffer (lowestFit takes them in start order and does not depend on the order among equal starts)
  let steps = 0;
  for (const b of buffers) steps = Math.max(steps, b.last + 1);
  const liveAt: number[][] = Array.from({ length: steps }, () => []);
  const seen = new Int32Array(buffers.length).fill(-1);
  const busy: typeof placed = [];
  for (let bi = 0; bi < buffers.length; bi++) {
    const b = buffers[bi]!;
    busy.length = 0;
    for (let s = Math.max(0, b.first); s <= b.last; s++) {
      const live = liveAt[s]!;
      for (let i = 0; i < live.length; i++) {
        const pi = live[i]!;
        if (seen[pi] !== bi) (seen[pi] = bi), busy.push(placed[pi]!);
      }
    }
    busy.sort((x, y) => x.start - y.start);
    let at: number | undefined;
    let pool = 'external';
    for (const p of internal) {
      at = lowestFit(busy, base.get(p.id)!, base.get(p.id)! + p.bytes, b.bytes);
      if (at !== undefined) {
        pool = p.id;
        break;
      }
    }
    // fits in no pool's free range: the virtual pool over the contiguous internal pools, else external RAM
    if (at === undefined && (at = lowestFit(busy, 0, externalBase, b.bytes)) !== undefined) pool = 'virtual';
    at ??= lowestFit(busy, externalBase, Infinity, b.bytes)!;
    for (let s = Math.max(0, b.first); s <= b.last; s++) liveAt[s]!.push(placed.length);
    placed.push({ start: at, end: at + b.bytes, first: b.first, last: b.last, pool });
  }
  return placed;
}

/**
 * A pool plan from each internal pool's high-water mark (in order) and external RAM's (listed as pool `external.id`
 * when it holds something and has an id): the figure is their sum, as ST's tables publish internal + external RAM.
 */
function poolPlanOf(internal: { id: string; bytes: number }[], external: { id: string | undefined; bytes: number }, virtualBytes: number, buffers: number): Omit<PoolPlan, 'kind'> {
  const pools = internal.map((p) => ({ id: p.id, bytes: p.bytes, external: false }));
  if (external.bytes > 0 && external.id !== undefined) pools.push({ id: external.id, bytes: external.bytes, external: true });
  const internalBytes = internal.reduce((s, p) => s + p.bytes, 0);
  return { bytes: internalBytes + external.bytes, internalBytes, externalBytes: external.bytes, virtualBytes, pools: pools.filter((p) => p.bytes > 0), buffers };
}

/** The pools of a profile that places activations per pool (`activationPools`), in its order; undefined otherwise. */
export function activationPoolsOf(p: TargetProfile): { pools: ActivationPool[]; addressOrder: string[] } | undefined {
  if (!p.activationPools) return undefined;
  const internal = p.activationPools.order.map((id) => p.memories.find((m) => m.id === id)!);
  const external = p.memories.filter((m) => m.activations && m.kind === 'external-ram').sort((x, y) => y.bytes - x.bytes);
  return {
    pools: [...internal, ...external].map((m) => ({ id: m.id, bytes: m.bytes, external: m.kind === 'external-ram' })),
    addressOrder: p.memories.filter((m) => m.kind === 'internal-ram' && p.activationPools!.order.includes(m.id)).map((m) => m.id),
  };
}

/**
 * The lite liveness of `a` (st4x-plan.ts, on the model's own order as planStLitePeakBytes plans it) restricted to the
 * buffers `keep` holds: their overlap rules (an output written over the input it reads) and RGB-scratch anchors kept
 * where both buffers are in the set.
 */
export function subLiveness(lv: Liveness, keep: ReadonlySet<number>): Liveness {
  const idx = new Map<number, number>();
  const buffers: Liveness['buffers'] = [];
  lv.buffers.forEach((b, i) => {
    if (!keep.has(i)) return;
    idx.set(i, buffers.length);
    const { placeAfter: _, ...rest } = b;
    buffers.push(rest);
  });
  lv.buffers.forEach((b, i) => {
    if (keep.has(i) && b.placeAfter !== undefined && idx.has(b.placeAfter)) buffers[idx.get(i)!]!.placeAfter = idx.get(b.placeAfter);
  });
  const overlaps = lv.overlaps.filter((o) => idx.has(o.output) && idx.has(o.input)).map((o) => ({ ...o, output: idx.get(o.output)!, input: idx.get(o.input)! }));
  return { ...lv, buffers, overlaps };
}

/**
 * STEdgeAI 3.x/4.x on an MCU given ST's memory-pool descriptor (profile `activationMemoryPools`): the placement rule of
 * neuralArtPoolPlan — each buffer whole in one pool, largest buffers first, each into the first pool (descriptor order)
 * that still holds it, external RAM for what fits in none; the figure is the sum of the pools' high-water marks — with
 * the lite generator's pool inside each pool (st4x-plan.ts: its overlap rules let an output overwrite the input it reads,
 * which is what ST's 804.38 KiB external RAM for MobileNet v2 1.0 256x128 is: the 130×66×96 padded copy written over
 * the 128×64×96 expansion it pads, 823,680 B; packing them apart would give 1,610,112 B).
 * Undefined when the whole lite pool fits the first pool (the tool keeps one pool: litePeakBytes), or no plan can be made.
 * When every remaining buffer fits in the first pool together, they all go there at once (what the one-by-one placement
 * gives when adding buffers never shrinks a pool; it saves a plan per buffer).
 */
export function memoryPoolLitePlan(a: Analysis, internal: { id: string; bytes: number }[], external?: { id: string }): PoolPlan | undefined {
  if (!internal.length || !a.layers.length) return undefined;
  // memoised per analysis and descriptor: `check` on the H747 and the STM32H7 series asks twice (a plan per buffer)
  const key = JSON.stringify([internal, external?.id]);
  let memo = poolPlanMemo.get(a);
  if (!memo) poolPlanMemo.set(a, (memo = new Map()));
  if (memo.has(key)) return memo.get(key);
  const plan = planMemoryPools(a, internal, external);
  memo.set(key, plan);
  return plan;
}

const poolPlanMemo = new WeakMap<Analysis, Map<string, PoolPlan | undefined>>();

function planMemoryPools(a: Analysis, internal: { id: string; bytes: number }[], external?: { id: string }): PoolPlan | undefined {
  // the common case first: the single lite pool (memoised per analysis, the figure `check` prints anyway) fits the first
  // pool, so there is nothing to split
  const whole = litePeakBytes(a);
  if (whole !== undefined && whole <= internal[0]!.bytes) return undefined;
  let lv: Liveness;
  try {
    // the liveness litePeakBytes planned (memoised per analysis with the pool): not built a second time
    lv = planStLiteLiveness(a);
  } catch {
    return undefined;
  }
  // the whole lite pool is `whole` (the same plan, above); asked here only when litePeakBytes could not make it
  if (whole === undefined && (!lv.buffers.length || liteFitsWithin(lv, internal[0]!.bytes))) return undefined;
  const placed = memoryPoolPlacement(lv, internal);
  const used = internal.map((p, pi) => ({ id: p.id, bytes: placed.poolBytes[pi]! }));
  return { kind: 'memory-pools', ...poolPlanOf(used, { id: external?.id ?? 'external', bytes: placed.externalBytes }, 0, lv.buffers.length) };
}

/** Where memoryPoolPlacement put each buffer of a lite liveness (indices into its buffers) and each pool's high-water mark. */
export interface MemoryPoolPlacement {
  /** Buffer indices per internal pool, in descriptor order, ascending. */
  sets: number[][];
  /** What fits in no internal pool (external RAM), ascending. */
  outside: number[];
  /** Each internal pool's lite plan (0 when empty), in descriptor order. */
  poolBytes: number[];
  externalBytes: number;
}

/**
 * The placement rule of memoryPoolLitePlan on a lite liveness whose whole pool exceeds `internal[0]`: buffers largest
 * first (ties: earlier first step), each into the first pool whose buffers, with it, the lite planner packs within the
 * pool's bytes; none: external RAM. After a buffer that did not go to the first pool, the first pool is tried with every
 * buffer not yet placed elsewhere, and takes them all when they fit together.
 *
 * Each "fits" is the lite planner's answer on that pool's buffers (decisions, hence pools, identical to planning the
 * pool each time: test/targets-pools-placement.test.ts against the quadratic placement it replaces), asked only when
 * needed: a per-step lower bound of the pool — at each step the live buffers' bytes less what each overlap rule lets a
 * pair share, kept up to date as buffers are placed — rejects without planning (a packing can never be smaller), and a
 * plan that is asked only whether it fits stops at the first placement sequence that does (st4x-plan.ts
 * liteFitsWithin). YOLO11n at 640 px: 632 lite plans of up to 450 buffers before, ~250 yes/no fits and 3 plans now.
 */
export function memoryPoolPlacement(lv: Liveness, internal: { id: string; bytes: number }[]): MemoryPoolPlacement {
  const sizeOf = (i: number) => lv.buffers[i]!.sizeBytes;
  const order = lv.buffers.map((_, i) => i).sort((x, y) => sizeOf(y) - sizeOf(x) || lv.buffers[x]!.firstStep - lv.buffers[y]!.firstStep);
  const pairs = sharedBytesPairs(lv);
  const sets = internal.map(() => new Set<number>());
  const bounds = internal.map(() => new StepBytesBound(lv, pairs));
  // each pool's fit test keeps the placement that last fitted and places again only what a new buffer moves (made when
  // a buffer first gets that far: most models never need the second pool's)
  const pools: (IncrementalStPool | undefined)[] = internal.map(() => undefined);
  const tryAdd = (pi: number, i: number) => (pools[pi] ??= liteIncrementalPool(lv)).tryAdd(i, internal[pi]!.bytes);
  const outside = new Set<number>();
  // the first pool with every buffer not yet placed elsewhere; at the start every buffer, which the caller found too large
  const rest = new StepBytesBound(lv, pairs);
  for (let i = 0; i < lv.buffers.length; i++) rest.add(i);
  const fits = (set: ReadonlySet<number>, bytes: number) => liteFitsWithin(subLiveness(lv, set), bytes);
  const first = internal[0]!;
  // unchanged (and still too large) after a buffer that went to the first pool: asked again only after one that did not
  let restChanged = false;
  for (let k = 0; k < order.length; k++) {
    if (restChanged && rest.maxBytes() <= first.bytes) {
      const all = new Set([...sets[0]!, ...order.slice(k)]);
      if (fits(all, first.bytes)) {
        sets[0] = all;
        break;
      }
    }
    const i = order[k]!;
    const pool = internal.findIndex((p, pi) => sizeOf(i) <= p.bytes && bounds[pi]!.maxBytesWith(i) <= p.bytes && tryAdd(pi, i));
    if (pool < 0) outside.add(i);
    else {
      sets[pool]!.add(i);
      bounds[pool]!.add(i);
    }
    if (pool !== 0) rest.remove(i);
    restChanged = pool !== 0;
  }
  const plan = (set: ReadonlySet<number>): number => (set.size ? planLivenessBytes(subLiveness(lv, set)) : 0);
  const ascending = (set: ReadonlySet<number>) => [...set].sort((x, y) => x - y);
  return { sets: sets.map(ascending), outside: ascending(outside), poolBytes: sets.map(plan), externalBytes: plan(outside) };
}

/** An overlap rule's pair as the lower bound sees it: the most bytes the two buffers may share, over the steps both live. */
interface SharedBytesPair {
  other: number;
  bytes: number;
  fromStep: number;
  toStep: number;
}

/**
 * Per buffer, its overlap-rule partners and the most bytes each pair may share (with d = offset(output) − offset(input)
 * allowed at d ≤ F or d ≥ B, the largest intersection of [d, d + out) and [0, in)); pairs without a rule share none.
 */
function sharedBytesPairs(lv: Liveness): SharedBytesPair[][] {
  const pairs: SharedBytesPair[][] = lv.buffers.map(() => []);
  for (const o of lv.overlaps) {
    if (o.output === o.input) continue;
    const out = lv.buffers[o.output]!;
    const inp = lv.buffers[o.input]!;
    const both = Math.min(out.sizeBytes, inp.sizeBytes);
    let bytes = 0;
    const f = o.forwardDeltaBytes;
    const b = o.backwardDeltaBytes;
    if (f !== undefined) bytes = Math.max(bytes, f >= 0 ? both : Math.min(f + out.sizeBytes, inp.sizeBytes));
    if (b !== undefined) bytes = Math.max(bytes, b <= 0 ? both : Math.min(out.sizeBytes, inp.sizeBytes - b));
    const fromStep = Math.max(out.firstStep, inp.firstStep);
    const toStep = Math.min(out.lastStep, inp.lastStep);
    if (bytes <= 0 || fromStep > toStep) continue;
    pairs[o.output]!.push({ other: o.input, bytes, fromStep, toStep });
    pairs[o.input]!.push({ other: o.output, bytes, fromStep, toStep });
  }
  return pairs;
}

/**
 * A lower bound of the lite pool of a set of buffers, per step: the bytes of the buffers live at the step less, for each
 * overlap-rule pair live at it, the most bytes the pair may share. Any packing that keeps the other live buffers apart
 * (as the lite planner's does) spans at least that at every step (the union of intervals is at least the sum of their
 * sizes less the sum of their pairwise intersections), so a set whose bound exceeds a pool does not fit it.
 */
class StepBytesBound {
  private readonly bytes: Float64Array;
  private readonly member: Uint8Array;

  constructor(
    private readonly lv: Liveness,
    private readonly pairs: readonly SharedBytesPair[][],
  ) {
    let steps = 0;
    for (const b of lv.buffers) steps = Math.max(steps, b.lastStep + 1);
    this.bytes = new Float64Array(steps);
    this.member = new Uint8Array(lv.buffers.length);
  }

  add(i: number): void {
    this.change(i, 1);
    this.member[i] = 1;
  }

  remove(i: number): void {
    this.member[i] = 0;
    this.change(i, -1);
  }

  /** The bound over all steps. */
  maxBytes(): number {
    let max = 0;
    for (let s = 0; s < this.bytes.length; s++) if (this.bytes[s]! > max) max = this.bytes[s]!;
    return max;
  }

  /** The bound of the set with buffer `i` added, over i's steps (elsewhere the set's own bound, which the pool holds). */
  maxBytesWith(i: number): number {
    const b = this.lv.buffers[i]!;
    const withI = this.bytes.slice(b.firstStep, b.lastStep + 1);
    for (let s = 0; s < withI.length; s++) withI[s]! += b.sizeBytes;
    for (const p of this.pairs[i]!) {
      if (!this.member[p.other]) continue;
      for (let s = p.fromStep; s <= p.toStep; s++) withI[s - b.firstStep]! -= p.bytes;
    }
    let max = 0;
    for (let s = 0; s < withI.length; s++) if (withI[s]! > max) max = withI[s]!;
    return max;
  }

  /** Adds (sign 1) or takes away (−1) buffer i's bytes and what it may share with the members (i not one of them). */
  private change(i: number, sign: 1 | -1): void {
    const b = this.lv.buffers[i]!;
    for (let s = b.firstStep; s <= b.lastStep; s++) this.bytes[s]! += sign * b.sizeBytes;
    for (const p of this.pairs[i]!) {
      if (!this.member[p.other]) continue;
      for (let s = p.fromStep; s <= p.toStep; s++) this.bytes[s]! -= sign * p.bytes;
    }
  }
}

/** The descriptor pools of a profile (`activationMemoryPools`) and its external activation RAM; undefined without one. */
export function memoryPoolsOf(p: TargetProfile): { internal: { id: string; bytes: number }[]; external?: { id: string } } | undefined {
  if (!p.activationMemoryPools || p.activationPlacement !== 'largest-region') return undefined;
  const external = p.memories.filter((m) => m.activations && m.kind === 'external-ram').sort((x, y) => y.bytes - x.bytes)[0];
  // each pool fits its memory (profile-schema.ts refuses a profile whose pool does not: no silent cap)
  const internal = p.activationMemoryPools.pools.map((x) => ({ id: x.memory, bytes: x.bytes }));
  return { internal, ...(external ? { external: { id: external.id } } : {}) };
}

/**
 * The pool plan of `a` on `profile` (undefined when the profile has no per-pool placement or the analysis no tensors):
 * the Neural-ART plan on a profile with `activationPools`; on a profile with an MCU memory-pool descriptor, the
 * descriptor's plan when the newest tool takes it (`toolVersion` omitted) or `toolVersion` does (STEdgeAI 3.x/4.x with
 * ST's runtime) and the lite pool exceeds the descriptor's first pool.
 */
export function poolPlanFor(a: Analysis, profile: TargetProfile, toolVersion?: string): PoolPlan | undefined {
  if (!a.tensors.length) return undefined;
  const spec = activationPoolsOf(profile);
  if (spec) return { kind: 'neural-art', ...neuralArtPoolPlan(a, spec.pools, spec.addressOrder) };
  const mcu = memoryPoolsApplying(profile, toolVersion);
  return mcu ? memoryPoolLitePlan(a, mcu.internal, mcu.external) : undefined;
}

/**
 * The descriptor pools of `profile` where ST's tool places activations over them: ST's runtime (`scratchEngine` 'st'),
 * external RAM for what fits in no pool, and `toolVersion` (omitted: the newest tool) from the descriptor's
 * fromToolVersion. The one gate of the activation RAM figure (poolPlanFor) and the latency placement
 * (latency/engine-models.ts memoryPoolExternalShare).
 */
export function memoryPoolsApplying(profile: TargetProfile, toolVersion?: string): { internal: { id: string; bytes: number }[]; external: { id: string } } | undefined {
  const mcu = memoryPoolsOf(profile);
  // without external RAM for activations the descriptor has nowhere to put what fits in no pool: the single pool stands
  // (memory-map.ts over-commits it and reports the margin)
  if (!mcu?.external || profile.scratchEngine !== 'st') return undefined;
  if (toolVersion !== undefined && versionRank(toolVersion) < versionRank(profile.activationMemoryPools!.fromToolVersion)) return undefined;
  return { internal: mcu.internal, external: mcu.external };
}

/**
 * The memory-pool plan on the built-in MCU profile with a descriptor (the H747's; stored with the calibration features:
 * ST's H747 re-identification rows publish internal and external RAM). Undefined when the lite pool fits the first pool.
 */
export function memoryPoolLitePlanBuiltin(a: Analysis): PoolPlan | undefined {
  const profile = builtinProfiles().find((p) => p.activationMemoryPools);
  return profile ? poolPlanFor(a, profile) : undefined;
}

/**
 * Whether ST allocates activations with the STEdgeAI 3.x/4.x lite generator's pool: ST's MCU runtime (`scratchEngine`
 * 'st', the default) under a 3.x/4.x tool version. Another scratch engine, or no or another version: the 8.1 st plan.
 * The one rule behind activationPeakBytesForTool (from an analysis) and activationBytesForTool (from stored features).
 */
export function usesLitePool(scratchEngine: ScratchEngineName | undefined, toolVersion: string | undefined): boolean {
  return (scratchEngine ?? 'st') === 'st' && toolVersion !== undefined && stAllocatorFamily(toolVersion) === 'stedgeai-lite';
}

/**
 * Our activation figure from stored features (model-features.ts) for a measurement with `toolVersion` on a target
 * with `scratchEngine`: the lite pool (`activationPeakBytesLite`, when the features carry it) where usesLitePool,
 * otherwise `activationPeakBytes` (the 8.1 st plan, or what evaluate.ts's peakFor put there for a prediction).
 */
export function activationBytesForTool(
  f: Pick<ModelFeatures, 'activationPeakBytes' | 'activationPeakBytesLite'>,
  scratchEngine: ScratchEngineName | undefined,
  toolVersion: string | undefined,
): number {
  return usesLitePool(scratchEngine, toolVersion) && f.activationPeakBytesLite !== undefined ? f.activationPeakBytesLite : f.activationPeakBytes;
}

/**
 * The activation pool for the ST tool version a published row or a target's tables name ('4.0.0', 'stedgeai-4.0',
 * '8.1.0', 'cubeai-8.1' …). STEdgeAI Core 3.x / 4.x (st4x-plan.ts `stAllocatorFamily` 'stedgeai-lite', the zoo 4.x
 * tables) with ST's MCU scratch rules → the lite-generator pool (`litePeakBytes`); every other version, scratch
 * engine or an unknown version → `activationPeakBytes` (the 8.1 st plan), as before.
 *
 * Why: on the 27 STM32H747I-DISCO activation rows of STEdgeAI 4.0 (data/calibration-error.json, 14 models) the lite
 * pool's error is 8.3 % mean |err| (calibrate's note) against 12.5 % for the
 * 8.1 plan, 7 rows within ±3 % against 3; it is closer on 15 rows (ResNet8 −25.5 → −11.5 %, ST MNIST −24.1 → −6.3 %,
 * SqueezeNet 1.1 128/224 −11.6/−8.8 → −2.0/−3.6 %, MobileNet v1 0.25 fft 224/96 −25.7/−39.0 → −8.1/−25.3 %, the
 * MobileNet v1 zoo builds 0.25/0.5/1.0 −24.7/−6.6/−10.5 → −5.4/−1.4/−5.6 %, FD-MobileNet 4 rows, MobileNet v1 0.5 fft
 * and 0.25 grayscale), further on 3 by 1.4–1.8 points (ST YOLO LC v1 192/224/256 −7.1/−4.4/−3.3 → −8.9/−6.0/−4.7 %),
 * equal on 9; both are below ST on every row (docs/memory-4x.md "Session 5").
 */
export function activationPeakBytesForTool(a: Analysis, toolVersion: string | undefined, scratchEngine?: ScratchEngineName): PeakEstimate {
  if (usesLitePool(scratchEngine, toolVersion)) {
    const lite = litePeakBytes(a);
    if (lite !== undefined) return { bytes: lite, source: 'st-plan', plan: 'stedgeai-lite' };
  }
  const p = activationPeakBytes(a, scratchEngine);
  return p.source === 'st-plan' ? { ...p, plan: 'st-8.1' } : p;
}
