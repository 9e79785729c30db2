/**
 * ST's own STEdgeAI Core 3.0.0 reports of two real networks (data/st-generated/ev7-reports-3.0.0-zoo-services.json:
 * Yamnet 256 on the U5, SSD MobileNet v1 0.25 192 on the STM32H7), as the tests that use them as oracles read them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from '../../src/targets/calibration/dataset.ts';

/** One object file's sections in the report's memory table, bytes. */
export interface StReportSection {
  text: number;
  rodata: number;
  data: number;
  bss: number;
}

export interface StReportRecord {
  name: string;
  placementRecord: string;
  weightsBytes: number;
  activationsBytes: number;
  sections: Record<string, StReportSection>;
  rtTotalFlashBytes: number;
  rtTotalRamBytes: number;
  libraryRoots: string[];
  kernelCalls: Record<string, number>;
  deep3x3ScratchArgs?: Record<string, number>;
  constOutput?: { buffer: string; bytes: number; firstStep: number; lastStep: number };
  writableObjects: { ai_array: number; ai_tensor: number; ai_intq_info_list: number; ai_layer: string[] };
}

export const ST_REPORTS: StReportRecord[] = (
  JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/ev7-reports-3.0.0-zoo-services.json'), 'utf8')) as { records: StReportRecord[] }
).records;

/** The report whose network name starts with this prefix ('yamnet', 'st_ssd'). */
export function stReport(prefix: string): StReportRecord {
  const r = ST_REPORTS.find((x) => x.name.startsWith(prefix));
  if (!r) throw new Error(`no ST report named ${prefix}…`);
  return r;
}
