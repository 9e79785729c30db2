/**
 * The live-buffer cap (src/analyzer/memory/live-buffer-cap.ts) can be raised, as the file and tensor caps can:
 * `withLiveBufferCap(n, fn)` in the library, `--max-live-buffers <count>` on every command that plans memory.
 * Refused at the default with a line naming the option; accepted when raised to the model's count; a bad value
 * refused with one line before the model is read.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { liveBufferCap, MAX_LIVE_BUFFERS, withLiveBufferCap } from '../src/analyzer/memory/live-buffer-cap.ts';
import { planMemory, planStPeakBytes } from '../src/analyzer/memory/index.ts';
import { planStLiteLiveness, planStLitePeakBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { withPlanningCaps } from '../src/cli/model-options.ts';
import { refusal } from './helpers/refusal.ts';
import { MODEL_COMMANDS, commandOptions, oneErrorLine, runAll, type CliRun } from './robustness-cli.ts';
import { wideConcat } from './helpers/wide-concat.ts';

/** Relu outputs all waiting for one Concat: at the last Relu, x and the N Relu outputs are live (N + 1 buffers). */
const RELUS = 1100;
const LIVE = RELUS + 1;


const REFUSAL = new RegExp(
  `wide\\.onnx: at step \\d+ \\(layer 'Relu_\\d+'\\), ${LIVE.toLocaleString('en-US')} activation buffers are live at once; edgefit plans activation memory for at most ([\\d,]+) live at one step \\(each planner compares them pair by pair; raise the cap with --max-live-buffers / maxLiveBuffers\\)$`,
);

let dir: string;
let wide: string;
let runs: Record<string, CliRun> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-live-cap-'));
  wide = wideConcat(RELUS).writeTo(dir, 'wide.onnx');
  const raised = ['--max-live-buffers', String(LIVE)];
  runs = await runAll(
    [
      { key: 'analyze default', args: ['analyze', wide, '--json'] },
      { key: 'analyze raised', args: ['analyze', wide, '--json', ...raised] },
      { key: 'check default', args: ['check', wide, '--json', '-t', 'STM32H747I-DISCO'] },
      { key: 'check raised', args: ['check', wide, '--json', '-t', 'STM32H747I-DISCO', ...raised] },
      { key: 'compare raised', args: ['compare', wide, wide, '--json', '-t', 'STM32H747I-DISCO', ...raised] },
      { key: 'report default', args: ['report', wide, '-t', 'STM32H747I-DISCO', '-o', join(dir, 'default.html')] },
      { key: 'report raised', args: ['report', wide, '-t', 'STM32H747I-DISCO', '-o', join(dir, 'raised.html'), ...raised] },
      { key: 'bad 0', args: ['analyze', join(dir, 'absent.onnx'), '--max-live-buffers', '0'] },
    ],
    2,
  );
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('withLiveBufferCap (library)', () => {
  // a fresh analysis per call: the liveness an analysis's planning computed is memoised with it (memory/index.ts),
  // and the cap is checked when it is computed (the cost it guards against is then already paid)
  let bytes: Uint8Array;
  const fresh = (): Analysis => analyzeModel(loadModelBytes(bytes, 'wide.onnx'));
  beforeAll(() => {
    bytes = wideConcat(RELUS).toBytes();
  });

  it('refused at the default, naming the cap and how to raise it', () => {
    const e = refusal(() => planMemory(fresh()));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(REFUSAL);
    expect(REFUSAL.exec(e.message)![1]).toBe(MAX_LIVE_BUFFERS.toLocaleString('en-US'));
  });

  it('planned inside the scope when raised to the count live, refused one below it (naming the raised cap)', () => {
    const memory = withLiveBufferCap(LIVE, () => planMemory(fresh()));
    // x (16 B) and every Relu output (16 B each) are live at the last Relu: the plan's peak holds them all
    expect(memory!.planners.st!.peakBytes).toBeGreaterThanOrEqual(16 * LIVE);
    const e = refusal(() => withLiveBufferCap(LIVE - 1, () => planMemory(fresh())));
    expect(REFUSAL.exec(e.message)?.[1]).toBe((LIVE - 1).toLocaleString('en-US'));
  });

  it('the scope ends with the call and follows what it awaits', async () => {
    await withLiveBufferCap(LIVE, async () => {
      await new Promise((r) => setTimeout(r, 5));
      expect(planMemory(fresh())!.planners.st).toBeDefined();
    });
    expect(refusal(() => planMemory(fresh())).code).toBe('LIMIT');
    // nested: the innermost cap holds
    expect(() => withLiveBufferCap(LIVE, () => withLiveBufferCap(8, () => planMemory(fresh())))).toThrow(/at most 8 live/);
  });

  it('a model planned under a raised cap is refused when planned again under a lower one (memoised liveness, pool sizes)', () => {
    // the refusal a fresh analysis gets at the lower cap: reusing what the raised call memoised must end the same way
    const expected = refusal(() => withLiveBufferCap(LIVE - 1, () => planMemory(fresh()))).message;
    const entries: [string, (a: Analysis) => unknown][] = [
      ['planMemory', (a) => planMemory(a)],
      ['planStPeakBytes', (a) => planStPeakBytes(a)],
      ['planStPeakBytes (dsp scratch)', (a) => planStPeakBytes(a, { scratchEngine: 'dsp' })],
      ['planStLitePeakBytes', (a) => planStLitePeakBytes(a)],
      ['planStLiteLiveness', (a) => planStLiteLiveness(a)],
    ];
    for (const [first, plan] of entries) {
      const a = fresh();
      withLiveBufferCap(LIVE, () => plan(a));
      for (const [again, replan] of entries) {
        withLiveBufferCap(LIVE, () => replan(a)); // memoised under the raised cap too
        const e = refusal(() => withLiveBufferCap(LIVE - 1, () => replan(a)), `${first} then ${again}: planned at cap ${LIVE - 1}`);
        expect(e.code, `${first} then ${again}`).toBe('LIMIT');
        expect(e.message.replace(/at most [\d,]+/, ''), `${first} then ${again}`).toBe(expected.replace(/at most [\d,]+/, ''));
        expect(refusal(() => replan(a)).message, `${first} then ${again} at the default`).toMatch(/at most 1,024 live/);
      }
    }
  });

  it('a cap that is not a positive whole number is a usage error', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(refusal(() => withLiveBufferCap(bad, () => 1)).code).toBe('USAGE');
  });
});

