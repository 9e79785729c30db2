/**
 * Our "st" plan against ST's published MCU activation RAM (../shared/calibration: published_mcu.csv and
 * published_legacy_tflite.csv, "Activation RAM (KiB)"), for every model file in ../shared/models that a
 * published row names (joined by file name; the manifest's sha256 identities add three zoo 4.1 aliases).
 * Prints ours (st, greedy, best, lower bound) vs published with the error for every row. A row published by
 * STEdgeAI 3.0/4.0 is compared with the plan of that tool family (st4x-plan.ts, the "lite" code generator's
 * pool; docs/memory-4x.md), every other row with the 8.1 "st" plan. Rows we reproduce
 * are asserted within ±3 %; every other row carries the explanation we found (docs/memory.md "Misses").
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { planMemory, type MemoryReport } from '../src/analyzer/memory/index.ts';
import { planStLitePeakBytes, stAllocatorFamily } from '../src/analyzer/memory/st4x-plan.ts';
import { parseCsv } from '../src/targets/calibration/csv.ts';
import { CALIBRATION_DIR, HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';

/** Zoo 4.1 file names of byte-identical files we hold under another name (models/manifest.csv, sha256 == LFS oid). */
const ZOO_ALIASES: Record<string, string> = {
  'resnet8_32_tfs_int8.tflite': 'resnet_v1_8_32_tfs_int8.tflite',
  'resnet32_32_tfs_int8.tflite': 'resnet_v1_32_32_tfs_int8.tflite',
  'st_mnistv1_28_tfs_int8.tflite': 'st_mnist_v1_28_tfs_int8.tflite',
};

