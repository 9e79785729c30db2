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

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['analyze'], /missing required argument 'model'/],
    [['check', 'm.tflite', '--resolutions', '96'], /unknown option '--resolutions'.*Did you mean --resolution\?/],
    [['targets', '--bogus'], /unknown option '--bogus'/],
  ])('usage error %j: one edgefit line on stderr, exit code 2', (args, message) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^edgefit: /);
    expect(lines[0]).toMatch(message);
  });
});
