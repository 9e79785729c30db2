/**
 * What the zoo's STEdgeAI 4.x H747 activation figures are NOT (docs/memory-4x.md, "Session 11").
 *
 * 1. data/st-generated/zoo-4x-vs-9.1.0-activation.json: the 4.x figure of each H747 row beside the figure the zoo's
 *    X-CUBE-AI 9.1.0 README (legacy generator) publishes for the same file. Oracles: ../shared/calibration/published_mcu.csv
 *    (the 4.x figures copied into the record must be the CSV's) and ST's own 3.0.0 lite report of the Yamnet file
 *    (the control: one figure under three generators).
 * 2. Sums of our lite buffers: at every published resolution of one architecture, ST's figure is not the sum of up to
 *    four of the lite liveness's buffers and overlap row offsets, nor our lite pool plus up to two of them, while the
 *    same search does find our own pools (the control that the search can find a natural pool).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import { planLivenessBytes, planStLiteLiveness } from '../src/analyzer/memory/st4x-plan.ts';
import type { Liveness } from '../src/analyzer/memory/liveness.ts';
import { parseCsv } from '../src/targets/calibration/csv.ts';
import { CALIBRATION_DIR, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

interface Figures {
  activationKib: number;
  runtimeRamKib: number | null;
  codeFlashKib: number | null;
  inferenceMs: number | null;
  source: string;
}
interface IdentityRow {
  rowId: string;
  model: string;
  resolution: string;
  board: string;
  v4x: Figures;
  v910: Figures;
  activationEqual: boolean;
  generated300PoolBytes?: number;
}

const record = JSON.parse(readFileSync(join(REPO_ROOT, 'data/st-generated/zoo-4x-vs-9.1.0-activation.json'), 'utf8')) as { rows: IdentityRow[] };
const reports = JSON.parse(readFileSync(join(REPO_ROOT, 'data/st-generated/ev7-reports-3.0.0-zoo-services.json'), 'utf8')) as {
  records: { name: string; activationsBytes: number }[];
};
const MCU_CSV = join(CALIBRATION_DIR, 'published_mcu.csv');
const LEGACY = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification');
const kib2 = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

describe('the zoo 4.x H747 activation figures beside the 9.1.0 ones (data/st-generated/zoo-4x-vs-9.1.0-activation.json)', () => {
  it.skipIf(!existsSync(MCU_CSV))('copies the 4.x figures as published and finds 12 of the 19 H747 rows equal to the 9.1.0 figure to the digit', () => {
    const csv = parseCsv(readFileSync(MCU_CSV, 'utf8'));
    const lines: string[] = [];
    for (const r of record.rows) {
      const hit = csv.filter((c) => c.model === r.model && c.resolution === r.resolution && c.board === r.board && c.zoo_release === '4.1');
      expect(hit, `${r.model} ${r.resolution} ${r.board}`).toHaveLength(1);
      expect(Number(hit[0]!.activation_ram_kib)).toBe(r.v4x.activationKib);
      expect(r.activationEqual).toBe(r.v4x.activationKib === r.v910.activationKib);
      expect(r.v910.source).toMatch(/^STMicroelectronics\/stm32ai-modelzoo@[0-9a-f]{40}:/);
      lines.push(`${r.model} ${r.resolution} (${r.board}): 9.1.0 ${r.v910.activationKib} KiB, 4.x ${r.v4x.activationKib} KiB${r.activationEqual ? '  (same)' : ''}`);
    }
    const h747 = record.rows.filter((r) => r.board === 'STM32H747I-DISCO');
    expect(h747).toHaveLength(19);
    expect(h747.filter((r) => r.activationEqual).map((r) => r.rowId)).toEqual([
      'mcu-zoo-4-51', 'mcu-zoo-4-52', 'mcu-zoo-4-53', 'mcu-zoo-4-54', 'mcu-zoo-4-58', 'mcu-zoo-4-62',
      'mcu-zoo-4-68', 'mcu-zoo-4-72', 'mcu-zoo-4-74', 'mcu-zoo-4-75', 'mcu-zoo-4-76', 'mcu-zoo-4-77',
    ]);
    console.log(`[memory-st4x-legacy-identity] activation RAM, X-CUBE-AI 9.1.0 vs STEdgeAI 4.0.0 (zoo 4.1)\n${lines.join('\n')}`);
  });

  it('the equal rows were benchmarked again: runtime RAM and code flash are the lite generator\'s, not 9.1.0\'s', () => {
    const read = record.rows.filter((r) => r.activationEqual && r.v910.runtimeRamKib !== null);
    expect(read.length).toBeGreaterThanOrEqual(8);
    for (const r of read) {
      // legacy runtime RAM 7.6–30 KiB and code flash 53–108 KiB; lite 0–4 KiB and about half the code
      expect(r.v4x.runtimeRamKib!, r.rowId).toBeLessThan(r.v910.runtimeRamKib! / 2);
      expect(r.v4x.codeFlashKib!, r.rowId).toBeLessThan(r.v910.codeFlashKib! * 0.7);
      expect(r.v4x.inferenceMs, r.rowId).not.toBe(r.v910.inferenceMs);
    }
  });

  it("control: Yamnet 256 on the U5 is one figure under 9.1.0, 4.x and ST's own 3.0.0 lite generation of the zoo file", () => {
    const yamnet = record.rows.find((r) => r.model === 'Yamnet 256')!;
    const generated = reports.records.find((r) => r.name.startsWith('yamnet_e256_64x96_tl_int8'))!.activationsBytes;
    expect(yamnet.generated300PoolBytes).toBe(generated);
    expect(yamnet.v910.activationKib).toBe(yamnet.v4x.activationKib);
    expect(kib2(generated)).toBe(yamnet.v4x.activationKib);
  });
});

/** Distinct size vectors (one entry per resolution) of a set of same-topology livenesses: buffers and |overlap row offsets|. */
function termVectors(lvs: Liveness[]): number[][] {
  const n = lvs[0]!.buffers.length;
  const m = lvs[0]!.overlaps.length;
  expect(lvs.every((lv) => lv.buffers.length === n && lv.overlaps.length === m)).toBe(true);
  const seen = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const v = lvs.map((lv) => lv.buffers[i]!.sizeBytes);
    seen.set(v.join(','), v);
  }
  for (let i = 0; i < m; i++) {
    const v = lvs.map((lv) => Math.abs(lv.overlaps[i]!.forwardDeltaBytes ?? 0));
    if (v.every((x) => x > 0)) seen.set(`row:${v.join(',')}`, v);
  }
  return [...seen.values()];
}

