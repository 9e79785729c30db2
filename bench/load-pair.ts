/**
 * Paired CPU figures for load and shape inference of every ONNX file bench/run.ts puts in its python ratio (the
 * ONNX files of ../shared/models that load and shape-infer), from two src/ trees run in separate processes,
 * alternating (A, B, A, B, …), so both see the same machine load and neither shares a heap or V8's object shapes
 * with the other. Per file and tree: the least and the median CPU ms per run over every round of every process.
 *
 * Usage: node --import tsx bench/load-pair.ts --a DIR [--b DIR] [--procs 4] [--rounds 10] [--reps 3] [--filter S]
 *   --a / --b: src/ folders (default B: this tree's); --procs: processes per tree; --rounds: rounds per process
 *   (each round times every file: `reps` loads, then `reps` inferShapes of one loaded model).
 *   With only --src DIR: one child run, printing its samples as JSON (what the driver runs).
 */
import { execFileSync } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, treeLoader } from './tree-args.ts';

const ROUNDS = Number(option('--rounds') ?? 10);
const REPS = Number(option('--reps') ?? 3);
const FILTER = option('--filter');

interface Samples {
  files: string[];
  /** Per file, CPU ms per run of each round. */
  load: number[][];
  shapes: number[][];
}

async function child(src: string): Promise<Samples> {
  const tree = await treeLoader(src);
  const { loadModel, inferShapes } = tree;
  const files = loadableOnnxFiles(MODELS, tree, FILTER); // the files of bench/run.ts's ratio
  // the JIT sees every file a few times first (bench/run.ts's warm-up passes)
  for (let pass = 0; pass < 3; pass++) for (const f of files) for (let i = 0; i < 3; i++) inferShapes(loadModel(f));
  const cpuMs = (fn: () => void): number => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < REPS; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / REPS;
  };
  const out: Samples = { files: files.map((f) => relative(MODELS, f)), load: files.map(() => []), shapes: files.map(() => []) };
  const models = files.map((f) => loadModel(f));
  for (let r = 0; r < ROUNDS; r++) {
    files.forEach((f, k) => {
      out.load[k]!.push(cpuMs(() => loadModel(f)));
      out.shapes[k]!.push(cpuMs(() => inferShapes(models[k]!)));
    });
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function merge(into: Samples | undefined, s: Samples): Samples {
  if (!into) return s;
  s.files.forEach((f, k) => {
    into.load[k]!.push(...s.load[k]!);
    into.shapes[k]!.push(...s.shapes[k]!);
  });
  return into;
}

const onlySrc = option('--src');
if (onlySrc) {
  process.stdout.write(JSON.stringify(await child(resolve(onlySrc))));
} else {
  const A = resolve(option('--a') ?? '/work/main/src');
  const B = resolve(option('--b') ?? join(new URL('.', import.meta.url).pathname, '../src'));
  const PROCS = Number(option('--procs') ?? 4);
  const run = (src: string): Samples => {
    const args = ['--import', 'tsx', new URL(import.meta.url).pathname, '--src', src, '--rounds', String(ROUNDS), '--reps', String(REPS)];
    if (FILTER) args.push('--filter', FILTER);
    return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })) as Samples;
  };
  let a: Samples | undefined;
  let b: Samples | undefined;
  for (let p = 0; p < PROCS; p++) {
    if (p % 2 === 0) (a = merge(a, run(A)), b = merge(b, run(B)));
    else (b = merge(b, run(B)), a = merge(a, run(A)));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const sa = a!;
  const sb = b!;
  const n = sa.load[0]!.length;
  console.log(`A = ${A}\nB = ${B}\n${PROCS} processes per tree, alternating, × ${ROUNDS} rounds × ${REPS} runs: CPU ms per run over ${n} rounds (least / median)`);
  console.log(`${'load A'.padStart(15)} ${'load B'.padStart(15)} ${'shapes A'.padStart(15)} ${'shapes B'.padStart(15)} ${'B/A min'.padStart(7)} ${'B/A med'.padStart(7)}  file (load + shapes)`);
  const tot = { aMin: 0, bMin: 0, aMed: 0, bMed: 0, laMin: 0, lbMin: 0, saMin: 0, sbMin: 0, laMed: 0, lbMed: 0, saMed: 0, sbMed: 0 };
  const pair = (xs: number[]) => `${Math.min(...xs).toFixed(3)} / ${median(xs).toFixed(3)}`.padStart(15);
  sa.files.forEach((f, k) => {
    const [la, lb, sha, shb] = [sa.load[k]!, sb.load[k]!, sa.shapes[k]!, sb.shapes[k]!];
    const aMin = Math.min(...la) + Math.min(...sha);
    const bMin = Math.min(...lb) + Math.min(...shb);
    const aMed = median(la) + median(sha);
    const bMed = median(lb) + median(shb);
    tot.aMin += aMin; tot.bMin += bMin; tot.aMed += aMed; tot.bMed += bMed;
    tot.laMin += Math.min(...la); tot.lbMin += Math.min(...lb); tot.saMin += Math.min(...sha); tot.sbMin += Math.min(...shb);
    tot.laMed += median(la); tot.lbMed += median(lb); tot.saMed += median(sha); tot.sbMed += median(shb);
    console.log(`${pair(la)} ${pair(lb)} ${pair(sha)} ${pair(shb)} ${(bMin / aMin).toFixed(2).padStart(7)} ${(bMed / aMed).toFixed(2).padStart(7)}  ${f}`);
  });
  const t = (x: number, y: number) => `${x.toFixed(2)} / ${y.toFixed(2)}`.padStart(15);
  console.log(`${t(tot.laMin, tot.laMed)} ${t(tot.lbMin, tot.lbMed)} ${t(tot.saMin, tot.saMed)} ${t(tot.sbMin, tot.sbMed)} ${(tot.bMin / tot.aMin).toFixed(2).padStart(7)} ${(tot.bMed / tot.aMed).toFixed(2).padStart(7)}  sum over ${sa.files.length} files`);
}
