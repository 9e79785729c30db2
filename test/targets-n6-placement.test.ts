/**
 * The N6 latency model places activations with the Neural-ART compiler's pool plan (activation-peak.ts
 * neuralArtPoolPlan: each buffer whole in one pool, spill to hyperRAM), the plan behind the N6 activation RAM figure,
 * not with the MCU runtime's single pool. Two hand-built graphs on which the two plans disagree, checked by hand
 * against the N6 pools (npuRAM5/4/3/6 of 448 KiB, cpuRAM2 of 1 MiB: 2816 KiB contiguous, cpuRAM2 lowest), and ST's
 * published external RAM on every timed N6 row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import { poolPlanFor } from '../src/targets/activation-peak.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { loadCalibrationRows } from '../src/targets/calibration/dataset.ts';
import { evaluateTargets } from '../src/targets/evaluate.ts';
import { latencyPlacement, latencyRows } from '../src/targets/latency/engine-models.ts';
import { placementOf } from '../src/targets/latency/features.ts';
import { mapMemory } from '../src/targets/memory-map.ts';
import { modelFeatures } from '../src/targets/model-features.ts';
import { resolveTarget } from '../src/targets/resolve.ts';

const MiB = 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'edgefit-n6-placement-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const n6 = resolveTarget('STM32N6570-DK');

function analyze(name: string, g: OnnxGraphBuilder): Analysis {
  const path = join(tmp, `${name}.onnx`);
  writeFileSync(path, g.toBytes());
  return analyzeForTargets(path);
}

/** The share the MCU runtime's pool gives (the placement the N6 latency model used before): memory-map.ts on the st plan. */
function mcuPlanShare(a: Analysis): number {
  const f = modelFeatures(a);
  return placementOf(mapMemory(n6, { activationBytes: f.activationPeakBytes, weightBytes: f.weightsFlashBytes, runtimeRamBytes: 0, codeFlashBytes: 0 })).activationExternalShare;
}

/**
 * x → Relu → y → Relu → z, float32 1×384×1024 (1.5 MiB each). The MCU plan runs each Relu in place: one 1.5 MiB pool,
 * internal. The Neural-ART plan gives each tensor its own buffer, largest first: x (step 0) fits no pool and takes the
 * virtual pool over the contiguous internal ones at offset 0; y (steps 0–1, beside x) would need 1.5–3 MiB of a
 * 2.75 MiB span and goes to hyperRAM; z (step 1, beside y only) takes offset 0 again. Pools: cpuRAM2 1024 + npuRAM3
 * 448 + npuRAM4 64 KiB internal, hyperRAM 1536 KiB: half the activation bytes are external.
 */
function reluChain(): Analysis {
  const g = new OnnxGraphBuilder({ name: 'relu_chain' });
  g.input('x', 'float32', [1, 384, 1024]);
  g.node('Relu', ['x'], ['y']);
  g.node('Relu', ['y'], ['z']);
  g.output('z', 'float32', [1, 384, 1024]);
  return analyze('relu_chain', g);
}

/**
 * A float32 input (1×768×1024, 3 MiB) quantized to int8 (768 KiB). The MCU plan holds the float input: 3 MiB, over
 * the 2.75 MiB of internal pools, so it spilled 256 KiB (1/12). ST's N6 benchmark feeds the quantized input, and the
 * Neural-ART plan allocates only the int8 tensor: 768 KiB in cpuRAM2, nothing external.
 */
function quantizedInput(): Analysis {
  const g = new OnnxGraphBuilder({ name: 'quantized_input', opsets: { '': 13 } });
  g.input('x', 'float32', [1, 768, 1024]);
  g.initializer('s', 'float32', [], [0.05]);
  g.initializer('zp', 'int8', [], [0]);
  g.node('QuantizeLinear', ['x', 's', 'zp'], ['xq']);
  g.output('xq', 'int8', [1, 768, 1024]);
  return analyze('quantized_input', g);
}

