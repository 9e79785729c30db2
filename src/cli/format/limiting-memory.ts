/**
 * The limiting memory in words that agree with the RAM figure beside it. On the N6 the RAM figure sums the internal
 * RAM pools the Neural-ART compiler spreads buffers over, while `limitingMemory` (JSON) names the single fullest
 * pool: said alone ("npuRAM5 (AXISRAM5)") it reads as the memory the RAM figure is about. check, its --wide column,
 * its verdict and the report say it with the pools: "npuRAM5 (AXISRAM5), the fullest of the 5 internal RAM pools
 * (32% used); the RAM figure is their sum". Every other limiting memory is said as JSON gives it.
 */
import { formatBytes } from '../../targets/present.ts';

/** What the words need: a check result or a saved `check --json` entry. */
export interface LimitingMemoryInput {
  class?: string;
  limitingMemory: string;
  memories?: readonly { name: string; kind: string; capacityBytes: number; usedBytes: number }[];
}

/** The N6 pools the RAM figure sums and the limiting one among them; undefined when the limiting memory is no such pool. */
function limitingPool(r: LimitingMemoryInput) {
  if (r.class !== 'npu' || !r.memories) return undefined;
  const pools = r.memories.filter((m) => m.kind === 'internal-ram');
  const pool = pools.find((m) => m.name === r.limitingMemory);
  return pools.length > 1 && pool ? { pool, pools } : undefined;
}

/** The limiting memory as check's lines and the report say it (see the module comment). */
export function limitingMemoryWords(r: LimitingMemoryInput): string {
  const p = limitingPool(r);
  if (!p) return r.limitingMemory;
  const usedPct = Math.round((100 * p.pool.usedBytes) / p.pool.capacityBytes);
  return `${p.pool.name}, the fullest of the ${p.pools.length} internal RAM pools (${usedPct}% used); the RAM figure is their sum`;
}

/**
 * The limiting memory in the verdict "Does not fit: STM32N6570-DK (… short by 1.20 MiB)": the shortfall is the RAM
 * figure's, the pools' sum, so an N6 pool is said as the pools ("internal RAM pools (fullest: npuRAM5 (AXISRAM5))").
 */
export function limitingMemoryShort(r: LimitingMemoryInput): string {
  const p = limitingPool(r);
  return p ? `the ${p.pools.length} internal RAM pools, ${formatBytes(p.pools.reduce((a, m) => a + m.usedBytes, 0))} used (fullest: ${p.pool.name})` : r.limitingMemory;
}
