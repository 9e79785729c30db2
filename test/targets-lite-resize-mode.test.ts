/**
 * ONNX Resize / Upsample keep their interpolation mode (Layer.resizeMode), and ST's lite generator's library call
 * for a resize follows it whatever the file format (runtime-lite.ts): bilinear → `forward_upsample_bilinear_is8os8`
 * on int8 (ST Edge AI Core 3.0.0 SSD network.c, three calls; data/st-generated/ev7-reports-3.0.0-zoo-services.json),
 * nearest → `forward_upsample_nearest`, a 1×1 image → `forward_tile`, cubic → no function in ST's library.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { Analysis, Layer } from '../src/analyzer/layer.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { libraryFunctionsOf, resizeModeOf, runtimeObjectCounts } from '../src/targets/runtime-lite.ts';
import { libraryCodeBytes } from '../src/targets/runtime-memory.ts';
import { layerWork } from '../src/targets/latency/layer-work.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';

/** x (float) → Q → DQ → Resize/Upsample ×2 (attrs) → Q → DQ → y: one int8 resize layer between two conversions. */
function qdqResize(attrs: Record<string, string>, hw = 6, op: 'Resize' | 'Upsample' = 'Resize'): Analysis {
  const g = new OnnxGraphBuilder({ opsets: { '': op === 'Resize' ? 13 : 9 } });
  g.input('x', 'float32', [1, 8, hw, hw]);
  g.initializer('s', 'float32', [], [0.02]);
  g.initializer('zp', 'int8', [], [0]);
  g.node('QuantizeLinear', ['x', 's', 'zp'], ['xq'], {}, { name: 'q_in' });
  g.node('DequantizeLinear', ['xq', 's', 'zp'], ['xdq'], {}, { name: 'dq_in' });
  g.initializer('scales', 'float32', [4], [1, 1, 2, 2]);
  g.node(op, op === 'Resize' ? ['xdq', '', 'scales'] : ['xdq', 'scales'], ['r'], attrs, { name: 'resize' });
  g.node('QuantizeLinear', ['r', 's', 'zp'], ['rq'], {}, { name: 'q_out' });
  g.node('DequantizeLinear', ['rq', 's', 'zp'], ['y'], {}, { name: 'dq_out' });
  g.output('y', 'float32', [1, 8, 2 * hw, 2 * hw]);
  return analyzeModel(loadModelBytes(g.toBytes(), 'resize.onnx'));
}

const resizeOf = (a: Analysis): Layer => {
  const r = a.layers.filter((l) => l.op === 'Resize');
  expect(r).toHaveLength(1);
  return r[0]!;
};

