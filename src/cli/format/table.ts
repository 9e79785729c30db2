/**
 * Terminal tables with cli-table3, in one house style: no colours (output is the same piped or not),
 * compact borders, numeric columns right-aligned.
 */
import Table from 'cli-table3';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  header: string;
  align?: Align;
  /** Width in characters, padding included: longer cell lines wrap at spaces (every column of the table needs one). */
  width?: number;
}

/** A row that is one cell across every column (compare's variant heading over its targets' rows). */
export interface SpanRow {
  span: string;
}

export function renderTable(columns: Column[], rows: ((string | number)[] | SpanRow)[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    ...(columns.every((c) => c.width !== undefined) ? { colWidths: columns.map((c) => c.width!), wordWrap: true } : { wordWrap: false }),
  });
  for (const r of rows) table.push(Array.isArray(r) ? r.map((v) => String(v)) : [{ colSpan: columns.length, content: r.span }]);
  return table.toString();
}

/** Two-column "label  value" block without borders, for totals and summaries. */
export function renderKeyValues(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * `text` as lines of at most `width` characters, broken at spaces: the first after `indent`, the others after
 * `hangingIndent` (default `indent`). A word longer than a line keeps a line of its own.
 */
export function wrapText(text: string, width: number, indent = '', hangingIndent = indent): string {
  const lines: string[] = [];
  let line = '';
  const room = () => width - (lines.length ? hangingIndent : indent).length;
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > room()) {
      lines.push((lines.length ? hangingIndent : indent) + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || !lines.length) lines.push((lines.length ? hangingIndent : indent) + line);
  return lines.join('\n');
}
