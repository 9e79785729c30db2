/**
 * `edgefit analyze <model> [--json] [--input-shape name=1x3x224x224]…`: per-layer table (or JSON, see
 * docs/json.md), totals, warnings, and the activation-memory section when memory planning is available.
 * Exit codes: 0 ok (also for a partial analysis, which is labelled), 2 bad input or usage.
 */
import type { Command } from 'commander';
import { analyzeModelAt } from '../../analyzer/analyze.ts';
import type { Analysis, Layer } from '../../analyzer/layer.ts';
import { addModelOptions, withPlanningCaps, loadModelForCli, type ModelCliOptions } from '../model-options.ts';
import { planMemory, type MemoryReport } from '../../analyzer/memory/index.ts';
import { renderMemorySummary } from '../format/memory-summary.ts';
import { analysisToJson, stPeakBytes } from '../format/analysis-json.ts';
import { formatBytesExact, formatCompact, formatCount, formatShape, truncateLeft, truncateRight } from '../format/numbers.ts';
import { renderKeyValues, renderTable, wrapText } from '../format/table.ts';
import { safeOutput } from '../format/safe-text.ts';

interface AnalyzeCliOptions extends ModelCliOptions {
  json?: boolean;
  wide?: boolean;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('Per-layer shapes, MACs, parameters, weight and activation bytes of an ONNX or TFLite model')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('--json', 'print the analysis as JSON (schema: docs/json.md)')
    .option('--wide', 'the layer table with whole names and every output shape on one line (often 140+ characters wide)');
  addModelOptions(cmd).action((path: string, opts: AnalyzeCliOptions) => withPlanningCaps(opts, () => {
      const { model, inputShapes } = loadModelForCli(path, opts);
      const analysis = analyzeModelAt(model, inputShapes);
      const memory = planMemory(analysis);
      const peak = stPeakBytes(memory);
      if (peak !== undefined) analysis.totals.activationPeakBytes = peak;
      if (opts.json) process.stdout.write(safeOutput(`${JSON.stringify(analysisToJson(analysis, memory), null, 2)}\n`));
      else process.stdout.write(safeOutput(`${renderAnalysis(analysis, memory, { wide: opts.wide })}\n`));
    }));
}

export { parseByteCount, parseInputShapes } from '../model-options.ts';

/** `Conv+relu6` for a fused activation, `Activation:sigmoid` for a standalone one, the source op for an unknown one. */
function opLabel(l: Layer): string {
  if (l.unknown) return `${l.sourceOps[0] ?? 'Unknown'} (unknown)`;
  if (!l.activation || l.activation === 'none') return l.op;
  return l.op === 'Activation' ? `Activation:${l.activation}` : `${l.op}+${l.activation}`;
}

function macsCell(macs: number, unit: 'mac' | 'op'): string {
  return unit === 'mac' ? formatCount(macs) : `${formatCount(macs)} op`;
}

/** The analyze table's width by default (check's, targets', calibrate's); --wide: the table as wide as its cells. */
export const ANALYZE_TABLE_COLUMNS = 120;

