/** Number formatting shared by the report's HTML (the page script has the same rules for its table and charts). */
import { formatByteFigures as formatByteFiguresWith, formatBytes as formatCliBytes } from '../cli/format/numbers.ts';

function grouped(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * Bytes by the CLI's rule (cli/format/numbers.ts formatBytes), so the report and the terminal print a figure alike:
 * "512 B", "1.50 KiB", MiB from 1 MiB, GiB from 1 GiB, two decimals. '—' for a missing figure.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  return formatCliBytes(bytes);
}

/**
 * The exact byte figures a note carries ("activations (917536 B) exceed …", as check --json keeps them) in the
 * report's byte format ("896.03 KiB"), so notes read like the figures beside them. A byte figure is a whole
 * number directly followed by " B" (the CLI's rule: cli/format/numbers.ts).
 */
export function formatByteFigures(text: string): string {
  return formatByteFiguresWith(text, formatBytes);
}

/** Large counts with a unit prefix: 12.3 M, 456.7 k. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '—';
  const abs = Math.abs(count);
  if (abs >= 1e9) return `${grouped(count / 1e9, 2)} G`;
  if (abs >= 1e6) return `${grouped(count / 1e6, 2)} M`;
  if (abs >= 1e4) return `${grouped(count / 1e3, 1)} k`;
  return grouped(count, 0);
}

/** Milliseconds with three significant digits (at least one decimal below 100 ms). */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 100) return `${grouped(ms, 1)} ms`;
  if (ms >= 1) return `${grouped(ms, 2)} ms`;
  return `${Number(ms.toPrecision(3))} ms`;
}

export function formatPct(pct: number, decimals = 1): string {
  return `${grouped(pct, decimals)} %`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}
