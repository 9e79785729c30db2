/**
 * `edgefit analyze` end to end: spawns `node bin/edgefit.js` on models the test writes. Expected figures are
 * hand arithmetic from the layer dims; bad input must give exit code 2 and exactly one line on stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { REPO_ROOT } from './helpers/shared.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'bin/edgefit.js'), ...args], { cwd: REPO_ROOT, timeout: 300_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const fill = (n: number, v = 1) => Array.from({ length: n }, () => v);
let dir: string;
const paths: Record<string, string> = {};

/** QDQ: float x [1,3,16,16] → Q → DQ → Conv 3×3 pad 1 (8 out, int8 weights, int32 bias) → Relu → Q → DQ → y. */
function qdqConv(): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
  g.input('x', 'float32', [1, 3, 16, 16]);
  g.initializer('s', 'float32', [], [0.02]);
  g.initializer('zp', 'int8', [], [0]);
  g.node('QuantizeLinear', ['x', 's', 'zp'], ['xq']);
  g.node('DequantizeLinear', ['xq', 's', 'zp'], ['xd']);
  g.initializer('wq', 'int8', [8, 3, 3, 3], fill(216));
  g.initializer('ws', 'float32', [8], fill(8, 0.01));
  g.initializer('wzp', 'int8', [8], fill(8, 0));
  g.node('DequantizeLinear', ['wq', 'ws', 'wzp'], ['w'], { axis: 0 });
  g.initializer('bq', 'int32', [8], fill(8));
  g.initializer('bs', 'float32', [8], fill(8, 0.0002));
  g.initializer('bzp', 'int32', [8], fill(8, 0));
  g.node('DequantizeLinear', ['bq', 'bs', 'bzp'], ['b'], { axis: 0 });
  g.node('Conv', ['xd', 'w', 'b'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv0' });
  g.node('Relu', ['c'], ['r']);
  g.node('QuantizeLinear', ['r', 's', 'zp'], ['yq']);
  g.node('DequantizeLinear', ['yq', 's', 'zp'], ['y']);
  g.output('y', 'float32', [1, 8, 16, 16]);
  return g;
}

/** Float conv on a symbolic-size input ['N', 3, 'H', 'W'] (dims default to 1). */
function dynamicConv(): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('img', 'float32', ['N', 3, 'H', 'W']);
  g.initializer('w', 'float32', [8, 3, 3, 3], fill(216, 0.1));
  g.node('Conv', ['img', 'w'], ['y'], { pads: [1, 1, 1, 1] }, { name: 'conv' });
  g.output('y', 'float32', ['N', 8, 'H', 'W']);
  return g;
}

