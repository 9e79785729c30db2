/**
 * The fit table's narrow layout, shared by check and compare: at most NARROW_TABLE_COLUMNS wide, RAM and flash
 * cells one part a line (figure, memory, external part), latency wrapped. Same figures as their --wide tables.
 */
import type { TargetResult } from '../../targets/evaluate.ts';
import { boundedActivationsCell, boundedLatencyCell, boundedRoleLines } from './fit-notes.ts';
import { type Column, wrapText } from './table.ts';

/** The default tables of check and compare fit a terminal this wide (columns + borders). */
export const NARROW_TABLE_COLUMNS = 120;

/** The narrow table's columns (widths with padding; 6 columns + 7 borders = NARROW_TABLE_COLUMNS). */
export const NARROW_FIT_COLUMNS: Column[] = [
  { header: 'target', width: 18 },
  { header: 'fits', width: 6 },
  { header: 'activations', align: 'right', width: 14 },
  { header: 'RAM used / capacity (free)', width: 31 },
  { header: 'flash used / capacity (free)', width: 31 },
  { header: 'latency\n± LOO error', align: 'right', width: 13 },
];

/** One target's row of the narrow table. */
export function narrowFitRow(r: TargetResult): string[] {
  // "— (no model)" is one character wider than the column: broken after the dash, not inside "(no model)"
  const latency = boundedLatencyCell(r).replace(/^— \(/, '—\n(');
  return [r.name, r.fits ? 'yes' : 'NO', boundedActivationsCell(r), boundedRoleLines(r, 'ram'), boundedRoleLines(r, 'flash'), latency];
}

/** A "  TARGET: text" line wrapped to the narrow table's width, continuation lines indented under the text. */
export function wrapNote(line: string): string {
  return wrapText(line.trimStart(), NARROW_TABLE_COLUMNS, '  ', '    ');
}
