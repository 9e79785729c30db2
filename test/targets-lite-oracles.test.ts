/**
 * Two oracles for the STEdgeAI Core 3.x / 4.x MCU runtime model, every column: ST's own 3.0.0 lite generations of
 * Yamnet 256 on the STM32U5 (the zoo file of the published B-U585I-IOT02A row, byte for byte) and SSD MobileNet v1
 * 0.25 192 on the STM32H7 (ST's STM32H747I-DISCO application; the shared legacy file has the same layers and tensors).
 * ST's figures: the reports' summary and section table (data/st-generated/ev7-reports-3.0.0-zoo-services.json);
 * ours: the lite pool, the hybrid objects, the folded weights and the code-flash model (library of the target's core
 * and tool version + counted terms + the fit on the published STEdgeAI 3.0 rows, on which neither network is).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { planStLitePeakBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { DATA_DIR, loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import type { ModelFeatures } from '../src/targets/model-features.ts';
import { runtimeFitInput, runtimeRows } from '../src/targets/runtime-copies.ts';
import { liteDataBytes, liteRuntimeRamBytes, runtimeObjectCounts } from '../src/targets/runtime-lite.ts';
import { fitRuntimeMemory, libraryCodeBytes, predictRuntimeBytes, runtimeLibraryFor, SCALE_BYTES } from '../src/targets/runtime-memory.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { stReport, type StReportRecord } from './helpers/st-reports.ts';

const report = stReport;
const libraryText = (r: StReportRecord) => Object.entries(r.sections).find(([m]) => m.startsWith('NetworkRuntime'))![1].text;

const NETWORKS = [
  { id: 'Yamnet 256 / STM32U5', st: report('yamnet'), file: 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite', engineKind: 'mcu-m33', record: '3.0-cm33' },
  {
    id: 'SSD MobileNet v1 0.25 192 / STM32H7',
    st: report('st_ssd'),
    file: 'legacy_tflite/MohamedElhadidy0019/object_detection/st_ssd_mobilenet_v1/st_ssd_mobilenet_v1_025_192_int8.tflite',
    engineKind: 'mcu-m7',
    record: '3.0-cm7',
  },
] as const;

const memo = new Map<string, Analysis>();
const analysisOf = (rel: string) => {
  const f = join(MODELS_DIR, rel);
  return memo.get(f) ?? memo.set(f, analyzeModel(loadModelBytes(readFileSync(f), f))).get(f)!;
};
const pct = (ours: number, st: number) => ((ours - st) / st) * 100;

/** The code-flash fit of the reports' tool version on the published rows (neither network is among them). */
function codeFlashFit30() {
  const rows = runtimeRows(loadCalibrationRows(), 'codeFlash').filter((r) => r.toolVersion === 'stedgeai-3.0');
  expect(rows.some((r) => r.arch === 'yamnet_256' || /ssd/.test(r.arch))).toBe(false);
  const input = runtimeFitInput(rows, 'codeFlash');
  return fitRuntimeMemory('code-flash', 'stedgeai-3.0', input.rows, input.models)!;
}

describe.skipIf(!HAVE_SHARED)("ST's own 3.0.0 lite outputs as oracles: ours against the report, column by column", () => {
  const table: string[] = [];
  const fit = HAVE_SHARED ? codeFlashFit30() : undefined;

  it('the library record each target is priced with is the archive its report names', () => {
    for (const n of NETWORKS) expect(runtimeLibraryFor('stedgeai-3.0', n.engineKind), n.id).toBe(n.record);
    // 4.0 on the U5: no 4.0 Cortex-M33 archive is held; the M33 record of 3.0 (the core outweighs the version)
    expect(runtimeLibraryFor('stedgeai-4.0', 'mcu-m33')).toBe('3.0-cm33');
    expect(runtimeLibraryFor('stedgeai-4.0', 'mcu-m7')).toBe('4.0-cm7');
  });

  for (const n of NETWORKS) {
    it(`${n.id}: activation pool, weights, runtime RAM and code flash`, () => {
      const a = analysisOf(n.file);
      const st = n.st;
      const o = runtimeObjectCounts(a);
      const pool = planStLitePeakBytes(a)!;
      const weights = a.totals.weightsFlashBytes! + (o.liteWeightsDeltaBytes ?? 0);
      const ram = liteRuntimeRamBytes(o.lite);
      const flash = Math.round(predictRuntimeBytes(fit!, { runtimeObjects: o } as ModelFeatures, n.engineKind));
      table.push(
        `${n.id}: pool ${pool} / ${st.activationsBytes} (${pct(pool, st.activationsBytes).toFixed(2)} %), weights ${weights} / ${st.weightsBytes}, ` +
          `runtime RAM ${ram} / ${st.rtTotalRamBytes} (${pct(ram, st.rtTotalRamBytes).toFixed(2)} %), code flash ${flash} / ${st.rtTotalFlashBytes} (${pct(flash, st.rtTotalFlashBytes).toFixed(2)} %)`,
      );
      // weights: exact (SSD: the TILE constants 15,320 B out, the folded float32 anchors 61,280 B in)
      expect(weights).toBe(st.weightsBytes);
      // pool: Yamnet is ST's buffers to the byte (ST's pool is its highest byte rounded up to 4); SSD within what
      // placement alone is worth there (our planner on ST's own buffers and lifetimes: +1.2 %)
      if (n.record === '3.0-cm33') expect(st.activationsBytes - pool).toBeLessThanOrEqual(3);
      else expect(Math.abs(pct(pool, st.activationsBytes))).toBeLessThan(1.3);
      // runtime RAM: network.o .data exact; .bss is 8 B + 20 B per pool in ours, ST's 32 B (Yamnet, 4-aligned) and
      // 112 B (SSD, not explained): within ±2.5 %
      expect(liteDataBytes(o.lite)).toBe(st.sections['network.o']!.data);
      expect(Math.abs(pct(ram, st.rtTotalRamBytes))).toBeLessThan(2.5);
      // code flash: the counted terms are the report's (library text to the byte; scales within rodata), the fitted
      // remainder (base + kernel sections + hybrid layers) comes from other models: within ±3 % (the memory goal)
      expect(libraryCodeBytes(o.libraryFunctions!, n.record)).toBe(libraryText(st));
      expect(SCALE_BYTES * o.perChannelScales).toBeLessThanOrEqual(st.sections['network.o']!.rodata);
      expect(Math.abs(pct(flash, st.rtTotalFlashBytes))).toBeLessThan(3);
    });
  }

  it('prints the comparison', () => {
    console.log(table.join('\n'));
    expect(table).toHaveLength(NETWORKS.length);
  });
});
