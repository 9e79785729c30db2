/**
 * Lists in data/published that mark calibration rows by id (npu-memory-copies.json, npu-weight-forms.json): each
 * entry paired with the row it names. A listed row the data no longer has is an error, like a listed row whose
 * figures changed: the claim behind the mark is checked every time the data is loaded, never dropped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CalibrationRow } from './dataset.ts';

/** Whether a figure in bytes is the one a table prints in KiB with two decimals. */
export const sameKiB = (bytes: number | undefined, kib: number): boolean => bytes !== undefined && Math.abs(bytes / 1024 - kib) < 0.005;

/** The entries of `data/published/<file>`'s `listKey` array; [] when the file is absent. */
export function markEntries<T extends { rowId: string }>(dataDir: string, file: string, listKey: string): T[] {
  const path = join(dataDir, 'published', file);
  if (!existsSync(path)) return [];
  return (JSON.parse(readFileSync(path, 'utf8')) as Record<string, T[]>)[listKey] ?? [];
}

/** The entries of `data/published/<file>`'s `listKey` array with their rows; [] when the file is absent. */
export function markedRows<T extends { rowId: string }>(rows: CalibrationRow[], dataDir: string, file: string, listKey: string): { entry: T; row: CalibrationRow }[] {
  const entries = markEntries<T>(dataDir, file, listKey);
  const byId = new Map(rows.map((r) => [r.rowId, r]));
  return entries.map((entry) => {
    const row = byId.get(entry.rowId);
    if (!row) throw new Error(`data/published/${file}: row ${entry.rowId} is not in the published data any more`);
    return { entry, row };
  });
}
