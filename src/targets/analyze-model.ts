/**
 * The analyzer entry point targets use (H3's analyzeFile, which handles ONNX and TFLite). Kept as one
 * seam so check / compare / calibration analyze models the same way.
 */
import { analyzeFile, type AnalyzeOptions } from '../analyzer/analyze.ts';
import type { Analysis } from '../analyzer/layer.ts';

export function analyzeForTargets(path: string, opts: AnalyzeOptions = {}): Analysis {
  return analyzeFile(path, opts);
}
