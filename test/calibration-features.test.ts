/**
 * The committed derived data (data/features) must be what our analyzer computes from the stand-in files, and
 * every published row we use must name its source and its stand-in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCalibrationRows, loadFeatureStore } from '../src/targets/calibration/dataset.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { modelFeatures } from '../src/targets/model-features.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';

describe('calibration data', () => {
  const store = loadFeatureStore();

  it('every fitted row names its published source, tool version and stand-in', () => {
    const rows = loadCalibrationRows().filter((r) => r.features);
    expect(rows.length).toBeGreaterThan(150);
    for (const r of rows) {
      expect(r.source, r.rowId).toMatch(/README\.md@[0-9a-f]{40}/);
      expect(['exact-file', 'same-arch-file', 'zoo-builder']).toContain(r.standIn);
      expect(r.featuresRef).toBeTruthy();
    }
    // the stand-in kinds are all represented (exact files, legacy same-architecture files, zoo reconstructions)
    expect(new Set(rows.map((r) => r.standIn)).size).toBe(3);
  });

  const files = ['legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite', 'legacy_tflite/MohamedElhadidy0019/image_classification/resnetv1/resnet_v1_8_32_tfs_int8.tflite'];
  it.skipIf(!HAVE_SHARED)('stored features are what the analyzer computes from the files now', () => {
    for (const ref of files) {
      const path = join(MODELS_DIR, ref);
      if (!existsSync(path)) continue;
      const live = modelFeatures(analyzeForTargets(path));
      const stored = store.get(ref)!.features;
      expect(stored.macs, ref).toBe(live.macs);
      expect(stored.weightBytes, ref).toBe(live.weightBytes);
      expect(stored.kernelLayers, ref).toBe(live.kernelLayers);
      expect(stored.macsByKind, ref).toEqual(live.macsByKind);
    }
  });
});
