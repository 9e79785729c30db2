/**
 * Runtime RAM of ST's lite code generator (STEdgeAI Core 3.x/4.x): object sizes against ST's own reports, the
 * hybrid-layer count against ST's published zoo figures, and the relabelled-copy rule against the tables.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { DATA_DIR, loadCalibrationRows, loadFeatureStore } from '../src/targets/calibration/dataset.ts';
import { relabelledCopies } from '../src/targets/runtime-copies.ts';
import type { Layer } from '../src/analyzer/layer.ts';
import { fusedConvPools, libraryFunctionsOf, LITE_OBJECT_BYTES, liteHybridCount, liteRuntimeRamBytes } from '../src/targets/runtime-lite.ts';
import { fitRuntimeMemory, libraryCodeBytes, predictRuntimeBytes, RUNTIME_LIBRARY_RECORDS, type RuntimeLibraryRecord } from '../src/targets/runtime-memory.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

interface ReportRecord {
  report: string;
  networkO: { data: number; bss: number };
  runtimeLibrary: { data: number; bss: number };
  writableObjects: { ai_array: number; ai_tensor: number; ai_intq_info_list: number; ai_layer: string[] };
}

const LAYER_BYTES: Record<string, number> = { ELTWISE_INTEGER_TYPE: LITE_OBJECT_BYTES.layer, DENSE_TYPE: LITE_OBJECT_BYTES.layer, TRANSPOSE_TYPE: LITE_OBJECT_BYTES.transposeLayer };

describe('lite generator objects (ST Edge AI Core 3.0.0 reports)', () => {
  const doc = JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/runtime-lite-3.0.0-reports.json'), 'utf8')) as { records: ReportRecord[] };

  it('the runtime library has no .data/.bss: runtime RAM is network.o alone', () => {
    expect(doc.records.length).toBeGreaterThanOrEqual(15);
    for (const r of doc.records) expect(r.runtimeLibrary.data + r.runtimeLibrary.bss, r.report).toBe(0);
  });

  it('network.o .data is the writable objects of network.c priced with the struct sizes', () => {
    const priced = doc.records.filter((r) => r.writableObjects.ai_layer.every((t) => t in LAYER_BYTES));
    expect(priced.length).toBeGreaterThanOrEqual(14);
    for (const r of priced) {
      const o = r.writableObjects;
      const bytes = o.ai_array * LITE_OBJECT_BYTES.array + o.ai_tensor * LITE_OBJECT_BYTES.tensorDescriptor + o.ai_intq_info_list * LITE_OBJECT_BYTES.intq + o.ai_layer.reduce((s, t) => s + LAYER_BYTES[t]!, 0);
      // a float dense layer object is 4 B smaller than the int8 one (396 vs 400 B): the only deviation
      expect(Math.abs(bytes - r.networkO.data), r.report).toBeLessThanOrEqual(4);
    }
    // a graph whose every layer has a lite kernel leaves nothing in RAM
    expect(doc.records.some((r) => r.writableObjects.ai_layer.length === 0 && r.networkO.data + r.networkO.bss === 0)).toBe(true);
  });
});

describe('lite runtime RAM against the published zoo 4.x rows', () => {
  const rows = loadCalibrationRows();
  const lite = rows.filter((r) => r.table === 'mcu' && /^stedgeai-4/.test(r.toolVersion) && r.features?.runtimeObjects && r.published.runtimeRamBytes !== undefined);

  it('files ST published (exact stand-ins, incl. those whose sha256 is the zoo LFS oid) are within ±3 %', () => {
    const exact = lite.filter((r) => r.standIn === 'exact-file' && r.arch !== 'resnet_v1_32' && r.published.runtimeRamBytes! > 0);
    expect(new Set(exact.map((r) => r.arch))).toEqual(
      new Set(['st_mnist_v1', 'resnet_v1_8', 'yamnet_256', 'yolov8n', 'fdmobilenet_0.25', 'st_fdmobilenet_v1', 'mobilenet_v1_0.25', 'squeezenet_v1.1']),
    );
    for (const r of exact) {
      const p = liteRuntimeRamBytes(r.features!.runtimeObjects!.lite);
      expect(Math.abs(p - r.published.runtimeRamBytes!) / r.published.runtimeRamBytes!, `${r.rowId} ${r.model}: ${p} vs ${r.published.runtimeRamBytes}`).toBeLessThan(0.03);
    }
  });

  it('a graph of lite kernels only has no runtime RAM (ST YOLO LC v1: 0 KiB published)', () => {
    const yolo = lite.filter((r) => r.arch === 'st_yolo_lc_v1');
    expect(yolo.length).toBe(3);
    for (const r of yolo) {
      expect(r.published.runtimeRamBytes).toBe(0);
      expect(liteRuntimeRamBytes(r.features!.runtimeObjects!.lite)).toBe(0);
    }
  });

  it('check uses the object count for the newest (lite) tool version, with no fitted parameter', () => {
    const fit = fitRuntimeMemory('runtime-ram', 'stedgeai-4.0', [], 0)!;
    expect(fit.method).toBe('lite-objects');
    const resnet8 = lite.find((r) => r.arch === 'resnet_v1_8')!;
    expect(predictRuntimeBytes(fit, resnet8.features!)).toBe(liteRuntimeRamBytes(resnet8.features!.runtimeObjects!.lite));
  });

  it.skipIf(!HAVE_SHARED)('ResNet v1 8: three ADDs and the 8×8 average pool stay hybrid; convs, per-tensor FC and softmax are lite', async () => {
    // the file's operators: CONV_2D ×9, ADD ×3, AVERAGE_POOL_2D, RESHAPE, FULLY_CONNECTED (one weight scale), SOFTMAX
    const a = await analyzeForTargets(join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite'));
    const c = liteHybridCount(a);
    expect(c.layersByReason).toEqual({ eltwise: 3, pool: 1 });
    // 3 ADDs read 6 distinct tensors and write 3; the pool reads the last ADD's output: 10 tensors, all int8
    expect(c.tensors).toBe(10);
    expect(c.quantizedTensors).toBe(10);
  });
});

interface FileIdentity {
  records: { zooPath: string; lfsOid: string; standInRef: string; standInSha256: string; sameFile: boolean; rows: string[] }[];
}

describe('runtime RAM on the files ST benchmarked (zoo 4.0 LFS oid = our stand-in sha256)', () => {
  const rows = loadCalibrationRows();
  const byId = new Map(rows.map((r) => [r.rowId, r]));
  const identity = JSON.parse(readFileSync(join(DATA_DIR, 'published/zoo-4x-file-identity.json'), 'utf8')) as FileIdentity;
  const store = loadFeatureStore();

  it('the identity records agree with the stored features (the sha256 our analyzer hashed)', () => {
    expect(identity.records.length).toBeGreaterThanOrEqual(15);
    for (const rec of identity.records) {
      expect(store.get(rec.standInRef)?.sha256, rec.standInRef).toBe(rec.standInSha256);
      expect(rec.sameFile).toBe(rec.lfsOid === rec.standInSha256);
    }
  });

  it('every row whose stand-in is the benchmarked file is within ±3 % of the published runtime RAM', () => {
    const same = identity.records.filter((r) => r.sameFile).flatMap((r) => r.rows.map((id) => byId.get(id)!));
    // SqueezeNet v1.1, FD-MobileNet 0.25, ST FD-MobileNet v1, MobileNet v1 0.25 grayscale; 3.0 and 4.0 tables
    expect(new Set(same.map((r) => r.arch))).toEqual(new Set(['squeezenet_v1.1', 'fdmobilenet_0.25', 'st_fdmobilenet_v1', 'mobilenet_v1_0.25']));
    expect(same.length).toBe(14);
    for (const r of same) {
      const p = liteRuntimeRamBytes(r.features!.runtimeObjects.lite);
      const pub = r.published.runtimeRamBytes!;
      expect(Math.abs(p - pub) / pub, `${r.rowId} ${r.model} ${r.resolution}: ${p} vs ${pub}`).toBeLessThan(0.03);
    }
  });

  it("SqueezeNet's input convolution and the 3×3/2 max pool after it are one hybrid conv2d_nl_pool; ST YOLO LC's padded 2×2/1 pool is not fused", () => {
    const sq = rows.find((r) => r.rowId === 'mcu-zoo-4-72')!;
    expect(sq.features!.runtimeObjects.lite.layersByReason).toEqual({ 'conv-pool': 1, datamove: 8, pool: 1 });
    // ST's 3.72 KiB: within 1.5 % with the fused layer; the same count without it (one conv2d_nl_pool object and
    // its 6 tensors, 4 quantized, taken away) is 18 % short
    const lite = sq.features!.runtimeObjects.lite;
    const published = sq.published.runtimeRamBytes!;
    const fusedBytes = LITE_OBJECT_BYTES.convPoolLayer + 6 * LITE_OBJECT_BYTES.tensor + 4 * LITE_OBJECT_BYTES.intq;
    expect(Math.abs(liteRuntimeRamBytes(lite) - published) / published).toBeLessThan(0.015);
    expect((published - (liteRuntimeRamBytes(lite) - fusedBytes)) / published).toBeGreaterThan(0.15);
    const yolo = rows.find((r) => r.rowId === 'mcu-zoo-4-75')!;
    expect(yolo.features!.runtimeObjects.lite.layers).toBe(0);
  });

  it.skipIf(!HAVE_SHARED)('fusion rule on the files: only the pool that follows a convolution, unpadded, with stride > 1', async () => {
    const sq = await analyzeForTargets(join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/squeezenetv1.1/squeezenetv1.1_128_tfs_int8.tflite'));
    const fused = [...fusedConvPools(sq)];
    expect(fused.length).toBe(1); // MAX_POOL_2D_2 after CONV_2D_1; the pools after fire3/fire5 read a concat
    const [pool, conv] = fused[0]!;
    expect([pool.op, pool.conv!.kernel, pool.conv!.strides]).toEqual(['MaxPool', [3, 3], [2, 2]]);
    expect([conv.op, conv.conv!.kernel, conv.conv!.cin]).toEqual(['Conv', [3, 3], 3]);
    const yolo = await analyzeForTargets(join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/object_detection/st_yolo_lc_v1/st_yolo_lc_v1_192_int8.tflite'));
    expect(fusedConvPools(yolo).size).toBe(0);
  });

  it.skipIf(!HAVE_SHARED)("ResNet v1 8's convolutions call the kernels ST's ResNet v1 8 network.c calls: rgb, generic, deep 3×3, deep, pointwise", async () => {
    const a = await analyzeForTargets(join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite'));
    const convs = new Set(a.layers.filter((l) => l.op === 'Conv').map((l) => libraryFunctionsOf(l)[0]));
    expect(convs).toEqual(new Set(['forward_lite_conv2d_rgb_sssa8_ch', 'forward_lite_conv2d_sssa8_ch', 'forward_lite_conv2d_deep_3x3_sssa8_ch', 'forward_lite_conv2d_deep_sssa8_ch', 'forward_lite_pw_sssa8_ch']));
  });
});

/** A per-channel int8 convolution of the given geometry (only the fields libraryFunctionsOf reads). */
function conv(cin: number, cout: number, k: number, stride: number, pad = (k - 1) / 2, kw = k): Layer {
  const p = Math.floor(pad);
  return {
    op: 'Conv', dtype: 'int8', weightDtype: 'int8', perChannel: true, inputs: ['x'], inputDtypes: ['int8'],
    conv: { kernel: [k, kw], strides: [stride, stride], dilations: [1, 1], pads: [p, p, p, p], group: 1, cin, cout },
  } as unknown as Layer;
}

