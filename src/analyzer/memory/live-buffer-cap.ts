/**
 * A cap on how many activation buffers may be live at once. Every planner compares the buffers live together
 * pair by pair (conflict graphs, first-fit offset search, ST's placement order), so its work grows with the
 * square of that count: a generated model whose 100,000 outputs all wait for one Concat made `analyze` run for
 * hours and take gigabytes. Real networks hold at most a few dozen at once (the largest in ../shared/models
 * 135, YOLO11n; docs/robustness.md); past the cap the model is refused with one line (LIMIT) before any planner runs.
 */
import { EdgefitError } from '../errors.ts';
import type { LiveBuffer } from './types.ts';

/** Most activation buffers live at one step that edgefit plans. */
export const MAX_LIVE_BUFFERS = 1024;

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

/** Refuses a liveness with more than MAX_LIVE_BUFFERS buffers live at one step; `where(step)` names the model and the layer run there. */
export function checkLiveBufferCount(buffers: readonly LiveBuffer[], where: (step: number) => string): void {
  if (buffers.length <= MAX_LIVE_BUFFERS) return;
  const peak = peakLiveBuffers(buffers);
  if (peak.count <= MAX_LIVE_BUFFERS) return;
  throw new EdgefitError(
    'LIMIT',
    `${where(peak.step)}, ${peak.count.toLocaleString('en-US')} activation buffers are live at once; edgefit plans activation memory for at most ${MAX_LIVE_BUFFERS.toLocaleString('en-US')} live at one step (each planner compares them pair by pair)`,
  );
}
