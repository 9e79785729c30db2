/**
 * Published rows whose memory columns are an older tool's measurement printed under a newer tool's label, while
 * their time was re-measured (data/published/npu-memory-copies.json: ST's YOLOv8n pose N6 rows carry STEdgeAI
 * 2.0.0's internal RAM and weights flash under the 4.0.0 label). Such a row keeps its latency and is left out of
 * the memory figures (calibrate.ts directMemory). Unlike a relabelled copy (runtime-copies.ts), which repeats every
 * column and is no measurement at all, only the memory columns are stale here.
 */
import type { CalibrationRow } from './dataset.ts';
import { markedRows, sameKiB } from './row-markers.ts';

interface MemoryCopy {
  rowId: string;
  resolution: string;
  olderTable: { source: string; toolVersion: string; internalRamKiB: number; externalRamKiB: number; weightsFlashKiB: number };
}

/**
 * Sets `memoryCopyOf` (the older table's source and tool version) on each listed row. A listed row that is gone or whose
 * figures no longer equal the older table's (a re-import that renumbered rows, or ST re-measured them) is an error,
 * so the claim is checked every time the data is loaded.
 */
export function markMemoryCopies(rows: CalibrationRow[], dataDir: string): void {
  for (const { entry: c, row: r } of markedRows<MemoryCopy>(rows, dataDir, 'npu-memory-copies.json', 'copies')) {
    const o = c.olderTable;
    const p = r.published;
    if (r.resolution !== c.resolution || !sameKiB(p.internalRamBytes, o.internalRamKiB) || !sameKiB(p.externalRamBytes ?? 0, o.externalRamKiB) || !sameKiB(p.weightsFlashBytes, o.weightsFlashKiB)) {
      throw new Error(`data/published/npu-memory-copies.json: row ${c.rowId} no longer carries the ${o.toolVersion} figures of ${o.source}`);
    }
    r.memoryCopyOf = `${o.toolVersion} (${o.source})`;
  }
}
