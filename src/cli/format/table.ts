/**
 * Terminal tables with cli-table3, in one house style: no colours (output is the same piped or not),
 * compact borders, numeric columns right-aligned.
 */
import Table from 'cli-table3';

export type Align = 'left' | 'right' | 'center';

export interface Column {
  header: string;
  align?: Align;
}

export function renderTable(columns: Column[], rows: (string | number)[][]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    wordWrap: false,
  });
  for (const r of rows) table.push(r.map((v) => String(v)));
  return table.toString();
}

/** Two-column "label  value" block without borders, for totals and summaries. */
export function renderKeyValues(pairs: [string, string][]): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
