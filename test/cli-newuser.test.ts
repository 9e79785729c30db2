/**
 * What a new user's walk-through found unclear in check / analyze text, one block per finding. In-process
 * through main(), as test/cli-ux.test.ts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/cli/format/numbers.ts';
import { HAVE_SHARED, MODELS_DIR } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const MOBILENET_ONNX = join(MODELS_DIR, 'image_classification/mobilenet_v2_0.35_128_tfs_channel_first.onnx');

const cli = captureCli();
const run = cli.run;

/** A whole byte count of 4 or more digits written without separators ("823680 B"). */
const RAW_BYTES = /(?<![\d,.])\d{4,} B\b/;

describe.skipIf(!HAVE_SHARED)('byte figures read the same in notes and tables', () => {
  it('check: the notes give bytes as the table does (KiB), check --json keeps the exact counts', async () => {
    expect(await run('check', MOBILENET_ONNX, '-t', 'H747', '-t', 'F769', '--json')).toBe(0);
    const notes: string[] = JSON.parse(cli.out).targets.flatMap((t: { notes: string[] }) => t.notes);
    // the JSON note carries the exact count a script may parse, e.g. "activations (917536 B) exceed …"
    const exact = notes.map((n) => /(?<![\d,.])(\d{4,}) B\b/.exec(n)?.[1]).filter((x): x is string => x !== undefined);
    expect(exact.length).toBeGreaterThan(0);
    cli.out = '';
    expect(await run('check', MOBILENET_ONNX, '-t', 'H747', '-t', 'F769')).toBe(0);
    const text = cli.out.split('\nnotes:\n')[1]!.split('\nRAM = ')[0]!;
    expect(text).not.toMatch(RAW_BYTES);
    for (const n of exact) expect(text).toContain(formatBytes(Number(n)));
  });

  it('analyze: every exact byte count has thousands separators (the memory summary too)', async () => {
    expect(await run('analyze', YAMNET)).toBe(0);
    expect(cli.out).toContain('Activation memory');
    const raw = cli.out.split('\n').filter((l) => RAW_BYTES.test(l));
    expect(raw).toEqual([]);
    // Yamnet's ST plan peak, as the table's thousands-separated form
    expect(cli.out).toMatch(/\bst +106,881 B +104\.38 KiB/);
  });
});
