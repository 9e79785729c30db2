/**
 * A target with no latency figure says why in JSON as check's text does: a user's profile whose engine names a
 * calibration key no published rows were fitted for ("cortex-m4") got `latencyNote: "no calibrated latency model for
 * cortex-m4"` while the text named the key and the keys that have a model.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { fittedLatencyKeys, noLatencyLines } from '../src/cli/format/fit-notes.ts';
import { evaluateTargets } from '../src/targets/evaluate.ts';
import { PROFILES_DIR, resolveTarget } from '../src/targets/resolve.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgefit-latency-note-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built-in H747 profile as a user's file, renamed, every engine on calibration key `key`. */
function userProfile(key: string): string {
  const p = JSON.parse(readFileSync(join(PROFILES_DIR, 'stm32h747i-disco.json'), 'utf8'));
  Object.assign(p, { id: 'my-board', name: 'MY-BOARD', aliases: [] });
  delete p.calibrationTargets;
  for (const e of p.engines) e.calibrationKey = key;
  const path = join(dir, `my-board-${key}.json`);
  writeFileSync(path, JSON.stringify(p));
  return path;
}

function conv() {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 3, 16, 16]);
  g.initializer('w', 'float32', [8, 3, 3, 3], new Float32Array(216).fill(0.01));
  g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv' });
  g.output('y', 'float32', [1, 8, 16, 16]);
  return analyzeModel(loadModelBytes(g.toBytes(), 'conv.onnx'));
}

describe('latencyNote of a target with no latency model', () => {
  it('names the calibration key and the keys that have a model, as the text line does', () => {
    const path = userProfile('cortex-m4');
    const [r] = evaluateTargets(conv(), [path]);
    expect(r!.latencyMs).toBeNull();
    const h747Key = resolveTarget('STM32H747I-DISCO').engines[0]!.calibrationKey;
    expect(r!.latencyNote).toMatch(/"calibrationKey": "cortex-m4", which no published rows were fitted for; keys with a latency model: /);
    expect(r!.latencyNote.split('keys with a latency model: ')[1]!.split(', ')).toContain(h747Key);
    expect(noLatencyLines([r!], [resolveTarget(path)], fittedLatencyKeys())).toBe(`no latency figure:\n  MY-BOARD: ${r!.latencyNote}`);
  });

  it('a fitted key keeps its figure (the note is only for a missing model)', () => {
    const [r] = evaluateTargets(conv(), [userProfile(resolveTarget('STM32H747I-DISCO').engines[0]!.calibrationKey)]);
    expect(r!.latencyMs).toBeGreaterThan(0);
    expect(r!.latencyNote).not.toMatch(/no published rows were fitted/);
  });
});
