/**
 * On the H747 (STEdgeAI 3.x/4.x) the latency model places activations with ST's memory-pool descriptor, the plan behind
 * the activation RAM figure (review8 finding 6: it used the fitted `activationSplit` byte rule). Oracles: ST's published
 * internal / external RAM of the re-identification row, and the descriptor plan stored with each model's features
 * (data/features activationPoolsLite, the figure `check` prints as internal + external RAM).
 */
import { describe, expect, it } from 'vitest';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { fitContext, latencyPlacement, latencyRows } from '../src/targets/latency/engine-models.ts';
import { resolveTarget } from '../src/targets/resolve.ts';

const h747 = resolveTarget('STM32H747I-DISCO');
const rows = latencyRows(loadCalibrationRows()).filter((r) => r.target === 'stm32h747i-disco');
const KIB = 1024;

describe('H747 latency placement: ST memory-pool descriptor', () => {
  it("a fitted row that publishes internal and external RAM is placed as ST published it (MobileNet v2 1.0 256x128: 398.25 + 804.38 KiB)", () => {
    const r = rows.find((x) => x.published.externalRamBytes !== undefined && x.published.externalRamBytes > 0 && x.arch === 'mobilenet_v2_1.0')!;
    expect(r.published.internalRamBytes! / KIB).toBeCloseTo(398.25, 2);
    expect(r.published.externalRamBytes! / KIB).toBeCloseTo(804.38, 2);
    // the split rule gave 0.556 (407,808 B kept internal of our 897 KiB plan)
    expect(latencyPlacement(r.features!, h747, fitContext(r)).activationExternalShare).toBeCloseTo(804.38 / (398.25 + 804.38), 6);
  });

  it('a prediction (newest tool) is placed by the descriptor plan the activation RAM figure prints', () => {
    let checked = 0;
    for (const r of rows.filter((x) => x.toolVersion === 'stedgeai-4.0')) {
      const pools = r.features!.activationPoolsLite;
      const share = latencyPlacement(r.features!, h747).activationExternalShare;
      // no stored plan: the lite pool fits the descriptor's first pool (AXI SRAM, 440 KiB)
      expect(share, r.rowId).toBeCloseTo(pools ? pools.externalBytes / (pools.internalBytes + pools.externalBytes) : 0, 9);
      if (pools) checked++;
    }
    // MobileNet v1 1.0, v2 0.35 (two files) / 1.0 / 1.4 224, SqueezeNet 224, YOLOv8n, MobileNet v2 1.0 256x128
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it("YOLOv8n 256 (ST: 653.67 KiB) goes 262,144 B of 709,952 to SDRAM by the descriptor, not 22 % by the split rule", () => {
    const r = rows.find((x) => x.arch === 'yolov8n' && x.toolVersion === 'stedgeai-4.0')!;
    expect(latencyPlacement(r.features!, h747).activationExternalShare).toBeCloseTo(262144 / (447808 + 262144), 6);
  });

  it('a published pool within the first pool stays internal; STM32Cube.AI rows keep the whole-pool rule', () => {
    const eff = rows.find((x) => x.arch === 'st_efficientnet_lc_v1' && x.toolVersion === 'stedgeai-4.0' && x.resolution === '128x128x3')!;
    expect(latencyPlacement(eff.features!, h747, fitContext(eff)).activationExternalShare).toBe(0);
    const legacy = rows.find((x) => x.arch === 'squeezenet_v1.1' && x.toolVersion === 'cubeai-8.1' && x.resolution === '224x224x3')!;
    // 842 KiB > 512 KiB AXI SRAM: STM32Cube.AI 8.1 moves the whole pool to SDRAM (memory-map.ts)
    expect(latencyPlacement(legacy.features!, h747, fitContext(legacy)).activationExternalShare).toBe(1);
  });
});
