/**
 * Session 11's user-facing polish (ux11), one block per fix; each fails on main 4e970f8. In-process through main(), as
 * test/cli-ux10.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const TINY_CONV = join(MODELS_DIR, 'onnx_public/ort_testdata/conv_qdq_s8s8.onnx');
const TRANSPOSE_QDQ = join(MODELS_DIR, 'onnx_public/ort_testdata/layout_transform_fix_transpose_without_dq.qdq.onnx');

const cli = captureCli();
const run = cli.run;

/** What a note must not show a user: our source files, calibration keys ("cortex-m7:…", "n6-neural-art"), tool ids. */
const INTERNAL = [/\b[\w-]+\.ts\b/, /\b(cortex-[am]\d+\w*|mp2-npu-gpu|n6-neural-art)(:[\w-]+)*\b/, /\b(stedgeai|cubeai|x-linux-ai)-\d/];
const internalIn = (texts: string[]) => texts.flatMap((t) => INTERNAL.filter((re) => re.test(t)).map((re) => `${re} in: ${t}`));

describe('notes speak to users: no source file names, calibration keys or tool ids', () => {
  it.skipIf(!HAVE_SHARED)('check --json: notes and latency notes of three models on every default target', async () => {
    const texts: string[] = [];
    for (const model of [YAMNET, TINY_CONV, TRANSPOSE_QDQ]) {
      cli.out = '';
      await run('check', model, '--json');
      for (const t of JSON.parse(cli.out).targets as { notes: string[]; latencyNote: string }[]) texts.push(...t.notes, t.latencyNote);
    }
    // the notes this test is about are present (so the check below is not vacuous)
    expect(texts.some((t) => t.includes('lite-generator pool'))).toBe(true);
    expect(texts.some((t) => t.includes('fewer than every published row'))).toBe(true);
    expect(texts.some((t) => t.includes('activations in external RAM'))).toBe(true);
    expect(internalIn(texts)).toEqual([]);
    expect(texts.some((t) => t.includes('(docs/memory-4x.md)'))).toBe(true);
  });

  it('the calibration table calibrate prints from (data/calibration-error.json): notes and details', () => {
    const texts: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && (key === 'note' || key === 'details')) texts.push(v);
      else if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')));
    expect(texts.some((t) => t.includes('model(s) only'))).toBe(true);
    expect(internalIn(texts)).toEqual([]);
  });
});

describe("N6: the limiting memory is said as the fullest pool, beside a RAM figure that sums the pools", () => {
  it.skipIf(!HAVE_SHARED)('check: the limiting line names the pool with its own use and says the RAM figure is the pools\' sum; the report says the same', async () => {
    await run('check', YAMNET, '--target', 'STM32N6570-DK', '--json');
    const t = JSON.parse(cli.out).targets[0] as { limitingMemory: string; ram: { internalBytes: number; internalCapacityBytes: number }; memories: { name: string; kind: string; capacityBytes: number; usedBytes: number }[] };
    const pools = t.memories.filter((m) => m.kind === 'internal-ram');
    const pool = pools.find((m) => m.name === t.limitingMemory)!;
    expect(pools.length).toBeGreaterThan(1);
    expect(pool).toBeDefined(); // JSON keeps naming the one pool
    // the RAM figure is the pools' sum (the oracle: memories[])
    expect(t.ram.internalCapacityBytes).toBe(pools.reduce((a, m) => a + m.capacityBytes, 0));
    cli.out = '';
    await run('check', YAMNET, '--target', 'STM32N6570-DK');
    const line = cli.out.split('\n').find((l) => l.startsWith('  STM32N6570-DK: ') && l.includes(pool.name))!;
    expect(line).toContain(`the fullest of the ${pools.length} internal RAM pools (${Math.round((100 * pool.usedBytes) / pool.capacityBytes)}% used); the RAM figure is their sum`);
    const { toReportTarget } = await import('../src/report/build-input.ts');
    expect(toReportTarget({ ...t, id: 'stm32n6570-dk' }).limitingMemory).toBe(line.slice('  STM32N6570-DK: '.length));
  });

  it.skipIf(!HAVE_SHARED)('the verdict of a target that does not fit names the pools, whose sum the shortfall is', async () => {
    const { limitingMemoryShort } = await import('../src/cli/format/limiting-memory.ts');
    const { evaluateTargets } = await import('../src/targets/evaluate.ts');
    const { analyzeModel } = await import('../src/analyzer/analyze.ts');
    const { loadModel } = await import('../src/analyzer/load.ts');
    const [r] = evaluateTargets(analyzeModel(loadModel(YAMNET)), ['stm32n6570-dk']);
    const pools = r!.memories.filter((m) => m.kind === 'internal-ram');
    expect(limitingMemoryShort(r!)).toBe(`the ${pools.length} internal RAM pools, 144.00 KiB used (fullest: ${r!.limitingMemory})`);
    // an MCU's limiting memory is said as it is
    const [h7] = evaluateTargets(analyzeModel(loadModel(YAMNET)), ['stm32h747i-disco']);
    expect(limitingMemoryShort(h7!)).toBe(h7!.limitingMemory);
  });
});

