/**
 * Resource bounds on generated graphs no real network resembles: a Concat waiting on thousands of distinct
 * outputs (every planner compares live buffers pair by pair: 100,000 of them ran for hours and took gigabytes),
 * If bodies nested 10,000 deep, dims whose product passes 2^53. Each ends in a result or one EdgefitError line,
 * and the shortcuts taken for the large cases give the same figures as the direct definitions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nestedIfModel } from './helpers/nested-if-model.ts';
import { refusal } from './helpers/refusal.ts';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { MAX_LIVE_BUFFERS, peakLiveBuffers } from '../src/analyzer/memory/live-buffer-cap.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import type { LiveBuffer } from '../src/analyzer/memory/types.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { fallbackMaxLiveBytes } from '../src/targets/activation-peak.ts';
import { evaluateTargets } from '../src/targets/evaluate.ts';
import { runCli } from './robustness-cli.ts';
import { sharedModels } from './helpers/shared.ts';
import { wideConcat } from './helpers/wide-concat.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-robust-bounds-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});



/** The definition: bytes of the tensors live at each non-view step (producer to last consumer), summed, max over steps. */
function bruteMaxLiveBytes(a: Analysis): number {
  const viewOf = new Map<string, string>();
  for (const l of a.layers) if (l.kind === 'view' && l.inputs[0] && l.outputs[0]) viewOf.set(l.outputs[0], l.inputs[0]);
  const root = (t: string): string => (viewOf.has(t) ? root(viewOf.get(t)!) : t);
  const n = a.layers.length;
  const span = new Map<string, { bytes: number; first: number; last: number }>();
  for (const t of a.tensors) {
    const first = Math.max(0, t.producer);
    const last = t.isGraphOutput ? n - 1 : Math.max(first, ...t.consumers);
    const r = root(t.name);
    const s = span.get(r);
    span.set(r, s ? { bytes: Math.max(s.bytes, t.bytes), first: Math.min(s.first, first), last: Math.max(s.last, last) } : { bytes: t.bytes, first, last });
  }
  let peak = 0;
  for (let step = 0; step < n; step++) {
    if (a.layers[step]!.kind === 'view') continue;
    let live = 0;
    for (const s of span.values()) if (s.first <= step && s.last >= step) live += s.bytes;
    peak = Math.max(peak, live);
  }
  return peak;
}

describe('buffers live at once', () => {
  const over = MAX_LIVE_BUFFERS + 76;

  it(`a Concat of ${over} distinct outputs: planning is refused with one line naming the model and the layer`, () => {
    const model = loadModelBytes(wideConcat(over).toBytes(), 'wide.onnx');
    const analysis = analyzeModel(model);
    const e = refusal(() => planMemory(analysis));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toBe(
      `wide.onnx: at step ${over - 1} (layer 'Relu_${over - 1}'), ${(over + 1).toLocaleString('en-US')} activation buffers are live at once; edgefit plans activation memory for at most 1,024 live at one step (each planner compares them pair by pair; raise the cap with --max-live-buffers / maxLiveBuffers)`,
    );
  });

  it('check on it falls back to the max-live estimate, labelled with the refusal, with the figure the definition gives', () => {
    const analysis = analyzeModel(loadModelBytes(wideConcat(over).toBytes(), 'wide.onnx'));
    const [r] = evaluateTargets(analysis, ['STM32H747I-DISCO']);
    expect(r!.notes.join(' ')).toMatch(/max-live fallback/);
    expect(r!.notes.join(' ')).toMatch(/activation buffers are live at once/);
    // every Relu output (16 B) and x live at the last Relu; the Concat's output is live with them at its step
    expect(fallbackMaxLiveBytes(analysis)).toBe(bruteMaxLiveBytes(analysis));
    expect(fallbackMaxLiveBytes(analysis)).toBe(16 * over + 16 * over);
  });

  it('the CLI refuses it: exit 2, one line on stderr, nothing on stdout', async () => {
    const path = wideConcat(over).writeTo(dir, 'wide.onnx');
    const r = await runCli(['analyze', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^edgefit: .*wide\.onnx: at step \d+ \(layer 'Relu_\d+'\), 1,101 activation buffers are live at once/);
  }, 60_000);

  it('just under the cap still plans, and a Concat naming its inputs twice keeps each once, in first-use order', () => {
    const a = analyzeModel(loadModelBytes(wideConcat(100, 60).toBytes(), 'dup.onnx'));
    const cat = a.layers.find((l) => l.name === 'cat')!;
    expect(cat.inputs).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    expect(planMemory(a)).toBeDefined();
  });

  it('peakLiveBuffers counts the buffers live at each step as the definition does (random intervals)', () => {
    let seed = 7;
    const rnd = (k: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % k);
    for (let trial = 0; trial < 50; trial++) {
      const buffers: LiveBuffer[] = Array.from({ length: 1 + rnd(60) }, (_, i) => {
        const firstStep = rnd(30);
        return { name: `b${i}`, kind: 'activation', sizeBytes: 1, firstStep, lastStep: firstStep + rnd(10), aliases: [] };
      });
      let best = 0;
      for (let s = 0; s < 45; s++) best = Math.max(best, buffers.filter((b) => b.firstStep <= s && b.lastStep >= s).length);
      expect(peakLiveBuffers(buffers).count).toBe(best);
    }
  });

  it.each(sharedModels('onnx').slice(0, 6))('the one-pass max-live figure equals the definition on %s', (path) => {
    const a = analyzeModel(loadModel(path));
    expect(fallbackMaxLiveBytes(a)).toBe(bruteMaxLiveBytes(a));
  });
});

describe('depth and size', () => {
  // 1,000 levels: the decoder stops at 80 nested messages whatever the depth (10,000 measured by hand: the same line);
  // this writer copies each level's bytes, so 10,000 would cost the test a minute
  it('If bodies nested 1,000 deep: one line, no stack overflow', () => {
    const e = refusal(() => analyzeModel(loadModelBytes(nestedIfModel(1_000), 'deep.onnx')));
    expect(e.code).toBe('LIMIT');
    expect(e.message).toMatch(/deep\.onnx: sub-graphs \(If\/Loop\/Scan bodies\) nested more than 64 deep/);
  });

  it('dims whose product passes 2^53: DIM_OVERFLOW naming the input', () => {
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', [1, 2 ** 30, 2 ** 30, 2 ** 30]);
    b.node('Relu', ['x'], ['y']);
    b.output('y', 'float32', null);
    const e = refusal(() => analyzeModel(loadModelBytes(b.toBytes(), 'big.onnx')));
    expect(e.code).toBe('DIM_OVERFLOW');
    expect(e.message).toMatch(/graph input 'x' has dims whose product overflows 2\^53/);
  });
});