/** How many multisets of 1..maxTerms term vectors, added to `base`, land within ±tol of `targets` at every resolution. */
function countSums(terms: number[][], base: number[], targets: number[], tol: number, maxTerms: number): number {
  let hits = 0;
  const walk = (start: number, left: number, acc: number[], depth: number) => {
    if (depth > 0 && acc.every((s, j) => Math.abs(s - targets[j]!) <= tol)) hits++;
    if (left === 0) return;
    for (let i = start; i < terms.length; i++) {
      const next = acc.map((s, j) => s + terms[i]![j]!);
      if (next.some((s, j) => s > targets[j]! + tol)) continue;
      walk(i, left - 1, next, depth + 1);
    }
  };
  walk(0, maxTerms, base, 0);
  return hits;
}

// Two-resolution architectures whose files we hold (the zoo 4.1 H747 figures, KiB as published)
const GROUPS: { name: string; files: string[]; publishedKib: number[]; controlFinds: boolean }[] = [
  { name: 'MobileNet v2 0.35 fft', files: ['mobilenetv2/mobilenet_v2_0.35_128_fft_int8.tflite', 'mobilenetv2/mobilenet_v2_0.35_224_fft_int8.tflite'], publishedKib: [237.32, 699.32], controlFinds: true },
  { name: 'FdMobileNet 0.25 tfs', files: ['fdmobilenet/fdmobilenet_0.25_128_tfs_int8.tflite', 'fdmobilenet/fdmobilenet_0.25_224_tfs_int8.tflite'], publishedKib: [56.16, 157.03], controlFinds: true },
  { name: 'ST FdMobileNet v1 tfs', files: ['fdmobilenet/st_fdmobilenet_v1_128_tfs_int8.tflite', 'fdmobilenet/st_fdmobilenet_v1_224_tfs_int8.tflite'], publishedKib: [74.23, 211.64], controlFinds: false },
  { name: 'SqueezeNet v1.1 tfs', files: ['squeezenetv1.1/squeezenetv1.1_128_tfs_int8.tflite', 'squeezenetv1.1/squeezenetv1.1_224_tfs_int8.tflite'], publishedKib: [271.84, 829.09], controlFinds: true },
];

describe('ST\'s 4.x H747 figure is not a sum of our lite buffers at every resolution (docs/memory-4x.md "Session 11")', () => {
  for (const g of GROUPS) {
    it.skipIf(!g.files.every((f) => existsSync(join(LEGACY, f))))(`${g.name}: no sum of ≤ 4 terms, nor the lite pool + ≤ 2, is ST's figure at ${g.files.length} resolutions`, () => {
      const lvs = g.files.map((f) => planStLiteLiveness(analyzeFile(join(LEGACY, f)), { scratchEngine: 'st' }));
      const pools = lvs.map((lv) => planLivenessBytes(lv));
      const terms = termVectors(lvs);
      const st = g.publishedKib.map((k) => k * 1024);
      const zero = st.map(() => 0);
      const sums = countSums(terms, zero, st, 5.12, 4);
      const poolPlus = countSums(terms, pools, st, 5.12, 2);
      console.log(`[memory-st4x-legacy-identity] ${g.name}: ${terms.length} terms, lite pools ${pools.join(' / ')} B, ST ${st.map((b) => Math.round(b)).join(' / ')} B: ${sums} sums, ${poolPlus} pool + terms`);
      expect(sums).toBe(0);
      expect(poolPlus).toBe(0);
      if (g.controlFinds) expect(countSums(terms, zero, pools, 0, 4)).toBeGreaterThan(0);
    });
  }
});
