/**
 * What a new user's walk-through found unclear in check / analyze text, one block per finding. In-process
 * through main(), as test/cli-ux.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatByteFigures, formatBytes } from '../src/cli/format/numbers.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const EFF128 = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite');
const YOLO_W4 = join(MODELS_DIR, 'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx');
const MOBILENET_ONNX = join(MODELS_DIR, 'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx');

const cli = captureCli();
const run = cli.run;

/** Whether check's text says `note` of `target`: notes are grouped, "  NAME, NAME2: note" (fit-notes.ts groupedNoteLines). */
function saysNoteOf(text: string, target: string, note: string): boolean {
  return text.split('\n').some((l) => l.endsWith(`: ${note}`) && l.trimStart().slice(0, l.trimStart().length - note.length - 2).split(', ').includes(target));
}

/** A whole byte count of 4 or more digits written without separators ("823680 B"). */
const RAW_BYTES = /(?<![\d,.])\d{4,} B\b/;

describe.skipIf(!HAVE_SHARED)('byte figures read the same in notes and tables', () => {
  it('check: the notes give bytes as the table does (KiB), check --json keeps the exact counts', async () => {
    expect(await run('check', MOBILENET_ONNX, '-t', 'H747', '-t', 'F769', '--json')).toBe(0);
    const notes: string[] = JSON.parse(cli.out).targets.flatMap((t: { notes: string[] }) => t.notes);
    // the JSON note carries the exact count a script may parse, e.g. "activations (917536 B) exceed …"
    const exact = notes.map((n) => /(?<![\d,.])(\d{4,}) B\b/.exec(n)?.[1]).filter((x): x is string => x !== undefined);
    expect(exact.length).toBeGreaterThan(0);
    cli.out = '';
    expect(await run('check', MOBILENET_ONNX, '-t', 'H747', '-t', 'F769', '--wide')).toBe(0); // --wide: a note a line
    const text = cli.out.split('\nnotes:\n')[1]!.split('\nRAM = ')[0]!;
    expect(text).not.toMatch(RAW_BYTES);
    for (const n of exact) expect(text).toContain(formatBytes(Number(n)));
  });

  it('analyze: every exact byte count has thousands separators (the memory summary too)', async () => {
    expect(await run('analyze', YAMNET)).toBe(0);
    expect(cli.out).toContain('Activation memory');
    const raw = cli.out.split('\n').filter((l) => RAW_BYTES.test(l));
    expect(raw).toEqual([]);
    // Yamnet's ST plan peak, as the table's thousands-separated form
    expect(cli.out).toMatch(/\bst +106,881 B +104\.38 KiB/);
  });
});

