/**
 * `edgefit demo` and `edgefit report` as a user runs them (node bin/edgefit.js): files written, path printed,
 * exit codes, one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROFILES_DIR } from '../src/targets/resolve.ts';
import { buildZooModel } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgefit-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function edgefit(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/edgefit.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('edgefit demo / report CLI', () => {
  it('demo builds the models, writes the report and prints its path and a per-target summary', () => {
    const r = edgefit('demo');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = join(dir, 'reports', 'demo-st_efficientnet_lc_v1.html');
    expect(existsSync(report)).toBe(true);
    expect(r.stdout).toContain('reports/demo-st_efficientnet_lc_v1.html');
    expect(r.stdout).toMatch(/128 px: 19\.8 M MACs/);
    expect(r.stdout).toMatch(/STM32H747I-DISCO\s*│\s*(fits|NO FIT)/);
    // a latency without an error figure reads as in check and compare ("thin data"), and the ± is explained
    expect(r.stdout).not.toContain('n/a');
    expect(r.stdout).toMatch(/STM32F769I-DISCO\s*│\s*fits\s+[\d,.]+ ms \(thin data\)/);
    // the error as check prints it (±6.8%, not ±7 %), and the footnotes wrapped to check's 120 columns
    expect(r.stdout).toMatch(/STM32H747I-DISCO\s*│\s*fits\s+[\d,.]+ ms ±\d+\.\d%/);
    expect(r.stdout.replace(/\n/g, ' ')).toContain('±x% = leave-one-model-out MAPE of the latency model');
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(existsSync(join(dir, 'reports', 'demo-models', 'st_efficientnet_lc_v1_128_5cls_qdq_int8.onnx'))).toBe(true);
    const html = readFileSync(report, 'utf8');
    // ST's published H747 time for this network at 224 px (459.99 ms, zoo 4.1) is in the report with its source
    expect(html).toContain('<td class="num">460.0 ms</td>');
    expect(html).toContain('efficientnet/README.md@e9fc1c2f');
  });

  it('report writes the file given with -o, with a resolution sweep, and prints its path', () => {
    const model = buildZooModel('st_mnist_v1', { resolution: 28, classes: 10 });
    const path = join(dir, 'mnist.onnx');
    writeFileSync(path, model.bytes);
    const r = edgefit('report', path, '--target', 'STM32H747I-DISCO', '--resolutions', '28,32', '-o', 'out/mnist.html');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('report written: out/mnist.html');
    const html = readFileSync(join(dir, 'out', 'mnist.html'), 'utf8');
    expect(html).toContain('<canvas id="chart-sweep-ram"');
    expect(html).toContain('STM32H747I-DISCO');
    expect(html).not.toContain('STM32N6570-DK'); // only the target asked for
  });

  it('report takes a user profile given as a path (docs/report.md), with a resolution sweep', () => {
    const model = buildZooModel('st_mnist_v1', { resolution: 28, classes: 10 });
    writeFileSync(join(dir, 'mnist-u.onnx'), model.bytes);
    const profile = JSON.parse(readFileSync(join(PROFILES_DIR, 'stm32h747i-disco.json'), 'utf8'));
    Object.assign(profile, { id: 'my-board', name: 'My board', aliases: [] });
    writeFileSync(join(dir, 'my-board.json'), JSON.stringify(profile));
    // this once failed with "unknown target 'my-board'": the per-layer latency looked the target up again by id
    const r = edgefit('report', 'mnist-u.onnx', '--target', './my-board.json', '--resolutions', '28,32', '-o', 'mine.html');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'mine.html'), 'utf8');
    expect(html).toContain('My board');
  });

  it.skipIf(!HAVE_SHARED)("report on ST's own benchmarked file shows ST's published figures beside ours", () => {
    const file = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_224_tfs_int8.tflite');
    const r = edgefit('report', file, '--target', 'STM32H747I-DISCO', '-o', 'eff224.html');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(join(dir, 'eff224.html'), 'utf8');
    expect(html).not.toContain('No published figure matches this model');
    // ST EfficientNet LC v1 224 tf_flowers on the H747, zoo 4.1: 459.99 ms, 466.01 KiB activations, 505.29 KiB weights
    expect(html).toContain('<td class="num">460.0 ms</td>');
    expect(html).toContain('466.01 KiB');
    expect(html).toContain('505.29 KiB');
  });

  it('an output path that cannot be written: one line naming it, exit 2, no hang', () => {
    writeFileSync(join(dir, 'plain-file'), 'x');
    const cases: [string[], RegExp][] = [
      [['demo', '--models-dir', join(dir, 'plain-file')], /^edgefit: cannot write the demo models into .*plain-file is not a folder$/],
      [['demo', '-o', join(dir, 'plain-file', 'demo.html'), '--models-dir', join(dir, 'dm')], /^edgefit: cannot write report .*plain-file is not a folder$/],
    ];
    // Node's mkdirSync(…, { recursive: true }) never returns under /proc: this once hung `edgefit demo`
    if (existsSync('/proc')) cases.push([['demo', '--models-dir', '/proc/edgefit-none/models'], /^edgefit: cannot write the demo models into .*cannot create folder \/proc\/edgefit-none/]);
    for (const [args, message] of cases) {
      const r = edgefit(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    }
  });

  it('refuses a missing model with one line naming it and exit code 2', () => {
    const missing = edgefit('report', 'nope.onnx');
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^edgefit: .*nope\.onnx/);
    expect(existsSync(join(dir, 'reports', 'nope.html'))).toBe(false);
  });
});
