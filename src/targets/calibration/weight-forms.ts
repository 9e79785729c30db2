/**
 * N6 rows whose weights figure is ST's weight blob in its application form (3×3 depthwise kernels stored ×8, no
 * biases: data/published/npu-weight-forms.json, neural-art-weights.ts neuralArtBlobBytes) rather than the form of
 * ST's other N6 rows. calibrate scores such a row on that form and prints the other form beside the figure.
 */
import type { CalibrationRow } from './dataset.ts';
import { markEntries, markedRows, sameKiB } from './row-markers.ts';

export type WeightsForm = 'application-blob';

interface WeightFormRow {
  rowId: string;
  form: WeightsForm;
  weightsFlashKiB: number;
}

const WEIGHT_FORMS_FILE = 'npu-weight-forms.json';

/** Row id → weights form of every row listed in data/published/npu-weight-forms.json (the report marks its published figures with it). */
export function weightFormsByRowId(dataDir: string): Map<string, WeightsForm> {
  return new Map(markEntries<WeightFormRow>(dataDir, WEIGHT_FORMS_FILE, 'rows').map((w) => [w.rowId, w.form]));
}

/** Sets `weightsForm` on each listed row; a listed row that is gone or no longer carries the listed figure is an error. */
export function markWeightForms(rows: CalibrationRow[], dataDir: string): void {
  for (const { entry: w, row: r } of markedRows<WeightFormRow>(rows, dataDir, WEIGHT_FORMS_FILE, 'rows')) {
    if (!sameKiB(r.published.weightsFlashBytes, w.weightsFlashKiB)) throw new Error(`data/published/npu-weight-forms.json: row ${w.rowId} no longer publishes ${w.weightsFlashKiB} KiB weights`);
    r.weightsForm = w.form;
  }
}
