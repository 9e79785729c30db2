/**
 * `edgefit compare <model> --resolutions 96,128,160` re-infers shapes at each input size (no new file) and
 * tabulates MACs, activation RAM, weights, fit and latency per target; `edgefit compare a.onnx b.tflite`
 * compares variants (each at every resolution when both are given). A progress bar (cli-progress) shows on
 * long sweeps when stderr is a TTY and --json is off. Exit codes: 0, or 2 on bad input.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { addModelOptions, analyzeAtForCli, loadModelForCli, type ModelCliOptions } from '../model-options.ts';
import { EdgefitError } from '../../analyzer/errors.ts';
import { DEFAULT_TARGETS, evaluateTargets, type TargetResult } from '../../targets/evaluate.ts';
import { formatBytes, formatCount, parseResolutions, resultJson } from '../../targets/present.ts';
import { boundedActivationsCell, boundedLatencyCell, boundedRoleCell, FIT_TABLE_LEGEND, thinLatencyLines } from '../format/fit-notes.ts';
import { renderTable } from '../format/table.ts';
import { uniqueTargets } from '../target-list.ts';

interface CompareOptions extends ModelCliOptions {
  resolutions?: string;
  target?: string[];
  json?: boolean;
  progress?: boolean;
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
    .option('--json', 'print JSON (variants[], each with targets[] as check --json; docs/json.md)')
    .option('--no-progress', 'never show the progress bar');
  addModelOptions(cmd).action((models: string[], opts: CompareOptions) => {
      const resolutions: (number | undefined)[] = opts.resolutions ? parseResolutions(opts.resolutions) : [undefined];
      if (models.length === 1 && !opts.resolutions) throw new EdgefitError('USAGE', 'compare: give --resolutions for one model, or several models to compare');
      const targets = opts.target?.length ? uniqueTargets(opts.target) : DEFAULT_TARGETS;
      const jobs = models.flatMap((m) => resolutions.map((r) => ({ model: m, resolution: r })));
      const showBar = !opts.json && opts.progress !== false && process.stderr.isTTY === true && jobs.length > 1;
      const bar = showBar ? new cliProgress.SingleBar({ stream: process.stderr, format: 'compare [{bar}] {value}/{total} {job}', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
      bar?.start(jobs.length, 0, { job: '' });
      const variants: CompareVariant[] = [];
      // each file is read once (with the size caps); --input-shape applies to every file and resolutions on top
      const loaded = new Map<string, ReturnType<typeof loadModelForCli>>();
      const load = (path: string) => loaded.get(path) ?? loaded.set(path, loadModelForCli(path, opts)).get(path)!;
      try {
        for (const j of jobs) {
          bar?.update(variants.length, { job: `${j.model}${j.resolution ? ` @${j.resolution}` : ''}` });
          const { model, inputShapes } = load(j.model);
          const a = analyzeAtForCli(j.model, model, j.resolution, inputShapes);
          const results = evaluateTargets(a, targets);
          variants.push({ model: j.model, resolution: j.resolution ?? null, macs: a.totals.macsConvDense, activationBytes: results[0]?.activationBytes ?? 0, weightBytes: a.totals.weightBytes, partial: a.partial, targets: results });
          bar?.update(variants.length);
        }
      } finally {
        bar?.stop();
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ variants: variants.map((v) => ({ ...v, targets: v.targets.map(resultJson) })) }, null, 2)}\n`);
        return;
      }
      const rows: string[][] = [];
      // the file name alone, unless two models share it (a.onnx in two folders): then the path as given
      const base = (m: string) => m.split('/').pop()!;
      const clash = new Set(models.map(base)).size < new Set(models).size;
      for (const v of variants) {
        v.targets.forEach((r, i) => {
          const label = i === 0 ? `${clash ? v.model : base(v.model)}${v.resolution ? ` @${v.resolution}` : ''}${v.partial ? ' PARTIAL' : ''}` : '';
          rows.push([
            label,
            i === 0 ? formatCount(v.macs) : '',
            i === 0 ? formatBytes(v.weightBytes) : '',
            r.name,
            // each target's own figure: the N6 compiler's pools, the newest MCU tool's pool, the st plan elsewhere
            boundedActivationsCell(r),
            r.fits ? 'yes' : 'NO',
            boundedRoleCell(r, 'ram'),
            boundedRoleCell(r, 'flash'),
            boundedLatencyCell(r),
          ]);
        });
      }
      process.stdout.write(
        renderTable(
          [
            { header: 'variant' },
            { header: 'MACs', align: 'right' },
            { header: 'weights', align: 'right' },
            { header: 'target' },
            { header: 'activations', align: 'right' },
            { header: 'fits' },
            { header: 'RAM used / capacity (free)' },
            { header: 'flash used / capacity (free)' },
            { header: 'latency ± LOO error', align: 'right' },
          ],
          rows,
        ) + '\n',
      );
      const partial = variants.some((v) => v.partial) ? 'PARTIAL = some ops are unknown to edgefit: their figures are left out (lower bounds).' : '';
      const thin = thinLatencyLines(variants.flatMap((v) => v.targets));
      process.stdout.write([partial, thin, FIT_TABLE_LEGEND].filter(Boolean).join('\n') + '\n');
    });
}
