/** The derived per-model feature files (data/features/<key>.json) and how they are named. */
import type { ModelFeatures } from '../model-features.ts';
import type { BenchmarkedExport } from './benchmarked-exports.ts';

export interface FeatureRecord {
  ref: string;
  /** sha256 of the analyzed file (for zoo stand-ins: of the generated ONNX bytes). */
  sha256: string;
  fileBytes: number;
  analyzer: string;
  features: ModelFeatures;
  /**
   * The features of the file ST benchmarked in this stand-in's place, when it is the stand-in changed in known ways
   * (benchmarked-exports.ts, data/published/zoo-4x-file-identity.json): what the rows of that file are computed on.
   */
  benchmarkedExport?: { differs: BenchmarkedExport; features: ModelFeatures };
}

export function featureFileName(ref: string): string {
  return ref.replace(/^zoo:/, 'zoo__').replace(/[/\\]/g, '__').replace(/[^A-Za-z0-9._-]/g, '_') + '.json';
}
