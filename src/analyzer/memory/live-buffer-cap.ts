/**
 * A cap on how many activation buffers may be live at once. Every planner compares the buffers live together
 * pair by pair (conflict graphs, first-fit offset search, ST's placement order), so its work grows with the
 * square of that count: a generated model whose 100,000 outputs all wait for one Concat made `analyze` run for
 * hours and take gigabytes. Real networks hold at most a few dozen at once (the largest in ../shared/models
 * 135, YOLO11n; docs/robustness.md); past the cap the model is refused with one line (LIMIT) before any planner runs.
 *
 * The cap can be raised for one call (`withLiveBufferCap(n, fn)`; the CLI's --max-live-buffers): the liveness is
 * computed deep inside every planner and every target's activation figure, so the cap travels with the call, not
 * through each planner's options. The scope follows `fn`'s async continuations (AsyncLocalStorage), so an async
 * command (report) keeps it and nothing leaks to the next call. The cap is checked when an analysis's liveness is
 * computed and again whenever planning reuses what it memoised with the analysis (memory/index.ts): a model planned
 * under a raised cap and planned again under a lower one is refused, as it would be on a fresh analysis.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EdgefitError } from '../errors.ts';
import type { LiveBuffer } from './types.ts';

/** Most activation buffers live at one step that edgefit plans, unless raised (withLiveBufferCap). */
export const MAX_LIVE_BUFFERS = 1024;

const capScope = new AsyncLocalStorage<number>();

/** The cap in force: the innermost withLiveBufferCap's, else MAX_LIVE_BUFFERS. */
export function liveBufferCap(): number {
  return capScope.getStore() ?? MAX_LIVE_BUFFERS;
}

/**
 * Runs `fn` with the live-buffer cap set to `maxLiveBuffers` (a positive whole number; undefined keeps the cap in
 * force). Planning inside `fn`, and in what it awaits, refuses only above that count.
 */
export function withLiveBufferCap<T>(maxLiveBuffers: number | undefined, fn: () => T): T {
  if (maxLiveBuffers === undefined) return fn();
  if (!Number.isSafeInteger(maxLiveBuffers) || maxLiveBuffers < 1) {
    throw new EdgefitError('USAGE', `maxLiveBuffers ${maxLiveBuffers}: expected a positive whole number of buffers`);
  }
  return capScope.run(maxLiveBuffers, fn);
}

/** The largest number of buffers live at one step (a buffer is live from its first to its last step, both included), and that step. */
export function peakLiveBuffers(buffers: readonly LiveBuffer[]): { count: number; step: number } {
  const n = buffers.length;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    starts[i] = buffers[i]!.firstStep;
    ends[i] = buffers[i]!.lastStep;
  }
  starts.sort();
  ends.sort();
  let live = 0;
  let best = { count: 0, step: 0 };
  for (let i = 0, j = 0; i < n; i++) {
    // buffers ending before this start's step are no longer live
    while (j < n && ends[j]! < starts[i]!) {
      j++;
      live--;
    }
    live++;
    if (live > best.count) best = { count: live, step: starts[i]! };
  }
  return best;
}

/**
 * Refuses a liveness with more buffers live at one step than the cap in force; `where(step)` names the model and the
 * layer run there; `peakOf` counts them (peakLiveBuffers; a caller that checks one list again may pass a memo of it).
 */
export function checkLiveBufferCount(
  buffers: readonly LiveBuffer[],
  where: (step: number) => string,
  peakOf: (buffers: readonly LiveBuffer[]) => { count: number; step: number } = peakLiveBuffers,
): void {
  const cap = liveBufferCap();
  if (buffers.length <= cap) return;
  const peak = peakOf(buffers);
  if (peak.count <= cap) return;
  throw new EdgefitError(
    'LIMIT',
    `${where(peak.step)}, ${peak.count.toLocaleString('en-US')} activation buffers are live at once; edgefit plans activation memory for at most ${cap.toLocaleString('en-US')} live at one step (each planner compares them pair by pair; raise the cap with --max-live-buffers / maxLiveBuffers)`,
  );
}
