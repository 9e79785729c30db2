/** Text summary of a memory report for the CLI: per planner the peak, the layer at the peak and the buffers live there. */
import type { MemoryReport, PlannerReport } from './index.ts';

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;
/** Exact byte counts with thousands separators, as the analyze table prints them ("106,881"). */
const formatCount = (n: number): string => n.toLocaleString('en-US');

function plannerLine(name: string, p: PlannerReport, lowerBound: number): string[] {
  const pct = lowerBound > 0 ? ((p.peakBytes - lowerBound) / lowerBound) * 100 : 0;
  const gap = lowerBound > 0 ? ` (${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)}% ${pct >= 0 ? 'over' : 'under'} the bound)` : '';
  const live = [...p.buffers]
    .filter((b) => p.liveAtPeak.includes(b.name))
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .map((b) => `${b.name} ${formatCount(b.sizeBytes)} B @${formatCount(b.offsetBytes)}`);
  const lines = [`  ${name.padEnd(7)} ${formatCount(p.peakBytes).padStart(10)} B  ${kib(p.peakBytes).padStart(12)}${gap}  peak at '${p.peakLayer}' (step ${p.peakStep}), ${p.strategy}${p.searchSkipped ? '' : p.exact === false ? ', heuristic search' : ''}`];
  const shown = live.slice(0, 6);
  lines.push(`          live: ${shown.join(', ')}${live.length > shown.length ? `, … ${live.length - shown.length} more` : ''}`);
  return lines;
}

export function formatMemorySummary(report: MemoryReport): string {
  const { st, greedy, linear, best } = report.planners;
  const lines = [
    `Activation memory (inputs/outputs ${report.allocateIo ? 'inside' : 'outside'} the pool, scratch: ${report.scratchEngine})`,
    ...plannerLine('st', st, report.lowerBoundBytes),
    ...plannerLine('greedy', greedy, report.lowerBoundBytes),
    ...plannerLine('linear', linear, report.lowerBoundBytes),
    ...plannerLine('best', best, report.lowerBoundBytes),
    `  lower bound (model order, max over steps of resident bytes): ${formatCount(report.lowerBoundBytes)} B (${kib(report.lowerBoundBytes)})`,
  ];
  if (!st.ioInPool) lines.push(`  outside the pool: inputs ${formatCount(st.inputBytes)} B, outputs ${formatCount(st.outputBytes)} B`);
  return lines.join('\n');
}
