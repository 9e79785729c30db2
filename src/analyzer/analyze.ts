/**
 * The analyzer's front door: model file or IR → shapes → fused layers → per-layer figures and totals.
 *
 * ```ts
 * const a = analyzeFile('net.onnx', { inputShapes: { input: [1, 3, 224, 224] } });
 * a.totals.macsConvDense; a.layers[3].weightBytes;
 * ```
 * The result is deterministic: the same model gives byte-identical `JSON.stringify(analysis)`.
 */
import type { IRModel, TensorType } from './ir.ts';
import type { Analysis, Layer, ModelSummary, TensorSummary, Totals } from './layer.ts';
import { loadModel, type LoadOptions } from './load.ts';
import { inferShapes } from './shapes/infer.ts';
import type { NativeTypes } from './shapes/follow-size.ts';
import { EdgefitError } from './errors.ts';
import { buildLayers } from './fuse/index.ts';
import { unreadConstBytes } from './fuse/const-size.ts';

export interface AnalyzeOptions {
  /** Overrides of graph-input shapes by name (`--input-shape name=1x3x224x224`). */
  inputShapes?: Record<string, number[]>;
  /** The file's own inference, when `inputShapes` re-infer it at another size (shapes/follow-size.ts). */
  followFrom?: NativeTypes;
}

export function analyzeFile(path: string, opts: AnalyzeOptions & LoadOptions = {}): Analysis {
  const model = loadModel(path, opts);
  return analyzeModel(model, opts);
}

export function analyzeModel(model: IRModel, opts: AnalyzeOptions = {}): Analysis {
  const shapes = inferShapes(model, { inputShapes: opts.inputShapes, ...(opts.followFrom ? { followFrom: opts.followFrom } : {}) });
  const built = buildLayers(model, shapes.types);
  const warnings = unique([...model.warnings, ...shapes.warnings, ...built.warnings]);
  return {
    model: summarizeModel(model, shapes.types),
    layers: built.layers,
    tensors: built.tensors,
    totals: computeTotals(built.layers, fileConstBytes(model)),
    partial: built.partial || shapes.unknownNodes.length > 0,
    warnings,
  };
}

/**
 * The analysis with the graph inputs at another size (`inputShapes`: --input-shape, --resolution; `fileInputShapes`:
 * the overrides that give the file's own size, none by default). A file that fixed some shapes for its own size (a YOLO export's Reshape targets and
 * anchor constants) fails at another one: it is analysed again with those shapes following the input
 * (shapes/follow-size.ts; each said in a warning starting FOLLOWED_SHAPE_NOTE_START). When that fails too, the first
 * error stands. The file's own inference is run only then.
 */
export function analyzeModelAt(model: IRModel, inputShapes: Record<string, number[]>, fileInputShapes: Record<string, number[]> = {}): Analysis {
  try {
    return analyzeModel(model, { inputShapes });
  } catch (e) {
    // at the file's own size there is nothing to follow: the file's inference is the one that just failed
    if (!(e instanceof EdgefitError) || e.code !== 'BAD_SHAPE' || sameOverrides(inputShapes, fileInputShapes)) throw e;
    try {
      return analyzeModel(model, { inputShapes, followFrom: inferShapes(model, { inputShapes: fileInputShapes }).types });
    } catch {
      throw e;
    }
  }
}

/** Whether two sets of input-shape overrides give every input the same shape (the same keys, equal dims). */
function sameOverrides(a: Record<string, number[]>, b: Record<string, number[]>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k]!.join('x') === b[k]!.join('x'));
}

export function computeTotals(layers: readonly Layer[], fileConstBytesTotal: number): Totals {
  const t: Totals = { macs: 0, macsConvDense: 0, stMacc: 0, params: 0, weightBytes: 0, weightsFlashBytes: 0, quantParamBytes: 0, fileConstBytes: fileConstBytesTotal };
  for (const l of layers) {
    t.macs += l.macs;
    if (l.macsUnit === 'mac') t.macsConvDense += l.macs;
    t.stMacc += l.stMacc;
    t.params += l.params;
    t.weightBytes += l.weightBytes;
    t.weightsFlashBytes = (t.weightsFlashBytes ?? 0) + l.weightBytes + l.constBytes;
    t.quantParamBytes += l.quantParamBytes;
  }
  return t;
}

/**
 * Every constant byte the file stores: initializers and Constant-node values (ONNX), constant buffers
 * (TFLite; a buffer shared by several tensors is counted once).
 */
export function fileConstBytes(model: IRModel): number {
  // Views of one underlying buffer at the same offset are the same stored bytes: buffer → offset → lengths seen.
  const seen = new Map<ArrayBufferLike, Map<number, number | Set<number>>>();
  // (small constants are views of one shared arena, one after the other: the last buffer's map is kept at hand)
  let lastBuffer: ArrayBufferLike | undefined;
  let lastOffsets: Map<number, number | Set<number>> | undefined;
  let bytes = 0;
  for (const t of model.graph.tensors.values()) {
    const d = t.data;
    if (!d) continue;
    // a payload still on disk is a file range of its own: counted by its size, not read
    const unread = unreadConstBytes(d);
    if (unread !== undefined) {
      bytes += unread;
      continue;
    }
    const view = d.bytes;
    const buffer = view.buffer;
    let offsets = buffer === lastBuffer ? lastOffsets : seen.get(buffer);
    if (!offsets) seen.set(buffer, (offsets = new Map()));
    lastBuffer = buffer;
    lastOffsets = offsets;
    const length = view.byteLength;
    const lengths = offsets.get(view.byteOffset);
    if (lengths === undefined) offsets.set(view.byteOffset, length);
    else if (typeof lengths === 'number') {
      if (lengths === length) continue;
      offsets.set(view.byteOffset, new Set([lengths, length]));
    } else {
      if (lengths.has(length)) continue;
      lengths.add(length);
    }
    bytes += length;
  }
  return bytes;
}

function summarizeModel(model: IRModel, types: Map<string, TensorType>): ModelSummary {
  const describe = (name: string): TensorSummary => {
    const t = types.get(name);
    const info = model.graph.tensors.get(name);
    const shape = t?.shape ?? info?.shape?.map((d) => (typeof d === 'number' ? d : 1)) ?? [];
    return { name, shape: [...shape], dtype: t?.dtype ?? info?.dtype ?? 'unknown' };
  };
  return {
    path: model.path,
    format: model.format,
    fileBytes: model.fileBytes,
    producer: model.producer,
    opsets: sortedRecord(model.opsets),
    inputs: model.graph.inputs.map(describe),
    outputs: model.graph.outputs.map(describe),
  };
}

function sortedRecord(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(r).sort()) out[k] = r[k]!;
  return out;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
