/**
 * One allocator across ST's generators (docs/memory-4x.md "Session 12").
 *
 * Oracles: ST's own generated files (data/st-generated):
 * - legacy-1.0.0-u5-yamnet-256.json: ST Edge AI Core 1.0.0 (the X-CUBE-AI 9.1.0 generation), legacy C runtime,
 *   `optimization: balanced`, the zoo Yamnet 256 as ST's developer cloud generated it (report: 112,196 B);
 * - legacy-2.0.0-h747-ssd-mobilenet-v1-025-192.json: ST's STM32H747I-DISCO object-detection application, legacy C
 *   API, generated 2025-04-04 (X-CUBE-AI 10.x era), pool 246,256 B;
 * - their 3.0.0 lite counterparts (ev7-placement-3.0.0-*.json, ST's own 3.0.0 outputs of the same networks);
 * - cinfo-4.0.0-u3-yamnet-256-time.json: ST Edge AI Core 4.0.0 lite with `-O time` (ST's U3 application);
 * - legacy-8.0.0-u5-yamnet-256-fsd50k.json: STM.ai 8.0.0 `-O balanced`, ST's U5 audio application (another head);
 * - legacy-2024-h747-mobilenet-v2-035-128.json / legacy-2.0.0-h747-mobilenet-v2-035-128.json: ST's H747
 *   image-classification application generated 2024-06-04 and 2025-04-04 (ST Edge AI Core 2.0.0 era), MobileNet v2
 *   0.35 128 with the weights of the zoo file of the H747 row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { planStPeakBytes } from '../src/analyzer/memory/index.ts';
import { checkStPlacement, loadStPlacement, replayOnStPlanner, type StGeneratedPlacement } from '../src/analyzer/memory/st4x-generated.ts';
import { planStLitePeakBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

const DATA = join(REPO_ROOT, 'data/st-generated');
const load = (f: string) => loadStPlacement(join(DATA, f));
const yamnet100 = load('legacy-1.0.0-u5-yamnet-256.json');
const yamnet300 = load('ev7-placement-3.0.0-u5-yamnet-256.json');
const ssdLegacy = load('legacy-2.0.0-h747-ssd-mobilenet-v1-025-192.json');
const ssd300 = load('ev7-placement-3.0.0-h747-ssd-mobilenet-v1-025-192.json');
const yamnetTime = load('cinfo-4.0.0-u3-yamnet-256-time.json');
const yamnet800 = load('legacy-8.0.0-u5-yamnet-256-fsd50k.json');
const mbv2 = load('legacy-2024-h747-mobilenet-v2-035-128.json');
const mbv2v200 = load('legacy-2.0.0-h747-mobilenet-v2-035-128.json');
const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const MBV2 = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/mobilenetv2/mobilenet_v2_0.35_128_fft_int8.tflite');

/** Buffers of `a` whose size or offset differs from the same-named buffer of `b` (names: `rename` maps a → b). */
function differing(a: StGeneratedPlacement, b: StGeneratedPlacement, rename: Record<string, string> = {}): string[] {
  const byName = new Map(b.buffers.map((x) => [x.name, x]));
  return a.buffers
    .filter((x) => {
      const y = byName.get(rename[x.name] ?? x.name);
      return !y || y.sizeBytes !== x.sizeBytes || y.offsetBytes !== x.offsetBytes;
    })
    .map((x) => x.name);
}

describe('legacy generations (X-CUBE-AI 9.1.0 / 10.x) place buffers as the 3.0.0 lite generator does', () => {
  it('both legacy records are valid plans whose highest byte is the pool ST reports (4-byte rounding)', () => {
    for (const p of [yamnet100, ssdLegacy]) {
      const c = checkStPlacement(p);
      expect(c.conflicts, p.source).toEqual([]);
      expect(p.poolBytes - c.topBytes, p.source).toBeGreaterThanOrEqual(0);
      expect(p.poolBytes - c.topBytes, p.source).toBeLessThan(4);
    }
    expect(yamnet100.poolBytes).toBe(yamnet300.poolBytes); // 112,196 B = 109.57 KiB, the zoo 9.1.0 and 4.x U5 figure
    expect(ssdLegacy.poolBytes).toBe(ssd300.poolBytes); // 246,256 B
  });

  it('Yamnet 256, Core 1.0.0 legacy vs 3.0.0 lite: 35 buffers, every offset and size equal but the dense/softmax tail', () => {
    const rename = { serving_default_input_10_output_array: 'serving_default_input_layer0_output_array' };
    expect(yamnet100.buffers).toHaveLength(yamnet300.buffers.length);
    // the legacy dense kernel takes an s16 scratch of 256 items (512 B; lite 612 B), which moves the two buffers after it
    expect(differing(yamnet100, yamnet300, rename)).toEqual(['gemm_13_scratch0_array', 'gemm_13_output_array', 'nl_14_scratch0_array']);
    expect(yamnet100.overlaps).toEqual(yamnet300.overlaps);
  });

  it('SSD MobileNet v1 0.25 192, 2025 legacy vs 3.0.0 lite: 136 buffers, every offset and size equal', () => {
    expect(ssdLegacy.buffers).toHaveLength(136);
    // the constant anchors output: copied in by the first layer in both (`_const_to_output_copy` / `_const_output`)
    const rename = { conversion_141_const_to_output_copy_output_array: 'conversion_141_const_output_output_array' };
    expect(differing(ssdLegacy, ssd300, rename)).toEqual([]);
    const anchors = ssdLegacy.buffers.find((b) => b.name.startsWith('conversion_141_const'))!;
    expect(anchors.firstStep).toBe(0);
    expect(anchors.lastStep).toBe(Math.max(...ssdLegacy.buffers.map((b) => b.lastStep)));
  });

  it("our st planner replays both legacy records as it replays their 3.0.0 counterparts", () => {
    expect(replayOnStPlanner(yamnet100)).toBe(112_193);
    expect(replayOnStPlanner(ssdLegacy)).toBe(replayOnStPlanner(ssd300));
  });

  it.skipIf(!HAVE_SHARED || !existsSync(YAMNET))('the lite model gives the 9.1.0 legacy pool of the zoo Yamnet file to the byte; the 8.1 plan is 5 % below it', () => {
    const a = analyzeModel(loadModelBytes(readFileSync(YAMNET), YAMNET));
    const top = checkStPlacement(yamnet100).topBytes;
    expect(planStLitePeakBytes(a, { scratchEngine: 'st' })).toBe(top);
    // The 8.1 plan's peak is the same conv2d_4 step with a 33×49 padded copy where ST (1.0.0 and 3.0.0) writes
    // 34×50 (lite rule 3): 64·(34·50 − 33·49) = 5,312 B.
    expect(top - planStPeakBytes(a, { scratchEngine: 'st' })!).toBe(5_312);
    expect(yamnet100.buffers.find((b) => b.name === 'conv2d_4_pad_before_output_array')!.sizeBytes).toBe(34 * 50 * 64);
  });
});

