/**
 * analyze's 120-column layer table beside a long unknown op type: the op column wraps and cuts its label with an
 * ellipsis before the name column loses its 16 characters. On 1f6fb17 the name column of this model shrank to 4
 * characters ("…ion") while "CustomAttentionKernel" (21 letters) kept its whole width.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { captureCli } from './helpers/cli-capture.ts';

const cli = captureCli();
const OP = 'CustomAttentionKernel';
const NAME = 'backbone.stage1.block0.attention';

/** x → Conv (big figures: wide MACs and bytes columns) → CustomAttentionKernel (unknown) → y, at `hw` × `hw` pixels. */
function model(dir: string, hw: number, conv = true): string {
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', [1, 64, hw, hw]);
  let x = 'x';
  if (conv) {
    b.initializer('w', 'float32', [128, 64, 3, 3], new Array(128 * 64 * 9).fill(0.01));
    b.node('Conv', ['x', 'w'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'backbone.stage1.block0.conv' });
    x = 'c';
  }
  b.node(OP, [x], ['y'], {}, { name: NAME, domain: 'com.example' });
  b.output('y', 'float32', [1, conv ? 128 : 64, hw, hw]);
  return b.writeTo(dir, `m${hw}${conv ? '' : '-alone'}.onnx`);
}

/** The layer table's lines and, per row, its cells (continuation lines joined with a space). */
function table(text: string): { lines: string[]; rows: string[][] } {
  const all = text.split('\n');
  const start = all.findIndex((l) => l.startsWith('┌'));
  const lines = all.slice(start, all.findIndex((l, i) => i > start && l.startsWith('└')) + 1);
  const rows: string[][] = [];
  for (const l of lines.filter((x) => x.startsWith('│'))) {
    const cells = l.split('│').slice(1, -1).map((c) => c.trim());
    if (cells[0] === '' && rows.length) rows[rows.length - 1] = rows[rows.length - 1]!.map((c, i) => (cells[i] ? `${c} ${cells[i]}` : c));
    else rows.push(cells);
  }
  return { lines, rows };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-narrow-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('analyze: a 21-letter unknown op does not starve the name column', () => {
  for (const hw of [112, 224]) {
    it(`${hw} px: the op label is cut with an ellipsis before the name goes below 16 characters, within 120 columns`, async () => {
      expect(await cli.run('analyze', model(dir, hw))).toBe(0);
      const { lines, rows } = table(cli.out);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(120);
      const row = rows.find((r) => r[0] === '1')!;
      // the name's tail with its ellipsis: 16 characters, or (224 px: 2 columns short) what is left once the op is down to 10
      if (hw === 112) expect(row[2]!.length).toBeGreaterThanOrEqual(16);
      else expect([row[1]!.split(' ')[0], row[2]!.length]).toEqual(['CustomAtt…', 14]);
      expect(row[2]!.startsWith('…') && NAME.endsWith(row[2]!.slice(1))).toBe(true);
      // the op's head, cut with an ellipsis, "(unknown)" whole on its own line
      expect(row[1]).toMatch(/^CustomAtt\w*… \(unknown\)$/);
      expect(OP.startsWith(row[1]!.split('…')[0]!)).toBe(true);
    });
  }

  it('with room to spare the op keeps its whole label, and --wide always does', async () => {
    expect(await cli.run('analyze', model(dir, 8, false))).toBe(0);
    expect(table(cli.out).rows.find((r) => r[0] === '0')![1]).toBe(`${OP} (unknown)`);
    cli.out = '';
    expect(await cli.run('analyze', model(dir, 224), '--wide')).toBe(0);
    const row = table(cli.out).rows.find((r) => r[0] === '1')!;
    expect(row.slice(1, 3)).toEqual([`${OP} (unknown)`, NAME]);
  });
});
