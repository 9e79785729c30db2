/**
 * `edgefit analyze <model> [--json] [--input-shape name=1x3x224x224]…`: per-layer table (or JSON, see
 * docs/json.md), totals, warnings, and the activation-memory section when memory planning is available.
 * Exit codes: 0 ok (also for a partial analysis, which is labelled), 2 bad input or usage.
 */
import type { Command } from 'commander';
import { analyzeModel } from '../../analyzer/analyze.ts';
import type { Analysis, Layer } from '../../analyzer/layer.ts';
import { addModelOptions, withPlanningCaps, loadModelForCli, type ModelCliOptions } from '../model-options.ts';
import { planMemory, type MemoryReport } from '../../analyzer/memory/index.ts';
import { renderMemorySummary } from '../format/memory-summary.ts';
import { analysisToJson, stPeakBytes } from '../format/analysis-json.ts';
import { formatBytesExact, formatCompact, formatCount, formatShape, truncateLeft } from '../format/numbers.ts';
import { renderKeyValues, renderTable } from '../format/table.ts';
import { safeOutput } from '../format/safe-text.ts';

interface AnalyzeCliOptions extends ModelCliOptions {
  json?: boolean;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('Per-layer shapes, MACs, parameters, weight and activation bytes of an ONNX or TFLite model')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('--json', 'print the analysis as JSON (schema: docs/json.md)');
  addModelOptions(cmd).action((path: string, opts: AnalyzeCliOptions) => withPlanningCaps(opts, () => {
      const { model, inputShapes } = loadModelForCli(path, opts);
      const analysis = analyzeModel(model, { inputShapes });
      const memory = planMemory(analysis);
      const peak = stPeakBytes(memory);
      if (peak !== undefined) analysis.totals.activationPeakBytes = peak;
      if (opts.json) process.stdout.write(safeOutput(`${JSON.stringify(analysisToJson(analysis, memory), null, 2)}\n`));
      else process.stdout.write(safeOutput(`${renderAnalysis(analysis, memory)}\n`));
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

export function renderAnalysis(a: Analysis, memory?: MemoryReport): string {
  const parts: string[] = [];
  const banner = a.partial ? 'PARTIAL ANALYSIS: some ops are unknown to edgefit; their figures are missing (see warnings)' : '';
  if (banner) parts.push(banner, '');
  const inputs = a.model.inputs.map((t) => `${t.name} ${formatShape(t.shape)} ${t.dtype}`).join(', ');
  parts.push(`${a.model.path}  (${a.model.format}, ${formatCount(a.model.fileBytes)} B${a.model.producer ? `, ${a.model.producer}` : ''})`);
  parts.push(`inputs: ${inputs || 'none'}`);
  parts.push(
    renderTable(
      [
        { header: '#', align: 'right' },
        { header: 'op' },
        { header: 'name' },
        { header: 'output shape' },
        { header: 'dtype' },
        { header: 'MACs', align: 'right' },
        { header: 'params', align: 'right' },
        { header: 'weight B', align: 'right' },
        { header: 'output B', align: 'right' },
      ],
      a.layers.map((l) => [
        l.index,
        opLabel(l),
        truncateLeft(l.name, 40),
        l.outputShapes.map(formatShape).join(', '),
        l.weightDtype ? `${l.dtype}/w:${l.weightDtype}` : l.dtype,
        macsCell(l.macs, l.macsUnit),
        formatCount(l.params),
        formatCount(l.weightBytes),
        formatCount(l.outputBytes),
      ]),
    ),
  );
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
  if (a.warnings.length > 0) parts.push('', `Warnings (${a.warnings.length})`, ...a.warnings.map((w) => `- ${w}`));
  if (banner) parts.push('', banner);
  return parts.join('\n');
}

/** Per planner: peak bytes, the layer at the peak and the buffers live there (format/memory-summary.ts). */
function renderMemory(memory: MemoryReport | undefined): string {
  return memory ? renderMemorySummary(memory) : '';
}
