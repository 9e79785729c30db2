/**
 * Least CPU per loadModel (and per inferShapes) over rounds, per big ONNX file: on a shared machine the least
 * time over rounds is the one least disturbed by other processes. For comparing two trees, run it on each in
 * separate processes, alternating (see docs/bench.md).
 *
 * Usage: node --import tsx bench/load-min.ts [--src DIR] [--rounds 9] [--reps 10] [--shapes] [--analyze] [--all]
 *   --shapes / --analyze: also inferShapes / analyzeModel on the loaded model.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const HERE = new URL('.', import.meta.url).pathname;
const SRC = resolve(opt('--src') ?? join(HERE, '../src'));
const ROUNDS = Number(opt('--rounds') ?? 9);
const REPS = Number(opt('--reps') ?? 10);
const MODELS = resolve(HERE, '../../shared/models');
const BIG = ['yolo26_256_qdq', 'yolo26_pose', 'yolov11n_640', 'yolov8n_256', 'RetinaFace_int', 'mobilenetv2_keras_quant_dynamic', 'mobilenetv2_quant_dynamic'];

type Model = { graph: unknown };
const { loadModel } = (await import(pathToFileURL(join(SRC, 'analyzer/load.ts')).href)) as { loadModel: (p: string) => Model };
const { inferShapes } = (await import(pathToFileURL(join(SRC, 'analyzer/shapes/infer.ts')).href)) as { inferShapes: (m: Model) => unknown };
const { analyzeModel } = (await import(pathToFileURL(join(SRC, 'analyzer/analyze.ts')).href)) as { analyzeModel: (m: Model) => unknown };

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.onnx')) out.push(p);
  }
  return out;
}

const cpuMs = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / REPS;
};

let files = walk(MODELS);
if (!args.includes('--all')) files = files.filter((p) => BIG.some((b) => p.includes(b)));
const shapes = args.includes('--shapes');
const analyze = args.includes('--analyze');
// every file loaded and inferred a few times first (the JIT then has seen them all), then rounds over all files
for (let pass = 0; pass < 3; pass++) for (const f of files) for (let i = 0; i < 3; i++) inferShapes(loadModel(f));
const models = files.map((f) => loadModel(f));
const load = files.map(() => Infinity);
const inf = files.map(() => Infinity);
const an = files.map(() => Infinity);
for (let r = 0; r < ROUNDS; r++) {
  files.forEach((f, k) => {
    load[k] = Math.min(load[k]!, cpuMs(() => loadModel(f)));
    if (shapes) inf[k] = Math.min(inf[k]!, cpuMs(() => inferShapes(models[k]!)));
    if (analyze) an[k] = Math.min(an[k]!, cpuMs(() => analyzeModel(models[k]!)));
  });
}
let totalLoad = 0;
let totalShapes = 0;
let totalAnalyze = 0;
const col = (on: boolean, v: number, digits: number) => (on ? v.toFixed(digits).padStart(8) : '');
files.forEach((f, k) => {
  totalLoad += load[k]!;
  totalShapes += inf[k]!;
  totalAnalyze += an[k]!;
  console.log(load[k]!.toFixed(3).padStart(8), col(shapes, inf[k]!, 3), col(analyze, an[k]!, 3), relative(MODELS, f));
});
console.log(totalLoad.toFixed(2).padStart(8), col(shapes, totalShapes, 2), col(analyze, totalAnalyze, 2), `total least CPU ms: load${shapes ? ', shapes' : ''}${analyze ? ', analyze' : ''} (${files.length} files, ${SRC})`);