describe.skipIf(!HAVE_SHARED)('thin latency figures say what they are borrowed from, in the words of the board', () => {
  it('U5: the Cortex-M7 model scaled by one ratio fitted on one model; no calibration key, no "model(s)"', async () => {
    expect(await run('check', YAMNET, '-t', 'U5', '-t', 'F769', '-t', 'MP157', '--json')).toBe(0);
    const [u5, f769, mp157] = JSON.parse(cli.out).targets as { latencyNote: string; latencyStatus: string }[];
    expect(u5!.latencyStatus).toBe('thin');
    expect(u5!.latencyNote).toMatch(/^thin data: only 1 published model \(yamnet_256\) for Cortex-M33, too few for a latency model of its own: the figure is borrowed from the Cortex-M7 model, its cycles × \d\.\d{3} \(a ratio fitted on that one model\), so its error is not measured$/);
    expect(f769!.latencyNote).toBe('only 2 published models timed on this board: too few to measure the error of its figure');
    // a note about the target's other (borrowed) models says it is not about this figure, and names the kernels
    expect(mp157!.latencyNote).toMatch(/^not this model's figure: .*2× Cortex-A7, TFLite XNNPACK delegate, per-tensor int8 \(1 published model: mobilenet_v2_1\.0\) = 2× Cortex-A7, TFLite XNNPACK delegate × \d\.\d{3}$/);
    for (const t of [u5!, f769!, mp157!]) {
      expect(t.latencyNote).not.toMatch(/cortex-[am]\d|(?<!its )cycles × \d|model\(s\)|:xnnpack|:builtin/);
    }
    cli.out = '';
    expect(await run('check', YAMNET, '-t', 'U5', '--wide')).toBe(0);
    // under the heading "latency from thin data", without the note's own "thin data: "
    expect(cli.out).toContain(`\n  B-U585I-IOT02A: ${u5!.latencyNote.replace(/^thin data: /, '')}\n`);
  });
});

describe('check --resolution: a message about check\'s own option', () => {
  it.each([
    ['abc', /^edgefit: --resolution 'abc': give one square input size in pixels, e\.g\. --resolution 160 \(8 … 4096\); for a non-square input give its whole shape, in the model's own layout, with --input-shape\n$/],
    ['160x128', /^edgefit: --resolution '160x128': give one square input size in pixels, e\.g\. --resolution 160 /],
    ['96,128', /^edgefit: --resolution '96,128' takes one size; use compare --resolutions 96,128 for a sweep\n$/],
  ])('--resolution %s: one line naming check\'s option, no list syntax, exit 2', async (spec, message) => {
    expect(await run('check', 'any-model.onnx', '--resolution', spec)).toBe(2);
    expect(cli.err).toMatch(message);
    expect(cli.err).not.toContain('e.g. 96,128,160');
  });
});

describe('a file that is not a model: said in the user\'s terms, not the protobuf decoder\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgefit-newuser-'));
  it.each([
    ['README.onnx', '# Readme\n\nNotes about the model.\n', '# Readme'],
    ['config.tflite', '{"input": [1, 3, 224, 224]}\n', '{"input": [1, 3, 224, 224]}'],
    ['notes.txt', '\n\n  hello world  \nsecond line\n', 'hello world'],
  ])('%s (text): a text file, with its first line; no field / wire type', async (name, body, first) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    for (const cmd of ['analyze', 'check']) {
      cli.err = '';
      expect(await run(cmd, path)).toBe(2);
      expect(cli.err).toBe(`edgefit: ${path} is not an ONNX or TFLite model: it is a text file (it begins "${first}"); edgefit reads ONNX (.onnx, protobuf) and TFLite (.tflite, FlatBuffers) model files\n`);
    }
  });

  it('a binary file that is neither: says what was looked for, the decoder\'s detail kept after it', async () => {
    const path = join(dir, 'blob.onnx');
    writeFileSync(path, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])); // a PNG header
    expect(await run('analyze', path)).toBe(2);
    expect(cli.err).toMatch(/^edgefit: .*blob\.onnx is not an ONNX or TFLite model: it has no TFLite identifier \('TFL3' at byte 4\) and does not decode as an ONNX protobuf \(.*\); edgefit reads ONNX/);
  });
});

describe.skipIf(!HAVE_SHARED)('check on the STM32MP1: which TFLite kernels the latency is for', () => {
  it('a static-shaped file: the XNNPACK delegate; a file with run-time SHAPE ops: the built-in kernels, and why', async () => {
    expect(await run('check', YAMNET, '-t', 'MP157', '-t', 'MP135', '-t', 'MP257', '-t', 'H747', '--wide')).toBe(0);
    for (const board of ['STM32MP157F-DK2', 'STM32MP135F-DK2']) {
      expect(saysNoteOf(cli.out, board, 'latency for TFLite on X-LINUX-AI 6.1.0 with its XNNPACK delegate, which it applies by default to a model whose tensor sizes are all fixed'), board).toBe(true);
    }
    // the MP2 (NPU/GPU) and the MCUs run no TFLite CPU kernels
    expect(cli.out).not.toMatch(/(STM32MP257F-DK2|STM32H747I-DISCO): latency for TFLite/);
    cli.out = '';
    // ST EfficientNet LC v1's Keras export keeps SHAPE → … → RESHAPE chains (docs/targets.md "MPU CPU")
    const shapeOps = (await import('../src/targets/latency/runtime-path.ts')).runtimeShapeOpsOfFile(EFF128, 'tflite');
    expect(shapeOps).toBeGreaterThan(0);
    expect(await run('check', EFF128, '-t', 'MP157', '-t', 'MP135', '--wide')).toBe(0);
    for (const board of ['STM32MP157F-DK2', 'STM32MP135F-DK2']) {
      expect(saysNoteOf(cli.out, board, `latency for TFLite's built-in kernels on X-LINUX-AI 6.1.0, not the XNNPACK delegate: the file has ${shapeOps} SHAPE operators computing a tensor size at run time, and TFLite drops XNNPACK for such a graph`), board).toBe(true);
    }
  });
});

