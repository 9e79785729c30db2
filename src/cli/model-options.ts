/**
 * The options every command that reads a model file shares: input-shape overrides and the size caps.
 * `addModelOptions(cmd)` declares them; `loadModelForCli(path, opts)` loads the model with them applied.
 */
import type { Command } from 'commander';
import { EdgefitError, isEdgefitError } from '../analyzer/errors.ts';
import type { IRModel } from '../analyzer/ir.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { loadModel } from '../analyzer/load.ts';
import { analyzeLoadedAt } from '../targets/present.ts';

export interface ModelCliOptions {
  inputShape?: string[];
  maxFileBytes?: string;
  maxTensorBytes?: string;
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      '--input-shape <name=dims>',
      'set a graph input shape, e.g. input=1x3x224x224 (repeatable; the name may be left out for a single-input model)',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option('--max-file-bytes <bytes>', 'refuse model files larger than this (default 2 GiB)')
    .option('--max-tensor-bytes <bytes>', 'refuse constant tensors larger than this (default 1 GiB)');
}

/** Loads a model with the command's caps and parses its --input-shape overrides against the model's inputs. */
export function loadModelForCli(path: string, opts: ModelCliOptions): { model: IRModel; inputShapes: Record<string, number[]> } {
  const model = loadModel(path, {
    maxFileBytes: parseByteCount(opts.maxFileBytes, '--max-file-bytes'),
    maxTensorBytes: parseByteCount(opts.maxTensorBytes, '--max-tensor-bytes'),
  });
  return { model, inputShapes: parseInputShapes(opts.inputShape ?? [], model.graph.inputs) };
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

/**
 * The analysis at input size `res` (square, shapes re-inferred from the file) or as the file stands. A shape
 * that does not agree at `res` fails with the file and the size named, so a sweep says which point failed:
 * `model.tflite at 192×192 px: node 'CONCATENATION_111' …`.
 */
export function analyzeAtForCli(path: string, model: IRModel, res: number | undefined, inputShapes: Record<string, number[]>): Analysis {
  try {
    return analyzeLoadedAt(model, res, inputShapes);
  } catch (e) {
    if (res === undefined || !isEdgefitError(e) || e.code === 'USAGE') throw e;
    throw new EdgefitError(e.code, `${path} at ${res}×${res} px (shapes re-inferred at that size): ${e.message}`, e.exitCode);
  }
}
