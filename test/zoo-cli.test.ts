/**
 * `edgefit zoo list` / `edgefit zoo build` as a user runs them: exit codes, one-line errors, and a written
 * file that onnxruntime loads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.ts';

const BIN = join(REPO_ROOT, 'bin/edgefit.js');
const tmp = mkdtempSync(join(tmpdir(), 'edgefit-zoo-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function edgefit(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmp });
}

const IDS = ['st_efficientnet_lc_v1', 'mobilenet_v1', 'mobilenet_v2', 'fdmobilenet', 'st_fdmobilenet_v1', 'resnet_v1', 'squeezenet_v1_0', 'squeezenet_v1_1', 'st_mnist_v1'];

describe('edgefit zoo', () => {
  it('list prints every network id; --json is machine-readable', () => {
    const r = edgefit('zoo', 'list');
    expect(r.status).toBe(0);
    for (const id of IDS) expect(r.stdout).toContain(id);
    const j = edgefit('zoo', 'list', '--json');
    expect(j.status).toBe(0);
    expect((JSON.parse(j.stdout) as { id: string }[]).map((n) => n.id)).toEqual(IDS);
  });

  it('build writes an ONNX file that onnxruntime runs', async () => {
    const out = join(tmp, 'mnist.onnx');
    const r = edgefit('zoo', 'build', 'st_mnist_v1', '--resolution', '32', '--classes', '10', '--seed', '7', '-o', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(out);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const y = await session.run({ input: new ort.Tensor('float32', new Float32Array(32 * 32), [1, 1, 32, 32]) });
    expect(y.output!.dims).toEqual([1, 10]);
  });

  it('build --io int8 writes a model with int8 input and output', async () => {
    const out = join(tmp, 'mnist-int8.onnx');
    const r = edgefit('zoo', 'build', 'st_mnist_v1', '--resolution', '28', '--classes', '10', '--io', 'int8', '-o', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('int8 input and output');
    const session = await ort.InferenceSession.create(readFileSync(out));
    const y = await session.run({ input: new ort.Tensor('int8', new Int8Array(28 * 28), [1, 1, 28, 28]) });
    expect([y.output!.type, y.output!.dims]).toEqual(['int8', [1, 10]]);
  });

  it('build creates a missing output folder', () => {
    const out = join(tmp, 'new', 'deeper', 'mnist.onnx');
    const r = edgefit('zoo', 'build', 'st_mnist_v1', '-o', out);
    expect(r.status).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('bad options exit 2 with one line naming the problem', () => {
    writeFileSync(join(tmp, 'a-file'), 'x');
    for (const [args, msg] of [
      [['zoo', 'build', 'fdmobilenet', '--resolution', '100'], /multiple of 32/],
      [['zoo', 'build', 'mobilenet_v2', '--alpha', 'wide'], /--alpha expects a number/],
      [['zoo', 'build', 'lenet'], /unknown zoo network 'lenet'/],
      [['zoo', 'build', 'st_mnist_v1', '--io', 'int16'], /--io expects one of float, int8, uint8, got 'int16'/],
      // -o under a file, or onto a folder: the path and the reason on one line
      [['zoo', 'build', 'st_mnist_v1', '-o', join(tmp, 'a-file', 'm.onnx')], /a-file is not a folder/],
      [['zoo', 'build', 'st_mnist_v1', '-o', tmp], /cannot write .*: it is a folder/],
      // a folder that cannot be created (Node's recursive mkdir never returns under /proc)
      ...(existsSync('/proc') ? [[['zoo', 'build', 'st_mnist_v1', '-o', '/proc/edgefit-none/m.onnx'], /cannot create folder \/proc\/edgefit-none/]] : []),
    ] as [string[], RegExp][]) {
      const r = edgefit(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
