/**
 * The memory-pool placement (activation-peak.ts memoryPoolPlacement, ST's H747 descriptor) against the quadratic
 * placement it replaced (test/targets-pools-oracle.ts, the code of main 5542695): the same buffers in each pool and the
 * same pool sizes, on generated lite livenesses, raw random livenesses (backward bounds, anchors, zero-size buffers the
 * lite liveness does not make) and every shared model whose lite pool exceeds the H747's 440 KiB AXIRAM pool.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Liveness } from '../src/analyzer/memory/liveness.ts';
import { defaultSchedule } from '../src/analyzer/memory/schedule.ts';
import { liteFitsWithin, liteIncrementalPool, liteLiveness, planLivenessBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { litePeakBytes, memoryPoolPlacement, memoryPoolsOf } from '../src/targets/activation-peak.ts';
import { analyzeForTargets } from '../src/targets/analyze-model.ts';
import { resolveTarget } from '../src/targets/resolve.ts';
import { HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';
import { buildGraph, recipeArb } from './memory-random-graphs.ts';
import { oraclePlacement, oracleSubLiveness } from './targets-pools-oracle.ts';

type Pools = { id: string; bytes: number }[];

/** Both placements on `lv`; undefined when the whole pool fits the first pool (no split to compare). */
function both(lv: Liveness, pools: Pools) {
  const old = oraclePlacement(lv, pools);
  if (!old) return undefined;
  const now = memoryPoolPlacement(lv, pools);
  return { old: { sets: old.sets, outside: old.outside, poolBytes: old.poolBytes, externalBytes: old.externalBytes }, now, plans: old.plans };
}

/** Pools as fractions of the whole lite pool (so that most cases split), 1–3 of them. */
const fractionsArb = fc.array(fc.double({ min: 0.02, max: 0.97, noNaN: true }), { minLength: 1, maxLength: 3 });
const poolsOf = (whole: number, fractions: number[]): Pools => fractions.map((f, i) => ({ id: `p${i}`, bytes: Math.floor(whole * f) }));

/** A liveness with random buffers, overlap rules (forward and backward bounds of either sign) and placeAfter anchors. */
const rawLivenessArb = fc
  .record({
    steps: fc.integer({ min: 1, max: 24 }),
    buffers: fc.array(
      fc.record({
        size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 4000 })),
        first: fc.nat(),
        len: fc.nat({ max: 8 }),
        scratch: fc.boolean(),
        anchor: fc.option(fc.nat(), { freq: 6 }),
      }),
      { minLength: 1, maxLength: 40 },
    ),
    overlaps: fc.array(
      fc.record({ out: fc.nat(), inp: fc.nat(), f: fc.option(fc.integer({ min: -3000, max: 500 })), b: fc.option(fc.integer({ min: -500, max: 3000 })) }),
      { maxLength: 30 },
    ),
  })
  .map(({ steps, buffers, overlaps }): Liveness => {
    const bufs: Liveness['buffers'] = buffers.map((b, i) => {
      const firstStep = b.first % steps;
      return { name: `b${i}`, kind: b.scratch ? 'scratch' : 'activation', sizeBytes: b.size, firstStep, lastStep: Math.min(steps - 1, firstStep + b.len), aliases: [] };
    });
    buffers.forEach((b, i) => {
      if (b.anchor !== null && b.anchor % bufs.length !== i) bufs[i]!.placeAfter = b.anchor % bufs.length;
    });
    const ovs: Liveness['overlaps'] = overlaps
      .map((o) => ({ output: o.out % bufs.length, input: o.inp % bufs.length, ...(o.f === null ? {} : { forwardDeltaBytes: o.f }), ...(o.b === null ? {} : { backwardDeltaBytes: o.b }), step: 0 }))
      .filter((o) => o.output !== o.input);
    for (const o of ovs) o.step = Math.max(bufs[o.output]!.firstStep, bufs[o.input]!.firstStep);
    return { schedule: Array.from({ length: steps }, (_, i) => i), buffers: bufs, overlaps: ovs, stepBytes: [], inputBytes: 0, outputBytes: 0, ioInPool: true };
  });

