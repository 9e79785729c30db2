/**
 * analyze's "Activation memory" section: per planner the peak (exact bytes and KiB/MiB as the totals above it
 * give them), the layer at the peak and the buffers live there. Names are shortened as the layer table shortens
 * them and every line is wrapped to 120 columns: TFLite tensor names are ";"-joined op paths of 200+ characters,
 * which made the "live:" lines 400-760 characters wide. `analyze --json` keeps every name whole.
 */
import type { MemoryReport, PlannerReport } from '../../analyzer/memory/index.ts';
import { formatBytes, formatCount, truncateLeft } from './numbers.ts';
import { wrapText } from './table.ts';

/** Width of every line of the section (check's and compare's tables are as wide). */
export const MEMORY_SUMMARY_COLUMNS = 120;
/** A buffer or layer name is cut to this many characters, keeping its tail (the layer table's name column). */
export const MEMORY_NAME_CHARS = 40;
/** Live buffers listed per planner, largest first. */
const LIVE_SHOWN = 6;

const name = (s: string) => truncateLeft(s, MEMORY_NAME_CHARS);

function plannerLines(label: string, p: PlannerReport, lowerBound: number): string[] {
  const pct = lowerBound > 0 ? ((p.peakBytes - lowerBound) / lowerBound) * 100 : 0;
  const gap = lowerBound > 0 ? ` (${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}% ${pct >= 0 ? 'over' : 'under'} the bound)` : '';
  const search = p.searchSkipped ? '' : p.exact === false ? ', heuristic search' : '';
  // how the plan was made, when the row's label does not say it already ("best": st on the searched order)
  const how = p.strategy === label ? search.replace(/^, /, '') : `${p.strategy}${search}`;
  const head = `${label.padEnd(7)} ${formatCount(p.peakBytes).padStart(10)} B  ${formatBytes(p.peakBytes).padStart(10)}${gap}  peak at '${name(p.peakLayer)}' (step ${p.peakStep})${how ? `; ${how}` : ''}`;
  const live = p.buffers
    .filter((b) => p.liveAtPeak.includes(b.name))
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .map((b) => `${name(b.name)} ${formatCount(b.sizeBytes)} B @${formatCount(b.offsetBytes)}`);
  const shown = live.slice(0, LIVE_SHOWN);
  if (live.length > shown.length) shown.push(`… ${live.length - shown.length} more`);
  // one buffer a line: an entry is never split across lines
  const liveLines = shown.map((entry, i) => `${' '.repeat(i ? 16 : 10)}${i ? '' : 'live: '}${entry}`);
  return [wrapText(head, MEMORY_SUMMARY_COLUMNS, '  ', ' '.repeat(10)), ...liveLines];
}

export function renderMemorySummary(report: MemoryReport): string {
  const { st, greedy, linear, best } = report.planners;
  const lines = [
    `Activation memory (inputs/outputs ${report.allocateIo ? 'inside' : 'outside'} the pool, scratch: ${report.scratchEngine})`,
    ...plannerLines('st', st, report.lowerBoundBytes),
    ...plannerLines('greedy', greedy, report.lowerBoundBytes),
    ...plannerLines('linear', linear, report.lowerBoundBytes),
    ...plannerLines('best', best, report.lowerBoundBytes),
    `  lower bound (model order, max over steps of resident bytes): ${formatCount(report.lowerBoundBytes)} B (${formatBytes(report.lowerBoundBytes)})`,
  ];
  if (!st.ioInPool) lines.push(`  outside the pool: inputs ${formatCount(st.inputBytes)} B, outputs ${formatCount(st.outputBytes)} B`);
  return lines.join('\n');
}
