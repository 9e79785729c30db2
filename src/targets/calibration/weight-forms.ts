/**
 * N6 rows whose weights figure is ST's weight blob in its application form (3×3 depthwise kernels stored ×8, no
 * biases: data/published/npu-weight-forms.json, neural-art-weights.ts neuralArtBlobBytes) rather than the form of
 * ST's other N6 rows. calibrate scores such a row on that form and prints the other form beside the figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CalibrationRow } from './dataset.ts';

export type WeightsForm = 'application-blob';

interface WeightFormRow {
  rowId: string;
  form: WeightsForm;
  weightsFlashKiB: number;
}

/** Sets `weightsForm` on each listed row; a listed row that no longer carries the listed figure is an error. */
export function markWeightForms(rows: CalibrationRow[], dataDir: string): void {
  const path = join(dataDir, 'published', 'npu-weight-forms.json');
  if (!existsSync(path)) return;
  const listed = (JSON.parse(readFileSync(path, 'utf8')) as { rows: WeightFormRow[] }).rows;
  const byId = new Map(rows.map((r) => [r.rowId, r]));
  for (const w of listed) {
    const r = byId.get(w.rowId);
    if (!r) continue;
    const kib = (r.published.weightsFlashBytes ?? NaN) / 1024;
    if (!(Math.abs(kib - w.weightsFlashKiB) < 0.005)) throw new Error(`data/published/npu-weight-forms.json: row ${w.rowId} no longer publishes ${w.weightsFlashKiB} KiB weights`);
    r.weightsForm = w.form;
  }
}