describe.skipIf(!HAVE_SHARED)('N6: of the two weights figures, the note says which one decides the fit', () => {
  it('Yamnet on the N6: the flash cell\'s figure decides; the blob form is named as the other one, with its room', async () => {
    expect(await run('check', YAMNET, '-t', 'N6', '--json')).toBe(0);
    const t = JSON.parse(cli.out).targets[0];
    const note: string = t.notes.find((n: string) => n.startsWith('weights flash, two forms'));
    expect(note).toBeDefined();
    const blob = Number(/blob form \(.*\) of (\d+) B/.exec(note)?.[1]);
    expect(blob).toBeGreaterThan(t.weightBytes); // 3×3 depthwise kernels stored ×8
    cli.out = '';
    expect(await run('check', YAMNET, '-t', 'N6', '--wide')).toBe(0);
    const row = cli.out.split('\n').find((l) => l.startsWith('│ STM32N6570-DK'))!;
    expect(row).toContain(`${formatBytes(t.weightBytes)} in octoFlash`);
    expect(cli.out).toContain(`weights flash, two forms: the table's flash figure, ${formatBytes(t.weightBytes)}, decides the fit (`);
    expect(cli.out).toContain(`flash a blob form (3x3 depthwise kernels stored x8, no biases) of ${formatBytes(blob)}. Which build options give which form is not public; the flash has room for either\n`);
  });
});

describe.skipIf(!HAVE_SHARED)('check --json: the margin that binds beside the total one', () => {
  interface Mem { id: string; name: string; kind: string; capacityBytes: number; usedBytes: number }
  it("F769 with activations spilled to SDRAM (docs/json.md's example): tightest is the SDRAM, the RAM cell leads with the internal RAM", async () => {
    expect(await run('check', MOBILENET_ONNX, '-t', 'F769', '--json')).toBe(0);
    const f769 = JSON.parse(cli.out).targets[0];
    expect(f769.ram.tightest.memoryIds).toEqual(['sdram']);
    expect(f769.ram.tightest.marginPct).toBe(94.53);
    cli.out = '';
    expect(await run('check', MOBILENET_ONNX, '-t', 'F769')).toBe(0);
    expect(tableBody(cli.out)[0]![3]).toBe('3.08 KiB / 512 KiB (+99%) DTCM + SRAM1 + SRAM2 (contiguous from 0x20000000) + 896.03 KiB in FMC SDRAM (16 MiB, 95% free)');
  });

  it('H747 with activations spilled to SDRAM: marginPct keeps its total meaning; internalMarginPct and tightest say the AXI SRAM binds', async () => {
    expect(await run('check', MOBILENET_ONNX, '-t', 'H747', '-t', 'N6', '-t', 'MP157', '--json')).toBe(0);
    const [h747, n6, mp157] = JSON.parse(cli.out).targets;
    const ram = h747.ram;
    // unchanged: the sum over every memory the role may use, external included
    expect(ram.marginPct).toBe(Number(((100 * ram.marginBytes) / ram.capacityBytes).toFixed(2)));
    expect(ram.marginPct).toBeGreaterThan(90);
    expect(ram.internalMarginPct).toBe(Number(((100 * ram.internalMarginBytes) / ram.internalCapacityBytes).toFixed(2)));
    expect(ram.internalMarginPct).toBeLessThan(0); // it needs the SDRAM
    const mems: Mem[] = h747.memories;
    const axi = mems.find((m) => m.id === 'axisram')!;
    expect(ram.tightest).toEqual({ memoryIds: ['axisram'], name: axi.name, usedBytes: axi.usedBytes, capacityBytes: axi.capacityBytes, marginBytes: axi.capacityBytes - axi.usedBytes, marginPct: Number(((100 * (axi.capacityBytes - axi.usedBytes)) / axi.capacityBytes).toFixed(2)) });
    expect(ram.tightest.marginPct).toBeLessThan(ram.marginPct - 40);
    // the N6's internal RAM pools bind together; an MPU's DDR is its only memory; the N6 flash has no internal memory
    const pools = (n6.memories as Mem[]).filter((m) => m.kind === 'internal-ram');
    expect(n6.ram.tightest.memoryIds).toEqual(pools.map((m) => m.id));
    expect(n6.ram.tightest.usedBytes).toBe(pools.reduce((a, m) => a + m.usedBytes, 0));
    expect(n6.flash.internalMarginPct).toBeNull();
    expect(mp157.ram.tightest.memoryIds).toEqual(['ddr']);
    expect(mp157.ram.internalMarginPct).toBeNull();
  });
});