describe("the report's sizes follow the CLI's rule: MiB from 1 MiB, two decimals", () => {
  const sizes = [0, 512, 1536, 917_536, 1_048_576, 1.5 * 2 ** 20, 5_600_000, 20 * 2 ** 20, 3 * 2 ** 30];
  it('report/format.ts formatBytes prints each size as the CLI does', async () => {
    const { formatBytes: cliBytes } = await import('../src/cli/format/numbers.ts');
    const { formatBytes: reportBytes } = await import('../src/report/format.ts');
    expect(sizes.map(reportBytes)).toEqual(sizes.map(cliBytes));
    // the hand-checked forms: 1.5 MiB was "1,536.0 KiB" in the report, "1.50 MiB" in check
    expect([reportBytes(1.5 * 2 ** 20), reportBytes(917_536), reportBytes(20 * 2 ** 20)]).toEqual(['1.50 MiB', '896.03 KiB', '20.00 MiB']);
  });

  it("the page script's fmtBytes (layer table, charts) prints each size as the CLI does", async () => {
    const { formatBytes: cliBytes } = await import('../src/cli/format/numbers.ts');
    const src = readFileSync(join(REPO_ROOT, 'src/report/page/report-page.js'), 'utf8');
    const body = src.match(/ {2}function grouped\(v, d\) \{[\s\S]*?\n {2}\}\n {2}function fmtBytes\(b\) \{[\s\S]*?\n {2}\}\n/)![0];
    const fmtBytes = new Function('KIB', 'MIB', 'GIB', `${body}\nreturn fmtBytes;`)(1024, 2 ** 20, 2 ** 30) as (b: number) => string;
    expect(sizes.map(fmtBytes)).toEqual(sizes.map(cliBytes));
  });
});

describe("check and compare wrap their thin-latency notes with one function", () => {
  it('wrapNoteBlock: "  TARGET: text" lines within 120 columns, continuations indented; --wide unchanged', async () => {
    const { wrapNoteBlock } = await import('../src/cli/format/fit-table.ts');
    const block = `latency from thin data (no reliable error figure):\n  BOARD: ${'word '.repeat(60).trim()}`;
    const narrow = wrapNoteBlock(block).split('\n');
    expect(narrow[0]).toBe('latency from thin data (no reliable error figure):');
    expect(narrow.length).toBeGreaterThan(2);
    expect(narrow.slice(2).every((l) => l.startsWith('    word'))).toBe(true);
    expect(Math.max(...narrow.map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(narrow.join(' ').replace(/\s+/g, ' ')).toBe(block.replace(/\s+/g, ' '));
    expect(wrapNoteBlock(block, true)).toBe(block);
  });

  it.skipIf(!HAVE_SHARED)("compare prints check's thin-latency lines for a model, wrapped alike", async () => {
    const block = (text: string) => text.split('latency from thin data (no reliable error figure):\n')[1]!.split(/\n(?! )/)[0]!;
    await run('check', TINY_CONV);
    const checkLines = block(cli.out).split(/\n(?=  \S)/);
    cli.out = '';
    await run('compare', TINY_CONV, YAMNET);
    const compareBlock = block(cli.out);
    expect(checkLines.length).toBeGreaterThan(3);
    for (const l of checkLines) expect(compareBlock).toContain(l);
  });
});

describe("analyze: the layer table fits 120 columns by default; --wide keeps the old one", () => {
  const YOLO11_TFLITE = join(MODELS_DIR, 'object_detection/yolo11n_256_quant_pc_uf_od_coco-person-st.tflite');
  const YOLO26_ONNX = join(MODELS_DIR, 'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx');
  /** The layer table's rows (cells trimmed), continuation lines of wrapped cells joined to their row. */
  const layerRows = (text: string) => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => l.startsWith('inputs:')) + 1;
    const table = lines.slice(start, lines.findIndex((l, i) => i > start && l.startsWith('└')));
    const rows: string[][] = [];
    for (const l of table.filter((x) => x.startsWith('│'))) {
      const cells = l.split('│').slice(1, -1).map((c) => c.trim());
      if (cells[0] === '' && rows.length) rows[rows.length - 1] = rows[rows.length - 1]!.map((c, i) => (cells[i] ? `${c} ${cells[i]}` : c));
      else rows.push(cells);
    }
    return { rows, width: Math.max(...table.map((l) => l.length)) };
  };

  it.skipIf(!HAVE_SHARED)('YOLO11n TFLite (1,270 columns wide: Split outputs) and YOLO26 ONNX (164): within 120, the same layers and figures as --wide', async () => {
    for (const model of [YOLO11_TFLITE, YOLO26_ONNX, YAMNET]) {
      cli.out = '';
      expect(await run('analyze', model)).toBe(0);
      const narrow = layerRows(cli.out);
      cli.out = '';
      expect(await run('analyze', model, '--wide')).toBe(0);
      const wide = layerRows(cli.out);
      expect(narrow.width, model).toBeLessThanOrEqual(120);
      expect(narrow.rows.length).toBe(wide.rows.length);
      narrow.rows.forEach((r, i) => {
        const w = wide.rows[i]!;
        // #, op, output shapes, dtype, MACs, params, weight B, output B as --wide gives them; the name's tail
        expect([r[0], r[1], r[3], ...r.slice(4)]).toEqual([w[0], w[1], w[3], ...w.slice(4)]);
        expect(w[2]!.endsWith(r[2]!.replace(/^…/, ''))).toBe(true);
      });
    }
    // the old table, kept by --wide, was wider than a terminal
    cli.out = '';
    await run('analyze', YOLO11_TFLITE, '--wide');
    expect(layerRows(cli.out).width).toBeGreaterThan(1000);
  });
});