describe('--max-live-buffers', () => {
  it('every command that reads a model declares it', () => {
    const missing = MODEL_COMMANDS.map((c) => c.name).filter((n) => !commandOptions(n).includes('--max-live-buffers'));
    expect(missing).toEqual([]);
  });

  it('analyze: refused at the default (exit 2, one line naming the option); runs when raised to the count', () => {
    const r = runs['analyze default']!;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneErrorLine(r)).toMatch(/^edgefit: /);
    expect(oneErrorLine(r)).toMatch(REFUSAL);
    const ok = runs['analyze raised']!;
    expect(ok.code, ok.stderr).toBe(0);
    const json = JSON.parse(ok.stdout);
    expect(json.memory.planners.st.peakBytes).toBeGreaterThanOrEqual(16 * LIVE);
  });

  it('check: the default falls back to the max-live estimate with the refusal in its notes; raised, the st plan is used', () => {
    const before = JSON.parse(runs['check default']!.stdout).targets[0];
    expect(before.notes.join(' ')).toMatch(/max-live fallback/);
    expect(before.notes.join(' ')).toMatch(/--max-live-buffers/);
    const r = runs['check raised']!;
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(r.stdout).targets[0];
    expect(after.notes.join(' ')).not.toMatch(/max-live fallback|activation buffers are live at once/);
  });

  it('compare passes it on to every variant', () => {
    const r = runs['compare raised']!;
    expect(r.code, r.stderr).toBe(0);
    const variants = JSON.parse(r.stdout).variants;
    expect(variants).toHaveLength(2);
    for (const v of variants) expect(v.targets[0].notes.join(' ')).not.toMatch(/max-live fallback/);
  });

  it('report: refused at the default, written when raised (the option reaches its async build)', () => {
    const refused = runs['report default']!;
    expect(refused.code).toBe(2);
    expect(oneErrorLine(refused)).toMatch(REFUSAL);
    const r = runs['report raised']!;
    expect(r.code, r.stderr).toBe(0);
    expect(statSync(join(dir, 'raised.html')).size).toBeGreaterThan(0);
  });

  it('a bad value is refused with one line before the model is read', () => {
    expect(runs['bad 0']!.code).toBe(2);
    expect(oneErrorLine(runs['bad 0']!)).toBe("edgefit: --max-live-buffers '0': expected a positive whole number of buffers");
    for (const bad of ['2k', '-3', '1.5', '']) {
      const e = refusal(() => withPlanningCaps({ maxLiveBuffers: bad }, () => 'ran'));
      expect(e.code).toBe('USAGE');
      expect(e.message).toBe(`--max-live-buffers '${bad}': expected a positive whole number of buffers`);
    }
    expect(withPlanningCaps({ maxLiveBuffers: '7' }, () => liveBufferCap())).toBe(7);
    expect(withPlanningCaps({}, () => liveBufferCap())).toBe(MAX_LIVE_BUFFERS);
  });
});
