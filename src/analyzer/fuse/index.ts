/**
 * IR + inferred types → fused layers and activation tensors, whatever the file format:
 * ONNX graphs are fused here (QDQ / QOperator / float), TFLite operators map 1:1 in the TFLite reader.
 */
import { EdgefitError } from '../errors.ts';
import type { IRModel, TensorType } from '../ir.ts';
import { buildOnnxLayers, type LayerBuildResult } from './onnx-layers.ts';

export type { LayerBuildResult } from './onnx-layers.ts';

export function buildLayers(model: IRModel, types: Map<string, TensorType>): LayerBuildResult {
  if (model.format === 'onnx') return buildOnnxLayers(model, types);
  throw new EdgefitError('UNSUPPORTED', `${model.path}: layers of ${model.format} models are not built yet`);
}
