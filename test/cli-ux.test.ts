/**
 * The CLI as a new user meets it: every command's --help has examples (whose options exist), units and exit
 * codes; bad input ends in one `edgefit:` line and exit code 2; `check`'s table says the same numbers as
 * `check --json`, read the way docs/json.md says; a --resolution(s) size the model does not take is named.
 * In-process through main(), as test/targets-cli.test.ts.
 */
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.ts';
import { COMMAND_HELP } from '../src/cli/help-text.ts';
import { toolOf } from '../src/cli/commands/calibrate.ts';
import { formatBytes } from '../src/cli/format/numbers.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
// a size its shapes do not follow: its proto-mask head reshapes a 32×32×32 map (C = H = W: not guessed, shapes/follow-size.ts)
const YOLO_TFLITE = join(MODELS_DIR, 'instance_segmentation/yolov8n_256_quant_pc_ii_seg_coco-st.tflite');
const YOLO_W4 = join(MODELS_DIR, 'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx');
const EFF = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet');

const cli = captureCli();
const run = cli.run;

/** The body rows of a cli-table3 table in `text`, each cell trimmed (header row first). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

/** Every command path ('check', 'zoo build') with its commander Command. */
function commandPaths(): Map<string, Command> {
  const paths = new Map<string, Command>();
  const visit = (cmd: Command, path: string) => {
    paths.set(path, cmd);
    for (const sub of cmd.commands) visit(sub, `${path} ${sub.name()}`);
  };
  for (const cmd of buildProgram().commands) if (cmd.name() !== 'help') visit(cmd, cmd.name());
  return paths;
}

describe('--help of every command', () => {
  it('every command and sub-command has examples, exit codes, and a help entry', () => {
    const paths = commandPaths();
    expect([...paths.keys()].sort()).toEqual(Object.keys(COMMAND_HELP).sort());
  });

  it.each([...commandPaths().keys()])('edgefit %s --help: examples that use only its own options, and its exit codes', async (path) => {
    expect(await run(...path.split(' '), '--help')).toBe(0);
    expect(cli.out).toMatch(/\nExamples:\n {2}(# .*\n {2})?\$ edgefit /);
    expect(cli.out).toMatch(/\nExit codes:\n {2}0 /);
    // an example's comment may stand on the line above it, and a long command go on after a shell "\" (help-text.ts)
    const examples = cli.out
      .split('\nExamples:\n')[1]!
      .split('\n\n')[0]!
      .replace(/ \\\n\s+/g, ' ')
      .split('\n')
      .filter((l) => !/^\s*#/.test(l) && /^\s*\$/.test(l));
    expect(examples.length).toBeGreaterThanOrEqual(1);
    for (const line of examples) {
      // the first command of the line is this one or a sub-command of it (a `&& edgefit check …` after it is another's)
      const own = line.replace(/^\s*\$ /, '').split('&&')[0]!.split('#')[0]!;
      expect(own.startsWith(`edgefit ${path}`), line).toBe(true);
      const words = own.trim().split(/\s+/).slice(1);
      let cmd = commandPaths().get(path)!;
      for (const w of words.slice(path.split(' ').length)) cmd = cmd.commands.find((c) => c.name() === w) ?? cmd;
      const known = new Set(cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f))));
      for (const flag of own.match(/(?<=\s)--?[a-z][\w-]*/g) ?? []) expect(known.has(flag), `${path}: ${flag} in "${line}"`).toBe(true);
    }
  });

  it('check --help names the units of its table and the exit code for "does not fit"', async () => {
    expect(await run('check', '--help')).toBe(0);
    const text = cli.out.replace(/\n {2}(?=\S)/g, ' '); // the Units / Exit codes paragraphs are wrapped
    expect(text).toContain('KiB/MiB = 1024/1024² B');
    expect(text).toContain('Latency in ms');
    expect(text).toContain('1 at least one does not');
  });
});

