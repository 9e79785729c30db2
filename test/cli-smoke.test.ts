import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.ts';

const BIN = join(REPO_ROOT, 'bin/edgefit.js');

describe('edgefit CLI shell', () => {
  it('prints help listing every command and exits 0', () => {
    const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    for (const cmd of ['analyze', 'check', 'compare', 'targets', 'calibrate', 'report', 'demo', 'zoo']) {
      expect(r.stdout).toContain(cmd);
    }
  });

  it('rejects an unknown command with exit code 2 and no stack trace', () => {
    const r = spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