const results: Record<string, Run> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-cli-analyze-'));
  paths.qdq = qdqConv().writeTo(dir, 'qdq.onnx');
  paths.dynamic = dynamicConv().writeTo(dir, 'dynamic.onnx');

  const full = readFileSync(paths.qdq);
  paths.truncated = join(dir, 'truncated.onnx');
  writeFileSync(paths.truncated, full.subarray(0, Math.floor(full.length / 2)));
  paths.foreign = join(dir, 'notes.onnx');
  writeFileSync(paths.foreign, 'these are meeting notes, not a neural network\n'.repeat(20));

  const cycle = new OnnxGraphBuilder({ opsets: { '': 13 } });
  cycle.input('x', 'float32', [1, 4]);
  cycle.node('Add', ['x', 'b'], ['a'], {}, { name: 'add_a' });
  cycle.node('Relu', ['a'], ['b'], {}, { name: 'relu_b' });
  cycle.output('b', 'float32', [1, 4]);
  paths.cycle = cycle.writeTo(dir, 'cycle.onnx');

  const missing = new OnnxGraphBuilder({ opsets: { '': 13 } });
  missing.input('x', 'float32', [1, 4]);
  missing.node('Add', ['x', 'ghost_tensor'], ['y'], {}, { name: 'add_ghost' });
  missing.output('y', 'float32', [1, 4]);
  paths.missing = missing.writeTo(dir, 'missing.onnx');

  const huge = new OnnxGraphBuilder({ opsets: { '': 13 } });
  huge.input('x', 'float32', [100_000, 100_000, 100_000, 100_000]);
  huge.node('Relu', ['x'], ['y'], {}, { name: 'relu' });
  huge.output('y', 'float32', [100_000, 100_000, 100_000, 100_000]);
  paths.overflow = huge.writeTo(dir, 'overflow.onnx');

  const unknown = new OnnxGraphBuilder({ opsets: { '': 13 } });
  unknown.input('x', 'float32', [1, 8]);
  unknown.node('Relu', ['x'], ['r'], {}, { name: 'relu' });
  unknown.node('MysteryOp', ['r'], ['y'], {}, { name: 'mystery', domain: 'com.example' });
  unknown.output('y', 'float32', [1, 8]);
  paths.unknown = unknown.writeTo(dir, 'unknown.onnx');

  const ext = new OnnxGraphBuilder({ opsets: { '': 13 } });
  ext.input('x', 'float32', [1, 4]);
  ext.initializer('bias', 'float32', [4], fill(4), { external: 'weights.bin' });
  ext.node('Add', ['x', 'bias'], ['y']);
  ext.output('y', 'float32', [1, 4]);
  paths.extMissing = ext.writeTo(join(dir, 'ext'), 'ext.onnx');
  rmSync(join(dir, 'ext', 'weights.bin'));

  const escape = new OnnxGraphBuilder({ opsets: { '': 13 } });
  escape.input('x', 'float32', [1, 4]);
  escape.initializer('bias', 'float32', [4], fill(4), { external: '../outside.bin' });
  escape.node('Add', ['x', 'bias'], ['y']);
  escape.output('y', 'float32', [1, 4]);
  paths.escape = escape.writeTo(join(dir, 'inner'), 'escape.onnx');
  writeFileSync(join(dir, 'outside.bin'), new Uint8Array(16));

  const jobs: [string, string[]][] = [
    ['table', ['analyze', paths.qdq]],
    ['json', ['analyze', paths.qdq, '--json']],
    ['dynDefault', ['analyze', paths.dynamic, '--json']],
    ['dynShape', ['analyze', paths.dynamic, '--json', '--input-shape', 'img=1x3x32x24']],
    ['badShapeSpec', ['analyze', paths.dynamic, '--input-shape', 'img=1x3xbig']],
    ['badShapeName', ['analyze', paths.dynamic, '--input-shape', 'nope=1x3x4x4']],
    ['truncated', ['analyze', paths.truncated]],
    ['foreign', ['analyze', paths.foreign]],
    ['cycle', ['analyze', paths.cycle]],
    ['missing', ['analyze', paths.missing]],
    ['overflow', ['analyze', paths.overflow]],
    ['unknown', ['analyze', paths.unknown, '--json']],
    ['unknownTable', ['analyze', paths.unknown]],
    ['extMissing', ['analyze', paths.extMissing]],
    ['escape', ['analyze', paths.escape]],
    ['noFile', ['analyze', join(dir, 'absent.onnx')]],
  ];
  // a few at a time: each run starts node + tsx (about 2 s of CPU)
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [key, args] = jobs[next++]!;
      results[key] = await runCli(args);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('edgefit analyze', () => {
  it('prints a per-layer table and totals', () => {
    const r = results.table!;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/│\s*Quantize\s*│/);
    expect(r.stdout).toMatch(/│\s*Conv\+relu\s*│\s*conv0\s*│\s*1x8x16x16\s*│\s*int8\/w:int8\s*│\s*55,296\s*│\s*224\s*│\s*248\s*│\s*2,048\s*│/);
    expect(r.stdout).toContain('Totals');
    expect(r.stdout).not.toContain('PARTIAL');
  });

  it('--json holds the documented fields with hand-computed values', () => {
    const r = results.json!;
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.model).toMatchObject({ path: paths.qdq, format: 'onnx', inputs: [{ name: 'x', shape: [1, 3, 16, 16], dtype: 'float32' }] });
    expect(doc.partial).toBe(false);
    expect(doc.warnings).toEqual([]);
    const conv = doc.layers.find((l: { name: string }) => l.name === 'conv0');
    expect(conv).toMatchObject({
      op: 'Conv',
      dtype: 'int8',
      macs: 8 * 16 * 16 * 27,
      params: 8 * 27 + 8,
      weightBytes: 8 * 27 + 8 * 4,
      outputBytes: 8 * 16 * 16,
      inputShapes: [[1, 3, 16, 16]],
      outputShapes: [[1, 8, 16, 16]],
      perChannel: true,
      quantParamBytes: 8 * 4 + 8 + 8 * 4 + 8 * 4,
    });
    expect(doc.totals).toMatchObject({ macsConvDense: 55_296, params: 224, weightBytes: 248 });
    expect(typeof doc.totals.macs).toBe('number');
    for (const l of doc.layers) for (const k of ['name', 'op', 'macs', 'params', 'weightBytes', 'outputBytes', 'inputShapes', 'outputShapes', 'dtype']) expect(l).toHaveProperty(k);
  });

  it('--input-shape resizes the input and MACs follow', () => {
    const base = JSON.parse(results.dynDefault!.stdout);
    const big = JSON.parse(results.dynShape!.stdout);
    expect(base.model.inputs[0].shape).toEqual([1, 3, 1, 1]);
    expect(base.totals.macs).toBe(8 * 1 * 1 * 27);
    expect(big.model.inputs[0].shape).toEqual([1, 3, 32, 24]);
    expect(big.totals.macs).toBe(8 * 32 * 24 * 27);
    expect(big.layers[0].outputShapes).toEqual([[1, 8, 32, 24]]);
  });

  it('an unknown op: exit 0, partial, a warning naming the node', () => {
    const r = results.unknown!;
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.partial).toBe(true);
    expect(doc.warnings.join('\n')).toMatch(/mystery.*MysteryOp/);
    expect(doc.layers.map((l: { op: string }) => l.op)).toEqual(['Activation', 'Unknown']);
    expect(results.unknownTable!.stdout).toContain('PARTIAL');
  });

  const bad: [string, RegExp][] = [
    ['truncated', /truncated\.onnx/],
    ['foreign', /notes\.onnx/],
    ['cycle', /cycle.*add_a/],
    ['missing', /ghost_tensor/],
    ['overflow', /'x'.*overflow/],
    ['extMissing', /weights\.bin/],
    ['escape', /outside\.bin|\.\./],
    ['noFile', /absent\.onnx/],
    ['badShapeSpec', /img=1x3xbig/],
    ['badShapeName', /nope/],
  ];
  for (const [key, names] of bad) {
    it(`bad input (${key}): exit 2, one line on stderr naming the problem, no stack`, () => {
      const r = results[key]!;
      expect(r.code).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^edgefit: /);
      expect(lines[0]).toMatch(names);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }
});