describe('bad input: one edgefit line, exit code 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgefit-cli-ux-'));
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'this is a text file, not a model\n');

  it.each([
    [['check', '/nonexistent/m.tflite'], 'edgefit: /nonexistent/m.tflite: no such file'],
    [['check', dir], `edgefit: ${dir} is not a file`],
    [['check', text, '-t', 'STM32H748'], null],
    [['check', 'm.tflite', '--targte', 'H747'], "edgefit: unknown option '--targte' (Did you mean --target?) (see edgefit --help)"],
    [['chek', 'm.tflite'], "edgefit: unknown command 'chek' (Did you mean check?) (see edgefit --help)"],
    [['compare', 'm.tflite'], 'edgefit: compare: give --resolutions for one model, or several models to compare'],
  ] as [string[], string | null][])('%j', async (args, line) => {
    expect(await run(...args)).toBe(2);
    expect(cli.out).toBe('');
    expect(cli.err.endsWith('\n')).toBe(true);
    expect(cli.err.trimEnd().split('\n')).toHaveLength(1);
    if (line !== null) expect(cli.err).toBe(`${line}\n`);
    else expect(cli.err).toMatch(/^edgefit: .*notes\.txt is not an ONNX or TFLite model/);
  });

  it.skipIf(!HAVE_SHARED)('an unknown target and a truncated model, each named', async () => {
    expect(await run('check', YAMNET, '-t', 'STM32H748')).toBe(2);
    expect(cli.err).toMatch(/^edgefit: unknown target 'STM32H748' \(known: B-U585I-IOT02A, .*STM32N6570-DK; or give a \.\/profile\.json\)\n$/);
    const cut = join(dir, 'cut.tflite');
    writeFileSync(cut, readFileSync(YAMNET).subarray(0, 20_000));
    cli.err = '';
    expect(await run('check', cut, '-t', 'H747')).toBe(2);
    expect(cli.err).toMatch(new RegExp(`^edgefit: ${cut.replace(/[.]/g, '\\.')}: truncated or corrupt TFLite file: [^\\n]+\\n$`));
  });

  it.skipIf(!HAVE_SHARED)('a user profile with a mistake names the field', async () => {
    const profile = JSON.parse(readFileSync(join(REPO_ROOT, 'src/targets/profiles/stm32f769i-disco.json'), 'utf8'));
    profile.id = 'my-board';
    profile.memories[0].bytes = '512K';
    const path = join(dir, 'my-board.json');
    writeFileSync(path, JSON.stringify(profile));
    expect(await run('check', YAMNET, '-t', path)).toBe(2);
    expect(cli.err).toBe(`edgefit: bad target profile ${path}: field 'memories[0].bytes': Invalid input: expected number, received string\n`);
  });

  it.skipIf(!HAVE_SHARED)('a --resolution(s) size the model does not take names the file and the size (check, compare, report)', async () => {
    // the YOLOv8n-seg TFLite upsamples to a stored constant size (16×16 at 256 px): at 192 px its concat cannot agree,
    // and following the input size stops at its mask head, so the first error stands
    const message = `${YOLO_TFLITE} at 192×192 px (shapes re-inferred at that size): node 'CONCATENATION_110' (CONCATENATION): input shapes [1,16,16,256] and [1,12,12,128] differ off the axis (the file fixes this shape for its own input size; at 192×192 px it needs a file exported at that size or with dynamic axes)`;
    expect(await run('check', YOLO_TFLITE, '-t', 'H747', '--resolution', '192')).toBe(2);
    expect(cli.err).toBe(`edgefit: ${message}\n`);
    // a sweep goes on without that size: the others compared, the one left out named (stderr, and failed[] in --json), exit 2
    cli.err = '';
    expect(await run('compare', YOLO_TFLITE, '-t', 'H747', '--resolutions', '256,192', '--json')).toBe(2);
    expect(cli.err).toBe(`edgefit: not compared: ${message}\n`);
    const j = JSON.parse(cli.out) as { variants: { resolution: number }[]; failed: unknown[] };
    expect(j.variants.map((v) => v.resolution)).toEqual([256]);
    expect(j.failed).toEqual([{ model: YOLO_TFLITE, resolution: 192, code: 'BAD_SHAPE', message }]);
    // every size failing: the first one's error, nothing on stdout
    cli.err = '';
    cli.out = '';
    expect(await run('compare', YOLO_TFLITE, '-t', 'H747', '--resolutions', '192,160')).toBe(2);
    expect(cli.err).toBe(`edgefit: ${message}\n`);
    expect(cli.out).toBe('');
    // the report is written for the sizes that work, says under its sweep which one is not, and exits 2
    cli.err = '';
    const html = join(dir, 'y.html');
    expect(await run('report', YOLO_TFLITE, '-t', 'H747', '--resolutions', '192,256', '-o', html)).toBe(2);
    expect(cli.err).toBe(`edgefit: not in the report: ${message}\n`);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('Not analysed at 192×192 px:');
    expect(page).toContain('<th>256×256</th>');
    expect(page).not.toContain('<th>192×192</th>');
  });

});

