/**
 * calibrate's table names each target's tool as ST does ("STEdgeAI Core 4.0", "X-LINUX-AI 6.1.0", "STM32Cube.AI 8.1"),
 * not by the calibration data's ids ("stedgeai-4.0"), which `--json` keeps. On 1f6fb17 the table printed the ids.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toolWords } from '../src/targets/latency/engine-words.ts';
import { captureCli } from './helpers/cli-capture.ts';
import { SHARED_DIR } from './helpers/shared.ts';

const cli = captureCli();
const ID = /\b(stedgeai|cubeai|x-linux-ai)-\d/;
const README = join(SHARED_DIR, 'calibration/README.md');

describe('calibrate: tool names as ST prints them', () => {
  it('the table shows ST names; --json keeps the ids', async () => {
    expect(await cli.run('calibrate')).toBe(0);
    const tableLines = cli.out.split('\n').filter((l) => l.startsWith('│'));
    const tools = new Set(tableLines.map((l) => l.split('│')[2]!.trim()).filter((t) => t && t !== 'tool'));
    expect([...tools].sort()).toEqual(['STEdgeAI Core 4.0', 'X-LINUX-AI 6.1.0']);
    expect(cli.out).not.toMatch(ID);
    for (const l of cli.out.split('\n')) expect([...l].length).toBeLessThanOrEqual(120);

    cli.out = '';
    expect(await cli.run('calibrate', '--json')).toBe(0);
    const json = JSON.parse(cli.out) as { targets: { name: string; errors: Record<string, { toolVersion?: string }> }[] };
    const ids = new Set(json.targets.flatMap((t) => Object.values(t.errors).map((e) => e.toolVersion).filter(Boolean)));
    expect([...ids].sort()).toEqual(['stedgeai-4.0', 'x-linux-ai-6.1.0']);
  });

  it.skipIf(!existsSync(README))("each tool's name is the one ST's tables print (../shared/calibration/README.md)", () => {
    const readme = readFileSync(README, 'utf8');
    // README: "STEdgeAI Core 4.0.0, X-LINUX-AI v6.1.0", "STM32Cube.AI 7.3.0/8.1.0"
    for (const [id, version] of [['stedgeai-4.0', '4.0.0'], ['stedgeai-3.0', '3.0.0'], ['cubeai-8.1', '8.1.0'], ['cubeai-7.3', '7.3.0'], ['x-linux-ai-6.1.0', 'v6.1.0']] as const) {
      const product = toolWords(id).replace(/ [\d.]+$/, '');
      expect(readme, id).toMatch(new RegExp(`${product.replace(/\./g, '\\.')} [\\d./]*${version.replace(/\./g, '\\.')}`));
    }
  });
});