describe('lite code flash: the library entry points network.c references', () => {
  it("convolution kernels as ST's generated network.c calls them (data/st-generated/conv-kernel-calls-lite.json), a padded copy in front of a padded valid-only kernel", () => {
    const rows = (JSON.parse(readFileSync(join(DATA_DIR, 'st-generated/conv-kernel-calls-lite.json'), 'utf8')) as { calls: { cin: number; cout: number; kernel: [number, number]; stride: number; called: string; calls: number; note?: string }[] }).calls;
    let reproduced = 0;
    for (const r of rows) {
      const fn = libraryFunctionsOf(conv(r.cin, r.cout, r.kernel[0], r.stride, r.kernel[0] === 1 ? 0 : undefined, r.kernel[1]))[0];
      if (fn === `forward_lite_${r.called}_sssa8_ch`) reproduced += r.calls;
      // 16→16 3×3/1: the generic kernel in two networks, deep_3x3 in one (lite-conv-kernel.ts): the rule takes the majority
      else expect([r.cin, r.cout, r.kernel[0], r.stride, r.called], JSON.stringify(r)).toEqual([16, 16, 3, 1, 'conv2d_deep_3x3']);
    }
    expect(reproduced).toBe(rows.reduce((s, r) => s + r.calls, 0) - 4);
    // the deep kernels take valid padding only: a padded one is a pad_before copy + the kernel
    expect(libraryFunctionsOf(conv(32, 32, 3, 1))).toEqual(['forward_lite_conv2d_deep_3x3_sssa8_ch', 'forward_lite_pad_constant']);
    expect(libraryFunctionsOf(conv(32, 32, 3, 1, 0))).toEqual(['forward_lite_conv2d_deep_3x3_sssa8_ch']);
    expect(libraryFunctionsOf(conv(32, 64, 3, 2))).toEqual(['forward_lite_conv2d_deep_sssa8_ch', 'forward_lite_pad_constant']);
    // the generic kernel takes the padding inside (8→16 3×3/1, 16→32 3×3/2: no _pad_before in ST's files)
    expect(libraryFunctionsOf(conv(8, 16, 3, 1))).toEqual(['forward_lite_conv2d_sssa8_ch']);
    expect(libraryFunctionsOf(conv(16, 32, 3, 2))).toEqual(['forward_lite_conv2d_sssa8_ch']);
  });

  it('a hybrid layer brings its layer function and the operator functions its ai_layer points to', () => {
    const add = { op: 'Add', dtype: 'int8', inputs: ['a', 'b'], inputDtypes: ['int8', 'int8'] } as unknown as Layer;
    expect(libraryFunctionsOf(add)).toEqual(['forward_eltwise_integer_INT8', 'ai_sum_buffer_INT8', 'ai_sum_f32']);
    const relu6 = { op: 'Min', dtype: 'int8', inputs: ['a'], inputDtypes: ['int8'] } as unknown as Layer;
    expect(libraryFunctionsOf(relu6)).toEqual([]); // a clip against a constant, folded into the kernel before it
    const perTensor = { ...conv(16, 16, 3, 1), perChannel: false } as Layer;
    expect(libraryFunctionsOf(perTensor)).toEqual(['forward_conv2d_integer_SSSA']);
  });

  it('library bytes are the union of the entry points closures: helpers two kernels share are linked once', () => {
    const pw = libraryCodeBytes(['forward_lite_pw_sssa8_ch']);
    const generic = libraryCodeBytes(['forward_lite_conv2d_sssa8_ch']);
    const both = libraryCodeBytes(['forward_lite_pw_sssa8_ch', 'forward_lite_conv2d_sssa8_ch']);
    expect(both).toBeGreaterThan(Math.max(pw, generic));
    expect(both).toBeLessThan(pw + generic);
    expect(libraryCodeBytes(['forward_lite_pw_sssa8_ch', 'forward_lite_pw_sssa8_ch'])).toBe(pw);
    expect(() => libraryCodeBytes(['forward_lite_no_such_kernel'])).toThrow(/not in the NetworkRuntime1200_CM7_GCC.a size record/);
  });

  it('every entry point a stored feature record names is in the library record (none priced 0 B by omission)', () => {
    const store = [...loadFeatureStore()];
    expect(store.length).toBeGreaterThan(0);
    for (const [key, rec] of store) {
      const fns = rec.features.runtimeObjects.libraryFunctions;
      expect(fns, key).toBeDefined();
      expect(() => libraryCodeBytes(fns!), key).not.toThrow();
    }
  });

  it('every entry point libraryFunctionsOf can name, for any op, types, geometry and fused pool, is in the library record (check never throws on it)', () => {
    const ops = 'Conv DepthwiseConv ConvTranspose Dense MatMul Add Sub Mul Div Max Min AveragePool MaxPool GlobalAveragePool GlobalMaxPool ReduceMean ReduceSum Softmax Activation BatchNorm Concat Split Slice Gather Pad Resize Transpose Reshape Quantize Dequantize Cast Shape Unknown'.split(' ');
    const types = ['float32', 'int8', 'uint8', 'int16', 'int4', 'int32', undefined];
    const activations = ['relu', 'relu6', 'clip', 'sigmoid', 'tanh', 'hardswish', 'hardsigmoid', 'leakyrelu', 'prelu', 'swish', 'gelu', 'none', undefined];
    const geometries = [conv(3, 8, 3, 1).conv, conv(32, 64, 3, 2).conv, conv(32, 64, 1, 2).conv, { ...conv(16, 16, 3, 1).conv!, dilations: [2, 2] }, { ...conv(8, 16, 3, 1).conv!, group: 8 }, undefined];
    const pool = { op: 'MaxPool' } as Layer;
    const named = new Set<string>();
    // source ops and input sizes that pick a data-move function (TILE, bilinear resize, a 1×1 image resized)
    const sources = [['X'], ['TILE'], ['RESIZE_BILINEAR']];
    const shapes = [[1, 1, 1, 8], [1, 4, 4, 8]];
    for (const op of ops) for (const dtype of types) for (const weightDtype of types) for (const activation of activations) for (const perChannel of [true, false]) for (const inputs of [['a'], ['a', 'b']]) for (const g of geometries) for (const sourceOps of op === 'Concat' || op === 'Resize' ? sources : [sources[0]]) for (const s of op === 'Resize' ? shapes : [shapes[1]]) {
      // both readers put a resize's interpolation on the layer (TFLite: from its op)
      const resizeMode = op === 'Resize' ? (sourceOps[0] === 'RESIZE_BILINEAR' ? 'linear' : 'nearest') : undefined;
      const l = { op, dtype, weightDtype, activation, perChannel, inputs, outputs: ['y'], conv: g, inputDtypes: [dtype], outputDtypes: [dtype], sourceOps, resizeMode, inputShapes: [s], layout: 'NHWC' } as unknown as Layer;
      for (const fn of [...libraryFunctionsOf(l), ...libraryFunctionsOf(l, pool)]) named.add(fn);
    }
    expect(named.size).toBeGreaterThan(40);
    for (const fn of ['forward_tile', 'forward_upsample_bilinear_is8os8', 'forward_upsample_bilinear', 'forward_upsample_nearest']) expect(named.has(fn), fn).toBe(true);
    // every record code flash may be priced with (runtimeLibraryFor: 3.0 / 4.0, Cortex-M7 / M33)
    for (const record of Object.keys(RUNTIME_LIBRARY_RECORDS) as RuntimeLibraryRecord[]) for (const fn of named) expect(() => libraryCodeBytes([fn], record), `${fn} in ${record}`).not.toThrow();
  });

  it('a feature record without libraryFunctions is an error, not a fit that counts no library code', () => {
    const r = loadCalibrationRows().find((x) => x.table === 'mcu' && x.toolVersion === 'stedgeai-4.0' && x.features && x.published.codeFlashBytes)!;
    const { libraryFunctions: _dropped, ...runtimeObjects } = r.features!.runtimeObjects;
    const stale = { ...r.features!, runtimeObjects };
    const rows = ['a', 'b'].map(() => ({ features: stale, bytes: r.published.codeFlashBytes! }));
    expect(() => fitRuntimeMemory('code-flash', 'stedgeai-4.0', rows, 1)).toThrow(/libraryFunctions missing/);
  });
});

