/**
 * Session 11's user-facing polish (ux11), one block per fix; each fails on main 4e970f8. In-process through main(), as
 * test/cli-ux10.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, MODELS_DIR, REPO_ROOT } from './helpers/shared.ts';
import { captureCli } from './helpers/cli-capture.ts';

const YAMNET = join(MODELS_DIR, 'audio_event_detection/yamnet_e256_64x96_tl_int8.tflite');
const TINY_CONV = join(MODELS_DIR, 'onnx_public/ort_testdata/conv_qdq_s8s8.onnx');
const TRANSPOSE_QDQ = join(MODELS_DIR, 'onnx_public/ort_testdata/layout_transform_fix_transpose_without_dq.qdq.onnx');

const cli = captureCli();
const run = cli.run;

/** What a note must not show a user: our source files, calibration keys ("cortex-m7:…", "n6-neural-art"), tool ids. */
const INTERNAL = [/\b[\w-]+\.ts\b/, /\b(cortex-[am]\d+\w*|mp2-npu-gpu|n6-neural-art)(:[\w-]+)*\b/, /\b(stedgeai|cubeai|x-linux-ai)-\d/];
const internalIn = (texts: string[]) => texts.flatMap((t) => INTERNAL.filter((re) => re.test(t)).map((re) => `${re} in: ${t}`));

describe('notes speak to users: no source file names, calibration keys or tool ids', () => {
  it.skipIf(!HAVE_SHARED)('check --json: notes and latency notes of three models on every default target', async () => {
    const texts: string[] = [];
    for (const model of [YAMNET, TINY_CONV, TRANSPOSE_QDQ]) {
      cli.out = '';
      await run('check', model, '--json');
      for (const t of JSON.parse(cli.out).targets as { notes: string[]; latencyNote: string }[]) texts.push(...t.notes, t.latencyNote);
    }
    // the notes this test is about are present (so the check below is not vacuous)
    expect(texts.some((t) => t.includes('lite-generator pool'))).toBe(true);
    expect(texts.some((t) => t.includes('fewer than every published row'))).toBe(true);
    expect(texts.some((t) => t.includes('activations in external RAM'))).toBe(true);
    expect(internalIn(texts)).toEqual([]);
    expect(texts.some((t) => t.includes('(docs/memory-4x.md)'))).toBe(true);
  });

  it('the calibration table calibrate prints from (data/calibration-error.json): notes and details', () => {
    const texts: string[] = [];
    const walk = (v: unknown, key = ''): void => {
      if (typeof v === 'string' && (key === 'note' || key === 'details')) texts.push(v);
      else if (Array.isArray(v)) for (const x of v) walk(x, key);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    };
    walk(JSON.parse(readFileSync(join(REPO_ROOT, 'data/calibration-error.json'), 'utf8')));
    expect(texts.some((t) => t.includes('model(s) only'))).toBe(true);
    expect(internalIn(texts)).toEqual([]);
  });
});
