/**
 * The fit table's two layouts, shared by check and compare. Narrow (the default): at most NARROW_TABLE_COLUMNS
 * wide, RAM and flash cells one part a line (figure, memory, external part), latency wrapped. Wide (--wide): one
 * line per target, its columns picked by name from WIDE_FIT_COLUMNS. Same figures in both.
 */
import type { TargetResult } from '../../targets/evaluate.ts';
import { boundedActivationsCell, boundedLatencyCell, boundedRoleCell, boundedRoleLines } from './fit-notes.ts';
import { type Column, wrapText } from './table.ts';
import { limitingMemoryWords } from './limiting-memory.ts';

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
  return [r.name, fitsCell(r), boundedActivationsCell(r), boundedRoleLines(r, 'ram'), boundedRoleLines(r, 'flash'), latency];
}

const fitsCell = (r: TargetResult): string => (r.fits ? 'yes' : 'NO');

/** A --wide column: its header and alignment, and a target's cell (one line). */
interface WideFitColumn {
  column: Column;
  cell: (r: TargetResult) => string;
}

/** The per-target columns of the --wide tables, by name; check and compare each pick theirs, in their own order. */
const WIDE_FIT_COLUMNS = {
  target: { column: { header: 'target' }, cell: (r) => r.name },
  fits: { column: { header: 'fits' }, cell: fitsCell },
  // each target's own figure: the N6 compiler's pools, the newest MCU tool's pool, the st plan elsewhere
  activations: { column: { header: 'activations', align: 'right' }, cell: boundedActivationsCell },
  ram: { column: { header: 'RAM used / capacity (free)' }, cell: (r) => boundedRoleCell(r, 'ram') },
  flash: { column: { header: 'flash used / capacity (free)' }, cell: (r) => boundedRoleCell(r, 'flash') },
  limitingMemory: { column: { header: 'limiting memory' }, cell: (r) => limitingMemoryWords(r) },
  latency: { column: { header: 'latency ± LOO error', align: 'right' }, cell: boundedLatencyCell },
} satisfies Record<string, WideFitColumn>;

export type WideFitColumnName = keyof typeof WIDE_FIT_COLUMNS;

/** The --wide table's headers for these per-target columns. */
export function wideFitColumns(names: readonly WideFitColumnName[]): Column[] {
  return names.map((n) => WIDE_FIT_COLUMNS[n].column);
}

/** One target's cells under those columns. */
export function wideFitCells(r: TargetResult, names: readonly WideFitColumnName[]): string[] {
  return names.map((n) => WIDE_FIT_COLUMNS[n].cell(r));
}

/** A "  TARGET: text" line wrapped to the narrow table's width, continuation lines indented under the text. */
export function wrapNote(line: string): string {
  return wrapText(line.trimStart(), NARROW_TABLE_COLUMNS, '  ', '    ');
}

/**
 * A block of note lines as check and compare print it under the narrow table: a heading ("latency from thin data (no
 * reliable error figure):"), then "  TARGET: text" lines, each wrapped by wrapNote, the heading to the table's width.
 * `wide` (--wide): one line each, unchanged.
 */
export function wrapNoteBlock(block: string, wide = false): string {
  if (wide || !block) return block;
  return block
    .split('\n')
    .map((l) => (l.startsWith('  ') ? wrapNote(l) : wrapText(l, NARROW_TABLE_COLUMNS)))
    .join('\n');
}
