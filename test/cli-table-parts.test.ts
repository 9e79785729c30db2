import { describe, expect, it } from 'vitest';
import { renderTable, TABLE_PART_ROWS, type Column, type SpanRow } from '../src/cli/format/table.ts';

/** Rows of uneven widths, multi-line cells and span rows, some of them at part boundaries. */
function mixedRows(n: number): ((string | number)[] | SpanRow)[] {
  const rows: ((string | number)[] | SpanRow)[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(i % 17 === 3 ? { span: `variant ${i} ${'x'.repeat(i % 7)}` } : [i, 'n'.repeat((i * 7) % 23), i % 5 === 0 ? 'a\nbb\nccc' : 's'.repeat(i % 9)]);
  }
  return rows;
}

describe('renderTable draws long tables in parts (cli-table3 is quadratic in rows and overflows the stack past ~100,000)', () => {
  it('gives the same text in parts as in one table, with natural widths', () => {
    const columns: Column[] = [{ header: '#', align: 'right' }, { header: 'name' }, { header: 'shape\nlines' }];
    const rows = mixedRows(53);
    const whole = renderTable(columns, rows, rows.length);
    expect(whole.split('\n').length).toBeGreaterThan(53);
    for (const part of [1, 7, 10, 20, 52]) expect(renderTable(columns, rows, part)).toBe(whole);
  });

  it('gives the same text in parts as in one table, with fixed widths that wrap', () => {
    const columns: Column[] = [{ header: '#', width: 6 }, { header: 'long header words here', width: 12 }];
    const rows = mixedRows(40).map((r) => (Array.isArray(r) ? [r[0]!, `word `.repeat(Number(r[0]) % 6)] : r));
    const whole = renderTable(columns, rows, rows.length);
    for (const part of [3, 7, 11]) expect(renderTable(columns, rows, part)).toBe(whole);
  });

  it('draws 120,000 rows (one table overflowed the call stack)', () => {
    const rows = Array.from({ length: 120_000 }, (_, i) => [i, 'x']);
    expect(rows.length).toBeGreaterThan(TABLE_PART_ROWS);
    const lines = renderTable([{ header: '#', align: 'right' }, { header: 'op' }], rows).split('\n');
    expect(lines).toHaveLength(120_000 + 4);
    expect(lines[1]).toBe('│      # │ op │');
    expect(lines[3]).toBe('│      0 │ x  │');
    expect(lines.at(-2)).toBe('│ 119999 │ x  │');
  });
});
