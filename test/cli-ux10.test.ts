/**
 * Session 10's new-user walk-through, one block per finding (test/cli-newuser.test.ts holds session 9's). Each
 * block fails on main b1ebf9e. In-process through main(), as test/cli-ux.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fmtMs } from '../src/targets/present.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';
import { signedPct } from '../src/cli/commands/targets.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const EFF224 = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_224_tfs_int8.tflite');
const MOBILENET_ONNX = join(MODELS_DIR, 'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx');

const cli = captureCli();
const run = cli.run;
const widest = (text: string) => Math.max(...text.split('\n').map((l) => l.length));
const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));

describe('targets: the default table fits 120 columns like check\'s; --wide keeps the old one', () => {
  it('every line within 120 characters, the same profiles and errors as --wide; capacities as check prints them', async () => {
    expect(await run('targets')).toBe(0);
    const narrow = cli.out;
    expect(widest(narrow)).toBeLessThanOrEqual(120);
    cli.out = '';
    expect(await run('targets', '--wide')).toBe(0);
    const wide = cli.out;
    expect(widest(wide)).toBeGreaterThan(200); // what the default table replaces (268 columns before)
    cli.out = '';
    expect(await run('targets', '--json')).toBe(0);
    const profiles = JSON.parse(cli.out).targets as { name: string; memories: { name: string; bytes: number }[] }[];
    // each profile's first line in both tables, in the same order
    const firstCells = (text: string) => rows(text).map((r) => r[0]!).filter((c) => profiles.some((p) => p.name === c));
    expect(firstCells(narrow)).toEqual(profiles.map((p) => p.name));
    expect(firstCells(wide)).toEqual(profiles.map((p) => p.name));
    // the H747's AXI SRAM: 512 KiB as check's cells give a capacity, not 512.00 KiB
    expect(narrow).toContain('AXI SRAM (D1) 512 KiB [act]');
    expect(wide).toContain('AXI SRAM (D1) 512.00 KiB [act]');
    // the calibration error of each quantity is in both (the words of the wide cells, wrapped)
    const figures = [/\d+\.\d% \/ worst [+-]?\d+%/g, /act \d+\.\d%/g, /runtime \d+\.\d%/g].map((re) => [...new Set(wide.match(re) ?? [])]);
    for (const found of figures) {
      expect(found.length).toBeGreaterThan(0);
      for (const e of found) expect(narrow).toContain(e);
    }
  });
});

describe('a worst error that rounds to zero reads 0%, not -0% or +0%; calibrate fits 120 columns, --wide keeps one line each', () => {
  it('signedPct: the sign only on a figure that rounds to a non-zero percent', () => {
    expect([signedPct(-0.04), signedPct(0.3), signedPct(0), signedPct(-0.6), signedPct(30.7)]).toEqual(['0%', '0%', '0%', '-1%', '+31%']);
  });

  it('calibrate: every line within 120 characters, each note whole once joined; the H747 weights flash reads "0.0% / 0%"', async () => {
    expect(await run('calibrate')).toBe(0);
    const narrow = cli.out;
    expect(widest(narrow)).toBeLessThanOrEqual(120);
    // the H747's weights flash is a few bytes off ST's figures at worst: "-0%" before
    const h747 = narrow.split('\n').find((l) => l.startsWith('│ STM32H747I-DISCO'))!;
    expect(h747).toContain('0.0% / 0%');
    expect(narrow).not.toMatch(/[+-]0%/);
    cli.out = '';
    expect(await run('calibrate', '--wide')).toBe(0);
    const wide = cli.out;
    expect(widest(wide)).toBeGreaterThan(160);
    const notesOf = (text: string) => text.split('\nnotes:\n')[1]!.replace(/\n {4}/g, ' ').trimEnd().split('\n');
    expect(notesOf(narrow)).toEqual(notesOf(wide));
    expect(notesOf(wide).length).toBeGreaterThan(10);
  }, 90_000);
});

describe.skipIf(!HAVE_SHARED)("analyze: the activation-memory section reads like the totals above it", () => {
  it('MobileNet v2 (ONNX): 1.52 MiB, not "1560.19 KiB"; no line over 120 characters', async () => {
    expect(await run('analyze', MOBILENET_ONNX)).toBe(0);
    const section = cli.out.split('\nActivation memory')[1]!.split('\n\n')[0]!;
    expect(section).not.toMatch(/\d{4}\.\d\d KiB/); // "1560.19 KiB": KiB past 1024, no separator
    expect(section).toMatch(/greedy +1,597,632 B +1\.52 MiB/);
    expect(widest(section)).toBeLessThanOrEqual(120);
  });

  it('Yamnet (TFLite, ";"-joined tensor names of 200+ characters): names shortened as in the layer table, one live buffer a line', async () => {
    expect(await run('analyze', YAMNET)).toBe(0);
    const section = cli.out.split('\nActivation memory')[1]!.split('\n\n')[0]!;
    expect(widest(section)).toBeLessThanOrEqual(120); // 759 before
    const st = section.split('\n  greedy')[0]!;
    // st's peak: the padded copy, an input and the scratch, each on its own line under "live:"
    const live = st.split('\n').filter((l) => /^ {10}live: | {16}\S/.test(l));
    expect(live).toHaveLength(3);
    expect(live[0]).toMatch(/^ {10}live: DEPTHWISE_CONV_2D_4#pad 103,488 B @1,024$/);
    for (const l of live) expect(l.length).toBeLessThanOrEqual(16 + 40 + 30);
    // the row's label says the strategy: no trailing ", st"
    expect(st.split('\n')[1]).toMatch(/^ {2}st .*\(step 7\)$/);
  });
});

describe.skipIf(!HAVE_SHARED)('check: a note said of several targets is printed once, after their names', () => {
  it('EfficientNet LC 224 on every board: the lite-generator note once for the three Cortex-M boards', async () => {
    expect(await run('check', EFF224, '--json')).toBe(0);
    const targets = JSON.parse(cli.out).targets as { name: string; notes: string[] }[];
    const shared = targets[0]!.notes.find((n) => n.startsWith('activation RAM: the STEdgeAI Core 4.0 lite-generator pool'))!;
    const saying = targets.filter((t) => t.notes.includes(shared)).map((t) => t.name);
    expect(saying.length).toBeGreaterThanOrEqual(3);
    cli.out = '';
    expect(await run('check', EFF224)).toBe(0);
    const notes = cli.out.split('\nnotes:\n')[1]!.split('\nlatency from thin data')[0]!.replace(/\n {4}/g, ' ');
    const lines = notes.split('\n').filter((l) => l.includes('lite-generator pool'));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`  ${saying.join(', ')}: activation RAM: the STEdgeAI Core 4.0 lite-generator pool`)).toBe(true);
    // the thin-latency lines do not repeat their heading's "thin data"
    const thin = cli.out.split('\nlatency from thin data (no reliable error figure):\n')[1]!.split('\nRAM = ')[0]!;
    expect(thin).not.toMatch(/^ {2}[^:]+: thin data:/m);
    expect(thin).toMatch(/^ {2}B-U585I-IOT02A: only 1 published model/m);
    // --json for every memory's bytes is said once, in the legend
    expect(cli.out.match(/--json/g)).toHaveLength(1);
  });
});

describe('--help is laid out for 80 columns, as commander lays out its option list', () => {
  it.each(['', 'analyze', 'check', 'compare', 'targets', 'calibrate', 'report', 'demo', 'zoo', 'zoo list', 'zoo build'])('edgefit %s --help: no line over 80 characters', async (path) => {
    expect(await run(...path.split(' ').filter(Boolean), '--help')).toBe(0);
    expect(widest(cli.out), cli.out).toBeLessThanOrEqual(80);
  });

  it('zoo: exit codes about zoo\'s own bad input, not model files or targets', async () => {
    for (const path of [['zoo'], ['zoo', 'build']]) {
      cli.out = '';
      expect(await run(...path, '--help')).toBe(0);
      const exit = cli.out.split('\nExit codes:\n')[1]!.replace(/\n {2}/g, ' ');
      expect(exit).toContain('unknown network');
      expect(exit).not.toMatch(/model file|target/);
    }
  });
});

describe('zoo build: the file size as every other command prints bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgefit-ux10-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('"(591,415 B)" with the file\'s size, not "(591415 bytes)"', async () => {
    const out = join(dir, 'm.onnx');
    expect(await run('zoo', 'build', 'mobilenet_v2', '--resolution', '96', '-o', out)).toBe(0);
    const size = statSync(out).size;
    expect(size).toBeGreaterThan(1000);
    const thousands = String(size).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(cli.out).toContain(`wrote ${out} (${thousands} B (`);
    expect(cli.out).not.toContain('bytes)');
  });
});

describe.skipIf(!HAVE_SHARED)("check with a user's profile: a latency with no figure or no error figure says why, from the profile", () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgefit-ux10-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const F769 = JSON.parse(readFileSync(join(REPO_ROOT, 'src/targets/profiles/stm32f769i-disco.json'), 'utf8'));
  const profile = (name: string, edit: (p: typeof F769) => void) => {
    const p = structuredClone(F769);
    p.id = 'my-board';
    p.name = 'MY-BOARD';
    p.aliases = [];
    edit(p);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(p));
    return path;
  };

  it('an engine calibrationKey no rows were fitted for: the key and the keys that have a model; the cell breaks after the dash', async () => {
    const path = profile('m4', (p) => (p.engines[0].calibrationKey = 'cortex-m4'));
    expect(await run('check', YAMNET, '-t', path)).toBe(0);
    const row = rows(cli.out).filter((r) => r.length === 6);
    const my = row.findIndex((r) => r[0] === 'MY-BOARD');
    expect([row[my]![5], row[my + 1]![5]]).toEqual(['—', '(no model)']); // was "— (no" / "model)"
    const why = cli.out.split('\nno latency figure:\n')[1]!.split('\nRAM = ')[0]!.replace(/\n {4}/g, ' ');
    expect(why).toMatch(/^ {2}MY-BOARD: its engine Cortex-M7 has "calibrationKey": "cortex-m4", which no published rows were fitted for; keys with a latency model: .*cortex-m7/);
    expect(why).not.toContain('published models timed on this board'); // the JSON note's reason, which is not this one
  });

  it('calibrationTargets naming no calibrated board: the "(thin data)" in the table is explained, with the boards it may name', async () => {
    const path = profile('uncal', (p) => (p.calibrationTargets = ['my-board']));
    expect(await run('check', YAMNET, '-t', path)).toBe(0);
    expect(cli.out).toMatch(/MY-BOARD .*\(thin data\)/s);
    const thin = cli.out.split('\nlatency from thin data (no reliable error figure):\n')[1]!.split('\nRAM = ')[0]!.replace(/\n {4}/g, ' ');
    expect(thin).toContain('  MY-BOARD: no calibration error for this profile: neither its id nor its "calibrationTargets" (my-board) is a calibrated board');
    expect(thin).toContain('stm32f769i-disco');
  });
});

describe.skipIf(!HAVE_SHARED)('docs/json.md names every value check --json prints', () => {
  it("activationSource: each value met on MobileNet v2 0.35 224 (H747 pools, N6 pools, the st plan) is in the schema's union", async () => {
    const model = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/mobilenetv2/mobilenet_v2_0.35_224_fft_int8.tflite');
    expect(await run('check', model, '--json')).toBe(0);
    const sources = new Set((JSON.parse(cli.out).targets as { activationSource: string }[]).map((t) => t.activationSource));
    expect(sources.has('memory-pools')).toBe(true); // the value the schema left out
    const line = readFileSync(join(REPO_ROOT, 'docs/json.md'), 'utf8').split('\n').find((l) => l.trimStart().startsWith('activationSource:'))!;
    for (const s of sources) expect(line, s).toContain(`'${s}'`);
  });
});

describe.skipIf(!HAVE_SHARED)('compare / report --resolutions HxW (as zoo build --resolution takes it): a message about square sweeps', () => {
  it.each([['compare'], ['report']])('%s --resolutions 96,128x160: names the size, says the sweep is square, points to --input-shape; exit 2', async (cmd) => {
    expect(await run(cmd, EFF224, '--resolutions', '96,128x160', ...(cmd === 'report' ? ['-o', join(tmpdir(), 'edgefit-ux10-never.html')] : []))).toBe(2);
    expect(cli.err).toMatch(/^edgefit: --resolutions '96,128x160': the sweep takes square sizes in pixels \(e\.g\. 96,128,160\), not 128x160; .*--input-shape/);
    expect(cli.err.trim().split('\n')).toHaveLength(1);
  });
});

describe('compare: the progress bar names a variant as the table does', () => {
  it('the file name and size, not the path (a long path pushed the bar off an 80-column terminal)', async () => {
    const { progressLabel, PROGRESS_BAR_CHARS } = await import('../src/cli/commands/compare.ts');
    expect(progressLabel('/work/shared/models/legacy_tflite/x/image_classification/efficientnet/eff_224_int8.tflite', 128)).toBe('eff_224_int8.tflite @128');
    expect(progressLabel('a.onnx', undefined)).toBe('a.onnx');
    // the bar as cli-progress draws it ("compare [" + bar + "] 6/6 " + label): within 80 columns for ST's file names
    expect(`compare [${'█'.repeat(PROGRESS_BAR_CHARS)}] 6/6 ${progressLabel('/long/folder/st_efficientnet_lc_v1_224_tfs_int8.tflite', 224)}`.length).toBeLessThanOrEqual(80);
  });
});

describe('latency cells: thousands separated like every other figure the CLI prints', () => {
  it('fmtMs: 1,577 (was 1577), and the decimals of smaller figures unchanged', () => {
    expect([fmtMs(1577.4), fmtMs(2831.07), fmtMs(155.22), fmtMs(12.34), fmtMs(3.433), fmtMs(null)]).toEqual(['1,577', '2,831', '155', '12.3', '3.43', '—']);
  });
});