/** Why a row is not reproduced within ±3 % (key: file name; `@version` or `@series` narrows to one row). */
const EXPLAINED_MISSES: Record<string, string> = {
  // Yamnet on the U5 (4.0.0, 112,200 B) is reproduced by the lite plan to 7 B and asserted.
  'yamnet_e256_64x96_tl_int8.tflite@STM32U3 NUCLEO-U3C5ZI-Q (With HSP)':
    'one file, one tool (4.0.0), three rows 23 % apart: the lite plan reproduces the U5 row (CPU kernels) to 7 B; with the U3\'s HSP accelerator ST needs 8.2 % less (HSP kernels and their buffers: no generated file).',
  'yamnet_e256_64x96_tl_int8.tflite@STM32U3 NUCLEO-U3C5ZI-Q (Without HSP)':
    'as the U3 HSP row: on the U3 without HSP the same file and tool need 13 % more than on the U5 (target-specific kernels).',
  'resnet_v1_8_32_tfs_int8.tflite':
    'the same file is published at 45.41 KiB (8.1.0), 55.28 KiB (7.3.0) and 62.51 KiB (3.0/4.0): tool-version changes. The 8.1.0 row lands within ±3 % (47,712 B with the session-3 deep-conv scratch rule, 47,136 B before) but is not asserted: the result depends on the placement heuristic (other placement orders gave 43,648…45,968 B, −6.1…−1.1 %), so no rule of ours decides it; the one generated residual network found is a 3.0.0 lite MNIST ResNet (search id 66833973634, docs/memory-4x.md), no 8.1.0 one.',
  'resnet_v1_8_32_tfs_int8.tflite@3.0.0':
    'ST Edge AI Core 3.0.0 itself generates 43,424 B for this topology (a CIFAR ResNet8 lite network.c with float I/O, search corpus id 4059486110; our st planner replays its buffers to the byte and the lite model\'s kernel scratch equals its kernel arguments, test/memory-st4x.test.ts): the published 64,010 B is 47 % above what the generator produces, so no generator rule closes it. The lite model (56,672 B) sits between the two because rule 1 keeps the 3×3 outputs off their padded copies, which that file contradicts (d = −512 B); 56,672 + the uint8 input, its int8 copy and the RGB-conv scratch (3,072 + 3,072 + 1,196) = 64,012 B fits the row to 2 B but fails on ST MNIST, so it is not adopted (docs/memory-4x.md "ResNet8").',
  'resnet_v1_8_32_tfs_int8.tflite@4.0.0': 'as the 3.0.0 row: 4.0.0 publishes the same 62.51 KiB.',
  'resnet_v1_32_32_tfs_int8.tflite':
    'not a measurement of this file: its 3.0/4.0 rows copy the 8.1-era row of the 2024 fork digit for digit (45.41 / 24.98 / 464.38 / 78.65 KiB, 177.7 ms; src/targets/runtime-copies.ts), whose 45.41 KiB equals ResNet8\'s own 8.1 figure; ResNet32\'s plan is 50,704 B.',
  'resnet_v1_8_32_int8.tflite':
    'tool version, measured: 7.3.0 publishes 55.28 KiB for this file, whose twin (same layers, shapes and st plan) 8.1.0 publishes at 45.41 and 9.1.0 at 62.51 KiB (STMicroelectronics/stm32ai-modelzoo@79cff536 resnetv1/README.md); our 47,712 B is one placement outcome of the same buffers (execution-order-only placement packs them in 57,184 B, +1.0 %, but breaks SqueezeNet and SSD rows; docs/memory.md Misses).',
  'resnet_v1_32_32_int8.tflite': 'the legacy table repeats ResNet8\'s 55.28 KiB for ResNet32 (not a measurement of this file): ResNet32\'s own plan (57,184 B) lands within ±3 % of it by coincidence, so the row is not asserted.',
  'st_mnist_v1_28_tfs_int8.tflite':
    'ST Edge AI 9.0 -O ram generates 13,376 B for this very file (borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071) and our st plan is exactly 13,376 B (every overlap offset of that file reproduced). The published rows are the default balanced optimisation: 8.1.0/7.3.0 14.12 / 14.13 KiB (only 14,464 B fits both, 1,088 B over -O ram, decided at the 3×3 16→32 conv), 9.1.0 and 3.0/4.0 17.21 KiB (stm32ai-modelzoo@79cff536 st_mnist/README.md: balanced costs this file +4,247 B over ram in the 9.x generation). No generated balanced file of a 16→32 padded conv at a peak; the 10·Cout deep scratch of a 2023 file gives 13,248 B, no split padding at most 13,376 B (docs/memory.md Misses).',
  'st_mnist_v1_28_tfs_int8.tflite@3.0.0':
    'the lite plan (16,512 B) is the 3×3 16→32 conv step with its padded copy (4,096), scratch (6,144, the capped budget not binding) and output (6,272) all apart — every layout of our lite buffers needs it — and ST publishes 1,111 B more (17.21 KiB): a larger buffer or a gap of ST\'s layout at that step; no 3.x/4.x generated file of this network exists to tell which (the 8.1 balanced figure is 1,088 B above -O ram at the same conv, docs/memory.md Misses).',
  'st_mnist_v1_28_tfs_int8.tflite@4.0.0': 'as the 3.0.0 row: 4.0.0 publishes the same 17.21 KiB.',
  'stmnist_v1_int8.tflite':
    'as st_mnist_v1_28_tfs (7.3.0, balanced; same layers and shapes as the zoo file): our plan equals the 13,376 B ST Edge AI 9.0 -O ram generates for the zoo file.',
  'yolov8n_256_quant_pc_uf_od_coco-person.tflite':
    "ours −21.7 %, no-overlap liveness +17.5 %: the first SiLU costs 524,288 B with the MUL in place and 786,432 B with it apart, ST's 669,358 B is neither; ST's lite files put elementwise outputs in place in some cases and beside their operands in others (binary ADD/MUL in place 5 of 21: the 3.0.0 ResNet8 adds 1 of 3, a lite ONNX detector 1 of 11 with its three activation×activation MULs apart; LUT sigmoid 4 of 7), so ST's placement decides — and with every binary elementwise output apart the lite plan is +17.5 %, on the other side of ST's figure; ST's three YOLOv8n rows are 10.2136·r² B with no constant, not a sum of whole tensors (docs/memory-4x.md, 'Elementwise outputs and YOLOv8n').",
  'mobilenet_v1_0.25_96_fft_int8.tflite':
    'tool version, measured: this file is published at 50.20 KiB (8.1.0), 66.96 KiB (9.1.0, stm32ai-modelzoo@79cff536 mobilenetv1/README.md) and 63.04 KiB (4.0); its twin (same layers and shapes) at 39.56 KiB (7.3.0, ours −2.8 %). 7.3.0 and 8.1.0 agree at 224 (ours −0.4/−0.5 %), so the change appears at one resolution only; the rule that fits 96 (stride-2 depthwise output apart from its PAD copy) needs ≥ 254,480 B at 224 where 8.1.0 publishes 207,186 B: placement, not an op rule (docs/memory.md Misses).',
  'squeezenetv1.1_224_tfs_int8.tflite':
    'tool version, measured: this file is published at 842.06 KiB (8.1.0), 816.86 KiB (9.1.0, stm32ai-modelzoo@79cff536 squeezenetv1.1/README.md) and 829.09 KiB (4.0); its twin (same layers and shapes) at 756.25 KiB = 774,400 B (7.3.0), which our plan reproduces to the byte (fire2 concat step). At 128 the 8.1.0 figure is within −0.8 % of ours; no tensor at the 224 peak step is the 87,869 B difference (docs/memory.md Misses).',
};