describe('ONNX resize mode', () => {
  it('is kept on the layer: linear, nearest (also by default), cubic; Upsample-1 "bilinear" is linear', () => {
    expect(resizeOf(qdqResize({ mode: 'linear', coordinate_transformation_mode: 'half_pixel' })).resizeMode).toBe('linear');
    expect(resizeOf(qdqResize({ mode: 'nearest' })).resizeMode).toBe('nearest');
    expect(resizeOf(qdqResize({})).resizeMode).toBe('nearest');
    expect(resizeOf(qdqResize({ mode: 'cubic' })).resizeMode).toBe('cubic');
    expect(resizeOf(qdqResize({ mode: 'linear' }, 6, 'Upsample')).resizeMode).toBe('linear');
    expect(resizeOf(qdqResize({ mode: 'bilinear' }, 6, 'Upsample')).resizeMode).toBe('linear');
    expect(resizeOf(qdqResize({}, 6, 'Upsample')).resizeMode).toBe('nearest');
  });

  it('an int8 linear resize calls the bilinear int8 kernel, a nearest one the nearest kernel, a 1×1 image forward_tile', () => {
    const linear = resizeOf(qdqResize({ mode: 'linear' }));
    expect(linear.dtype).toBe('int8');
    expect(libraryFunctionsOf(linear)).toEqual(['forward_upsample_bilinear_is8os8']);
    expect(libraryFunctionsOf(resizeOf(qdqResize({ mode: 'nearest' })))).toEqual(['forward_upsample_nearest']);
    expect(libraryFunctionsOf(resizeOf(qdqResize({ mode: 'linear' }, 1)))).toEqual(['forward_tile']);
    expect(libraryFunctionsOf(resizeOf(qdqResize({ mode: 'nearest' }, 1)))).toEqual(['forward_tile']);
  });

  it('code flash counts the kernel of the mode: one call each, the bilinear closure instead of the nearest one', () => {
    const linear = runtimeObjectCounts(qdqResize({ mode: 'linear' }));
    const nearest = runtimeObjectCounts(qdqResize({ mode: 'nearest' }));
    expect(linear.libraryFunctions).toContain('forward_upsample_bilinear_is8os8');
    expect(linear.libraryFunctions).not.toContain('forward_upsample_nearest');
    expect(nearest.libraryFunctions).toContain('forward_upsample_nearest');
    // the same number of kernel calls (Q, resize, DQ) and the same hybrid objects: only the linked code differs
    expect(linear.liteCalls).toBe(3);
    expect(nearest.liteCalls).toBe(3);
    expect(linear.lite).toEqual(nearest.lite);
    const others = (fns: string[]) => fns.filter((f) => !f.startsWith('forward_upsample'));
    expect(others(linear.libraryFunctions!)).toEqual(others(nearest.libraryFunctions!));
    expect(libraryCodeBytes(linear.libraryFunctions!)).not.toBe(libraryCodeBytes(nearest.libraryFunctions!));
  });

  it('cubic has no function in ST library: the layer is uncounted (code flash a lower bound), by name and mode', () => {
    const c = runtimeObjectCounts(qdqResize({ mode: 'cubic' }));
    expect(c.uncountedLayers).toEqual({ 'Resize (cubic, input int8)': 1 });
    expect(c.libraryFunctions!.some((f) => f.includes('upsample'))).toBe(false);
  });
});

describe('ONNX linear resize is priced as a TFLite RESIZE_BILINEAR', () => {
  const ssd = sharedModels('tflite').find((f) => f.endsWith('st_ssd_mobilenet_v1_025_192_int8.tflite'));
  it.skipIf(!ssd)('the same int8 kernel as the SSD file (RESIZE_BILINEAR 3×3 → 6×6) and the same latency work for the same tensors', () => {
    const tflite = analyzeForTargets(ssd!).layers.find((l) => l.op === 'Resize' && l.inputShapes[0]![1] === 3)!;
    expect(tflite.sourceOps, modelLabel(ssd!)).toContain('RESIZE_BILINEAR');
    expect(resizeModeOf(tflite)).toBe('linear');
    const onnx = resizeOf(qdqResize({ mode: 'linear' }, 3));
    expect(libraryFunctionsOf(onnx)).toEqual(libraryFunctionsOf(tflite));
    // latency: one kernel call, elements streamed and bytes moved as for the TFLite layer of the same size (32 → 8 channels)
    const w = layerWork(onnx);
    const t = layerWork(tflite);
    expect(w.layers).toBe(t.layers);
    expect(w.elems_stream * 4).toBe(t.elems_stream);
    expect(w.bytes_act * 4).toBe(t.bytes_act);
  });

  const ort = sharedModels('onnx').find((f) => f.endsWith('nhwc_resize_sizes_opset18.quant.onnx'));
  it.skipIf(!ort)('a real file: ORT test data linear uint8 resize links the bilinear layer function (before: nearest)', () => {
    const a = analyzeForTargets(ort!);
    const r = a.layers.find((l) => l.op === 'Resize')!;
    expect(r.resizeMode).toBe('linear');
    expect(r.dtype).toBe('uint8');
    expect(libraryFunctionsOf(r)).toEqual(['forward_upsample_bilinear']);
  });
});
