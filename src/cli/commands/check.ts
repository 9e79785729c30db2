/**
 * `edgefit check <model> --target <t> [--target …] [--json] [--resolution R]`: does the model fit each target
 * (RAM and flash with margins in bytes and %), the limiting memory, and the predicted latency with its
 * leave-one-model-out error. Exit codes: 0 all targets fit, 1 any does not, 2 bad input or usage.
 */
import type { Command } from 'commander';
import { addModelOptions, loadModelForCli, type ModelCliOptions } from '../model-options.ts';
import { EdgefitError } from '../../analyzer/errors.ts';
import { DEFAULT_TARGETS, evaluateTargets } from '../../targets/evaluate.ts';
import { analyzeLoadedAt, formatBytes, formatCount, latencyCell, parseResolutions, roleCell, resultJson } from '../../targets/present.ts';
import { renderTable } from '../format/table.ts';

interface CheckOptions extends ModelCliOptions {
  target?: string[];
  json?: boolean;
  resolution?: string;
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description('Does the model fit each target (RAM, flash, margins, limiting memory) and how fast will it run')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('-t, --target <name|profile.json>', 'target board/series as ST prints it, or a profile file (repeatable; default: every board)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--resolution <px>', 're-infer shapes at this input size')
    .option('--json', 'print JSON (targets[] with id, fits, ram, flash, latencyMs, latencyErrorPct, limitingMemory)');
  addModelOptions(cmd).action((path: string, opts: CheckOptions) => {
      const res = opts.resolution !== undefined ? parseResolutions(opts.resolution, '--resolution') : undefined;
      if (res && res.length !== 1) throw new EdgefitError('USAGE', '--resolution takes one size; use compare for a sweep');
      const { model, inputShapes } = loadModelForCli(path, opts);
      const analysis = analyzeLoadedAt(model, res?.[0], inputShapes);
      const results = evaluateTargets(analysis, opts.target?.length ? opts.target : DEFAULT_TARGETS);
      const allFit = results.every((r) => r.fits);
      if (opts.json) {
        const json = {
          model: analysis.model.path,
          partial: analysis.partial,
          macs: analysis.totals.macsConvDense,
          weightBytes: analysis.totals.weightBytes,
          allFit,
          // per-layer split only here (docs/targets.md): compare's sweeps would repeat it per variant
          targets: results.map((r) => ({ ...resultJson(r), layerLatencyMs: r.layerLatencyMs })),
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        const head = `${analysis.model.path}: ${formatCount(analysis.totals.macsConvDense)} MACs, weights ${formatBytes(analysis.totals.weightBytes)}, activations ${formatBytes(results[0]?.activationBytes ?? 0)}${analysis.partial ? ' (PARTIAL analysis)' : ''}`;
        const rows = results.map((r) => [
          r.name,
          r.fits ? 'yes' : 'NO',
          roleCell(r, 'ram'),
          roleCell(r, 'flash'),
          r.limitingMemory,
          latencyCell(r),
        ]);
        const table = renderTable(
          [{ header: 'target' }, { header: 'fits' }, { header: 'RAM used / capacity (margin)' }, { header: 'flash used / capacity (margin)' }, { header: 'limiting memory' }, { header: 'latency ±LOO error', align: 'right' }],
          rows,
        );
        const notes = results.flatMap((r) => r.notes.map((n) => `  ${r.name}: ${n}`));
        const thin = results.filter((r) => r.latencyStatus === 'thin').map((r) => `  ${r.name}: ${r.latencyNote}`);
        process.stdout.write(
          [head, table, notes.length ? `notes:\n${notes.join('\n')}` : '', thin.length ? `latency from thin data (no reliable error figure):\n${thin.join('\n')}` : '', 'RAM = activations + runtime library RAM; flash = weights + code. ±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate).']
            .filter(Boolean)
            .join('\n') + '\n',
        );
      }
      process.exitCode = allFit ? 0 : 1;
    });
}