interface PublishedRow {
  file: string;
  label: string;
  version: string;
  series: string;
  activationBytes: number;
  source: string;
}

/** A published table's rows (the calibration module's CSV reader: quoted fields, doubled quotes). */
const readCsv = (path: string): Record<string, string>[] => parseCsv(readFileSync(path, 'utf8'));

function publishedRows(models: string[]): PublishedRow[] {
  const out: PublishedRow[] = [];
  const byName = (name: string, fork?: string) =>
    models.filter((m) => basename(m) === name && (fork === undefined ? !m.includes('/legacy_tflite/bvenreply/') : m.includes(`/${fork}/`)));
  for (const r of readCsv(join(CALIBRATION_DIR, 'published_mcu.csv'))) {
    if (!r.activation_ram_kib) continue;
    const name = ZOO_ALIASES[basename(r.model_file!)] ?? basename(r.model_file!);
    for (const m of byName(name)) {
      out.push({ file: m, label: `${r.model} ${r.resolution}`, version: r.stedgeai_version!, series: `${r.series} ${r.board}`, activationBytes: Number(r.activation_ram_kib) * 1024, source: r.source! });
    }
  }
  for (const r of readCsv(join(CALIBRATION_DIR, 'published_legacy_tflite.csv'))) {
    if (!r.activation_ram_kib) continue;
    const fork = r.source!.split(':')[0]!.split('/')[0]!;
    const name = basename(r.model_file || r.model_file_inferred || '');
    for (const m of byName(name, fork)) {
      out.push({ file: m, label: `${r.model} ${r.resolution}`, version: r.stm32cubeai_version!, series: r.board || r.series!, activationBytes: Number(r.activation_ram_kib) * 1024, source: r.source! });
    }
  }
  return out;
}

const pct = (ours: number, published: number) => ((ours - published) / published) * 100;

