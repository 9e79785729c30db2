/**
 * Where the third-party material lives: ../shared beside the project (read-only), or $EDGEFIT_SHARED.
 * Tests that need it skip with a printed reason when it is absent; model files are never committed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = process.env.EDGEFIT_SHARED ?? resolve(REPO_ROOT, '../shared');
export const MODELS_DIR = join(SHARED_DIR, 'models');
export const CALIBRATION_DIR = join(SHARED_DIR, 'calibration');
export const HAVE_SHARED = existsSync(MODELS_DIR);

if (!HAVE_SHARED) {
  console.warn(`[edgefit tests] ${MODELS_DIR} is absent: tests on real model files are skipped.`);
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/** Every model file in ../shared/models with the given extension ('onnx' or 'tflite'), sorted. */
export function sharedModels(ext: 'onnx' | 'tflite'): string[] {
  if (!HAVE_SHARED) return [];
  const out: string[] = [];
  walk(MODELS_DIR, out);
  return out.filter((p) => p.endsWith(`.${ext}`)).sort();
}

/** Path relative to ../shared/models, for test names and printed tables. */
export function modelLabel(path: string): string {
  return relative(MODELS_DIR, path);
}
