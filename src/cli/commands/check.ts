/**
 * `edgefit check <model> --target <t> [--target …] [--json] [--resolution R]`: does the model fit each target
 * (RAM and flash with margins in bytes and %), the limiting memory, and the predicted latency with its
 * leave-one-model-out error. Exit codes: 0 all targets fit, 1 any does not, 2 bad input or usage.
 */
import type { Command } from 'commander';
import { addModelOptions, withPlanningCaps, analyzeAtForCli, loadModelForCli, type ModelCliOptions } from '../model-options.ts';
import { DEFAULT_TARGETS, evaluateTargets, resolveTarget, type TargetResult } from '../../targets/evaluate.ts';
import { formatBytes, formatCount, parseResolution, resultJson } from '../../targets/present.ts';
import { FIT_TABLE_LEGEND, fittedLatencyKeys, groupedNoteLines, noLatencyLines, thinLatencyLines, uncalibratedLatencyLines, verdictLine } from '../format/fit-notes.ts';
import { NARROW_FIT_COLUMNS, NARROW_TABLE_COLUMNS, narrowFitRow, wideFitCells, wideFitColumns, type WideFitColumnName, wrapNote, wrapNoteBlock } from '../format/fit-table.ts';
import { renderTable, wrapText } from '../format/table.ts';
import { uniqueTargets } from '../target-list.ts';
import { safeOutput } from '../format/safe-text.ts';
import { limitingMemoryWords } from '../format/limiting-memory.ts';

interface CheckOptions extends ModelCliOptions {
  target?: string[];
  json?: boolean;
  resolution?: string;
  wide?: boolean;
}

// FIT_TABLE_LEGEND already points to --json for every memory's bytes
const NARROW_TABLE_LEGEND = 'Limiting memory as a table column, one line per target: --wide.';

/** The default table (fit-table.ts): the limiting memory goes under it (limitingLine). Same figures as --wide. */
function narrowTable(results: readonly TargetResult[]): string {
  return renderTable(NARROW_FIT_COLUMNS, results.map(narrowFitRow));
}

/** The --wide table's columns: one line per target, the limiting memory as a column (about 265 columns). */
const WIDE_COLUMNS: readonly WideFitColumnName[] = ['target', 'fits', 'activations', 'ram', 'flash', 'limitingMemory', 'latency'];

/** The table as it was before the narrow one. */
function wideTable(results: readonly TargetResult[]): string {
  return renderTable(wideFitColumns(WIDE_COLUMNS), results.map((r) => wideFitCells(r, WIDE_COLUMNS)));
}

/** "limiting memory (least room left):" and a line per target, as the notes are: the --wide table's column. */
function limitingLine(results: readonly TargetResult[]): string {
  return `limiting memory (least room left):\n${results.map((r) => wrapNote(`  ${r.name}: ${limitingMemoryWords(r)}`)).join('\n')}`;
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description('Does the model fit each target (RAM, flash, margins, limiting memory) and how fast will it run')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('-t, --target <name|profile.json>', 'target board/series as ST prints it, or a profile file (repeatable; default: every board)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--resolution <px>', 're-infer shapes at this square input size in pixels (no new file), e.g. 160')
    .option('--wide', 'one line per target with the limiting memory as a column (about 265 characters wide)')
    .option('--json', 'print JSON (targets[] with id, fits, ram, flash, latencyMs, latencyErrorPct, limitingMemory; docs/json.md)');
  addModelOptions(cmd).action((path: string, opts: CheckOptions) => withPlanningCaps(opts, () => {
      const res = opts.resolution !== undefined ? [parseResolution(opts.resolution)] : undefined;
      const { model, inputShapes } = loadModelForCli(path, opts);
      const analysis = analyzeAtForCli(path, model, res?.[0], inputShapes);
      const targetNames = opts.target?.length ? uniqueTargets(opts.target) : DEFAULT_TARGETS;
      const results = evaluateTargets(analysis, targetNames);
      const allFit = results.every((r) => r.fits);
      if (opts.json) {
        const json = {
          model: analysis.model.path,
          partial: analysis.partial,
          macs: analysis.totals.macsConvDense,
          weightBytes: analysis.totals.weightBytes,
          allFit,
          // what the figures are for: the --resolution asked (null: the file's own size) and the input shapes analysed
          resolution: res?.[0] ?? null,
          inputs: analysis.model.inputs,
          // per-layer split only here (docs/targets.md): compare's sweeps would repeat it per variant
          targets: results.map((r) => ({ ...resultJson(r), layerLatencyMs: r.layerLatencyMs })),
        };
        process.stdout.write(safeOutput(`${JSON.stringify(json, null, 2)}\n`));
      } else {
        // activations differ per target (each target's own planner), so they are a column, not one header figure
        const head = `${analysis.model.path}${res ? ` at ${res[0]}×${res[0]} px` : ''}: ${formatCount(analysis.totals.macsConvDense)} MACs (conv/dense), weights ${formatBytes(analysis.totals.weightBytes)}${analysis.partial ? ' (PARTIAL analysis: unknown ops left out, figures are lower bounds)' : ''}`;
        const table = opts.wide ? wideTable(results) : narrowTable(results);
        // the narrow layout wraps its notes to the table's width too; --wide keeps one line each
        const fit = (line: string) => (opts.wide ? line : wrapNote(line));
        const notes = groupedNoteLines(results).map(fit);
        // a target with no latency, or one with no error figure and no reason given, is explained from its profile
        const profiles = results.some((r) => r.latencyMs === null || (r.latencyStatus === 'none' && !r.latencyNote)) ? targetNames.map((t) => resolveTarget(t)) : [];
        const thinLines = [thinLatencyLines(results), ...uncalibratedLatencyLines(results, profiles)].filter(Boolean);
        if (thinLines.length && !thinLines[0]!.startsWith('latency from thin data')) thinLines.unshift('latency from thin data (no reliable error figure):');
        const thin = wrapNoteBlock(thinLines.join('\n'), opts.wide);
        const none = profiles.length ? wrapNoteBlock(noLatencyLines(results, profiles, fittedLatencyKeys()), opts.wide) : '';
        process.stdout.write(safeOutput(
          [opts.wide ? head : wrapText(head, NARROW_TABLE_COLUMNS), table, verdictLine(results), opts.wide ? '' : limitingLine(results), notes.length ? `notes:\n${notes.join('\n')}` : '', thin, none, FIT_TABLE_LEGEND, opts.wide ? '' : NARROW_TABLE_LEGEND]
            .filter(Boolean)
            .join('\n') + '\n',
        ));
      }
      process.exitCode = allFit ? 0 : 1;
    }));
}
