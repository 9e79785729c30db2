/**
 * IR + inferred types → fused layers and activation tensors, whatever the file format:
 * ONNX graphs are fused here (QDQ / QOperator / float), TFLite operators map 1:1 in the TFLite reader.
 */
import type { IRModel, TensorType } from '../ir.ts';
import { buildTfliteLayers } from '../tflite/layers.ts';
import { buildOnnxLayers, type LayerBuildResult } from './onnx-layers.ts';

export type { LayerBuildResult } from './onnx-layers.ts';

export function buildLayers(model: IRModel, types: Map<string, TensorType>): LayerBuildResult {
  return model.format === 'tflite' ? buildTfliteLayers(model, types) : buildOnnxLayers(model, types);
}
