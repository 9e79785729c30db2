/**
 * Number formatting for terminal output, shared by every command. Exact figures keep thousands separators
 * (the numbers are the product); compact forms (K/M/G, KiB/MiB) are for summaries beside them.
 * Locale-independent: output is identical on every machine.
 */

/** 1234567 → "1,234,567" (integers; non-integers keep up to 2 decimals). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const neg = n < 0;
  const abs = Math.abs(n);
  const int = Math.trunc(abs);
  const frac = abs - int;
  const digits = String(int).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = frac > 0 ? (Math.round(frac * 100) / 100).toFixed(2).slice(1).replace(/0+$/, '') : '';
  return `${neg ? '-' : ''}${digits}${decimals === '.' ? '' : decimals}`;
}

/** 1234567 → "1.23 M" (K, M, G, T with 3 significant digits); below 1000 the plain number. */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [scale, unit] of units) if (abs >= scale) return `${(n / scale).toPrecision(3)} ${unit}`;
  return formatCount(n);
}

/** Bytes with a binary unit: 1536 → "1.50 KiB"; below 1 KiB "512 B". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (abs >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  if (abs >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(2)} KiB`;
  return `${formatCount(bytes)} B`;
}

/** Exact bytes and the binary-unit form: "1,536 B (1.50 KiB)". */
export function formatBytesExact(bytes: number): string {
  return bytes >= 1024 ? `${formatCount(bytes)} B (${formatBytes(bytes)})` : `${formatCount(bytes)} B`;
}

/**
 * The byte figures a sentence carries as exact counts ("activations (917536 B) exceed …") rewritten with
 * `format` (default formatBytes: "896.03 KiB"), so notes read like the tables beside them. Only a whole
 * number directly followed by " B" is a byte figure. check --json keeps the exact counts in its notes.
 */
export function formatByteFigures(text: string, format: (bytes: number) => string = formatBytes): string {
  return text.replace(/(?<![\w.,])(\d+) B\b/g, (_, digits: string) => format(Number(digits)));
}

/** [1, 3, 224, 224] → "1x3x224x224"; a scalar "scalar". */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

/** Long labels keep their head: "CustomAttentionKe…" (an op type: its start says what it is). */
export function truncateRight(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** Long names keep their informative tail: "…/model.22/cv3.2/conv/Conv". */
export function truncateLeft(s: string, max: number): string {
  return s.length <= max ? s : `…${s.slice(s.length - max + 1)}`;
}
