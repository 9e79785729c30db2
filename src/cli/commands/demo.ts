/**
 * `edgefit demo`: the README's first command, needing no file from the user. Builds ST EfficientNet LC v1
 * (5 classes, as ST's tf_flowers benchmark models) at 128 and 224 px with the zoo builder, analyses both,
 * checks every built-in target, compares the two resolutions beside ST's published figures, writes
 * reports/demo-st_efficientnet_lc_v1.html, and prints a short summary and the report's path.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildReportInput } from '../../report/build-input.ts';
import { formatBytes, formatMs } from '../../report/format.ts';
import { METRIC_LABELS, renderReport } from '../../report/render.ts';
import type { PublishedFigure, ReportInput } from '../../report/types.ts';
import { writeReport } from '../../report/write.ts';
import { buildZooModel } from '../../zoo/index.ts';
import { NARROW_TABLE_COLUMNS } from '../format/fit-table.ts';
import { renderTable, wrapText } from '../format/table.ts';
import { ensureFolder, outputPathOption, writeOutputFile } from '../output-file.ts';

export const DEMO_NETWORK = 'st_efficientnet_lc_v1';
export const DEMO_RESOLUTIONS = [128, 224] as const;
export const DEMO_CLASSES = 5;

interface DemoCliOptions {
  output?: string;
  modelsDir?: string;
}

/** Builds the demo models into `modelsDir` and returns the report input (main model: the largest resolution). */
export async function buildDemoInput(modelsDir: string): Promise<ReportInput> {
  ensureFolder(modelsDir, `the demo models into ${modelsDir}`);
  const built = DEMO_RESOLUTIONS.map((resolution) => {
    const m = buildZooModel(DEMO_NETWORK, { resolution, classes: DEMO_CLASSES });
    const path = join(modelsDir, `${m.name}.onnx`);
    writeOutputFile(path, m.bytes, `demo model ${path}`);
    return { resolution, path, description: m.description };
  });
  const main = built[built.length - 1]!;
  const side = DEMO_RESOLUTIONS[DEMO_RESOLUTIONS.length - 1]!;
  const floatInputKib = (side * side * 3 * 4) / 1024;
  return buildReportInput(main.path, {
    title: `edgefit demo: ST EfficientNet LC v1 at ${DEMO_RESOLUTIONS.join(' and ')} px`,
    resolutionModels: built.map(({ resolution, path }) => ({ resolution, path })),
    modelOrigin: main.description,
    published: { arch: DEMO_NETWORK, resolutions: [...DEMO_RESOLUTIONS], datasets: ['tf_flowers'] },
    notes: [
      `Built by 'edgefit demo' with the zoo builder: ${DEMO_NETWORK}, ${DEMO_CLASSES} classes, at ${DEMO_RESOLUTIONS.join(' and ')} px (other resolutions: 'edgefit zoo build ${DEMO_NETWORK} --resolution N').`,
      'Weights are seeded random values: the structure, shapes and byte counts equal ST\'s network, the accuracy does not.',
      'Published rows compared: ST\'s tf_flowers (5-class) benchmark of the same network; the N6 tables benchmark the 101-class food101 model and are not shown beside this 5-class model.',
      `ST's MCU and MPU rows benchmark the int8 TFLite file, whose input is int8. The demo model is QDQ ONNX as ST's ONNX pipeline writes it: a float32 input quantized by its first layer, so its activation RAM holds a float32 input buffer (${floatInputKib.toFixed(0)} KiB at ${side} px, 4× the int8 one). Compare the activation-RAM rows with that in mind.`,
    ],
  });
}

function summaryTable(input: ReportInput): string {
  const points = input.sweep ?? [];
  const ids = input.targets?.map((t) => t.id) ?? [];
  if (ids.length === 0) return 'No target results (target evaluation is not available).';
  const rows = ids.map((id) => {
    const first = input.targets!.find((t) => t.id === id)!;
    return [
      first.name ?? id,
      ...points.map((p) => {
        const t = p.targets.find((x) => x.id === id);
        if (!t) return '—';
        // check and compare print a latency without an error figure the same way
        const err = t.latencyMs === null ? '' : t.latencyErrorPct !== null ? ` ±${t.latencyErrorPct.toFixed(1)}%` : ' (thin data)';
        return `${t.fits ? 'fits' : 'NO FIT'}  ${formatMs(t.latencyMs)}${err}`;
      }),
    ];
  });
  return renderTable([{ header: 'target' }, ...points.map((p) => ({ header: `${p.resolution} px`, align: 'left' as const }))], rows);
}

