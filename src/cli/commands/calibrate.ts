/**
 * `edgefit calibrate [--json] [--write]`: refits every latency and memory model on the published rows
 * (data/published, data/features) and prints each target's leave-one-MODEL-out error. `--write` stores the
 * table as data/calibration-error.json, the expected error every prediction carries. The refit takes seconds (each
 * architecture held out in turn): a progress bar (cli-progress, as compare's) shows on stderr when it is a TTY, never
 * with --json.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { calibrate, CALIBRATION_ERROR_PATH, QUANTITIES, writeCalibrationError, type CalibrateProgress, type QuantityError } from '../../targets/calibration/calibrate.ts';
import { NARROW_TABLE_COLUMNS, wrapNote } from '../format/fit-table.ts';
import { renderTable, wrapText } from '../format/table.ts';
import { signedPct } from './targets.ts';
import { toolWords } from '../../targets/latency/engine-words.ts';

const LABEL = { latency: 'latency', activationRam: 'activation RAM', weightsFlash: 'weights flash', runtimeRam: 'runtime RAM', codeFlash: 'code flash' } as const;

/** "6.8% / +31% (14m 29r)": MAPE / worst signed error ("0%", not "-0%", when it rounds to zero); `sep` before the counts. */
function cell(e: QuantityError, sep = ' '): string {
  if (!e.summary) return e.status === 'thin' ? 'too thin' : '—';
  const s = e.summary;
  return `${s.mapePct.toFixed(1)}% / ${signedPct(s.worstPct)}${sep}(${s.models}m ${s.rows}r)${e.status === 'thin' ? ' THIN' : ''}`;
}

/** The default table's widths (padding included): 7 columns + 8 borders = NARROW_TABLE_COLUMNS at most, as check's. */
const NARROW_WIDTHS = { target: 18, tool: 19, quantity: 14 };

/**
 * The tool version a target's row was fitted on: the latency's, or, where latency is too thin to have one
 * (the U5), the memory quantities' — a blank cell read as "no tool". As the calibration data spells it
 * ("stedgeai-4.0"), or as `words` puts it (the table: toolWords, ST's names, "STEdgeAI Core 4.0").
 */
export function toolOf(errors: Record<(typeof QUANTITIES)[number], QuantityError>, words: (toolVersion: string) => string = (v) => v): string {
  const versions = [...new Set(QUANTITIES.map((q) => errors[q].toolVersion).filter((v): v is string => Boolean(v)))];
  return versions.map(words).join(', ') || '—';
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('Refit on ST\'s published tables and print the leave-one-model-out error per target')
    .option('--json', 'print the full report (per-row predictions included) as JSON')
    .option('--write', `store the error table as ${CALIBRATION_ERROR_PATH.replace(/.*\/data\//, 'data/')}`)
    .option('--wide', `one line per target and per note (about 170 characters and more; default: within ${NARROW_TABLE_COLUMNS})`)
    .action((opts: { json?: boolean; write?: boolean; wide?: boolean }) => {
      const bar = opts.json || process.stderr.isTTY !== true ? undefined : heldOutBar(process.stderr);
      let report;
      try {
        report = calibrate(bar ? { onProgress: bar.onProgress } : {});
      } finally {
        bar?.stop();
      }
      if (opts.write) writeCalibrationError(report);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      // the default table puts each cell's counts on a second line and wraps the notes; --wide is the old layout
      const rows = report.targets.map((t) => [t.name, toolOf(t.errors, toolWords), ...QUANTITIES.map((q) => cell(t.errors[q], opts.wide ? ' ' : '\n'))]);
      const columns = [
        { header: 'target', width: NARROW_WIDTHS.target },
        { header: 'tool', width: NARROW_WIDTHS.tool },
        ...QUANTITIES.map((q) => ({ header: LABEL[q], align: 'right' as const, width: NARROW_WIDTHS.quantity })),
      ];
      const fit = (line: string) => (opts.wide ? line : wrapNote(line));
      const heading = 'Leave-one-model-out error (MAPE / worst, models, rows) per target, newest tool version. Each architecture is predicted by a fit that never saw it.';
      const notes = report.targets.flatMap((t) =>
        QUANTITIES.filter((q) => t.errors[q].note || t.errors[q].details).flatMap((q) => [
          ...(t.errors[q].note ? [`  ${t.name} ${LABEL[q]}: ${t.errors[q].note}`] : []),
          ...(t.errors[q].details ?? []).map((d) => `  ${t.name} ${LABEL[q]}: ${d}`),
        ]),
      );
      process.stdout.write(
        [
          opts.wide ? heading : wrapText(heading, NARROW_TABLE_COLUMNS),
          'activation RAM and weights flash have no fitted parameter: analyzer figure vs published.',
          opts.wide ? renderTable(columns.map(({ width: _, ...c }) => c), rows) : renderTable(columns, rows),
          notes.length ? `notes:\n${notes.map(fit).join('\n')}` : '',
          opts.write ? `written: ${CALIBRATION_ERROR_PATH}` : '',
        ]
          .filter(Boolean)
          .join('\n') + '\n',
      );
    });
}

/** The bar's job column: the architecture held out, cut to keep the line within 80 columns. */
const HELD_OUT_CHARS = 32;

/**
 * A progress bar on `stream` over the latency leave-one-out, started at its first held-out architecture (the total
 * is known then) and cleared when stopped. calibrate runs synchronously: cli-progress redraws within update().
 */
export function heldOutBar(stream: NodeJS.WritableStream): { onProgress: CalibrateProgress; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { stream, format: 'calibrate [{bar}] {value}/{total} held out: {job}', barsize: 18, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    onProgress: (done, total, heldOut) => {
      const job = heldOut.length > HELD_OUT_CHARS ? `${heldOut.slice(0, HELD_OUT_CHARS - 1)}…` : heldOut;
      if (!started) bar.start(total, 0, { job });
      started = true;
      bar.update(done - 1, { job });
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
