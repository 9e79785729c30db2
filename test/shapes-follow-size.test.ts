/**
 * Re-inference at another input size of a file that fixed shapes for its own (shapes/follow-size.ts): a YOLO
 * export's Reshape targets and folded anchor constants follow the new size, as an export at that size holds them.
 *
 * Oracles: onnxruntime running the same network built at the new size (its own targets and constants), tensor by
 * tensor; and, on the real YOLO files, the anchor count Σ (r / s)² over strides 8, 16, 32 and the conv MACs of an
 * all-conv network scaling as r².
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { analyzeModelAt } from '../src/analyzer/analyze.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { FOLLOWED_SHAPE_NOTE_START, followedReshape } from '../src/analyzer/shapes/follow-size.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { analyzeLoadedAt } from '../src/targets/present.ts';
import { runOracle } from './shapes-oracle-helpers.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

/**
 * A YOLO-head-like network exported at `size` px with `channels` channels: conv stride 2 (h = size / 2), then
 * Reshape to [1, C, h²] (a product of changed dims), an anchor-like constant added (a fixed operand), Reshape to
 * [1, 4, C/4, h²] (a changed dim taken one for one), Reshape back to [1, C, h, h] (h² split into a run), conv 1×1.
 */
function yoloLike(size: number, channels = 16): Uint8Array {
  const h = size / 2;
  const g = new OnnxGraphBuilder({ name: 'follow', opsets: { '': 17 } });
  g.input('x', 'float32', [1, 3, size, size]);
  g.initializer('w1', 'float32', [channels, 3, 3, 3], new Float32Array(channels * 27).fill(0.01));
  g.node('Conv', ['x', 'w1'], ['c'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, { name: 'conv1' });
  g.initializer('t1', 'int64', [3], [1, channels, h * h]);
  g.node('Reshape', ['c', 't1'], ['r1'], {}, { name: 'flatten_hw' });
  g.initializer('anchors', 'float32', [1, channels, h * h], new Float32Array(channels * h * h).fill(0.5));
  g.node('Add', ['anchors', 'r1'], ['a1'], {}, { name: 'add_anchors' });
  g.initializer('t2', 'int64', [4], [1, 4, channels / 4, h * h]);
  g.node('Reshape', ['a1', 't2'], ['r2'], {}, { name: 'dfl_like' });
  g.initializer('t3', 'int64', [4], [1, channels, h, h]);
  g.node('Reshape', ['r2', 't3'], ['r3'], {}, { name: 'back_to_hw' });
  g.initializer('w2', 'float32', [8, channels, 1, 1], new Float32Array(8 * channels).fill(0.01));
  g.node('Conv', ['r3', 'w2'], ['y'], { kernel_shape: [1, 1] }, { name: 'conv2' });
  g.output('y', 'float32', [1, 8, h, h]);
  return g.toBytes();
}

describe('shapes fixed for the file size follow a new input size', () => {
  it.each([48, 96, 160])("a network exported at 64 px, re-inferred at %i px: every tensor as onnxruntime gives it for the network exported at that size", async (size) => {
    const file = loadModelBytes(yoloLike(64), 'follow-64.onnx');
    // without following, the first fixed Reshape fails
    expect(() => inferShapes(file, { inputShapes: { x: [1, 3, size, size] } })).toThrow(/cannot reshape/);
    const followed = inferShapes(file, { inputShapes: { x: [1, 3, size, size] }, followFrom: inferShapes(file).types });
    const report = await runOracle(yoloLike(size), followed);
    expect(report.mismatches).toEqual([]);
    expect(report.compared).toBe(6); // every node output
    // the three Reshapes and the Add, each said once
    expect(followed.warnings.filter((w) => w.startsWith(FOLLOWED_SHAPE_NOTE_START)).map((w) => /node '([^']*)'/.exec(w)![1])).toEqual(['flatten_hw', 'add_anchors', 'dfl_like', 'back_to_hw']);
  });

  it('a channel count equal to the spatial size (C = H) is not guessed: the fixed shape fails as before', () => {
    // at 32 px, h = 16 = C: [1,16,16,16] → [1,16,256] cannot tell the channel from a spatial dim by value
    const file = loadModelBytes(yoloLike(32), 'follow-32.onnx');
    let error: unknown;
    try {
      analyzeModelAt(file, { x: [1, 3, 48, 48] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EdgefitError);
    expect((error as EdgefitError).code).toBe('BAD_SHAPE');
  });

  it('followedReshape: one for one, a product, a run split back, and nothing when the elements do not agree', () => {
    expect(followedReshape([1, 4, 16, 1344], [1, 64, 1344], [1, 64, 756])).toEqual([1, 4, 16, 756]);
    expect(followedReshape([1, 2, 128, 64], [1, 256, 8, 8], [1, 256, 10, 10])).toEqual([1, 2, 128, 100]);
    expect(followedReshape([1, 128, 8, 8], [1, 2, 64, 64], [1, 2, 64, 100])).toEqual([1, 128, 10, 10]);
    // three equal dims: which two are H and W is not known
    expect(followedReshape([1, 8, 8, 8], [1, 2, 4, 64], [1, 2, 4, 100])).toBeUndefined();
    expect(followedReshape([1, 4, 16, 1344], [1, 64, 1344], [1, 64, 1344])).toBeUndefined();
    // two runs of the input with the same native product (8·8 and 4·16) and different new ones: no target
    expect(followedReshape([1, 64, 64], [1, 8, 8, 4, 16], [1, 10, 10, 4, 12])).toBeUndefined();
  });
});

const cli = captureCli();

const YOLOV8N = join(MODELS_DIR, 'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx');
const YOLO26 = join(MODELS_DIR, 'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx');
const YOLO26_POSE = join(MODELS_DIR, 'pose_estimation/yolo26_pose_256_qdq_int8.onnx');

/** YOLO's anchor count at r px: one per cell of the stride 8, 16 and 32 maps. */
const anchors = (r: number) => (r / 8) ** 2 + (r / 16) ** 2 + (r / 32) ** 2;

describe.skipIf(!HAVE_SHARED)('the YOLO QDQ exports (fixed for 256 px) at other sizes', () => {
  it.each([
    [YOLOV8N, 5],
    [YOLO26, 5],
    [YOLO26_POSE, 56],
  ])('%s: the output holds Σ (r/s)² anchors at 160 … 416 px', (path, perAnchor) => {
    const model = loadModel(path);
    for (const r of [160, 192, 320, 416]) {
      const a = analyzeLoadedAt(model, r);
      const out = a.layers.find((l) => l.outputs.includes(model.graph.outputs[0]!))!;
      expect(out.outputShapes[0], `${r} px`).toEqual([1, perAnchor, anchors(r)]);
      expect(a.partial).toBe(false);
      expect(a.warnings.some((w) => w.startsWith(FOLLOWED_SHAPE_NOTE_START))).toBe(true);
    }
  });

  it("the YOLOv8n TFLite for 256 px, at 192 px, is ST's own 192 px export layer for layer", () => {
    // ST publishes the same network exported at both sizes: the stored shapes of the 192 file are the oracle
    const followed = analyzeLoadedAt(loadModel(join(MODELS_DIR, 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite')), 192);
    const exported = analyzeLoadedAt(loadModel(join(MODELS_DIR, 'object_detection/yolov8n_192_quant_pc_uf_od_coco-person.tflite')));
    const layers = (a: typeof followed) => a.layers.map((l) => ({ op: l.op, outputShapes: l.outputShapes, macs: l.macs }));
    expect(layers(followed)).toEqual(layers(exported));
    expect(followed.totals.weightBytes).toBe(exported.totals.weightBytes);
    // its two upsamples took the input's scale, and the head's Reshapes and anchors followed
    const said = followed.warnings.filter((w) => w.startsWith(FOLLOWED_SHAPE_NOTE_START));
    expect(said.filter((w) => w.includes('(RESIZE_NEAREST_NEIGHBOR): size [16,16] → [12,12]'))).toHaveLength(1);
    expect(said.length).toBeGreaterThan(5);
  });

  it('YOLOv8n (convolutions only): conv MACs scale exactly as r²', () => {
    const model = loadModel(YOLOV8N);
    const at256 = analyzeLoadedAt(model).totals.macsConvDense;
    for (const r of [160, 192, 320, 416]) expect(analyzeLoadedAt(model, r).totals.macsConvDense).toBe((at256 * r * r) / (256 * 256));
  });

  it('compare --resolutions 192,320 compares both sizes and says which shapes followed', async () => {
    expect(await cli.run('compare', YOLOV8N, '--resolutions', '192,320', '-t', 'N6')).toBe(0);
    const text = cli.out.replace(/\n {4}/g, ' ');
    expect(text).toContain("shape follows the input size: 5 shapes the file fixed for its own input size follow this one");
    expect(text).toContain("node '/model.22/dfl/Reshape' (Reshape): target [1,4,16,1344] → [1,4,16,756]");
    expect(cli.err).toBe('');
  });
});
