/**
 * A user's profile whose memory-pool descriptor gives a pool more bytes than the memory it names (review8 finding 8):
 * refused with one line naming the field, exit 2, through the real CLI (`check --target ./x.json`, run in the
 * profile's folder). Before, the pool was capped at the memory silently. Shrinking the pool with its memory is accepted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../src/targets/profile-schema.ts';
import { PROFILES_DIR } from '../src/targets/resolve.ts';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';

const EFF128 = join(MODELS_DIR, 'legacy_tflite/MohamedElhadidy0019/image_classification/efficientnet/st_efficientnet_lc_v1_128_tfs_int8.tflite');

interface Profile {
  id: string;
  memories: { id: string; bytes: number }[];
  activationMemoryPools: { pools: { memory: string; bytes: number }[] };
}

/** The built-in H747 profile as a user would copy it, with its AXI SRAM shrunk to `axisramBytes`. */
function h747With(axisramBytes: number, poolBytes?: number): Profile {
  const p = JSON.parse(readFileSync(join(PROFILES_DIR, 'stm32h747i-disco.json'), 'utf8')) as Profile;
  p.id = 'my-h747';
  p.memories.find((m) => m.id === 'axisram')!.bytes = axisramBytes;
  if (poolBytes !== undefined) p.activationMemoryPools.pools.find((x) => x.memory === 'axisram')!.bytes = poolBytes;
  return p;
}

function checkIn(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(REPO_ROOT, 'bin/edgefit.js'), 'check', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
}

describe('memory-pool descriptor: a pool larger than its memory', () => {
  it('is refused when the profile is parsed, naming the field (the built-in profiles pass)', () => {
    expect(() => parseProfile(h747With(400 * 1024), 'x.json')).toThrow(
      "bad target profile x.json: field 'activationMemoryPools.pools[0].bytes': 450560 B is more than memory 'axisram' holds (409600 B): shrink the pool with its memory, or drop activationMemoryPools",
    );
    // the descriptor's 440 KiB pool in the board's 512 KiB AXI SRAM, and a pool exactly the memory's size
    expect(() => parseProfile(h747With(512 * 1024), 'x.json')).not.toThrow();
    expect(() => parseProfile(h747With(450_560), 'x.json')).not.toThrow();
  });

  it.skipIf(!HAVE_SHARED)('check --target ./x.json: one line on stderr and exit 2; shrunk with its memory, the profile is used', () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgefit-pools-profile-'));
    writeFileSync(join(dir, 'x.json'), JSON.stringify(h747With(400 * 1024)));
    const bad = checkIn(dir, EFF128, '--target', './x.json', '--json');
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.trimEnd().split('\n')).toEqual([
      `edgefit: bad target profile ${join(dir, 'x.json')}: field 'activationMemoryPools.pools[0].bytes': 450560 B is more than memory 'axisram' holds (409600 B): shrink the pool with its memory, or drop activationMemoryPools`,
    ]);
    writeFileSync(join(dir, 'y.json'), JSON.stringify(h747With(400 * 1024, 400 * 1024)));
    const ok = checkIn(dir, EFF128, '--target', './y.json', '--json');
    expect(ok.stderr).toBe('');
    const [t] = (JSON.parse(ok.stdout) as { targets: { id: string; ram: { capacityBytes: number } }[] }).targets;
    expect(t!.id).toBe('my-h747');
    expect([0, 1]).toContain(ok.status);
  });
});