describe('N6 latency placement comes from the Neural-ART pool plan', () => {
  it('MCU plan internal, pool plan spills: half the activation bytes in hyperRAM, in calibration features and in check', () => {
    const a = reluChain();
    expect(mcuPlanShare(a)).toBe(0);
    // the calibration path: features as extract-features stores them (built-in N6 profile)
    const f = modelFeatures(a, { withLitePeak: true });
    expect(f.activationPeakBytesNeuralArt).toBe(3 * MiB);
    expect(f.activationExternalBytesNeuralArt).toBe(1.5 * MiB);
    const KiB = 1024;
    expect(poolPlanFor(a, n6)!.pools.map((p) => [p.id, p.bytes])).toEqual([
      ['npuram4', 64 * KiB],
      ['npuram3', 448 * KiB],
      ['cpuram2', 1024 * KiB],
      ['hyperram', 1536 * KiB],
    ]);
    expect(latencyPlacement(f, n6).activationExternalShare).toBe(0.5);
    // the prediction path: check's N6 result says so, and its latency is flagged (no N6 row has external activations)
    const [r] = evaluateTargets(a, ['STM32N6570-DK']);
    expect(r!.activationBytes).toBe(3 * MiB);
    expect(r!.latencyNote).toMatch(/50\.0 % of the activation bytes are in hyperRAM .* by the Neural-ART pool plan/);
    expect(r!.latencyStatus).toBe('thin');
    expect(r!.latencyErrorPct).toBeNull();
  });

  it('MCU plan spills, pool plan internal: no activation byte in hyperRAM', () => {
    const a = quantizedInput();
    expect(mcuPlanShare(a)).toBeCloseTo(0.25 / 3, 12);
    const f = modelFeatures(a, { withLitePeak: true });
    expect(f.activationPeakBytesNeuralArt).toBe(768 * 1024);
    expect(f.activationExternalBytesNeuralArt).toBe(0);
    expect(latencyPlacement(f, n6).activationExternalShare).toBe(0);
    const [r] = evaluateTargets(a, ['STM32N6570-DK']);
    expect(r!.latencyNote).not.toMatch(/hyperRAM/);
  });

  it("check places with the target's own pools: the relu chain on an N6 profile whose cpuRAM2 holds 4 MiB spills nothing", () => {
    const raw = JSON.parse(JSON.stringify(n6)) as { id: string; name: string; memories: { id: string; bytes: number }[] };
    raw.id = 'my-n6-big-cpuram2';
    raw.name = 'N6 with a 4 MiB cpuRAM2';
    raw.memories.find((m) => m.id === 'cpuram2')!.bytes = 4 * MiB;
    const path = join(tmp, 'my-n6.json');
    writeFileSync(path, JSON.stringify(raw));
    const a = reluChain();
    const [big, builtin] = evaluateTargets(a, [path, 'STM32N6570-DK']);
    // x and y side by side in cpuRAM2 (3 MiB), z over x's bytes: nothing external, so no hyperRAM note
    expect(big!.activationBytes).toBe(3 * MiB);
    expect(big!.ram.externalBytes).toBe(0);
    expect(big!.latencyNote).not.toMatch(/hyperRAM/);
    // on the built-in pools the same model is placed half external: the two latencies differ only by that placement
    expect(builtin!.latencyNote).toMatch(/50\.0 %/);
    expect(big!.latencyMs).not.toBe(builtin!.latencyMs);
  });

  it("every timed N6 row: the stored plan's external bytes are ST's published external RAM (0 on all of them)", () => {
    const rows = latencyRows(loadCalibrationRows()).filter((r) => r.target === n6.id);
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      expect(r.features!.activationExternalBytesNeuralArt, `${r.rowId} features lack the pool plan: regenerate data/features`).toBeDefined();
      expect(r.features!.activationExternalBytesNeuralArt, r.rowId).toBe(r.published.externalRamBytes);
      expect(latencyPlacement(r.features!, n6, { toolVersion: r.toolVersion }).activationExternalShare, r.rowId).toBe(0);
    }
  });
});
