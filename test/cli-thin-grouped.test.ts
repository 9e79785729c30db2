/**
 * check's "latency from thin data" block says each reason once, after every target it is said of, as its "notes:"
 * block does (session 12; on 1f6fb17 a float32 model printed the same sentence under each of the 7 default targets).
 * In-process through main(), as test/cli-ux11.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const FLOAT_MOBILENET = join(MODELS_DIR, 'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx');

const cli = captureCli();

describe.skipIf(!HAVE_SHARED)('check: a thin-data reason said of several targets is printed once', () => {
  it('float32 MobileNet v2 on every default target: one line naming the targets whose --json carries that reason', async () => {
    expect(await cli.run('check', FLOAT_MOBILENET, '--json')).toBe(0);
    const targets = JSON.parse(cli.out).targets as { name: string; latencyStatus: string; latencyNote: string }[];
    const float = targets.filter((t) => t.latencyStatus === 'thin' && t.latencyNote.includes('float32 weights'));
    expect(float.length).toBeGreaterThanOrEqual(2);
    cli.out = '';
    expect(await cli.run('check', FLOAT_MOBILENET)).toBe(0);
    const block = cli.out.split('\nlatency from thin data (no reliable error figure):\n')[1]!.split('\nRAM = ')[0]!;
    const joined = block.replace(/\n {4}/g, ' ').split('\n');
    const floatLines = joined.filter((l) => l.includes('float32 weights'));
    expect(floatLines).toHaveLength(1);
    expect(floatLines[0]!.startsWith(`  ${float.map((t) => t.name).join(', ')}: float32 weights`)).toBe(true);
  });
});
