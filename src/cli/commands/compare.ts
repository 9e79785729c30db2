/**
 * `edgefit compare <model> --resolutions 96,128,160` re-infers shapes at each input size (no new file) and
 * tabulates MACs, activation RAM, weights, fit and latency per target; `edgefit compare a.onnx b.tflite`
 * compares variants (each at every resolution when both are given). A progress bar (cli-progress) shows on
 * long sweeps when stderr is a TTY and --json is off. The default table fits 120 columns (check's narrow layout,
 * fit-table.ts, a heading row per variant); --wide prints one line per target with the variant columns.
 * Exit codes: 0, or 2 on bad input. A size of the sweep a file's shapes do not follow (shapes/follow-size.ts makes a
 * YOLO export's fixed Reshape targets, anchor constants and upsample sizes follow; it guesses nothing else) is left
 * out of the table and named on stderr, exit 2; when every point fails, the first one's error.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { addModelOptions, withPlanningCaps, analyzeAtForCli, loadModelForCli, parseSweepResolutions, type ModelCliOptions } from '../model-options.ts';
import { EdgefitError, isEdgefitError, type ErrorCode } from '../../analyzer/errors.ts';
import { DEFAULT_TARGETS, evaluateTargets, type TargetResult } from '../../targets/evaluate.ts';
import { formatBytes, formatCount, resultJson } from '../../targets/present.ts';
import { FIT_TABLE_LEGEND, thinLatencyLines } from '../format/fit-notes.ts';
import { formatByteFigures } from '../format/numbers.ts';
import { NARROW_FIT_COLUMNS, narrowFitRow, wideFitCells, wideFitColumns, type WideFitColumnName, wrapNote, wrapNoteBlock } from '../format/fit-table.ts';
import { type Column, renderTable, type SpanRow } from '../format/table.ts';
import { uniqueTargets } from '../target-list.ts';
import { safeOutput } from '../format/safe-text.ts';

interface CompareOptions extends ModelCliOptions {
  resolutions?: string;
  target?: string[];
  json?: boolean;
  progress?: boolean;
  wide?: boolean;
}

/** A size of the sweep whose shapes could not be re-inferred (compare --json `failed[]`, without exitCode). */
interface FailedVariant {
  model: string;
  resolution: number;
  code: ErrorCode;
  message: string;
  exitCode: number;
}

export interface CompareVariant {
  model: string;
  resolution: number | null;
  macs: number;
  activationBytes: number;
  weightBytes: number;
  partial: boolean;
  targets: TargetResult[];
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('Compare input resolutions of one model, or several model variants, across targets')
    .argument('<models...>', 'model files (.onnx or .tflite)')
    .option('--resolutions <list>', 'square input sizes in pixels to re-infer shapes at (no new file), e.g. 96,128,160,192,224')
    .option('-t, --target <name|profile.json>', 'target board/series as ST prints it, or a profile file (repeatable; default: every board)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--wide', 'one line per target with the variant, MACs and weights as columns (about 200 characters wide)')
    .option('--json', 'print JSON (variants[], each with targets[] as check --json; docs/json.md)')
    .option('--no-progress', 'never show the progress bar');
  addModelOptions(cmd).action((models: string[], opts: CompareOptions) => withPlanningCaps(opts, () => {
      const resolutions: (number | undefined)[] = opts.resolutions ? parseSweepResolutions(opts.resolutions) : [undefined];
      if (models.length === 1 && !opts.resolutions) throw new EdgefitError('USAGE', 'compare: give --resolutions for one model, or several models to compare');
      const targets = opts.target?.length ? uniqueTargets(opts.target) : DEFAULT_TARGETS;
      const jobs = models.flatMap((m) => resolutions.map((r) => ({ model: m, resolution: r })));
      const showBar = !opts.json && opts.progress !== false && process.stderr.isTTY === true && jobs.length > 1;
      const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: 'compare [{bar}] {value}/{total} {job}', barsize: PROGRESS_BAR_CHARS, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
      bar?.start(jobs.length, 0, { job: '' });
      const variants: CompareVariant[] = [];
      // sizes a file's shapes do not follow: the sweep goes on without them, and says so (exit 2)
      const failed: FailedVariant[] = [];
      // each file is read once (with the size caps); --input-shape applies to every file and resolutions on top
      const loaded = new Map<string, ReturnType<typeof loadModelForCli>>();
      const load = (path: string) => loaded.get(path) ?? loaded.set(path, loadModelForCli(path, opts)).get(path)!;
      try {
        for (const [done, j] of jobs.entries()) {
          bar?.update(done, { job: progressLabel(j.model, j.resolution) });
          const { model, inputShapes } = load(j.model);
          let a;
          try {
            a = analyzeAtForCli(j.model, model, j.resolution, inputShapes);
          } catch (e) {
            if (j.resolution === undefined || !isEdgefitError(e) || e.code === 'USAGE') throw e;
            failed.push({ model: j.model, resolution: j.resolution, code: e.code, message: e.message, exitCode: e.exitCode });
            continue;
          }
          const results = evaluateTargets(a, targets);
          variants.push({ model: j.model, resolution: j.resolution ?? null, macs: a.totals.macsConvDense, activationBytes: results[0]?.activationBytes ?? 0, weightBytes: a.totals.weightBytes, partial: a.partial, targets: results });
          bar?.update(done + 1);
        }
      } finally {
        bar?.stop();
      }
      // nothing to compare: the first point's own error, as before
      if (!variants.length && failed[0]) throw new EdgefitError(failed[0].code, failed[0].message, failed[0].exitCode);
      if (failed.length) process.exitCode = failed[0]!.exitCode;
      if (opts.json) {
        const failedJson = failed.map(({ exitCode: _, ...f }) => f);
        process.stdout.write(safeOutput(`${JSON.stringify({ variants: variants.map((v) => ({ ...v, targets: v.targets.map(resultJson) })), ...(failed.length ? { failed: failedJson } : {}) }, null, 2)}\n`));
        sayNotCompared(failed);
        return;
      }
      // the file name alone, unless two models share it (a.onnx in two folders): then the path as given
      const base = (m: string) => m.split('/').pop()!;
      const clash = new Set(models.map(base)).size < new Set(models).size;
      const label = (v: CompareVariant) => `${clash ? v.model : base(v.model)}${v.resolution ? ` @${v.resolution}` : ''}${v.partial ? ' PARTIAL' : ''}`;
      const table = opts.wide ? wideTable(variants, label) : narrowTable(variants, label);
      process.stdout.write(safeOutput(table + '\n'));
      const partial = variants.some((v) => v.partial) ? 'PARTIAL = some ops are unknown to edgefit: their figures are left out (lower bounds).' : '';
      // check's notes (activation plan used, spills, code flash lower bounds …), each once, said of the variants it holds for
      const notes = compareNoteLines(variants, label).map((l) => (opts.wide ? l : wrapNote(l)));
      const thin = thinLatencyLines(variants.flatMap((v) => v.targets));
      // the narrow layout wraps the thin-data reasons to the table's width too (as check does); --wide keeps one line each
      const thinText = wrapNoteBlock(thin, opts.wide);
      process.stdout.write(safeOutput([notes.length ? `notes:\n${notes.join('\n')}` : '', partial, thinText, FIT_TABLE_LEGEND].filter(Boolean).join('\n') + '\n'));
      sayNotCompared(failed);
    }));
}

