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

type TableRow = (string | number)[] | SpanRow;

/**
 * Rows cli-table3 draws in one table. Its layout is quadratic in rows (layout-manager's fillInTable and
 * conflictExists look for row spans over every cell: `analyze` of a 20,000-layer chain spent 126 s drawing its layer
 * table) and its toString copies the rows with `push.apply`, one call argument per row, which overflows the call stack
 * past ~100,000 rows ("Maximum call stack size exceeded" on a 200,000-layer chain). Longer tables are drawn in parts of
 * this many rows and joined (renderLongTable), which gives the same text (test/cli-table-parts.test.ts).
 */
export const TABLE_PART_ROWS = 250;

export function renderTable(columns: Column[], rows: TableRow[], partRows = TABLE_PART_ROWS): string {
  if (rows.length > partRows) return renderLongTable(columns, rows, partRows);
  return drawTable(columns, rows);
}

function drawTable(columns: readonly Column[], rows: readonly TableRow[], colWidths?: number[]): string {
  const fixed = columns.every((c) => c.width !== undefined);
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    ...(fixed ? { colWidths: columns.map((c) => c.width!), wordWrap: true } : { wordWrap: false, ...(colWidths ? { colWidths } : {}) }),
  });
  for (const r of rows) table.push(Array.isArray(r) ? r.map((v) => String(v)) : [{ colSpan: columns.length, content: r.span }]);
  return table.toString();
}

/** Each column's width, padding included, read off a drawn table's top border ("┌───┬─────┐"). */
function drawnWidths(drawn: string): number[] {
  const top = drawn.slice(0, drawn.indexOf('\n'));
  return top.slice(1, -1).split('┬').map((segment) => segment.length);
}

/**
 * The table renderTable draws, in parts of `partRows` rows: every part drawn at the widest width any part needs, then
 * joined (the compact style draws no line between rows, so a part's rows follow the previous part's directly).
 */
function renderLongTable(columns: Column[], rows: readonly TableRow[], partRows: number): string {
  const parts: TableRow[][] = [];
  for (let i = 0; i < rows.length; i += partRows) parts.push(rows.slice(i, i + partRows));
  let widths: number[] | undefined;
  if (!columns.every((c) => c.width !== undefined)) {
    widths = columns.map(() => 0);
    for (const part of parts) drawnWidths(drawTable(columns, part)).forEach((w, i) => (widths![i] = Math.max(widths![i]!, w)));
  }
  // lines before a part's first row: the top border, the header's lines, the line under the header
  const headerLines = drawTable(columns, [], widths).split('\n').length - 2;
  const lines: string[] = [];
  parts.forEach((part, k) => {
    const drawn = drawTable(columns, part, widths).split('\n');
    const first = k === 0 ? 0 : 1 + headerLines + 1;
    const last = k === parts.length - 1 ? drawn.length : drawn.length - 1;
    for (let i = first; i < last; i++) lines.push(drawn[i]!);
  });
  return lines.join('\n');
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