const LAYER_HEADERS = ['#', 'op', 'name', 'output shape', 'dtype', 'MACs', 'params', 'weight B', 'output B'];
const LAYER_ALIGNS: ('left' | 'right')[] = ['right', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right'];
const OP = 1;
const NAME = 2;
const SHAPE = 3;

/** One layer's cells; `name` and `shapes` as the table shows them (shortened, or wrapped over lines). */
function layerCells(l: Layer, name: string, shapes: string): string[] {
  return [String(l.index), opLabel(l), name, shapes, l.weightDtype ? `${l.dtype}/w:${l.weightDtype}` : l.dtype, macsCell(l.macs, l.macsUnit), formatCount(l.params), formatCount(l.weightBytes), formatCount(l.outputBytes)];
}

const columnsOf = () => LAYER_HEADERS.map((header, i) => ({ header, align: LAYER_ALIGNS[i] }));

/** The layer table as wide as its cells: names up to 40 characters, every output shape on one line (--wide). */
function wideLayerTable(a: Analysis): string {
  return renderTable(columnsOf(), a.layers.map((l) => layerCells(l, truncateLeft(l.name, 40), l.outputShapes.map(formatShape).join(', '))));
}

/** Characters the name column keeps before the op column wraps or shortens an unknown op's label (narrowLayerTable). */
const NAME_MIN = 16;
/**
 * Characters an unknown op's label keeps however tight the table (narrowLayerTable): "CustomAtt…" still says what it
 * is, and "(unknown)" (9) stays whole. An unknown op type is any string the file holds (21 letters and more); our own
 * labels ("DepthwiseConv+relu6", "Activation:sigmoid") are few and short and are never cut.
 */
const UNKNOWN_OP_MIN = 10;

/**
 * The layer table within ANALYZE_TABLE_COLUMNS: the numeric columns keep their widths; the rest goes to the output
 * shapes (several shapes wrap over lines, a shape is never split), the name (its informative tail kept, as --wide
 * does past 40 characters) and the op. The op column is at least as wide as the longest word of our own op labels;
 * an unknown op's label ("ZipMap (unknown)") wraps at its spaces and a word longer than the column is cut with an
 * ellipsis ("CustomAtt…", down to UNKNOWN_OP_MIN characters) before the name goes below NAME_MIN characters. A table
 * whose fixed columns alone are wider stays as narrow as they allow.
 */
function narrowLayerTable(a: Analysis): string {
  const shapes = a.layers.map((l) => l.outputShapes.map(formatShape));
  const cells = a.layers.map((l) => layerCells(l, '', ''));
  // loops, not Math.max(...): a spread of one argument per layer overflows the call stack on 100,000-layer models
  const widest = (i: number) => a.layers.reduce((w, l, k) => Math.max(w, i === NAME ? Math.min(l.name.length, 40) : i === SHAPE ? shapes[k]!.join(', ').length : cells[k]![i]!.length), LAYER_HEADERS[i]!.length);
  const borders = 3 * LAYER_HEADERS.length + 1; // "│ " before each cell, " " after, the closing "│"
  const fixed = LAYER_HEADERS.reduce((sum, _, i) => (i === NAME || i === SHAPE || i === OP ? sum : sum + widest(i)), borders);
  // a wrapped shape line keeps its comma: "1x16x160x160,"
  const oneShape = shapes.reduce((w, ss) => ss.reduce((v, x, i) => Math.max(v, x.length + (i < ss.length - 1 ? 1 : 0)), w), LAYER_HEADERS[SHAPE]!.length);
  // an unknown op's words count up to UNKNOWN_OP_MIN characters: past that its label is cut, not the name
  const opWords = cells.reduce((w, c, k) => c[OP]!.split(' ').reduce((v, word) => Math.max(v, a.layers[k]!.unknown ? Math.min(word.length, UNKNOWN_OP_MIN) : word.length), w), LAYER_HEADERS[OP]!.length);
  const room = ANALYZE_TABLE_COLUMNS - fixed;
  const nameNeed = Math.min(widest(NAME), NAME_MIN);
  const opWidth = Math.max(opWords, Math.min(widest(OP), room - oneShape - nameNeed));
  const shapeWidth = Math.max(oneShape, Math.min(widest(SHAPE), room - opWidth - nameNeed));
  const nameWidth = Math.max(LAYER_HEADERS[NAME]!.length, Math.min(widest(NAME), room - opWidth - shapeWidth));
  return renderTable(
    columnsOf(),
    a.layers.map((l, k) => {
      const row = layerCells(l, truncateLeft(l.name, nameWidth), wrapText(shapes[k]!.join(', '), shapeWidth));
      row[OP] = wrapText(row[OP]!, opWidth)
        .split('\n')
        .map((line) => truncateRight(line, opWidth))
        .join('\n');
      return row;
    }),
  );
}

export function renderAnalysis(a: Analysis, memory?: MemoryReport, opts: { wide?: boolean } = {}): string {
  const parts: string[] = [];
  const banner = a.partial ? 'PARTIAL ANALYSIS: some ops are unknown to edgefit; their figures are missing (see warnings)' : '';
  if (banner) parts.push(banner, '');
  const inputs = a.model.inputs.map((t) => `${t.name} ${formatShape(t.shape)} ${t.dtype}`).join(', ');
  parts.push(`${a.model.path}  (${a.model.format}, ${formatCount(a.model.fileBytes)} B${a.model.producer ? `, ${a.model.producer}` : ''})`);
  parts.push(`inputs: ${inputs || 'none'}`);
  parts.push(opts.wide ? wideLayerTable(a) : narrowLayerTable(a));
  const t = a.totals;
  const totals: [string, string][] = [
    ['layers', formatCount(a.layers.length)],
    ['MACs (conv/dense/matmul)', `${formatCount(t.macsConvDense)} (${formatCompact(t.macsConvDense)})`],
    ['MACs + other ops', `${formatCount(t.macs)} (${formatCompact(t.macs)})`],
    ["ST MACC (ST's convention)", `${formatCount(t.stMacc)} (${formatCompact(t.stMacc)})`],
    ['params', formatCount(t.params)],
    ['weight bytes (kernels + biases)', formatBytesExact(t.weightBytes)],
    ['quantization parameter bytes', formatBytesExact(t.quantParamBytes)],
    ['constant bytes in file', formatBytesExact(t.fileConstBytes)],
  ];
  if (t.activationPeakBytes !== undefined) totals.push(['activation peak (ST plan)', formatBytesExact(t.activationPeakBytes)]);
  parts.push('', 'Totals', renderKeyValues(totals));
  const mem = renderMemory(memory);
  if (mem) parts.push('', mem);
  if (a.warnings.length > 0) {
    parts.push('', `Warnings (${a.warnings.length})`);
    for (const w of a.warnings) parts.push(`- ${w}`); // a loop: a model's 10^5 warnings spread into push overflow the stack
  }
  if (banner) parts.push('', banner);
  return parts.join('\n');
}

/** Per planner: peak bytes, the layer at the peak and the buffers live there (format/memory-summary.ts). */
function renderMemory(memory: MemoryReport | undefined): string {
  return memory ? renderMemorySummary(memory) : '';
}
