/**
 * The lines `check` and `compare` print under their fit tables: what the cells mean, and why a latency
 * carries no error figure. One wording for both commands.
 */
import type { TargetResult } from '../../targets/evaluate.ts';

/** The legend under a fit table (check, compare). */
export const FIT_TABLE_LEGEND = [
  'RAM = activations + runtime-library RAM, flash = weights + code. Each cell: used / capacity (free room, % of',
  'capacity) of the fullest memory that role uses; "+ … in <memory>" = the part placed in external memory. N6: its',
  'NPU RAM pools together; MPUs: DDR. Every memory with its bytes: --json (memories[]). KiB = 1024 B.',
  'latency in ms; ±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate).',
].join('\n');

/**
 * "latency from thin data (no reliable error figure):" and one line per target whose latency is thin, with
 * its reason; '' when every latency has an error figure. The same target met again (compare's variants)
 * is listed once.
 */
export function thinLatencyLines(results: readonly TargetResult[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of results) {
    if (r.latencyStatus !== 'thin') continue;
    const line = `  ${r.name}: ${r.latencyNote}`;
    if (seen.has(line)) continue;
    seen.add(line);
    lines.push(line);
  }
  return lines.length ? `latency from thin data (no reliable error figure):\n${lines.join('\n')}` : '';
}
