/**
 * A size given twice in --resolutions is swept once (session 12; on 1f6fb17 `compare --resolutions 32,32` printed two
 * identical variants). In-process through main(), as test/cli-ux11.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';
import { parseSweepResolutions } from '../src/cli/model-options.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');

const cli = captureCli();

describe('--resolutions: each size once, in the order given', () => {
  it('parseSweepResolutions keeps the first of each size', () => {
    expect(parseSweepResolutions('128,96,128,96,160')).toEqual([128, 96, 160]);
  });

  it.skipIf(!HAVE_SHARED)('compare --resolutions 96,96,128: two variants, not three', async () => {
    expect(await cli.run('compare', YAMNET, '--resolutions', '96,96,128', '-t', 'H747', '--json')).toBe(0);
    const variants = JSON.parse(cli.out).variants as { resolution: number }[];
    expect(variants.map((v) => v.resolution)).toEqual([96, 128]);
  });
});
