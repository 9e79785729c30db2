/**
 * N6 Neural-ART weights flash (src/targets/neural-art-weights.ts) against ST's generated weight blobs
 * (data/st-generated/n6-weight-tables.json, read from ST's public N6 projects) and ST's published N6 figures.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { channelTableBytes, NATIVE_REQUANT_CHANNELS, neuralArtBlobBytes, neuralArtWeightsFlashBytes } from '../src/targets/neural-art-weights.ts';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { calibrate } from '../src/targets/calibration/calibrate.ts';
import { buildZooModel } from '../src/zoo/index.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

interface StTable {
  layer: string;
  outChannels: number;
  width: number;
  bytes: number;
}
interface StBlob {
  source: string;
  model: string;
  paramBlobBytes: number;
  paramBytesByKind: { kernels: number; inflatedKernels: number; channelTables: number; other: number };
  largestOutChannelsWithoutTables: number;
  smallestOutChannelsWithTables: number;
  tables: StTable[];
}
const blobs = (JSON.parse(readFileSync(join(REPO_ROOT, 'data/st-generated/n6-weight-tables.json'), 'utf8')) as { files: StBlob[] }).files;
const KiB = 1024;

describe('N6 weights flash: per-channel requantization tables', () => {
  it("ST's blobs: every table pair is 2 × 2 B × W × C, only convolutions over 512 output channels have one", () => {
    expect(blobs.length).toBe(6);
    for (const b of blobs) {
      for (const t of b.tables) {
        expect(t.bytes, `${b.source} ${t.layer}`).toBe(2 * 2 * t.width * t.outChannels);
        expect(t.outChannels).toBeGreaterThan(NATIVE_REQUANT_CHANNELS);
      }
      expect(b.largestOutChannelsWithoutTables, b.source).toBeLessThanOrEqual(NATIVE_REQUANT_CHANNELS);
      expect(b.paramBytesByKind.channelTables).toBe(b.tables.reduce((s, t) => s + t.bytes, 0));
      // the blob is the sum of its parameter buffers (gaps are alignment padding, < 1 %)
      const sum = Object.values(b.paramBytesByKind).reduce((s, x) => s + x, 0);
      expect(sum).toBeLessThanOrEqual(b.paramBlobBytes);
      expect(sum / b.paramBlobBytes).toBeGreaterThan(0.99);
    }
  });

  it.skipIf(!HAVE_SHARED)("MobileNet v2 256x128 (the zoo file): our tables are ST's reid.c tables layer by layer (STEdgeAI 3.0)", async () => {
    const st = blobs.find((b) => b.model.startsWith('re_identification/mobilenetv2_a100_256_128'))!;
    const a = await analyzeForTargets(join(MODELS_DIR, 're_identification/mobilenetv2_a100_256_128_fft_int8.tflite'));
    const ours = a.layers.filter((l) => channelTableBytes(l) > 0).map((l) => [l.outputShapes[0]![3], l.outputShapes[0]![2], channelTableBytes(l)]);
    const theirs = st.tables.map((t) => [t.outChannels, t.width, t.bytes]);
    expect(ours).toEqual(theirs);
    expect(ours.reduce((s, x) => s + x[2]!, 0)).toBe(214_016);
  });

  it.skipIf(!HAVE_SHARED)("ST's published N6 weights: YOLOv8n 256 (no convolution over 512 channels) unchanged, to the byte", async () => {
    const a = await analyzeForTargets(join(MODELS_DIR, 'object_detection/yolov8n_256_quant_pc_uf_od_coco-person.tflite'));
    expect(a.layers.every((l) => channelTableBytes(l) === 0)).toBe(true);
    expect(Math.abs(neuralArtWeightsFlashBytes(a) - 2959.08 * KiB)).toBeLessThan(1);
  });

  it("ST's published N6 weights of MobileNet v2 1.0 224 and MobileNet v1 1.0 224 (zoo-builder stand-ins, 101 classes) within 0.5 %", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgefit-n6w-'));
    try {
      // image_classification/mobilenetv2 and mobilenetv1 READMEs (STEdgeAI 3.0 and 4.0): 2686.42 and 3347.59 KiB
      for (const [id, alpha, publishedKiB, mcuErrorBelowPct] of [
        ['mobilenet_v2', 1, 2686.42, -13],
        ['mobilenet_v1', 1, 3347.59, -2],
      ] as const) {
        const m = buildZooModel(id, { resolution: 224, classes: 101, channels: 3, alpha, io: 'uint8' });
        const path = join(dir, `${m.name}.onnx`);
        writeFileSync(path, m.bytes);
        const a = await analyzeForTargets(path);
        const published = publishedKiB * KiB;
        expect(Math.abs(neuralArtWeightsFlashBytes(a) - published) / published, id).toBeLessThan(0.005);
        // the MCU figure (no tables) is far below on the net with 576/960/1280-channel layers
        expect((100 * ((a.totals.weightsFlashBytes ?? 0) - published)) / published, id).toBeLessThan(mcuErrorBelowPct);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!HAVE_SHARED)("MobileNet v2 256x128 re-identification row: ST's 2786.52 KiB is the application-blob form (3x3 depthwise x8, no biases) to 0.01 %", async () => {
    const a = await analyzeForTargets(join(MODELS_DIR, 're_identification/mobilenetv2_a100_256_128_fft_int8.tflite'));
    const published = 2786.52 * KiB;
    expect(Math.abs(neuralArtBlobBytes(a) - published) / published).toBeLessThan(0.0001);
    // the other form (what ST's image-classification and YOLO rows are) is 13 % below, the MCU figure 21 % below
    expect((neuralArtWeightsFlashBytes(a) - published) / published).toBeLessThan(-0.13);
    // the same file's H747 row (2205.06 KiB) is the MCU figure
    expect(Math.abs((a.totals.weightsFlashBytes ?? 0) - 2205.06 * KiB)).toBeLessThan(6);
  });

  it('the loader marks the two re-identification rows; every N6 weights row of the figure is within 3 % of ST', () => {
    const rows = loadCalibrationRows();
    expect(rows.filter((r) => r.weightsForm === 'application-blob').map((r) => r.rowId).sort()).toEqual(['npu-zoo-4-282', 'npu-zoo-4-283']);
    const n6 = calibrate({ rows }).records.filter((x) => x.target === 'stm32n6570-dk' && x.quantity === 'weightsFlash');
    expect(n6.length).toBeGreaterThanOrEqual(6);
    for (const x of n6) expect(Math.abs(x.errorPct), x.rowId).toBeLessThan(3);
  });

  it('a row listed in the blob form whose features lack the blob figure is an error, not a silent MCU-figure score', () => {
    const rows = loadCalibrationRows().map((r) => {
      if (r.weightsForm !== 'application-blob' || !r.features) return r;
      const { weightsBlobBytesNeuralArt: _dropped, ...features } = r.features;
      return { ...r, features };
    });
    expect(() => calibrate({ rows })).toThrow(/npu-zoo-4-283: .*no weightsBlobBytesNeuralArt/);
  });
});
