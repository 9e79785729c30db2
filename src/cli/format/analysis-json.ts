/**
 * The `edgefit analyze --json` document (schema in docs/json.md). Names here are a contract: later issues
 * add fields, never rename or remove them. Key order is fixed so the same model gives byte-identical JSON.
 */
import type { Analysis } from '../../analyzer/layer.ts';

export const ANALYSIS_SCHEMA_VERSION = 1;

export interface AnalysisJson {
  schemaVersion: number;
  model: Analysis['model'];
  totals: Analysis['totals'];
  partial: boolean;
  warnings: string[];
  layers: Analysis['layers'];
  tensors: Analysis['tensors'];
  /** Activation memory plans (src/analyzer/memory), when planning ran. */
  memory?: unknown;
}

/** Peak activation bytes of ST's plan in a memory report, if it has one. */
export function stPeakBytes(memory: unknown): number | undefined {
  const planners = (memory as { planners?: Record<string, { peakBytes?: unknown }> } | undefined)?.planners;
  const peak = planners?.st?.peakBytes;
  return typeof peak === 'number' ? peak : undefined;
}

export function analysisToJson(analysis: Analysis, memory?: unknown): AnalysisJson {
  const totals = { ...analysis.totals };
  const peak = stPeakBytes(memory);
  if (peak !== undefined) totals.activationPeakBytes = peak;
  const doc: AnalysisJson = {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    model: analysis.model,
    totals,
    partial: analysis.partial,
    warnings: analysis.warnings,
    layers: analysis.layers,
    tensors: analysis.tensors,
  };
  if (memory !== undefined) doc.memory = memory;
  return doc;
}
