/**
 * Published MCU rows that are copies of an older table's row, not measurements of the tool version they are
 * labelled with. The zoo 4.0/4.1 READMEs relabelled some tables to STEdgeAI Core 3.0.0/4.0.0 without
 * regenerating them: ResNet v1 32 (cifar100) prints 45.41 / 24.98 / 464.38 / 78.65 KiB and 177.7 ms, every
 * figure equal to the STM32Cube.AI 8.1-era row of the same file in the 2024 fork, while its sibling ResNet v1 8
 * (same kernels) changed in every column when regenerated (runtime RAM 7.4 → 1.26 KiB, code flash 52.78 →
 * 36.08, activations 45.41 → 62.51). A 24.98 KiB runtime RAM is the legacy runtime's all-layers-in-RAM
 * figure; the lite generator the 3.x/4.x labels stand for leaves 1.3 KiB for the same kernels.
 *
 * Rule: a row labelled STEdgeAI 3.x/4.x whose four memory figures (activation RAM, runtime RAM, weights flash,
 * code flash) all equal, to the published digit, those of a row of the same architecture, resolution and
 * target in a table that is not 3.x/4.x (legacy tables, or unlabelled) is a relabelled copy. Such rows tell
 * nothing about the lite generator and are kept out of its runtime RAM / code flash figures.
 */
import type { CalibrationRow } from './calibration/dataset.ts';
import { runtimeFamily, type RuntimeMemoryRow } from './runtime-memory.ts';

const memoryKey = (r: CalibrationRow): string | undefined => {
  const p = r.published;
  const figs = [p.activationRamBytes, p.runtimeRamBytes, p.weightsFlashBytes, p.codeFlashBytes];
  if (figs.some((x) => x === undefined)) return undefined;
  return [r.arch, r.resolution, r.target, ...figs.map((x) => x!.toFixed(2))].join('|');
};

/** rowId → rowId of the older row it copies. */
export function relabelledCopies(rows: CalibrationRow[]): Map<string, string> {
  const older = new Map<string, string>();
  for (const r of rows) {
    if (r.table !== 'mcu' || (r.toolVersion && runtimeFamily(r.toolVersion) === 'lite')) continue;
    const k = memoryKey(r);
    if (k && !older.has(k)) older.set(k, r.rowId);
  }
  const out = new Map<string, string>();
  for (const r of rows) {
    if (r.table !== 'mcu' || !r.toolVersion || runtimeFamily(r.toolVersion) !== 'lite') continue;
    const k = memoryKey(r);
    const src = k && older.get(k);
    if (src) out.set(r.rowId, src);
  }
  return out;
}

/** The published figure a runtime RAM / code flash row is scored on (the one definition every caller uses). */
export function publishedRuntimeBytes(r: CalibrationRow, quantity: RuntimeQuantityName): number | undefined {
  return quantity === 'runtimeRam' ? r.published.runtimeRamBytes : r.published.codeFlashBytes;
}

export type RuntimeQuantityName = 'runtimeRam' | 'codeFlash';

/**
 * The published rows a runtime RAM / code flash model may learn from and be scored on: MCU rows with features,
 * a tool version and an exact (non-"~") figure, a memory-comparable stand-in that is a real file (not a zoo-builder
 * reconstruction: its per-channel Gemm head is a hybrid layer ST's TFLite files do not have), and not a
 * relabelled copy (marked once by loadCalibrationRows). calibrate's runtimeLoo and `check`'s fit
 * (evaluate.ts calibratedModels) both select their rows here.
 */
export function runtimeRows(rows: CalibrationRow[], quantity: RuntimeQuantityName): CalibrationRow[] {
  return rows.filter((r) => r.table === 'mcu' && r.features && (publishedRuntimeBytes(r, quantity) ?? 0) > 0 && r.toolVersion && !r.approximate && r.memoryComparable && r.standIn !== 'zoo-builder' && !r.relabelledCopyOf);
}

/** Rows (already selected by runtimeRows) as fitRuntimeMemory takes them, with the number of distinct models behind them. */
export function runtimeFitInput(rows: CalibrationRow[], quantity: RuntimeQuantityName): { rows: RuntimeMemoryRow[]; models: number } {
  return {
    rows: rows.map((r) => ({ features: r.features!, bytes: publishedRuntimeBytes(r, quantity)!, ...(r.engineKind ? { engineKind: r.engineKind } : {}) })),
    models: new Set(rows.map((r) => r.arch)).size,
  };
}
