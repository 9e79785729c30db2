/**
 * check / compare / targets / calibrate through the CLI entry point (in-process), on the real EfficientNet
 * LC v1 flowers TFLite files; the oracle for resolution sweeps is the analyzer on the real 224 file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { PROFILES_DIR } from '../src/targets/resolve.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const EFF = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet');
const EFF128 = join(EFF, 'st_efficientnet_lc_v1_128_tfs_int8.tflite');
const EFF224 = join(EFF, 'st_efficientnet_lc_v1_224_tfs_int8.tflite');

const cli = captureCli();
const run = cli.run;

describe('edgefit check', () => {
  it.skipIf(!HAVE_SHARED)('exit 0 when the model fits every target, JSON with the documented fields', async () => {
    expect(await run('check', EFF128, '--target', 'STM32H747I-DISCO', '--target', 'stm32n6570-dk', '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    expect(j.targets.map((t: { id: string }) => t.id)).toEqual(['stm32h747i-disco', 'stm32n6570-dk']);
    for (const t of j.targets) {
      expect(t.fits).toBe(true);
      for (const k of ['internalBytes', 'externalBytes', 'capacityBytes', 'marginBytes']) {
        expect(typeof t.ram[k]).toBe('number');
        expect(typeof t.flash[k]).toBe('number');
      }
      expect(t.ram.marginBytes).toBe(t.ram.capacityBytes - t.ram.internalBytes - t.ram.externalBytes);
      expect(t.latencyMs).toBeGreaterThan(0);
      expect(typeof t.latencyErrorPct).toBe('number');
      expect(t.limitingMemory).toBeTruthy();
    }
    // weights flash on the H747 is the file's int8 weights + int32 biases (505.29 KiB, ST's published figure)
    expect(j.targets[0].flash.internalBytes - 0).toBeGreaterThan(517412);
    expect(j.weightBytes).toBe(517412);
    expect(Math.abs(j.targets[0].weightBytes / (505.29 * 1024) - 1)).toBeLessThan(0.005);
    for (const t of j.targets) {
      // the documented per-target fields are there, and the RAM/flash figures are the sums of their parts
      expect(t.ram.internalBytes + t.ram.externalBytes, t.id).toBe(t.activationBytes + t.runtimeRamBytes);
      expect(t.flash.internalBytes + t.flash.externalBytes, t.id).toBe(t.weightBytes + t.codeFlashBytes);
      expect(t.memories.length, t.id).toBeGreaterThan(0);
      const split = t.layerLatencyMs.reduce((a: number, b: number) => a + b, 0) + t.perInferenceMs;
      expect(Math.abs(split - t.latencyMs), t.id).toBeLessThan(0.001);
    }
  });

  it.skipIf(!HAVE_SHARED)('exit 1 when a target is too small (a user profile), naming the limiting memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgefit-check-'));
    const tiny = JSON.parse(readFileSync(join(PROFILES_DIR, 'stm32h747i-disco.json'), 'utf8'));
    tiny.id = 'tiny';
    tiny.name = 'Tiny board';
    tiny.aliases = [];
    tiny.memories = tiny.memories.filter((m: { kind: string }) => m.kind.startsWith('internal'));
    tiny.memories[0].bytes = 64 * 1024;
    // ST's H747 memory-pool descriptor does not fit a 64 KiB AXI SRAM (refused since desc9): this board has none
    delete tiny.activationMemoryPools;
    writeFileSync(join(dir, 'tiny.json'), JSON.stringify(tiny));
    expect(await run('check', EFF128, '--target', join(dir, 'tiny.json'), '--target', 'H747', '--json')).toBe(1);
    const j = JSON.parse(cli.out);
    expect(j.targets[0].fits).toBe(false);
    expect(j.targets[0].limitingMemory).toBe('AXI SRAM (D1)');
    expect(j.targets[0].ram.marginBytes).toBeLessThan(0);
    expect(j.targets[1].fits).toBe(true);
  });

  it('exit 2 on bad input: missing model, unknown target, broken profile', async () => {
    expect(await run('check', '/nonexistent/model.tflite', '--target', 'H747')).toBe(2);
    expect(cli.err).toMatch(/^edgefit: .*model\.tflite/);
    if (HAVE_SHARED) {
      cli.err = '';
      expect(await run('check', EFF128, '--target', 'STM32L4R9')).toBe(2);
      expect(cli.err).toMatch(/unknown target 'STM32L4R9'/);
      const dir = mkdtempSync(join(tmpdir(), 'edgefit-check-'));
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ id: 'bad', name: 'Bad', series: 'X', class: 'mcu', memories: [], engines: [] }));
      cli.err = '';
      expect(await run('check', EFF128, '--target', join(dir, 'bad.json'))).toBe(2);
      expect(cli.err).toMatch(/bad target profile .*bad\.json: field '/);
      // a folder given as the profile: named as such, not as invalid JSON (EISDIR)
      cli.err = '';
      expect(await run('check', EFF128, '--target', dir)).toBe(2);
      expect(cli.err).toMatch(/^edgefit: target profile .* is not a file\n$/);
    }
  });
});

describe('edgefit compare', () => {
  it.skipIf(!HAVE_SHARED)('re-infers shapes per resolution: the 128 file at 224 has the analyzer figures of the real 224 file', async () => {
    expect(await run('compare', EFF128, '--resolutions', '128,224', '--target', 'H747', '--target', 'MP135', '--json')).toBe(0);
    expect(cli.err).toBe(''); // no progress bar with --json / without a TTY
    const j = JSON.parse(cli.out);
    const [v128, v224] = j.variants;
    const real224 = analyzeForTargets(EFF224);
    const real128 = analyzeForTargets(EFF128);
    expect(v128.macs).toBe(real128.totals.macsConvDense);
    expect(v224.macs).toBe(real224.totals.macsConvDense);
    expect(v224.weightBytes).toBe(real224.totals.weightBytes);
    // convolution work grows with the pixel count (dense head excepted): within 1 % of (224/128)²
    expect(v224.macs / v128.macs).toBeGreaterThan(0.99 * (224 / 128) ** 2);
    expect(v224.macs / v128.macs).toBeLessThan(1.01 * (224 / 128) ** 2);
    // so do activation RAM and latency on every target
    expect(v224.activationBytes).toBeGreaterThan(2 * v128.activationBytes);
    v224.targets.forEach((t: { latencyMs: number }, i: number) => expect(t.latencyMs).toBeGreaterThan(2 * v128.targets[i].latencyMs));
  });

  it.skipIf(!HAVE_SHARED)('compares two files and needs --resolutions for one', async () => {
    expect(await run('compare', EFF128, EFF224, '--target', 'N6', '--json')).toBe(0);
    expect(JSON.parse(cli.out).variants).toHaveLength(2);
    expect(await run('compare', EFF128)).toBe(2);
    expect(await run('compare', EFF128, '--resolutions', '128,abc')).toBe(2);
    // check's option is singular: the error names the option the user typed
    cli.err = '';
    expect(await run('check', EFF128, '--resolution', '1e9')).toBe(2);
    expect(cli.err).toMatch(/^edgefit: --resolution '1e9': give one square input size in pixels, e\.g\. --resolution 160 \(8 … 4096\)/);
  });
});

describe('edgefit targets / calibrate', () => {
  it('lists every profile with its calibration error', async () => {
    expect(await run('targets', '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    const h7 = j.targets.find((t: { id: string }) => t.id === 'stm32h747i-disco');
    expect(h7.calibration.latency.summary.models).toBeGreaterThanOrEqual(10);
    const u5 = j.targets.find((t: { id: string }) => t.id === 'b-u585i-iot02a');
    expect(u5.calibration.latency.status).toBe('thin');
  });

  it("the table prints each memory quantity's leave-one-model-out MAPE as calibrate wrote it (data/calibration-error.json)", async () => {
    const written = JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')) as {
      targets: { target: string; errors: Record<string, { summary?: { mapePct: number } }> }[];
    };
    const h747 = written.targets.find((t) => t.target === 'stm32h747i-disco')!.errors;
    expect(await run('targets')).toBe(0);
    const block = cli.out.slice(cli.out.indexOf('STM32H747I-DISCO'), cli.out.indexOf('STM32N6570-DK'));
    for (const [label, q] of [['act', 'activationRam'], ['weights', 'weightsFlash'], ['runtime', 'runtimeRam'], ['code', 'codeFlash']] as const) {
      expect(block, q).toContain(`${label} ${h747[q]!.summary!.mapePct.toFixed(1)}%`);
    }
    // the N6 has no runtime RAM / code flash model: said with a dash, not a number
    const n6 = cli.out.slice(cli.out.indexOf('STM32N6570-DK'));
    expect(n6).toMatch(/runtime —/);
    expect(n6).toMatch(/code —/);
  });
});
