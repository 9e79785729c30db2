/**
 * `--target` names with the "STM32" prefix left out: `-t MP1` (the MP1 series, as `STM32MP1` resolves) was an unknown
 * target while `-t H7`, `-t N6` and `-t U5` worked. Every built-in name and alias resolves without its prefix to the
 * same profile, and no prefix-less name is claimed by two profiles.
 */
import { describe, expect, it } from 'vitest';
import { builtinProfiles, resolveTarget } from '../src/targets/resolve.ts';

const stripped = (n: string) => n.replace(/^stm32/i, '');

describe('target names without the STM32 prefix', () => {
  it('MP1 and MP2 resolve as STM32MP1 and STM32MP2 do', () => {
    expect(resolveTarget('MP1').id).toBe(resolveTarget('STM32MP1').id);
    expect(resolveTarget('mp1').id).toBe('stm32mp157f-dk2');
    expect(resolveTarget('MP2').id).toBe(resolveTarget('STM32MP2').id);
    expect(resolveTarget('MP13').id).toBe('stm32mp135f-dk2');
    expect(resolveTarget('F7').id).toBe('stm32f769i-disco');
  });

  it('every built-in name and alias without its prefix gives the same profile, and none is claimed twice', () => {
    // names already without the prefix (H7, N6 …) are claimed first: a stripped name must not land on another profile's
    const owner = new Map<string, string>();
    for (const p of builtinProfiles()) for (const n of [p.id, p.name, ...p.aliases]) if (!/^stm32/i.test(n)) owner.set(n.toLowerCase(), p.id);
    for (const p of builtinProfiles()) {
      for (const n of [p.id, p.name, ...p.aliases]) {
        if (!/^stm32/i.test(n)) continue;
        const short = stripped(n).toLowerCase();
        expect(owner.get(short) ?? p.id, `${short}: ${owner.get(short)} and ${p.id}`).toBe(p.id);
        owner.set(short, p.id);
        expect(resolveTarget(stripped(n)).id, n).toBe(p.id);
      }
    }
    expect(owner.size).toBeGreaterThan(10);
  });

  it('an unknown short name is still refused with the list of targets', () => {
    expect(() => resolveTarget('MP9')).toThrow(/unknown target 'MP9' \(known: /);
  });
});