/**
 * A cli-table3 table's body in `text` as one record per row, each cell's lines joined by a space (a row spans every
 * line until the next one whose first cell is filled). Only the body: the header sits above the '├' rule.
 */
function tableBody(text: string): string[][] {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.startsWith('├'));
  const rows: string[][][] = [];
  for (const l of lines.slice(from + 1)) {
    if (!l.startsWith('│')) break;
    const cells = l.split('│').slice(1, -1).map((c) => c.trim());
    if (cells[0]) rows.push(cells.map((c) => (c ? [c] : [])));
    else cells.forEach((c, i) => c && rows[rows.length - 1]![i]!.push(c));
  }
  return rows.map((r) => r.map((c) => c.join(' ')));
}

describe.skipIf(!HAVE_SHARED)("check's default table fits a 120-column terminal; --wide and --json keep everything", () => {
  it.each([
    ['Yamnet (int8 TFLite)', YAMNET],
    ['MobileNet v2 (float ONNX, activations spilled to external RAM)', MOBILENET_ONNX],
    ['YOLOv8n w4 (code flash a lower bound)', YOLO_W4],
  ])('%s, every default target: no line over 120 characters, the same figures as --wide', async (_, model) => {
    expect(await run('check', model)).toBe(0);
    const narrow = cli.out;
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    cli.out = '';
    expect(await run('check', model, '--wide')).toBe(0);
    const wide = cli.out;
    expect(Math.max(...wide.split('\n').map((l) => l.length))).toBeGreaterThan(120); // what the narrow table replaces
    cli.out = '';
    expect(await run('check', model, '--json')).toBe(0);
    const targets = JSON.parse(cli.out).targets as { name: string; limitingMemory: string; notes: string[] }[];
    // the narrow cells are the wide ones a part a line; capacities drop their trailing ".00" (512.00 KiB → 512 KiB)
    const trimmed = (cell: string) => cell.replace(/(\d+)\.00 (KiB|MiB|GiB)(?= \(|,)/g, '$1 $2');
    const narrowRows = tableBody(narrow);
    const wideRows = tableBody(wide);
    expect(narrowRows.map((r) => r[0])).toEqual(targets.map((t) => t.name));
    narrowRows.forEach(([name, fits, act, ram, flash, latency], i) => {
      const [, wFits, wAct, wRam, wFlash, wLimiting, wLatency] = wideRows[i]!;
      expect([fits, act, latency], name).toEqual([wFits, wAct, wLatency]);
      expect(ram, name).toBe(trimmed(wRam!));
      expect(flash, name).toBe(trimmed(wFlash!));
      // the limiting memory column moves under the table, a line per target
      // (an N6 pool said as the fullest of the pools the RAM cell sums: test/cli-ux11.test.ts)
      expect(wLimiting, name).toMatch(new RegExp(`^${escapeRe(targets[i]!.limitingMemory)}(, the fullest of the \\d internal RAM pools \\(\\d+% used\\); the RAM figure is their sum)?$`));
    });
    const limiting = `${narrow.split('\nlimiting memory (least room left):\n')[1]!.split('\nnotes:\n')[0]!}\n`;
    for (const t of targets) expect(limiting.replace(/\n {4}/g, ' ')).toMatch(new RegExp(`  ${escapeRe(t.name)}: ${escapeRe(t.limitingMemory)}(, the fullest of the \\d internal RAM pools \\(\\d+% used\\); the RAM figure is their sum)?\n`));
    // every note is there, wrapped: the same words once the continuation lines are joined
    const notes = narrow.split('\nnotes:\n')[1]!.replace(/\n {4}/g, ' ');
    for (const t of targets) for (const n of t.notes) expect(saysNoteOf(notes, t.name, formatByteFigures(n)), `${t.name}: ${n}`).toBe(true);
    expect(narrow).toContain('Limiting memory as a table column, one line per target: --wide.');
  });
});

describe.skipIf(!HAVE_SHARED)("compare's default table fits a 120-column terminal like check's; --wide keeps one line per target", () => {
  it('EfficientNet LC 128 and 224, every default target: a heading row per variant, the same figures as --wide, thin notes wrapped', async () => {
    const files = [EFF128, EFF128.replace('_128_', '_224_')];
    expect(await run('compare', ...files)).toBe(0);
    const narrow = cli.out;
    for (const line of narrow.split('\n')) expect(line.length, line).toBeLessThanOrEqual(120);
    cli.out = '';
    expect(await run('compare', ...files, '--wide')).toBe(0);
    const wide = cli.out;
    expect(Math.max(...wide.split('\n').map((l) => l.length))).toBeGreaterThan(120); // what the narrow table replaces
    cli.out = '';
    expect(await run('compare', ...files, '--json')).toBe(0);
    const variants = JSON.parse(cli.out).variants as { macs: number; targets: { name: string; latencyStatus: string; latencyNote: string }[] }[];
    const trimmed = (cell: string) => cell.replace(/(\d+)\.00 (KiB|MiB|GiB)(?= \(|,)/g, '$1 $2');
    // the narrow body: a one-cell heading per variant (file, MACs, weights), then its targets as check's narrow rows
    const narrowRows = tableBody(narrow);
    // --wide: one line per target, the variant's label, MACs and weights on its first
    const wideLines = wide.split('\n');
    const wideRows = wideLines.slice(wideLines.findIndex((l) => l.startsWith('├')) + 1).filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
    const headings = narrowRows.filter((r) => r.length === 1).map((r) => r[0]!);
    expect(headings).toHaveLength(2);
    headings.forEach((h, i) => {
      const first = wideRows[i * variants[0]!.targets.length]!;
      expect(h).toBe(`${first[0]}: ${first[1]} MACs, weights ${first[2]}`);
      expect(h).toContain(variants[i]!.macs.toLocaleString('en-US'));
    });
    const targetRows = narrowRows.filter((r) => r.length > 1);
    expect(targetRows.map((r) => r[0])).toEqual(wideRows.map((r) => r[3]));
    targetRows.forEach(([name, fits, act, ram, flash, latency], i) => {
      const [, , , , wAct, wFits, wRam, wFlash, wLatency] = wideRows[i]!;
      expect([fits, act, latency], name).toEqual([wFits, wAct, wLatency]);
      expect(ram, name).toBe(trimmed(wRam!));
      expect(flash, name).toBe(trimmed(wFlash!));
    });
    // every thin-data reason once, wrapped: the same words once the continuation lines are joined
    const thin = narrow.split('\nlatency from thin data (no reliable error figure):\n')[1]!.replace(/\n {4}/g, ' ');
    const reasons = new Set(variants.flatMap((v) => v.targets.filter((t) => t.latencyStatus === 'thin').map((t) => `  ${t.name}: ${formatByteFigures(t.latencyNote).replace(/^thin data: /, '')}\n`)));
    expect(reasons.size).toBeGreaterThan(1);
    for (const r of reasons) expect(thin).toContain(r);
  });
});

describe('targets: a latency without a fit of its own says what it borrows, in words', () => {
  it('the U5 row: the Cortex-M7 model × its ratio, fitted on 1 published model; no calibration key', async () => {
    expect(await run('targets', '--wide')).toBe(0); // one line per target (the default table wraps its cells)
    const u5 = cli.out.split('\n').find((l) => l.includes('B-U585I-IOT02A'))!;
    expect(u5).toMatch(/— \(no error: borrowed, Cortex-M33: the Cortex-M7 model × \d\.\d{3}, a ratio fitted on 1 published model\)/);
    expect(u5).not.toMatch(/cortex-m\d|model\(s\)|cycles ×/);
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
