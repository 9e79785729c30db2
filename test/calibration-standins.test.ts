/**
 * Zoo-builder stand-ins take the I/O of the file ST benchmarked: a row measured on an int8 TFLite file gets the
 * uint8-input / float-output build (ST's TFLite files: uint8 → QUANTIZE … DEQUANTIZE → float), a QDQ ONNX row the
 * float build. With the TFLite I/O the build's activation plan is the real file's (same architecture, legacy fork),
 * so MCU rows count for activation RAM and weights flash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/targets/calibration/csv.ts';
import { featureFileName } from '../src/targets/calibration/feature-store.ts';
import { standInFor, type PublishedRowKey } from '../src/targets/calibration/model-sources.ts';
import { REPO_ROOT } from './helpers/shared.ts';

const DATA = join(REPO_ROOT, 'data');

function row(over: Partial<PublishedRowKey>): PublishedRowKey {
  return { model: 'MobileNet v1 0.25', file: 'mobilenetv1_a025_224_int8.tflite', resolution: '224x224x3', dataset: 'imagenet', format: 'Int8', origin: 'zoo-4', table: 'mcu', ...over };
}

function peakOf(ref: string): number {
  return (JSON.parse(readFileSync(join(DATA, 'features', featureFileName(ref)), 'utf8')) as { features: { activationPeakBytes: number } }).features.activationPeakBytes;
}

describe('zoo-builder stand-ins: I/O of the benchmarked file', () => {
  it('an MCU row on an int8 TFLite file: uint8-I/O build, memory-comparable', () => {
    const s = standInFor(row({}));
    expect(s.kind).toBe('zoo-builder');
    expect(s.zoo?.io).toBe('uint8');
    expect(s.ref).toBe('zoo:mobilenet_v1_a0.25_224x224x3_c1000_iouint8');
    expect(s.memoryComparable).toBe(true);
  });

  it('an N6 row on an int8 TFLite file: uint8-I/O build, still not memory-comparable (NPU formats)', () => {
    const s = standInFor(row({ table: 'npu', dataset: 'food101', model: 'MobileNet v1 0.25 fft', file: 'mobilenetv1_a025_224_fft_int8.tflite' }));
    expect([s.kind, s.zoo?.io, s.memoryComparable]).toEqual(['zoo-builder', 'uint8', false]);
  });

  it('a row on a QDQ ONNX file: the float build (ST QDQ files have float I/O)', () => {
    const s = standInFor(row({ table: 'npu', model: 'ST EfficientNet LC v1 tfs', file: 'st_efficientnetlcv1_128_tfs_qdq_int8.onnx', resolution: '128x128x3', dataset: 'food101', format: 'Int8' }));
    expect(s.kind).toBe('zoo-builder');
    expect(s.zoo?.io).toBeUndefined();
    expect(s.ref).toBe('zoo:st_efficientnet_lc_v1_128x128x3_c101');
  });

  const rows = ['mcu', 'npu', 'mpu'].flatMap((t) => parseCsv(readFileSync(join(DATA, 'published', `${t}.csv`), 'utf8')));
  const zooRows = rows.filter((r) => r.stand_in === 'zoo-builder');

  it('data/published: every zoo-builder row of a .tflite file uses the uint8-I/O build, no .onnx row does', () => {
    expect(zooRows.length).toBeGreaterThan(50);
    for (const r of zooRows) {
      const tflite = (r.model_file ?? '').toLowerCase().endsWith('.tflite');
      expect(r.stand_in_ref!.endsWith('_iouint8'), `${r.row_id} ${r.model_file}`).toBe(tflite);
    }
  });

  it("MCU rows: the uint8 build's activation plan equals the same-architecture TFLite file's (legacy fork)", () => {
    const pairs = zooRows.filter((r) => r.table === 'mcu' && r.fallback_ref);
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    for (const r of pairs) {
      expect(r.memory_comparable, r.row_id).toBe('true');
      expect(peakOf(r.stand_in_ref!), `${r.row_id} ${r.stand_in_ref} vs ${r.fallback_ref}`).toBe(peakOf(r.fallback_ref!));
    }
  });
});

describe('exact files by the zoo LFS oid (data/published/zoo-4x-file-identity.json)', () => {
  const squeezenet = { model: 'SqueezeNet v1.1 tfs', resolution: '128x128x3', dataset: 'tf_flowers', format: 'Int8', origin: 'zoo-4', table: 'mcu' } as const;

  it('a zoo 4.x row on the benchmarked file (named, or not named by the table) is the exact file', () => {
    for (const file of ['squeezenetv11_128_tfs_int8.tflite', '']) {
      const s = standInFor(row({ ...squeezenet, file }));
      expect([s.kind, s.memoryComparable], file).toEqual(['exact-file', true]);
    }
  });

  it('a row naming another file of the same network and folder is not (only the named file was hashed)', () => {
    const s = standInFor(row({ ...squeezenet, file: 'squeezenetv11_128_tfs_qdq_int8.onnx' }));
    expect(s.kind).toBe('same-arch-file');
  });
});
