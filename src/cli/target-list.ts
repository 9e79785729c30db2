/**
 * The --target list as the commands evaluate it: each target once. `-t H747 -t STM32H747I-DISCO` names one
 * board twice (an alias and its name) and printed two identical rows; a profile file counts by its path,
 * so a user's copy of a built-in profile (same id) is still checked beside the built-in one.
 */
import { resolve } from 'node:path';
import { resolveTarget } from '../targets/evaluate.ts';

/** Same rule as resolve.ts: a name with a path separator or a .json ending is a profile file. */
const isProfileFile = (s: string): boolean => s.endsWith('.json') || s.includes('/') || s.includes('\\');

/** `names` without repeats of the same target, first mention kept, order kept. Unknown names throw as resolveTarget does. */
export function uniqueTargets(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = isProfileFile(n) ? `file:${resolve(n)}` : `id:${resolveTarget(n).id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
