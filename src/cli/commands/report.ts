/**
 * `edgefit report <model> [--target <t>]… [--resolutions 96,128,…] [-o reports/<name>.html]`: writes one
 * self-contained HTML report (docs/report.md) and prints its path. Exit 0 when written, 2 on bad input, or when a size
 * of --resolutions was left out of the written report (the file fixes a shape for its own input size: named on stderr).
 */
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { addModelOptions, withPlanningCaps, loadModelForCli, parseSweepResolutions, type ModelCliOptions } from '../model-options.ts';
import { buildReportInput } from '../../report/build-input.ts';
import { publishedQueryForFile } from '../../report/published.ts';
import { renderReport } from '../../report/render.ts';
import { writeReport } from '../../report/write.ts';
import { uniqueTargets } from '../target-list.ts';
import { safeOutput } from '../format/safe-text.ts';
import { outputPathOption, refuseOverwritingInput } from '../output-file.ts';

interface ReportCliOptions extends ModelCliOptions {
  target?: string[];
  resolutions?: string;
  output?: string;
}

/** The sweep sizes of --resolutions (same rules as compare), sorted and without repeats. */
export function parseResolutions(text: string): number[] {
  return parseSweepResolutions(text).sort((a, b) => a - b);
}

export function defaultReportPath(modelPath: string): string {
  const stem = basename(modelPath, extname(modelPath)).replace(/[^A-Za-z0-9._-]+/g, '_') || 'model';
  return join('reports', `${stem}.html`);
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('Write a self-contained HTML report: fit per target, per-layer table, memory and latency charts')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('-t, --target <name|profile.json>', 'target board/series as ST prints it, or a profile file (repeatable; default: every built-in board)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--resolutions <list>', 'also re-analyse at these square input sizes, e.g. 96,128,160,192,224')
    .option('-o, --output <file>', 'where to write the HTML (default: reports/<model>.html)', outputPathOption);
  addModelOptions(cmd).action((modelPath: string, opts: ReportCliOptions) => withPlanningCaps(opts, async () => {
      const resolutions = opts.resolutions !== undefined ? parseResolutions(opts.resolutions) : undefined;
      const output = opts.output ?? defaultReportPath(modelPath);
      refuseOverwritingInput(output, modelPath);
      // ST's own benchmarked files (named row by row in data/published) get their published figures beside ours
      const published = publishedQueryForFile(modelPath);
      const { model, inputShapes } = loadModelForCli(modelPath, opts);
      const targets = opts.target && uniqueTargets(opts.target); // an unknown --target fails here, before any analysis
      const input = await buildReportInput(modelPath, { targets, resolutions, model, inputShapes, ...(published ? { published } : {}) });
      const written = writeReport(output, renderReport(input));
      process.stdout.write(`report written: ${written.path}\n${written.url}\n`);
      // sizes of the sweep the file's shapes do not follow: the report says so under its sweep, and so does the exit code
      for (const f of input.sweepFailures ?? []) process.stderr.write(safeOutput(`edgefit: not in the report: ${f.message}\n`));
      if (input.sweepFailures?.length) process.exitCode = 2;
    }));
}
