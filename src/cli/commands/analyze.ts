/**
 * `edgefit analyze <model> [--json] [--input-shape name=1x3x224x224]…`: per-layer table (or JSON, see
 * docs/json.md), totals, warnings, and the activation-memory section when memory planning is available.
 * Exit codes: 0 ok (also for a partial analysis, which is labelled), 2 bad input or usage.
 */
import type { Command } from 'commander';
import { analyzeModel } from '../../analyzer/analyze.ts';
import { EdgefitError } from '../../analyzer/errors.ts';
import type { Analysis, Layer } from '../../analyzer/layer.ts';
import { loadModel } from '../../analyzer/load.ts';
import { planMemory } from '../../analyzer/memory/index.ts';
import { analysisToJson, stPeakBytes } from '../format/analysis-json.ts';
import { formatBytesExact, formatCompact, formatCount, formatShape, truncateLeft } from '../format/numbers.ts';
import { renderKeyValues, renderTable } from '../format/table.ts';

interface AnalyzeCliOptions {
  json?: boolean;
  inputShape?: string[];
  maxFileBytes?: string;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('Per-layer shapes, MACs, parameters, weight and activation bytes of an ONNX or TFLite model')
    .argument('<model>', 'model file (.onnx or .tflite)')
    .option('--json', 'print the analysis as JSON (schema: docs/json.md)')
    .option(
      '--input-shape <name=dims>',
      'set a graph input shape, e.g. input=1x3x224x224 (repeatable; the name may be left out for a single-input model)',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option('--max-file-bytes <bytes>', 'refuse model files larger than this (default 2 GiB)')
    .action((path: string, opts: AnalyzeCliOptions) => {
      const model = loadModel(path, { maxFileBytes: parseByteCount(opts.maxFileBytes, '--max-file-bytes') });
      const inputShapes = parseInputShapes(opts.inputShape ?? [], model.graph.inputs);
      const analysis = analyzeModel(model, { inputShapes });
      const memory = planMemory(analysis);
      const peak = stPeakBytes(memory);
      if (peak !== undefined) analysis.totals.activationPeakBytes = peak;
      if (opts.json) process.stdout.write(`${JSON.stringify(analysisToJson(analysis, memory), null, 2)}\n`);
      else process.stdout.write(`${renderAnalysis(analysis, memory)}\n`);
    });
}

/** A positive integer byte count from the command line, or undefined when the option was not given. */
export function parseByteCount(text: string | undefined, option: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new EdgefitError('USAGE', `${option} '${text}': expected a positive whole number of bytes`);
  }
  return n;
}

/** `name=1x3x224x224` (or `1x3x224x224` when the model has one input) → { name: [1, 3, 224, 224] }. */
export function parseInputShapes(specs: string[], graphInputs: readonly string[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    let name = eq >= 0 ? spec.slice(0, eq) : '';
    const dimsText = eq >= 0 ? spec.slice(eq + 1) : spec;
    if (!name) {
      if (graphInputs.length !== 1) {
        throw new EdgefitError('USAGE', `--input-shape '${spec}': name the input (the model has inputs: ${graphInputs.join(', ') || 'none'})`);
      }
      name = graphInputs[0]!;
    }
    if (!graphInputs.includes(name)) {
      throw new EdgefitError('USAGE', `--input-shape '${spec}': the model has no input named '${name}' (inputs: ${graphInputs.join(', ') || 'none'})`);
    }
    const dims = dimsText.split(/[x,]/).map((d) => d.trim());
    if (dims.length === 0 || dims.some((d) => !/^\d+$/.test(d) || Number(d) < 1 || !Number.isSafeInteger(Number(d)))) {
      throw new EdgefitError('USAGE', `--input-shape '${spec}': dims must be positive integers separated by 'x', e.g. ${name}=1x3x224x224`);
    }
    out[name] = dims.map(Number);
  }
  return out;
}

/** `Conv+relu6` for a fused activation, `Activation:sigmoid` for a standalone one, the source op for an unknown one. */
function opLabel(l: Layer): string {
  if (l.unknown) return `${l.sourceOps[0] ?? 'Unknown'} (unknown)`;
  if (!l.activation || l.activation === 'none') return l.op;
  return l.op === 'Activation' ? `Activation:${l.activation}` : `${l.op}+${l.activation}`;
}

function macsCell(macs: number, unit: 'mac' | 'op'): string {
  return unit === 'mac' ? formatCount(macs) : `${formatCount(macs)} op`;
}

export function renderAnalysis(a: Analysis, memory?: unknown): string {
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
  if (mem) parts.push('', 'Activation memory', mem);
  if (a.warnings.length > 0) parts.push('', `Warnings (${a.warnings.length})`, ...a.warnings.map((w) => `- ${w}`));
  if (banner) parts.push('', banner);
  return parts.join('\n');
}

/** One line per memory planner: peak bytes and the layer where it is reached. */
function renderMemory(memory: unknown): string {
  const planners = (memory as { planners?: Record<string, { peakBytes?: unknown; peakLayer?: unknown }> } | undefined)?.planners;
  if (!planners) return '';
  const pairs: [string, string][] = [];
  for (const [name, p] of Object.entries(planners)) {
    if (typeof p?.peakBytes !== 'number') continue;
    pairs.push([name, `${formatBytesExact(p.peakBytes)}${typeof p.peakLayer === 'string' && p.peakLayer ? ` at ${p.peakLayer}` : ''}`]);
  }
  const lower = (memory as { lowerBoundBytes?: unknown }).lowerBoundBytes;
  if (typeof lower === 'number') pairs.push(['lower bound', formatBytesExact(lower)]);
  return renderKeyValues(pairs);
}