describe.skipIf(!HAVE_SHARED)('check: the table says what check --json says', () => {
  it('every target of a real model: fits, activations, RAM/flash cells, limiting memory, latency ± error', async () => {
    // --wide: one line per target, the limiting memory a column (the narrow default: test/cli-newuser.test.ts)
    expect(await run('check', YAMNET, '--wide')).toBe(0);
    const text = cli.out;
    cli.out = '';
    expect(await run('check', YAMNET, '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    const [header, ...rows] = tableRows(text);
    expect(header).toEqual(['target', 'fits', 'activations', 'RAM used / capacity (free)', 'flash used / capacity (free)', 'limiting memory', 'latency ± LOO error']);
    expect(rows.map((r) => r[0])).toEqual(j.targets.map((t: { name: string }) => t.name));
    // the header's figures are the JSON's top-level ones, named
    expect(text.split('\n')[0]).toBe(`${j.model}: 23,902,720 MACs (conv/dense), weights ${formatBytes(j.weightBytes)}`);
    expect(j.macs).toBe(23_902_720);
    // what the figures are for: the file's own input (Yamnet's 64×96 log-mel patch), no --resolution
    expect(j.resolution).toBeNull();
    expect(j.inputs).toEqual([{ name: 'serving_default_input_layer:0', shape: [1, 64, 96, 1], dtype: 'int8' }]);
    interface Mem { id: string; name: string; kind: string; capacityBytes: number; usedBytes: number }
    interface Role { internalBytes: number; externalBytes: number; capacityBytes: number; marginBytes: number }
    // a memory with something in it is never printed 100 % free
    const pct = (used: number, cap: number) => `(+${Math.min(Number(((100 * (cap - used)) / cap).toFixed(0)), used > 0 ? 99 : 100)}%)`;
    rows.forEach(([, fits, act, ram, flash, limiting, latency], i) => {
      const t = j.targets[i];
      const label = t.name as string;
      expect(fits, label).toBe(t.fits ? 'yes' : 'NO');
      expect(act, label).toBe(formatBytes(t.activationBytes));
      // an N6 pool is said as the fullest of the pools the RAM cell sums (test/cli-ux11.test.ts)
      expect(limiting, label).toMatch(new RegExp(`^${String(t.limitingMemory).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(, the fullest of the \\d internal RAM pools \\(\\d+% used\\); the RAM figure is their sum)?$`));
      // latency: the JSON's ms to the table's precision, and its LOO error or "(thin data)"
      const m = /^([\d.]+) ms (?:±([\d.]+)%|\(thin data\))$/.exec(latency!);
      expect(m, `${label}: ${latency}`).not.toBeNull();
      const digits = m![1]!.includes('.') ? m![1]!.split('.')[1]!.length : 0;
      expect(m![1], label).toBe(t.latencyMs.toFixed(digits));
      if (t.latencyStatus === 'thin') expect(m![2], label).toBeUndefined();
      else expect(Number(m![2]), label).toBe(Number(t.latencyErrorPct.toFixed(1)));
      // RAM / flash cells: one memories[] entry (MCU), the N6's internal RAM pools summed, or the role total (MPU)
      const mems: Mem[] = t.memories;
      const cell = (role: Role, kinds: string[], text: string, what: string) => {
        if (t.id.startsWith('stm32mp')) {
          const used = role.internalBytes + role.externalBytes;
          expect(text, `${label} ${what}`).toBe(`${formatBytes(used)} / ${formatBytes(role.capacityBytes)} ${pct(used, role.capacityBytes)}`);
          return;
        }
        if (t.id === 'stm32n6570-dk' && what === 'RAM') {
          const pools = mems.filter((x) => x.kind === 'internal-ram');
          const used = pools.reduce((a, x) => a + x.usedBytes, 0);
          const cap = pools.reduce((a, x) => a + x.capacityBytes, 0);
          expect(text, label).toBe(`${formatBytes(used)} / ${formatBytes(cap)} ${pct(used, cap)}`);
          return;
        }
        if (t.id === 'stm32n6570-dk') {
          const ext = mems.find((x) => x.kind === 'external-flash' && x.usedBytes > 0)!;
          expect(text, label).toBe(`${formatBytes(ext.usedBytes)} in ${ext.name}`);
          return;
        }
        const used = mems.filter((x) => kinds.includes(x.kind) && x.usedBytes > 0);
        const fullest = used.reduce((a, b) => (b.usedBytes / b.capacityBytes > a.usedBytes / a.capacityBytes ? b : a));
        expect(text, `${label} ${what}`).toBe(`${formatBytes(fullest.usedBytes)} / ${formatBytes(fullest.capacityBytes)} ${pct(fullest.usedBytes, fullest.capacityBytes)} ${fullest.name}`);
      };
      cell(t.ram, ['internal-ram'], ram!, 'RAM');
      cell(t.flash, ['internal-flash'], flash!, 'flash');
    });
    // the thin-latency reasons and the legend are printed under the table
    const thin = j.targets.filter((t: { latencyStatus: string }) => t.latencyStatus === 'thin');
    expect(thin.length).toBeGreaterThan(0);
    for (const t of thin) expect(text).toContain(`\n  ${t.name}: ${t.latencyNote.replace(/^thin data: /, '')}\n`);
    expect(text).toContain('Each cell: used / capacity (free room, % of\ncapacity) of the fullest memory that role uses');
  });

  it('a verdict line under the table names what does not fit, by how much, and the exit code', async () => {
    const profile = JSON.parse(readFileSync(join(REPO_ROOT, 'src/targets/profiles/stm32h747i-disco.json'), 'utf8'));
    Object.assign(profile, { id: 'tiny', name: 'TINY-BOARD', aliases: [] });
    profile.memories = profile.memories.filter((m: { kind: string }) => m.kind.startsWith('internal'));
    profile.memories[0].bytes = 64 * 1024; // AXI SRAM: 64 KiB, below Yamnet's 109.56 KiB pool
    delete profile.activationMemoryPools; // ST's H747 descriptor (a 440 KiB AXIRAM pool) does not fit it: refused since desc9
    const path = join(mkdtempSync(join(tmpdir(), 'edgefit-cli-ux-')), 'tiny.json');
    writeFileSync(path, JSON.stringify(profile));
    expect(await run('check', YAMNET, '-t', path, '-t', 'H747', '--json')).toBe(1);
    const tiny = JSON.parse(cli.out).targets[0];
    expect(tiny.fits).toBe(false);
    expect(tiny.ram.marginBytes).toBeLessThan(0);
    cli.out = '';
    expect(await run('check', YAMNET, '-t', path, '-t', 'H747')).toBe(1);
    expect(cli.out).toContain(`\nDoes not fit: TINY-BOARD (AXI SRAM (D1) short by ${formatBytes(-tiny.ram.marginBytes)}) (exit code 1).\n`);
    expect(-tiny.ram.marginBytes).toBe(tiny.activationBytes - 64 * 1024); // the activation pool alone is placed in AXI SRAM
    cli.out = '';
    expect(await run('check', YAMNET, '-t', 'H747', '-t', 'N6')).toBe(0);
    expect(cli.out).toContain('\nAll 2 targets fit (exit code 0).\n');
  });

  it('a figure that leaves layers out is marked ≥, as its note says', async () => {
    expect(await run('check', YOLO_W4, '-t', 'H747', '--json')).toBe(0);
    const t = JSON.parse(cli.out).targets[0];
    expect(t.notes.some((n: string) => n.startsWith('code flash is a lower bound'))).toBe(true);
    cli.out = '';
    expect(await run('check', YOLO_W4, '-t', 'H747', '--wide')).toBe(0);
    const [, row] = tableRows(cli.out);
    expect(row![4]).toMatch(/^≥ [\d.]+ MiB \/ 2\.00 MiB \(\+\d+%\) internal flash \(2 banks\)$/);
    expect(row![3]).not.toMatch(/^≥/);
  });
});

describe.skipIf(!HAVE_SHARED)('docs/json.md names every field check --json and compare --json print, and no other', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/json.md'), 'utf8');
  /** The ```ts block of docs/json.md holding `marker`, or the first one after it. */
  function block(marker: string): string {
    const at = doc.indexOf(marker);
    expect(at, marker).toBeGreaterThanOrEqual(0);
    const open = doc.lastIndexOf('```ts', at) > doc.lastIndexOf('```\n', at) ? doc.lastIndexOf('```ts', at) : doc.indexOf('```ts', at);
    return doc.slice(open + 5, doc.indexOf('```', open + 5));
  }
  /** Keys declared at exactly `indent` spaces (comments dropped), in order; `from`/`to` cut the block. */
  function keys(text: string, indent: number): string[] {
    return text
      .split('\n')
      .filter((l) => new RegExp(`^ {${indent}}\\w`).test(l))
      .map((l) => {
        // this level's keys only: drop comments, nested {…} / […] (and an object left open on the line)
        let t = l.replace(/\/\/.*$/, '');
        for (let prev = ''; prev !== t; ) [prev, t] = [t, t.replace(/\{[^{}]*\}|\[[^[\]]*\]/g, '')];
        return t.replace(/[{[].*$/, '');
      })
      .flatMap((l) => [...l.matchAll(/(\w+)\??:/g)].map((m) => m[1]!))
      .filter((k, i, all) => all.indexOf(k) === i);
  }

  it('check: top level, TargetFit and RoleFit', async () => {
    expect(await run('check', YAMNET, '-t', 'H747', '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    const checkBlock = block('// check --json');
    expect(keys(checkBlock.slice(0, checkBlock.indexOf('// compare --json')), 2)).toEqual(Object.keys(j));
    const targetFit = block('`TargetFit` (one per target):');
    expect(keys(targetFit.slice(0, targetFit.indexOf('RoleFit = {')), 2).sort()).toEqual(Object.keys(j.targets[0]).sort());
    const roleFit = targetFit.slice(targetFit.indexOf('RoleFit = {'));
    for (const r of ['ram', 'flash'] as const) expect(keys(roleFit, 2).sort(), r).toEqual(Object.keys(j.targets[0][r]).sort());
  });

  it('compare: variants[] and their targets', async () => {
    expect(await run('compare', YAMNET, '--resolutions', '96', '-t', 'H747', '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    const checkBlock = block('// compare --json');
    const compareBlock = checkBlock.slice(checkBlock.indexOf('// compare --json'));
    // failed[] only when a size was left out (below)
    const [variantsBlock, failedBlock] = compareBlock.split(/\n(?=  failed\?: )/) as [string, string];
    expect(keys(compareBlock, 2)).toEqual([...Object.keys(j), 'failed']);
    expect(keys(variantsBlock, 4).sort()).toEqual(Object.keys(j.variants[0]).sort());
    const targetFit = block('`TargetFit` (one per target):');
    const documented = keys(targetFit.slice(0, targetFit.indexOf('RoleFit = {')), 2).filter((k) => k !== 'layerLatencyMs');
    expect(Object.keys(j.variants[0].targets[0]).sort()).toEqual(documented.sort());
    cli.out = '';
    expect(await run('compare', YOLO_TFLITE, '--resolutions', '256,192', '-t', 'H747', '--json')).toBe(2);
    expect(keys(failedBlock, 4).sort()).toEqual(Object.keys(JSON.parse(cli.out).failed[0]).sort());
  });
});

describe.skipIf(!HAVE_SHARED)('check --json records the size it was asked for', () => {
  it('--resolution 96 on a 64×96 input: resolution 96, input 96×96, and the table header says so', async () => {
    expect(await run('check', YAMNET, '-t', 'H747', '--resolution', '96', '--json')).toBe(0);
    const j = JSON.parse(cli.out);
    expect(j.resolution).toBe(96);
    expect(j.inputs[0].shape).toEqual([1, 96, 96, 1]);
    cli.out = '';
    expect(await run('check', YAMNET, '-t', 'H747', '--resolution', '96', '--wide')).toBe(0);
    expect(cli.out.split('\n')[0]).toBe(`${YAMNET} at 96×96 px: ${j.macs.toLocaleString('en-US')} MACs (conv/dense), weights 135.91 KiB`);
  });
});

describe.skipIf(!HAVE_SHARED)('one row per target, one label per file', () => {
  it('a board named twice (alias and name) is checked once; a user copy of a built-in profile is kept beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgefit-cli-ux-'));
    const copy = join(dir, 'f769-copy.json');
    writeFileSync(copy, readFileSync(join(REPO_ROOT, 'src/targets/profiles/stm32f769i-disco.json')));
    expect(await run('check', YAMNET, '-t', 'H747', '-t', 'STM32H747I-DISCO', '-t', 'stm32h747i-disco', '-t', 'F769', '-t', copy, '--json')).toBe(0);
    expect(JSON.parse(cli.out).targets.map((t: { id: string }) => t.id)).toEqual(['stm32h747i-disco', 'stm32f769i-disco', 'stm32f769i-disco']);
    cli.out = '';
    expect(await run('compare', YAMNET, '--resolutions', '96', '-t', 'N6', '-t', 'stm32n6570-dk', '--wide')).toBe(0);
    expect(tableRows(cli.out).slice(1).map((r) => r[3])).toEqual(['STM32N6570-DK']);
  });

  it('compare of two files with the same name in two folders labels each by its path', async () => {
    const [a, b] = ['a', 'b'].map((d) => mkdtempSync(join(tmpdir(), `edgefit-cli-ux-${d}-`)));
    writeFileSync(join(a!, 'm.tflite'), readFileSync(YAMNET));
    writeFileSync(join(b!, 'm.tflite'), readFileSync(YAMNET));
    expect(await run('compare', join(a!, 'm.tflite'), join(b!, 'm.tflite'), '-t', 'H747', '--wide')).toBe(0);
    expect(tableRows(cli.out).slice(1).map((r) => r[0])).toEqual([join(a!, 'm.tflite'), join(b!, 'm.tflite')]);
  });
});

describe.skipIf(!HAVE_SHARED)('check: a partial analysis (unknown ops) marks every figure a lower bound', () => {
  it('header, activations, RAM, flash and latency', async () => {
    const model = join(MODELS_DIR, 'onnx_public/whole_networks/squeezenet_tensor_input.onnx');
    expect(await run('check', model, '-t', 'H747', '-t', 'MP135', '--json')).toBe(0);
    expect(JSON.parse(cli.out).partial).toBe(true);
    cli.out = '';
    expect(await run('check', model, '-t', 'H747', '-t', 'MP135', '--wide')).toBe(0);
    expect(cli.out.split('\n')[0]).toMatch(/\(PARTIAL analysis: unknown ops left out, figures are lower bounds\)$/);
    const [, ...rows] = tableRows(cli.out);
    expect(rows).toHaveLength(2);
    for (const r of rows) for (const i of [2, 3, 4, 6]) expect(r[i], `${r[0]} column ${i}`).toMatch(/^≥ /);
  });
});

describe.skipIf(!HAVE_SHARED)('compare: the legend and thin-latency reasons under the table', () => {
  it('each thin target once, whatever the number of variants', async () => {
    const files = ['st_efficientnet_lc_v1_128_tfs_int8.tflite', 'st_efficientnet_lc_v1_224_tfs_int8.tflite'].map((f) => join(EFF, f));
    expect(await run('compare', ...files, '-t', 'H747', '-t', 'U5', '--wide')).toBe(0);
    const [header, ...rows] = tableRows(cli.out);
    expect(header).toEqual(['variant', 'MACs', 'weights', 'target', 'activations', 'fits', 'RAM used / capacity (free)', 'flash used / capacity (free)', 'latency ± LOO error']);
    expect(rows).toHaveLength(4);
    expect(rows.filter((r) => r[3] === 'B-U585I-IOT02A').every((r) => r[8]!.endsWith('(thin data)'))).toBe(true);
    expect(cli.out.match(/\n {2}B-U585I-IOT02A: /g)).toHaveLength(1);
    expect(cli.out).toContain('latency from thin data (no reliable error figure):');
    expect(cli.out).toContain('latency in ms; ±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate).');
  });
});

describe('targets / calibrate tables', () => {
  it('targets: an engine named "2x Cortex-A7" gets no second core count; worst errors carry their sign', async () => {
    expect(await run('targets', '--wide')).toBe(0); // one line per engine (the default table wraps its cells)
    const rows = tableRows(cli.out);
    const mp157 = rows.find((r) => r[0] === 'STM32MP157F-DK2')!;
    expect(mp157[2]).toBe('2x Cortex-A7 800 MHz');
    const mp257 = rows.findIndex((r) => r[0] === 'STM32MP257F-DK2');
    expect(rows[mp257 + 1]![2]).toBe('Cortex-A35 1500 MHz ×2');
    const latencies = rows.map((r) => r[4]!).filter((c) => c.includes('worst'));
    expect(latencies.length).toBeGreaterThan(3);
    for (const c of latencies) expect(c).toMatch(/worst ([+-][1-9]\d*|0)%/);
  });

  it('calibrate: a target whose latency is too thin to name a tool still shows the tool its memory rows are for', async () => {
    expect(await run('targets', '--json')).toBe(0);
    const u5 = JSON.parse(cli.out).targets.find((t: { id: string }) => t.id === 'b-u585i-iot02a');
    expect(u5.calibration.latency.toolVersion).toBeUndefined();
    expect(u5.calibration.activationRam.toolVersion).toBe('stedgeai-4.0');
    expect(toolOf(u5.calibration)).toBe('stedgeai-4.0');
  });
});

describe('RAM/flash cells: free share', () => {
  it('a memory with something in it never reads 100 % free; an empty one does; a shortfall keeps its sign', async () => {
    const { marginCell } = await import('../src/targets/present.ts');
    const GiB = 1024 ** 3;
    expect(marginCell(100 * 1024, GiB / 2, GiB / 2 - 100 * 1024)).toMatch(/\(\+99%\)$/);
    expect(marginCell(0, GiB / 2, GiB / 2)).toMatch(/\(\+100%\)$/);
    expect(marginCell(400 * 1024, 512 * 1024, 112 * 1024)).toMatch(/\(\+22%\)$/);
    expect(marginCell(600 * 1024, 512 * 1024, -88 * 1024)).toMatch(/\(-17%\)$/);
  });
});

describe.skipIf(!HAVE_SHARED)('check --json: the tool version of a target whose latency is too thin to carry one', () => {
  it("the U5's figures name the memory quantities' tool (its latency borrows the M7 fit)", async () => {
    expect(await run('check', join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite'), '-t', 'B-U585I-IOT02A', '--json')).toBe(0);
    const t = JSON.parse(cli.out).targets[0];
    expect(t.latencyStatus).toBe('thin');
    // ST's U5 rows are STEdgeAI 4.0 tables (published_mcu.csv, zoo 4.x)
    expect(t.toolVersion).toBe('stedgeai-4.0');
  });
});
