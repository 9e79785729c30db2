/**
 * Paired CPU figures for shape inference alone, two src/ trees in one process: each tree loads every file of
 * bench/run.ts's python ratio (or those whose path holds `--filter`) with its own reader, then rounds alternate
 * A, B, A, B …, each timing `--reps` inferShapes per file. One process sees the same machine load for both trees
 * within a round, which a shapes-only change needs: its gain is a few hundred microseconds summed. (Both trees share
 * one heap, so their garbage collection does interfere; bench/load-pair.ts runs them in separate processes.)
 *
 * Usage: node --import tsx bench/shapes-pair.ts --a DIR [--b DIR] [--rounds 40] [--reps 10] [--filter S] [--all]
 *   Per file (those above 0.05 ms, or every file with --all) and summed: least and median CPU ms per inferShapes.
 */
import { join, relative, resolve } from 'node:path';
import { flag, loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, treeLoader } from './tree-args.ts';

const A = resolve(option('--a') ?? '/work/main/src');
const B = resolve(option('--b') ?? join(new URL('.', import.meta.url).pathname, '../src'));
const ROUNDS = Number(option('--rounds') ?? 40);
const REPS = Number(option('--reps') ?? 10);
const trees = [await treeLoader(A), await treeLoader(B)];
const files = loadableOnnxFiles(MODELS, trees[1]!, option('--filter'));
const models = trees.map((t) => files.map((f) => t.loadModel(f)));
for (let pass = 0; pass < 20; pass++) for (let t = 0; t < 2; t++) for (const m of models[t]!) trees[t]!.inferShapes(m);

/** samples[tree][file]: CPU ms per inferShapes of each round. */
const samples = [files.map((): number[] => []), files.map((): number[] => [])];
for (let r = 0; r < ROUNDS; r++) {
  for (let t0 = 0; t0 < 2; t0++) {
    const t = (r + t0) % 2; // A first on even rounds, B first on odd ones
    const infer = trees[t]!.inferShapes;
    models[t]!.forEach((m, k) => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < REPS; i++) infer(m);
      const c = process.cpuUsage(c0);
      samples[t]![k]!.push((c.user + c.system) / 1000 / REPS);
    });
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const cell = (x: number, y: number, d = 3) => `${x.toFixed(d)} / ${y.toFixed(d)}`.padStart(15);
console.log(`A = ${A}\nB = ${B}\n${ROUNDS} rounds × ${REPS} runs, alternating in one process: CPU ms per inferShapes (least / median)`);
console.log(`${'A'.padStart(15)} ${'B'.padStart(15)} ${'B/A'.padStart(11)}  file`);
const sum = [0, 0, 0, 0];
files.forEach((f, k) => {
  const [a, b] = [samples[0]![k]!, samples[1]![k]!];
  const v = [Math.min(...a), median(a), Math.min(...b), median(b)];
  v.forEach((x, i) => (sum[i]! += x));
  if (flag('--all') || v[1]! >= 0.05) console.log(`${cell(v[0]!, v[1]!)} ${cell(v[2]!, v[3]!)} ${cell(v[2]! / v[0]!, v[3]! / v[1]!, 2).slice(4)}  ${relative(MODELS, f)}`);
});
console.log(`${cell(sum[0]!, sum[1]!)} ${cell(sum[2]!, sum[3]!)} ${cell(sum[2]! / sum[0]!, sum[3]! / sum[1]!, 2).slice(4)}  sum over ${files.length} files`);