export const DEMO_LEGEND = 'latency in ms at the clock ST benchmarks; ±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate); thin data = too few models behind the figure for an error.';

/** Every metric a published figure can have, in the demo line's words (the type keeps the list complete). */
const metricWords = (metric: PublishedFigure['metric']): string => METRIC_LABELS[metric];

/**
 * The figures left out of the comparison, grouped by reason: "2 more not like for like (B1, B2 time: why; …)".
 * A reason's closing parenthesis holds the figure's own numbers (the report shows them) and is left out here.
 */
function unlikeClause(unlike: PublishedFigure[]): string {
  if (unlike.length === 0) return '';
  const byReason = new Map<string, PublishedFigure[]>();
  for (const f of unlike) {
    const why = `${metricWords(f.metric)}: ${(f.comparabilityNote ?? 'not like for like').replace(/^not like for like: /, '').replace(/\s*\([^()]*\)$/, '')}`;
    byReason.set(why, [...(byReason.get(why) ?? []), f]);
  }
  const reasons = [...byReason].map(([why, fs]) => `${[...new Set(fs.map((f) => f.board))].join(', ')} ${why}`);
  return ` ${unlike.length} more not like for like (${reasons.join('; ')}; see the report).`;
}

/** One line: how far edgefit is from ST's published figures for this network (median and worst difference). */
export function publishedLine(input: ReportInput): string | undefined {
  const unlike = (input.published ?? []).filter((f) => f.comparable === false);
  const diffs = (input.published ?? [])
    .filter((f) => f.comparable !== false && f.predictedValue !== null && f.predictedValue !== undefined && f.publishedValue !== 0)
    .map((f) => ({ f, pct: (100 * (f.predictedValue! - f.publishedValue)) / f.publishedValue }));
  if (diffs.length === 0) return undefined;
  const abs = diffs.map((d) => Math.abs(d.pct)).sort((a, b) => a - b);
  const median = abs.length % 2 ? abs[(abs.length - 1) / 2]! : (abs[abs.length / 2 - 1]! + abs[abs.length / 2]!) / 2;
  const worst = diffs.reduce((w, d) => (Math.abs(d.pct) > Math.abs(w.pct) ? d : w));
  const sign = worst.pct >= 0 ? '+' : '';
  // latency rows the fit was made on are in-sample (build-input.ts inSampleLatencyNote): said, with where the held-out figures are
  const inSample = diffs.filter((d) => d.f.comparabilityNote?.startsWith('in-sample')).length;
  const inSampleClause = inSample ? ` ${inSample} of them are latency rows the latency fit was made on (in-sample); the report gives each one's held-out figure.` : '';
  return `Against ST's ${diffs.length} published figures for this network: median |difference| ${median.toFixed(1)} %, worst ${sign}${worst.pct.toFixed(1)} % (${worst.f.board} ${metricWords(worst.f.metric)}, ${worst.f.resolution} px).${inSampleClause}${unlikeClause(unlike)}`;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Build ST EfficientNet LC v1 at 128 and 224 px, check every STM32 target, and write an HTML report')
    .option('-o, --output <file>', 'where to write the report', outputPathOption, join('reports', `demo-${DEMO_NETWORK}.html`))
    .option('--models-dir <dir>', 'where to write the built ONNX models', join('reports', 'demo-models'))
    .action(async (opts: DemoCliOptions) => {
      const input = await buildDemoInput(opts.modelsDir ?? join('reports', 'demo-models'));
      const written = writeReport(opts.output ?? join('reports', `demo-${DEMO_NETWORK}.html`), renderReport(input));
      const a = input.analysis;
      const lines = [
        `ST EfficientNet LC v1, ${DEMO_CLASSES} classes, QDQ int8 (built by the edgefit zoo)`,
        ...(input.sweep ?? []).map((p) => `  ${p.resolution} px: ${(p.macs / 1e6).toFixed(1)} M MACs, weights ${formatBytes(p.weightBytes)}${p.activationPeakBytes !== undefined ? `, activations ${formatBytes(p.activationPeakBytes)}` : ''}`),
        '',
        summaryTable(input),
        // the sentences under the table are wrapped to the width check's and compare's tables keep
        wrapText(DEMO_LEGEND, NARROW_TABLE_COLUMNS),
        ...(publishedLine(input) ? ['', wrapText(publishedLine(input)!, NARROW_TABLE_COLUMNS)] : []),
        '',
        `${a.layers.length} layers at ${DEMO_RESOLUTIONS[DEMO_RESOLUTIONS.length - 1]} px; full report with charts:`,
        `  ${written.path}`,
        `  ${written.url}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