describe('relabelled copies', () => {
  it('the zoo 4.x ResNet v1 32 rows repeat the 8.1-era row figure for figure, and no other row does', () => {
    const rows = loadCalibrationRows();
    const copies = relabelledCopies(rows);
    const byId = new Map(rows.map((r) => [r.rowId, r]));
    expect([...copies.keys()].map((id) => byId.get(id)!.arch)).toEqual(['resnet_v1_32', 'resnet_v1_32']);
    for (const [id, src] of copies) {
      const a = byId.get(id)!.published;
      const b = byId.get(src)!.published;
      expect(a.runtimeRamBytes).toBe(b.runtimeRamBytes);
      expect(a.codeFlashBytes).toBe(b.codeFlashBytes);
      expect(byId.get(src)!.source).toMatch(/MohamedElhadidy0019/);
    }
  });
});

describe('code flash of layers no library function is known for', () => {
  it.skipIf(!HAVE_SHARED)('a uint8 QDQ MobileNet v2: every convolution and the classifier are uncounted, and check calls the figure a lower bound', async () => {
    const { loadModel } = await import('../src/analyzer/load.ts');
    const { evaluateTargets } = await import('../src/targets/evaluate.ts');
    const { runtimeObjectCounts } = await import('../src/targets/runtime-lite.ts');
    const path = join(MODELS_DIR, 'onnx_public/whole_networks/mobilenetv2_quant_static.onnx');
    // the file's own nodes: every Conv (regular and depthwise) and the Gemm classifier run on uint8 weights
    const nodes = loadModel(path).graph.nodes;
    const convs = nodes.filter((n) => n.opType === 'Conv').length;
    const dense = nodes.filter((n) => n.opType === 'Gemm' || n.opType === 'MatMul').length;
    const a = analyzeForTargets(path);
    const uncounted = runtimeObjectCounts(a).uncountedLayers ?? {};
    const total = Object.values(uncounted).reduce((s, n) => s + n, 0);
    expect(total).toBe(convs + dense);
    // keys name the op and the types its kernel takes (the file's convolutions, depthwise ones included, and its Gemm)
    expect(Object.keys(uncounted).sort()).toEqual(['Conv (input uint8, weights uint8)', 'Dense (input uint8, weights uint8)', 'DepthwiseConv (input uint8, weights uint8)']);
    const [h7] = evaluateTargets(a, ['stm32h747i-disco']);
    expect(h7!.notes.some((n) => n.startsWith('code flash is a lower bound') && n.includes('Conv (input uint8, weights uint8) ×'))).toBe(true);
  });

  it.skipIf(!HAVE_SHARED)("ST's int8 ResNet v1 8: every layer links a known function, no lower-bound note", async () => {
    const { evaluateTargets } = await import('../src/targets/evaluate.ts');
    const { runtimeObjectCounts } = await import('../src/targets/runtime-lite.ts');
    const a = analyzeForTargets(join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite'));
    expect(runtimeObjectCounts(a).uncountedLayers).toBeUndefined();
    const [h7] = evaluateTargets(a, ['stm32h747i-disco']);
    expect(h7!.notes.some((n) => n.startsWith('code flash is a lower bound'))).toBe(false);
  });
});

describe('code flash of 16-bit activations (A16W8)', () => {
  /** QDQ: float x → Q/DQ (activation type `act`) → Conv 3×3 8→8 (int8 weights, per-channel) → Q/DQ (`act`) → y. */
  async function qdqConvFile(act: 'int8' | 'int16'): Promise<string> {
    const { OnnxGraphBuilder } = await import('../src/analyzer/onnx/builder.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const g = new OnnxGraphBuilder({ opsets: { '': 21 } });
    g.input('x', 'float32', [1, 8, 16, 16]);
    g.initializer('s', 'float32', [], [0.02]);
    g.initializer('zp', act, [], [0]);
    g.node('QuantizeLinear', ['x', 's', 'zp'], ['xq']);
    g.node('DequantizeLinear', ['xq', 's', 'zp'], ['xd']);
    g.initializer('wq', 'int8', [8, 8, 3, 3], new Array<number>(576).fill(1));
    g.initializer('ws', 'float32', [8], new Array<number>(8).fill(0.01));
    g.initializer('wzp', 'int8', [8], new Array<number>(8).fill(0));
    g.node('DequantizeLinear', ['wq', 'ws', 'wzp'], ['w'], { axis: 0 });
    g.node('Conv', ['xd', 'w'], ['c'], { pads: [1, 1, 1, 1] });
    g.node('QuantizeLinear', ['c', 's', 'zp'], ['yq']);
    g.node('DequantizeLinear', ['yq', 's', 'zp'], ['y']);
    g.output('y', 'float32', [1, 8, 16, 16]);
    const path = join(mkdtempSync(join(tmpdir(), 'edgefit-a16w8-')), `conv-${act}.onnx`);
    writeFileSync(path, g.toBytes());
    return path;
  }

  it('an int16-activation convolution and its int16 conversions are uncounted (the library kernels are 8-bit), an int8 one is counted', async () => {
    const { runtimeObjectCounts } = await import('../src/targets/runtime-lite.ts');
    const a16 = runtimeObjectCounts(analyzeForTargets(await qdqConvFile('int16')));
    // the file: QuantizeLinear float32 → int16 at the input, the Conv on int16 activations with int8 weights,
    // DequantizeLinear int16 → float32 at the output
    expect(a16.uncountedLayers).toEqual({ 'Quantize (float32 → int16)': 1, 'Conv (input int16, weights int8)': 1, 'Dequantize (int16 → float32)': 1 });
    expect(a16.libraryFunctions).toEqual([]);
    const a8 = runtimeObjectCounts(analyzeForTargets(await qdqConvFile('int8')));
    expect(a8.uncountedLayers).toBeUndefined();
    expect(a8.libraryFunctions).toContain('forward_lite_conv2d_sssa8_ch');
  });
});

describe('the lower-bound note names each uncounted layer by op and the types its kernel takes', () => {
  it("an op the analyzer does not know is named by the file's op type, with its input type; check's note lists it", async () => {
    const { OnnxGraphBuilder } = await import('../src/analyzer/onnx/builder.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { runtimeObjectCounts } = await import('../src/targets/runtime-lite.ts');
    const { evaluateTargets } = await import('../src/targets/evaluate.ts');
    const g = new OnnxGraphBuilder({ opsets: { '': 17 } });
    g.input('x', 'float32', [1, 8]);
    g.node('FancyNorm', ['x'], ['y'], {}, { domain: 'com.example' });
    g.output('y', 'float32', [1, 8]);
    const path = join(mkdtempSync(join(tmpdir(), 'edgefit-unknown-')), 'fancy.onnx');
    writeFileSync(path, g.toBytes());
    const a = analyzeForTargets(path);
    expect(runtimeObjectCounts(a).uncountedLayers).toEqual({ 'FancyNorm (unknown op, input float32)': 1 });
    const [h7] = evaluateTargets(a, ['stm32h747i-disco']);
    const note = h7!.notes.find((n) => n.startsWith('code flash is a lower bound'));
    expect(note).toContain('FancyNorm (unknown op, input float32) ×1');
  });
});

describe('code flash of a max pool after a convolution with no fused-pool kernel in the library', () => {
  async function convThenPool(depthwise: boolean) {
    const { NetBuilder } = await import('../src/zoo/net.ts');
    const { writeQdqModel } = await import('../src/zoo/qdq-writer.ts');
    const { loadModelBytes } = await import('../src/analyzer/load.ts');
    const { analyzeModel } = await import('../src/analyzer/analyze.ts');
    const b = new NetBuilder('conv_pool', 'input', [16, 16, 8]);
    const c = b.conv('input', { name: 'c', cout: depthwise ? undefined : 16, k: 3, padding: 'same', depthwise, act: 'relu' });
    const p = b.pool('maxpool', c, { name: 'p', k: 2, s: 2, padding: 'valid' });
    const bytes = writeQdqModel(b.finish(b.flatten(p, 'f')), { modelName: 'conv_pool', docString: '', seed: 1, opset: 17, io: 'int8' });
    return analyzeModel(loadModelBytes(bytes, 'conv_pool.onnx'));
  }

  it('a per-channel convolution takes the pool into its _nl_pool kernel; a depthwise one leaves the pool its own kernel', async () => {
    const { runtimeObjectCounts } = await import('../src/targets/runtime-lite.ts');
    const conv = runtimeObjectCounts(await convThenPool(false)).libraryFunctions ?? [];
    // 16→16 3×3/1 (the builder's [16, 16, 8] input is channels-first): the generic kernel's _nl_pool variant (lite-conv-kernel.ts)
    expect(conv).toContain('forward_conv2d_sssa8_ch_nl_pool');
    expect(conv).not.toContain('forward_lite_maxpool_is8os8_scalepos');
    const dw = runtimeObjectCounts(await convThenPool(true)).libraryFunctions ?? [];
    expect(dw).toContain('forward_lite_dw_3x3_sssa8_ch');
    // the 2×2/2 pool's code is counted: before this rule it was dropped with the pool layer
    expect(dw).toContain('forward_lite_maxpool_is8os8_scalepos');
  });
});