describe('-O time (STEdgeAI 4.0.0, ST U3 application)', () => {
  it('a valid plan; the report pool; our planner replays it exactly', () => {
    const c = checkStPlacement(yamnetTime);
    expect(c.conflicts).toEqual([]);
    expect(c.topBytes).toBe(158_720);
    expect(yamnetTime.poolBytes).toBe(158_720);
    expect(replayOnStPlanner(yamnetTime)).toBe(158_720);
  });

  it('every overlap is a padded copy written in place in its source, which is allocated at the padded size; no kernel output overlaps its input', () => {
    expect(yamnetTime.overlaps).toHaveLength(5);
    for (const o of yamnetTime.overlaps) {
      const out = yamnetTime.buffers[o.output]!;
      const src = yamnetTime.buffers[o.input]!;
      expect(out.name, out.name).toMatch(/_pad_before_output_array$/);
      expect(o.forwardDeltaBytes, out.name).toBe(0);
      expect(src.sizeBytes, src.name).toBe(out.sizeBytes);
    }
  });

  it('costs this network +41.5 % over the balanced generation of the same weights (158,720 vs 112,196 B)', () => {
    expect(yamnetTime.poolBytes - yamnet300.poolBytes).toBe(46_524);
  });
});

describe('older legacy generations of networks we hold (ST applications)', () => {
  it('all three are valid plans; our st planner replays them to their highest byte', () => {
    for (const [p, top] of [[yamnet800, 112_193], [mbv2, 229_888], [mbv2v200, 229_888]] as const) {
      const c = checkStPlacement(p);
      expect(c.conflicts, p.source).toEqual([]);
      expect(c.topBytes, p.source).toBe(top);
      expect(replayOnStPlanner(p), p.source).toBe(top);
    }
  });

  it('STM.ai 8.0.0 Yamnet (another head): from conv2d_2 on, every buffer where 9.1.0 puts it, the 34×50 padded copy included', () => {
    const byName = new Map(yamnet100.buffers.map((b) => [b.name, b]));
    const body = yamnet800.buffers.filter((b) => /^conv2d_([2-9]|1[01])_/.test(b.name));
    expect(body).toHaveLength(25);
    for (const b of body) expect([b.sizeBytes, b.offsetBytes], b.name).toEqual([byName.get(b.name)!.sizeBytes, byName.get(b.name)!.offsetBytes]);
    expect(yamnet800.buffers.find((b) => b.name === 'conv2d_4_pad_before_output_array')!.sizeBytes).toBe(34 * 50 * 64);
  });

  it('MobileNet v2 0.35 128, 2024 and 2025 generations: 72 buffers (the non-scratch1 ones of the older file) keep their offsets', () => {
    expect(mbv2v200.buffers).toHaveLength(139);
    expect(mbv2.buffers.filter((b) => b.name.includes('_scratch1_'))).toHaveLength(35);
    expect(mbv2v200.buffers.filter((b) => b.name.includes('_scratch1_'))).toHaveLength(0);
    const older = new Map(mbv2.buffers.map((b) => [b.name, b]));
    const kept = mbv2v200.buffers.filter((b) => older.get(b.name)?.offsetBytes === b.offsetBytes && older.get(b.name)?.sizeBytes === b.sizeBytes);
    expect(kept).toHaveLength(72);
  });

  it.skipIf(!HAVE_SHARED || !existsSync(MBV2))("MobileNet v2 0.35 128: ST's H747 application files (2024, 2025) are our pool to the byte (8.1 and lite plans); the zoo's 9.1.0/4.x row is 13,128 B above them", () => {
    const a = analyzeModel(loadModelBytes(readFileSync(MBV2), MBV2));
    const top = checkStPlacement(mbv2).topBytes;
    expect(checkStPlacement(mbv2v200).topBytes).toBe(top);
    expect(planStPeakBytes(a, { scratchEngine: 'st' })).toBe(top);
    expect(planStLitePeakBytes(a, { scratchEngine: 'st' })).toBe(top);
    const rows = JSON.parse(readFileSync(join(DATA, 'zoo-4x-h747-rows.json'), 'utf8')) as { rows: { file: string; activationKib4x: number }[] };
    const row = rows.rows.find((r) => r.file.endsWith('mobilenet_v2_0.35_128_fft_int8.tflite'))!;
    expect(Math.round(row.activationKib4x * 1024) - top).toBe(13_128);
  });
});
