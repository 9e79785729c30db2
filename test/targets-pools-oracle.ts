/**
 * Test oracle: the memory-pool placement of activation-peak.ts as it was at main 5542695 (before the fit test was
 * made incremental), on a lite liveness. Every buffer, largest first, is tried in each pool by planning that pool's
 * buffers with it (the lite planner on the sub-liveness), and the first pool with every buffer not yet placed
 * elsewhere is re-planned after each buffer that went elsewhere. Quadratic in buffers; kept here, not in src, to
 * check that the fast placement gives the same pools (test/targets-pools-placement.test.ts).
 */
import type { Liveness } from '../src/analyzer/memory/liveness.ts';
import { planLivenessBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { subLiveness } from '../src/targets/activation-peak.ts';

/** The lite liveness restricted to `keep`: activation-peak.ts's own (a data restriction, not the placement under test). */
export const oracleSubLiveness = subLiveness;

export interface OraclePlacement {
  /** Buffer indices per internal pool (descriptor order), then what went to external RAM. */
  sets: number[][];
  outside: number[];
  /** Each internal pool's high-water mark, then the external one. */
  poolBytes: number[];
  externalBytes: number;
  /** lite plans made (the cost the fast placement removes). */
  plans: number;
}

/**
 * The old placement on `lv` over `internal` pools; undefined when the whole liveness fits the first pool (the old code
 * returned no plan then). `wholeBytes`: the whole lite pool when already known (the old code took litePeakBytes).
 */
export function oraclePlacement(lv: Liveness, internal: { id: string; bytes: number }[], wholeBytes?: number): OraclePlacement | undefined {
  let plans = 0;
  const plan = (set: ReadonlySet<number>): number => {
    if (!set.size) return 0;
    plans++;
    return planLivenessBytes(oracleSubLiveness(lv, set));
  };
  const first = internal[0]!;
  const whole = wholeBytes ?? plan(new Set(lv.buffers.map((_, i) => i)));
  if (whole <= first.bytes) return undefined;
  const order = lv.buffers.map((_, i) => i).sort((x, y) => lv.buffers[y]!.sizeBytes - lv.buffers[x]!.sizeBytes || lv.buffers[x]!.firstStep - lv.buffers[y]!.firstStep);
  const sets = internal.map(() => new Set<number>());
  const outside = new Set<number>();
  let restChanged = false;
  for (let k = 0; k < order.length; k++) {
    if (restChanged) {
      const rest = new Set([...sets[0]!, ...order.slice(k)]);
      if (plan(rest) <= first.bytes) {
        sets[0] = rest;
        break;
      }
    }
    const i = order[k]!;
    const pool = internal.findIndex((p, pi) => {
      if (lv.buffers[i]!.sizeBytes > p.bytes) return false;
      const trial = new Set(sets[pi]!).add(i);
      return plan(trial) <= p.bytes;
    });
    (pool < 0 ? outside : sets[pool]!).add(i);
    restChanged = pool !== 0;
  }
  const poolBytes = internal.map((_, pi) => plan(sets[pi]!));
  const externalBytes = plan(outside);
  const sorted = (s: Set<number>) => [...s].sort((x, y) => x - y);
  return { sets: sets.map(sorted), outside: sorted(outside), poolBytes, externalBytes, plans };
}
