import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { parseProfile } from '../src/targets/profile-schema.ts';
import { builtinProfiles, listTargets, PROFILES_DIR, resolveTarget } from '../src/targets/resolve.ts';

const h747 = () => JSON.parse(readFileSync(join(PROFILES_DIR, 'stm32h747i-disco.json'), 'utf8'));

function badProfileMessage(raw: unknown): string {
  try {
    parseProfile(raw, 'my-board.json');
  } catch (e) {
    expect(e).toBeInstanceOf(EdgefitError);
    expect((e as EdgefitError).code).toBe('BAD_PROFILE');
    return (e as Error).message;
  }
  throw new Error('profile was accepted');
}

describe('target profiles', () => {
  it('every built-in profile validates and every memory and engine names its source', () => {
    const ps = builtinProfiles();
    expect(ps.map((p) => p.name).sort()).toEqual(
      ['B-U585I-IOT02A', 'STM32F769I-DISCO', 'STM32H7', 'STM32H747I-DISCO', 'STM32MP135F-DK2', 'STM32MP157F-DK2', 'STM32MP257F-DK2', 'STM32N6570-DK'].sort(),
    );
    for (const p of ps) for (const x of [...p.memories, ...p.engines]) expect(x.source.length).toBeGreaterThan(10);
  });

  it('carries the clocks ST benchmarks at (facts §5)', () => {
    const clock = (n: string) => resolveTarget(n).engines.find((e) => e.id === resolveTarget(n).defaultEngine)!.clockMHz;
    expect([clock('STM32H747I-DISCO'), clock('STM32F769I-DISCO'), clock('B-U585I-IOT02A'), clock('STM32N6570-DK'), clock('STM32MP157F-DK2'), clock('STM32MP135F-DK2')]).toEqual([400, 216, 160, 1000, 800, 1000]);
    // N6 pools per facts §4.5: 1 MB cpuRAM2 + 4 × 448 KB npuRAM
    const n6 = resolveTarget('stm32n6570-dk');
    expect(n6.memories.filter((m) => m.kind === 'internal-ram').reduce((s, m) => s + m.bytes, 0)).toBe(1024 * 1024 + 4 * 448 * 1024);
  });

  it('names the bad field of a broken profile', () => {
    const p = h747();
    p.memories[2].bytes = -5;
    expect(badProfileMessage(p)).toMatch(/my-board\.json.*memories\[2\]\.bytes/);
    const q = h747();
    q.engines[0].clockMHz = 'fast';
    expect(badProfileMessage(q)).toMatch(/engines\[0\]\.clockMHz/);
    const r = h747();
    r.defaultEngine = 'cm4';
    expect(badProfileMessage(r)).toMatch(/defaultEngine.*cm4/);
    const s = h747();
    delete s.memories[0].source;
    expect(badProfileMessage(s)).toMatch(/memories\[0\]\.source/);
    const t = h747();
    t.activationSplit.splitInternalBytes = t.activationSplit.internalPoolMaxBytes + 1;
    expect(badProfileMessage(t)).toMatch(/activationSplit\.splitInternalBytes/);
    const u = h747();
    u.activationSplit.fromToolVersion = '4.0';
    expect(badProfileMessage(u)).toMatch(/activationSplit\.fromToolVersion/);
  });

  it('resolves names as ST prints them, case-insensitively, and series names', () => {
    expect(resolveTarget('STM32H747I-DISCO').id).toBe('stm32h747i-disco');
    expect(resolveTarget('stm32n6570-dk').id).toBe('stm32n6570-dk');
    expect(resolveTarget('STM32MP157F-DK2').id).toBe('stm32mp157f-dk2');
    expect(resolveTarget('stm32h7').id).toBe('stm32h7');
    expect(resolveTarget('STM32H769I-DISCO').id).toBe('stm32f769i-disco'); // the legacy tables' alias
    expect(resolveTarget('STM32U5').id).toBe('b-u585i-iot02a');
    expect(resolveTarget('STM32MP257F-EV1').id).toBe('stm32mp257f-dk2');
    expect(() => resolveTarget('STM32L4')).toThrow(expect.objectContaining({ code: 'UNKNOWN_TARGET' }));
    expect(listTargets()[0]!.class).toBe('mcu');
  });

  it("loads a user's own profile file and rejects a broken one with the file named", () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgefit-profile-'));
    const good = { ...h747(), id: 'my-board', name: 'My board', aliases: [] };
    writeFileSync(join(dir, 'my-board.json'), JSON.stringify(good));
    expect(resolveTarget(join(dir, 'my-board.json')).name).toBe('My board');
    writeFileSync(join(dir, 'broken.json'), '{ "id": ');
    expect(() => resolveTarget(join(dir, 'broken.json'))).toThrow(expect.objectContaining({ code: 'BAD_PROFILE', message: expect.stringContaining('broken.json') }));
    expect(() => resolveTarget(join(dir, 'missing.json'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
  });
});