describe('st plan vs ST published activation RAM', () => {
  const models = sharedModels('tflite');
  it.skipIf(!HAVE_SHARED || models.length === 0)('prints every row and reproduces the matched ones within ±3 %', () => {
    const rows = publishedRows(models);
    expect(rows.length).toBeGreaterThan(30);
    const reports = new Map<string, MemoryReport | string>();
    const litePeaks = new Map<string, number | undefined>();
    const lines: string[] = [];
    let matched = 0;
    let asserted = 0;
    const failures: string[] = [];
    lines.push('model | res | tool | series | published B | st B (lite plan for 3.x/4.x) | err % | greedy err % | best B | lower bound err % | note');
    for (const row of rows) {
      if (!reports.has(row.file)) {
        try {
          reports.set(row.file, planMemory(analyzeFile(row.file), { searchStateLimit: 50, stSplitPads: process.env.EDGEFIT_ST_SPLIT_PADS !== '0', stFuseConvPool: process.env.EDGEFIT_ST_FUSE_POOL !== '0' })!);
        } catch (e) {
          reports.set(row.file, (e as Error).message.split('\n')[0]!);
        }
      }
      const report = reports.get(row.file)!;
      const name = basename(row.file);
      if (typeof report === 'string') {
        lines.push(`${modelLabel(row.file)} | not analysed: ${report}`);
        continue;
      }
      const lite = stAllocatorFamily(row.version) === 'stedgeai-lite';
      if (lite && !litePeaks.has(row.file)) litePeaks.set(row.file, planStLitePeakBytes(analyzeFile(row.file), { stSplitPads: process.env.EDGEFIT_ST_SPLIT_PADS !== '0' }));
      const st = lite ? (litePeaks.get(row.file) ?? report.planners.st.peakBytes) : report.planners.st.peakBytes;
      const err = pct(st, row.activationBytes);
      const why = EXPLAINED_MISSES[`${name}@${row.series}`] ?? EXPLAINED_MISSES[`${name}@${row.version}`] ?? EXPLAINED_MISSES[name];
      const within = Math.abs(err) <= 3;
      if (within) matched++;
      lines.push(
        [
          name,
          row.label,
          row.version || '?',
          row.series,
          row.activationBytes.toFixed(0),
          st,
          err.toFixed(1),
          pct(report.planners.greedy.peakBytes, row.activationBytes).toFixed(1),
          report.planners.best.peakBytes,
          pct(report.lowerBoundBytes, row.activationBytes).toFixed(1),
          within ? 'ok' : (why ?? 'UNEXPLAINED'),
        ].join(' | '),
      );
      if (!why) {
        asserted++;
        if (!within) failures.push(`${name} ${row.version} ${row.series}: st ${st} B vs published ${row.activationBytes.toFixed(0)} B (${err.toFixed(1)} %)`);
      }
    }
    console.log(`[memory-vs-published]\n${lines.join('\n')}\n${matched}/${rows.length} rows within ±3 %; ${asserted} asserted`);
    expect(failures, 'asserted rows outside ±3 %').toEqual([]);
    expect(asserted).toBeGreaterThanOrEqual(10);
  });
});

describe('RGB first conv: 3-row margin and scratch after the input (overlap-rules.ts stRgbConvEndBoundBytes, stScratchFollowsInput)', () => {
  const models = sharedModels('tflite');
  it.skipIf(!HAVE_SHARED || models.length === 0)('the four FD-MobileNet stm.ai 8.1.0 rows (ReLU RGB conv at the peak) within 30 B of the published KiB figure (±5 B of rounding)', () => {
    const rows = publishedRows(models).filter((r) => r.version === '8.1.0' && /fdmobilenet/.test(basename(r.file)));
    expect(rows.length).toBe(4);
    for (const r of rows) {
      const st = planMemory(analyzeFile(r.file), { searchLayerLimit: 0 })!.planners.st.peakBytes;
      expect(Math.abs(st - r.activationBytes), `${basename(r.file)}: st ${st} B vs ${r.activationBytes.toFixed(0)} B`).toBeLessThanOrEqual(30);
    }
  });
});

describe('st plan vs a pool ST generated for the same file', () => {
  const file = sharedModels('tflite').find((m) => basename(m) === 'st_mnist_v1_28_tfs_int8.tflite');
  it.skipIf(!file)('st_mnist_v1_28_tfs_int8: 13,376 B, the pool ST Edge AI 9.0 (-O ram) generated for it (borealis-zhe/STM32H7_EMNIST_with_touchscreen@70ec3071)', () => {
    expect(planMemory(analyzeFile(file!), { searchLayerLimit: 0 })!.planners.st.peakBytes).toBe(13376);
  });
});