/** Each size left out of the comparison, on stderr after the table or JSON, in the words check --resolution uses for it. */
function sayNotCompared(failed: readonly FailedVariant[]): void {
  for (const f of failed) process.stderr.write(safeOutput(`edgefit: not compared: ${f.message}\n`));
}

/**
 * check's "notes:" lines for a comparison: each note once, after whom it is said of. A note said of the same targets in
 * every variant reads as check's ("  STM32H747I-DISCO, STM32F769I-DISCO: …"); otherwise each variant is named with
 * its targets ("  net.tflite @224: STM32H747I-DISCO; net.tflite @256: STM32H747I-DISCO, STM32N6570-DK: …").
 */
export function compareNoteLines(variants: readonly CompareVariant[], label: (v: CompareVariant) => string): string[] {
  const byNote = new Map<string, Map<CompareVariant, string[]>>();
  for (const v of variants) {
    for (const r of v.targets) {
      for (const n of r.notes) {
        const text = formatByteFigures(n);
        const of = byNote.get(text) ?? new Map<CompareVariant, string[]>();
        const names = of.get(v) ?? [];
        if (!names.includes(r.name)) names.push(r.name);
        byNote.set(text, of.set(v, names));
      }
    }
  }
  const lines = [...byNote].map(([text, of]) => {
    const lists = [...of.values()].map((names) => names.join(', '));
    const everywhere = of.size === variants.length && lists.every((l) => l === lists[0]);
    const who = everywhere ? lists[0]! : [...of].map(([v, names]) => `${label(v)}: ${names.join(', ')}`).join('; ');
    return { everywhere, line: `  ${who}: ${text}` };
  });
  // notes true of every variant first, then the others in the order the variants met them
  return [...lines.filter((l) => l.everywhere), ...lines.filter((l) => !l.everywhere)].map((l) => l.line);
}

/**
 * The progress bar's job: the file name and size as the table's heading rows name a variant ("model.tflite @128"),
 * not the path, which pushed the bar past an 80-column terminal.
 */
/** The bar's width: with "compare [", "] 6/6 " and a usual file name, within 80 columns. */
export const PROGRESS_BAR_CHARS = 18;

export function progressLabel(model: string, resolution: number | undefined): string {
  return `${model.split(/[\\/]/).pop()}${resolution ? ` @${resolution}` : ''}`;
}

/**
 * The default table, at most NARROW_TABLE_COLUMNS wide: a heading row per variant (its label, MACs and weights)
 * over check's narrow rows for its targets. Same figures as --wide.
 */
function narrowTable(variants: readonly CompareVariant[], label: (v: CompareVariant) => string): string {
  const rows: (string[] | SpanRow)[] = variants.flatMap((v) => [
    { span: `${label(v)}: ${formatCount(v.macs)} MACs, weights ${formatBytes(v.weightBytes)}` },
    // each target's own figure: the N6 compiler's pools, the newest MCU tool's pool, the st plan elsewhere
    ...v.targets.map(narrowFitRow),
  ]);
  return renderTable(NARROW_FIT_COLUMNS, rows);
}

/** The --wide table's per-target columns, after the variant's label, MACs and weights. */
const WIDE_TARGET_COLUMNS: readonly WideFitColumnName[] = ['target', 'activations', 'fits', 'ram', 'flash', 'latency'];

/** The table as it was before the narrow one: one line per target, the variant's label, MACs and weights on its first. */
function wideTable(variants: readonly CompareVariant[], label: (v: CompareVariant) => string): string {
  const rows = variants.flatMap((v) => {
    const variantCells = [label(v), formatCount(v.macs), formatBytes(v.weightBytes)];
    return v.targets.map((r, i) => [...(i === 0 ? variantCells : variantCells.map(() => '')), ...wideFitCells(r, WIDE_TARGET_COLUMNS)]);
  });
  const variantColumns: Column[] = [{ header: 'variant' }, { header: 'MACs', align: 'right' }, { header: 'weights', align: 'right' }];
  return renderTable([...variantColumns, ...wideFitColumns(WIDE_TARGET_COLUMNS)], rows);
}
