/**
 * The CLI on odd inputs and outputs (session 12 hunt), spawned as a user runs it. Each case failed on 1f6fb17:
 * - stdout that cannot be written (`> /dev/full`): Node's ENOSPC stack trace, exit 1;
 * - `-o ''`: "cannot write report : no such folder" (report), "cannot write <cwd>: it is a folder" (zoo build);
 * - `report m.onnx -o m.onnx`: the model file replaced by its report, exit 0;
 * - `--input-shape` naming one input twice with two shapes: the last one analysed without a word.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { REPO_ROOT } from './helpers/shared.ts';
import { oneErrorLine, runAll, type CliRun } from './robustness-cli.ts';

const DEV_FULL = '/dev/full';

let dir: string;
let model: string;
/** A copy of `model` that report is asked to overwrite (on 1f6fb17 it was: the other cases keep a model). */
let victim: string;
let modelBytes: Buffer;
let runs: Record<string, CliRun> = {};

/** `edgefit <args>` with stdout written to `stdoutPath` (a file descriptor, as a shell's `>` gives it). */
function runToFile(args: string[], stdoutPath: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const fd = openSync(stdoutPath, 'w');
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/edgefit.js'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', fd, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-odd-'));
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', [1, 3, 16, 16]);
  b.node('Relu', ['x'], ['y'], {}, { name: 'relu' });
  b.output('y', 'float32', [1, 3, 16, 16]);
  model = b.writeTo(dir, 'one layer.onnx');
  modelBytes = readFileSync(model);
  victim = b.writeTo(dir, 'victim.onnx');
  symlinkSync(victim, join(dir, 'link.onnx'));
  runs = await runAll(
    [
      { key: 'report -o empty', args: ['report', model, '-o', ''] },
      { key: 'zoo -o empty', args: ['zoo', 'build', 'st_mnist_v1', '-o', ''] },
      { key: 'report over model', args: ['report', victim, '-o', victim] },
      { key: 'report over model via link', args: ['report', join(dir, 'link.onnx'), '-o', victim] },
      { key: 'report beside', args: ['report', model, '-o', join(dir, 'one layer.html')] },
      { key: 'shape twice', args: ['analyze', model, '--input-shape', 'x=1x3x16x16', '--input-shape', 'x=1x3x32x32'] },
      { key: 'shape twice, same', args: ['analyze', model, '--json', '--input-shape', 'x=1x3x32x32', '--input-shape', '1x3x32x32'] },
    ],
    3,
  );
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('odd outputs', () => {
  it.skipIf(!existsSync(DEV_FULL))('stdout that cannot be written: one line naming why, exit 2, no stack trace', async () => {
    for (const args of [['analyze', model], ['check', model, '--json', '-t', 'STM32H747I-DISCO'], ['targets']]) {
      const r = await runToFile(args, DEV_FULL);
      expect(r.stderr, args.join(' ')).toBe('edgefit: cannot write the output: no space left on the device\n');
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it("-o '': one line asking for a file path, exit 2", () => {
    for (const key of ['report -o empty', 'zoo -o empty']) {
      expect(runs[key]!.code, key).toBe(2);
      expect(oneErrorLine(runs[key]!), key).toBe("edgefit: -o '': give the path of the file to write");
    }
  });

  it('report -o the model itself (or through a symlink) is refused and the model left as it was', () => {
    expect(runs['report over model']!.code).toBe(2);
    expect(oneErrorLine(runs['report over model']!)).toBe(`edgefit: -o '${victim}' is the model being read (${victim}); write the report to another file`);
    expect(runs['report over model via link']!.code).toBe(2);
    expect(oneErrorLine(runs['report over model via link']!)).toMatch(/is the model being read/);
    expect(readFileSync(victim).equals(modelBytes)).toBe(true);
    // beside it (a name with a space) is fine
    expect(runs['report beside']!.code, runs['report beside']!.stderr).toBe(0);
    expect(readFileSync(join(dir, 'one layer.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });
});

describe('odd options', () => {
  it('--input-shape giving one input two shapes is refused; the same shape twice is fine', () => {
    const r = runs['shape twice']!;
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneErrorLine(r)).toBe("edgefit: --input-shape 'x=1x3x32x32': input 'x' was already given the shape 1x3x16x16; give each input one shape");
    const same = runs['shape twice, same']!;
    expect(same.code, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout).model.inputs[0].shape).toEqual([1, 3, 32, 32]);
  });
});
