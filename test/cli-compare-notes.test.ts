/**
 * compare prints check's notes (the activation plan used, spills, per-channel tables, the MPU runtime path …): it
 * printed none, so a note check gave for a variant was missing from the comparison. Each check note appears once,
 * said of every variant when it holds for all of them with the same targets, else of each variant it holds for.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { compareNoteLines, type CompareVariant } from '../src/cli/commands/compare.ts';
import type { TargetResult } from '../src/targets/evaluate.ts';
import { runAll, type CliRun } from './robustness-cli.ts';

const TARGETS = ['-t', 'STM32H747I-DISCO', '-t', 'STM32N6570-DK', '-t', 'STM32MP157F-DK2'];
let dir: string;
let runs: Record<string, CliRun>;

/** The lines under "notes:" up to the next heading (a line not indented). */
function notesOf(stdout: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.indexOf('notes:');
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('  ')) break;
    out.push(l);
  }
  return out;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-compare-notes-'));
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 3, 32, 32]);
  g.initializer('w', 'float32', [8, 3, 3, 3], new Float32Array(216).fill(0.01));
  g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv' });
  g.node('Relu', ['y'], ['z'], {}, { name: 'relu' });
  g.output('z', 'float32', [1, 8, 32, 32]);
  const model = g.writeTo(dir, 'conv.onnx');
  runs = await runAll([
    { key: 'compare', args: ['compare', model, '--resolutions', '32,64', '--wide', ...TARGETS] },
    { key: 'check 32', args: ['check', model, '--resolution', '32', '--wide', ...TARGETS] },
    { key: 'check 64', args: ['check', model, '--resolution', '64', '--wide', ...TARGETS] },
  ]);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compare notes', () => {
  it("every note check prints for a variant is in compare's notes, naming that variant or all of them", () => {
    const compared = notesOf(runs.compare!.stdout);
    expect(compared.length).toBeGreaterThan(0);
    const at = { 32: notesOf(runs['check 32']!.stdout), 64: notesOf(runs['check 64']!.stdout) };
    expect(at[32].length).toBeGreaterThan(0);
    for (const [res, lines] of Object.entries(at)) {
      for (const line of lines) {
        // check: "  T1, T2: text"; compare: the same line (every variant) or "  conv.onnx @res: T1, T2…: text"
        const [, targets, text] = /^ {2}([^:]+): (.*)$/.exec(line)!;
        const match = compared.find((c) => c === line || (c.endsWith(`: ${text}`) && c.includes(`conv.onnx @${res}: ${targets}`)));
        expect(match, `${res}: ${line}`).toBeDefined();
      }
    }
    // nothing in compare's notes that check did not say
    const said = new Set([...at[32], ...at[64]].map((l) => l.replace(/^ {2}[^:]+: /, '')));
    for (const c of compared) expect([...said].some((t) => c.endsWith(`: ${t}`)), c).toBe(true);
  });

  it('a note true of every variant for the same targets is printed once, without variant names; otherwise per variant', () => {
    const r = (name: string, notes: string[]) => ({ name, notes }) as unknown as TargetResult;
    const v = (res: number, targets: TargetResult[]) => ({ model: 'm.onnx', resolution: res, targets }) as unknown as CompareVariant;
    const label = (x: CompareVariant) => `m.onnx @${x.resolution}`;
    const lines = compareNoteLines(
      [v(96, [r('A', ['shared', 'only 96']), r('B', ['shared'])]), v(128, [r('A', ['shared']), r('B', ['shared', 'B differs'])])],
      label,
    );
    expect(lines).toEqual(['  A, B: shared', '  m.onnx @96: A: only 96', '  m.onnx @128: B: B differs']);
    // same note, different targets per variant: each variant named with its own
    expect(compareNoteLines([v(96, [r('A', ['n'])]), v(128, [r('A', ['n']), r('B', ['n'])])], label)).toEqual(['  m.onnx @96: A; m.onnx @128: A, B: n']);
  });
});
