/**
 * The analyzer entry point targets use: H3's analyzeFile. TEMPORARY ADAPTER: while the layer builder
 * (src/analyzer/fuse/index.ts) does not yet dispatch TFLite models to H4's buildTfliteLayers, a TFLite
 * file is analyzed here by the same steps (load → inferShapes → buildTfliteLayers → computeTotals).
 * Remove once analyzeFile handles TFLite.
 */
import { analyzeFile, computeTotals, fileConstBytes, type AnalyzeOptions } from '../analyzer/analyze.ts';
import { isEdgefitError } from '../analyzer/errors.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { loadModel } from '../analyzer/load.ts';
import { inferShapes } from '../analyzer/shapes/infer.ts';
import { buildTfliteLayers } from '../analyzer/tflite/layers.ts';

export function analyzeForTargets(path: string, opts: AnalyzeOptions = {}): Analysis {
  try {
    return analyzeFile(path, opts);
  } catch (e) {
    if (!(isEdgefitError(e) && e.code === 'UNSUPPORTED' && /tflite/.test(e.message))) throw e;
  }
  const model = loadModel(path);
  const shapes = inferShapes(model, { inputShapes: opts.inputShapes });
  const built = buildTfliteLayers(model, shapes.types);
  const describe = (name: string) => {
    const t = shapes.types.get(name);
    return { name, shape: [...(t?.shape ?? [])], dtype: t?.dtype ?? 'unknown' };
  };
  return {
    model: {
      path: model.path,
      format: model.format,
      fileBytes: model.fileBytes,
      producer: model.producer,
      opsets: model.opsets,
      inputs: model.graph.inputs.map(describe),
      outputs: model.graph.outputs.map(describe),
    },
    layers: built.layers,
    tensors: built.tensors,
    totals: computeTotals(built.layers, fileConstBytes(model)),
    partial: built.partial || shapes.unknownNodes.length > 0,
    warnings: [...new Set([...model.warnings, ...shapes.warnings, ...built.warnings])],
  };
}
