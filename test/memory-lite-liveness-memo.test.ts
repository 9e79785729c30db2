/**
 * The lite liveness memoised per analysis (st4x-plan.ts planStLiteLiveness, memory/index.ts memoisedLiveness): the pool
 * of litePeakBytes and the H747 memory-pool placement share one, so it must be the liveness liteLiveness builds for the
 * same options, one per option set (a key that forgot an option would hand one set's liveness to another).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryOptions } from '../src/analyzer/memory/index.ts';
import { defaultSchedule } from '../src/analyzer/memory/schedule.ts';
import { liteLiveness, planLivenessBytes, planStLiteLiveness, planStLitePeakBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { buildGraph, recipeArb } from './memory-random-graphs.ts';

const OPTION_SETS: MemoryOptions[] = [{}, { allocateIo: false }, { stSplitPads: false }, { scratchEngine: 'dsp' }, { scratchEngine: 'off', allocateIo: false }];

describe('memoised lite liveness', () => {
  it('is the liveness liteLiveness builds, per option set, and the one the lite pool is planned from (generated graphs)', () => {
    fc.assert(
      fc.property(recipeArb(30), (recipe) => {
        const a = buildGraph(recipe);
        // the pool first, as check asks: the liveness it planned is then memoised
        const pools = OPTION_SETS.map((o) => planStLitePeakBytes(a, o));
        const memoised = OPTION_SETS.map((o) => planStLiteLiveness(a, o));
        OPTION_SETS.forEach((o, k) => {
          const fresh = liteLiveness(a, defaultSchedule(a), o);
          expect(memoised[k], JSON.stringify(o)).toEqual(fresh);
          expect(planStLiteLiveness(a, o)).toBe(memoised[k]);
          expect(planLivenessBytes(fresh)).toBe(pools[k]);
        });
        // a caller's schedule is not memoised (nor served from the memo)
        const own = defaultSchedule(a);
        expect(planStLiteLiveness(a, { schedule: own })).not.toBe(memoised[0]);
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});
