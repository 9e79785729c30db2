/**
 * The options every command that reads a model file shares: input-shape overrides and the caps.
 * `addModelOptions(cmd)` declares them; `loadModelForCli(path, opts)` loads the model with the size caps applied;
 * `withPlanningCaps(opts, fn)` runs a command's work with the live-buffer cap (--max-live-buffers) in force.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { EdgefitError, isEdgefitError } from '../analyzer/errors.ts';
import type { IRModel } from '../analyzer/ir.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { loadModel } from '../analyzer/load.ts';
import { MAX_LIVE_BUFFERS, withLiveBufferCap } from '../analyzer/memory/live-buffer-cap.ts';
import { analyzeLoadedAt, atResolutionError, parseResolutions } from '../targets/present.ts';
import { withPrintableLabels } from './format/safe-text.ts';

export interface ModelCliOptions {
  inputShape?: string[];
  maxFileBytes?: string;
  maxTensorBytes?: string;
  maxLiveBuffers?: string;
}

export function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      '--input-shape <name=dims>',
      'set a graph input shape, e.g. input=1x3x224x224 (repeatable; the name may be left out for a single-input model)',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option('--max-file-bytes <bytes>', 'refuse model files larger than this (default 2 GiB)')
    .option('--max-tensor-bytes <bytes>', 'refuse constant tensors larger than this (default 1 GiB)')
    .option('--max-live-buffers <count>', `refuse to plan activation memory when more buffers than this are live at one step (default ${MAX_LIVE_BUFFERS.toLocaleString('en-US')})`);
}

/**
 * Runs a command's work (loading, analysis, planning, mapping, and what it awaits) with --max-live-buffers in force.
 * The value is checked first, so a bad one is refused before the model is read.
 */
export function withPlanningCaps<T>(opts: ModelCliOptions, fn: () => T): T {
  return withLiveBufferCap(parseWholeCount(opts.maxLiveBuffers, '--max-live-buffers', 'buffers'), fn);
}

/** Loads a model with the command's caps and parses its --input-shape overrides against the model's inputs. */
export function loadModelForCli(path: string, opts: ModelCliOptions): { model: IRModel; inputShapes: Record<string, number[]> } {
  const caps = {
    maxFileBytes: parseByteCount(opts.maxFileBytes, '--max-file-bytes'),
    maxTensorBytes: parseByteCount(opts.maxTensorBytes, '--max-tensor-bytes'),
  };
  let model: IRModel;
  try {
    model = withPrintableLabels(loadModel(path, caps));
  } catch (e) {
    throw isEdgefitError(e) && e.code === 'NOT_A_MODEL' ? notAModel(path, e) : e;
  }
  return { model, inputShapes: parseInputShapes(opts.inputShape ?? [], model.graph.inputs) };
}

/** How much of a refused file is read to tell text from binary. */
const SNIFF_BYTES = 4096;

/**
 * The loader's "not an ONNX or TFLite model (field 4 wire type 3 at byte 0)" in the user's terms: the ONNX reader's
 * detail is where protobuf decoding failed, which means nothing to someone who passed a README. A file that reads as
 * text is called a text file, with its first line; any other file keeps the detail, said as what it is.
 */
export function notAModel(path: string, e: EdgefitError): EdgefitError {
  const detail = /is not an ONNX or TFLite model \((.*)\)$/.exec(e.message)?.[1];
  if (detail === undefined) return e;
  const head = readHead(path);
  if (head === undefined) return e;
  const firstLine = textFirstLine(head);
  const what = `edgefit reads ONNX (.onnx, protobuf) and TFLite (.tflite, FlatBuffers) model files`;
  if (firstLine !== undefined) {
    return new EdgefitError('NOT_A_MODEL', `${path} is not an ONNX or TFLite model: it is a text file${firstLine ? ` (it begins "${firstLine}")` : ''}; ${what}`, e.exitCode);
  }
  return new EdgefitError('NOT_A_MODEL', `${path} is not an ONNX or TFLite model: it has no TFLite identifier ('TFL3' at byte 4) and does not decode as an ONNX protobuf (${detail}); ${what}`, e.exitCode);
}

function readHead(path: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(SNIFF_BYTES);
    return buf.subarray(0, readSync(fd, buf, 0, SNIFF_BYTES, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The first line (up to 40 characters, control characters dropped) when `head` is text: valid UTF-8 (a character cut
 * at the end of the sample allowed) with no NUL and no control characters but tab, CR, LF and form feed; else undefined.
 */
export function textFirstLine(head: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length >= SNIFF_BYTES });
  } catch {
    return undefined;
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) return undefined;
  const line = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed.length > 40 ? `${trimmed.slice(0, 39)}…` : trimmed;
}

/** A positive integer byte count from the command line, or undefined when the option was not given. */
export function parseByteCount(text: string | undefined, option: string): number | undefined {
  return parseWholeCount(text, option, 'bytes');
}

/** A positive whole number of `unit` from the command line, or undefined when the option was not given. */
export function parseWholeCount(text: string | undefined, option: string, unit: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new EdgefitError('USAGE', `${option} '${text}': expected a positive whole number of ${unit}`);
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
    const shape = dims.map(Number);
    const before = out[name];
    // the last one silently won: a sweep script passing a shape twice analysed one of them without a word
    if (before && before.join('x') !== shape.join('x')) {
      throw new EdgefitError('USAGE', `--input-shape '${spec}': input '${name}' was already given the shape ${before.join('x')}; give each input one shape`);
    }
    out[name] = shape;
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
    throw atResolutionError(path, res, e);
  }
}

/**
 * compare's and report's --resolutions: square sizes in pixels (targets/present.ts parseResolutions). A size written
 * HxW ("96x128", as `zoo build --resolution` takes it) gets its own message: the sweep is square, and a non-square
 * input is set with --input-shape. A size given twice is swept once.
 */
export function parseSweepResolutions(spec: string): number[] {
  const rect = spec.split(',').map((s) => s.trim()).find((s) => /^\d+\s*[x×]\s*\d+$/i.test(s));
  if (rect) {
    throw new EdgefitError('USAGE', `--resolutions '${spec}': the sweep takes square sizes in pixels (e.g. 96,128,160), not ${rect}; for a non-square input give its whole shape, in the model's own layout, with --input-shape (e.g. input=1x3x96x128)`);
  }
  // each size once, in the order given: `--resolutions 32,32` is one point, not two identical variants
  return [...new Set(parseResolutions(spec))];
}