describe('memory-pool placement: the same pools as the quadratic placement', () => {
  it('liteFitsWithin answers as planLivenessBytes <= limit (raw livenesses, limits around the plan)', () => {
    fc.assert(
      fc.property(rawLivenessArb, fc.integer({ min: -8, max: 8 }), (lv, delta) => {
        const bytes = planLivenessBytes(lv);
        for (const limit of [bytes + delta, bytes, bytes - 1, Math.floor(bytes / 2)]) expect(liteFitsWithin(lv, limit)).toBe(bytes <= limit);
      }),
      { numRuns: 300, seed: 9 },
    );
  });

  it('the incremental fit test answers as planning the members and the new buffer (any order of additions, any limits)', () => {
    let yes = 0;
    let no = 0;
    fc.assert(
      fc.property(rawLivenessArb, fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), fc.array(fc.double({ min: 0.05, max: 1.1, noNaN: true }), { minLength: 1, maxLength: 60 }), (lv, picks, limits) => {
        const whole = planLivenessBytes(lv);
        const pool = liteIncrementalPool(lv);
        const members = new Set<number>();
        picks.forEach((pick, k) => {
          const i = pick % lv.buffers.length;
          if (members.has(i)) return;
          const limit = Math.floor(whole * limits[k % limits.length]!);
          const expected = planLivenessBytes(oracleSubLiveness(lv, new Set(members).add(i))) <= limit;
          expect(pool.tryAdd(i, limit)).toBe(expected);
          if (expected) members.add(i);
          if (expected) yes++;
          else no++;
        });
      }),
      { numRuns: 2000, seed: 5 },
    );
    expect(Math.min(yes, no)).toBeGreaterThan(300);
  });

  it('on generated graphs (the lite liveness of random layer DAGs)', () => {
    let split = 0;
    fc.assert(
      fc.property(recipeArb(40), fractionsArb, (recipe, fractions) => {
        const a = buildGraph(recipe);
        const lv = liteLiveness(a, defaultSchedule(a));
        if (!lv.buffers.length) return;
        const r = both(lv, poolsOf(planLivenessBytes(lv), fractions));
        if (!r) return;
        split++;
        expect(r.now).toEqual(r.old);
      }),
      { numRuns: 150, seed: 7 },
    );
    // the generator must exercise the placement, not only the whole-pool-fits exit
    expect(split).toBeGreaterThan(100);
  });

  it('on raw random livenesses (backward bounds, positive forward bounds, anchors, zero-size buffers)', () => {
    let split = 0;
    fc.assert(
      fc.property(rawLivenessArb, fractionsArb, (lv, fractions) => {
        const r = both(lv, poolsOf(planLivenessBytes(lv), fractions));
        if (!r) return;
        split++;
        expect(r.now).toEqual(r.old);
      }),
      { numRuns: 300, seed: 11 },
    );
    expect(split).toBeGreaterThan(200);
  });

  it.skipIf(!HAVE_SHARED)('on every shared model whose lite pool exceeds the H747 AXIRAM pool (440 KiB)', () => {
    const pools = memoryPoolsOf(resolveTarget('STM32H747I-DISCO'))!.internal;
    expect(pools.map((p) => [p.id, p.bytes])).toEqual([
      ['axisram', 450_560],
      ['dtcm', 122_880],
    ]);
    const rows: string[] = [];
    for (const path of [...sharedModels('onnx'), ...sharedModels('tflite')]) {
      let a;
      try {
        a = analyzeForTargets(path);
      } catch {
        continue; // not analyzable without options: no pool to split
      }
      const whole = litePeakBytes(a);
      if (whole === undefined || whole <= pools[0]!.bytes) continue;
      const lv = liteLiveness(a, defaultSchedule(a));
      const r = both(lv, pools)!;
      expect(r, modelLabel(path)).toBeDefined();
      expect(r.now, modelLabel(path)).toEqual(r.old);
      rows.push(`${modelLabel(path)}: ${r.now.poolBytes.join(' + ')} + external ${r.now.externalBytes} B (${r.plans} plans before)`);
    }
    console.log(`memory-pool placement identical on ${rows.length} shared models:\n  ${rows.join('\n  ')}`);
    // 28 shared models (of 87 analyzable) have a lite pool above 440 KiB at 5542695
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });
});
