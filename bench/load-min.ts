/**
 * Least CPU per loadModel (and per inferShapes) over rounds, per big ONNX file: on a shared machine the least
 * time over rounds is the one least disturbed by other processes. For comparing two trees, run it on each in
 * separate processes, alternating (see docs/bench.md).
 *
 * Usage: node --import tsx bench/load-min.ts [--src DIR] [--rounds 9] [--reps 10] [--shapes] [--analyze] [--all]
 *   --shapes / --analyze: also inferShapes / analyzeModel on the loaded model.
 */
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flag, onnxFilesUnder, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC } from './tree-args.ts';

const ROUNDS = Number(option('--rounds') ?? 9);
const REPS = Number(option('--reps') ?? 10);
const BIG = ['yolo26_256_qdq', 'yolo26_pose', 'yolov11n_640', 'yolov8n_256', 'RetinaFace_int', 'mobilenetv2_keras_quant_dynamic', 'mobilenetv2_quant_dynamic'];

type Model = { graph: unknown };
const { loadModel } = (await import(pathToFileURL(join(SRC, 'analyzer/load.ts')).href)) as { loadModel: (p: string) => Model };
const { inferShapes } = (await import(pathToFileURL(join(SRC, 'analyzer/shapes/infer.ts')).href)) as { inferShapes: (m: Model) => unknown };
const { analyzeModel } = (await import(pathToFileURL(join(SRC, 'analyzer/analyze.ts')).href)) as { analyzeModel: (m: Model) => unknown };

const cpuMs = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / REPS;
};

let files = onnxFilesUnder(MODELS);
if (!flag('--all')) files = files.filter((p) => BIG.some((b) => p.includes(b)));
const shapes = flag('--shapes');
const analyze = flag('--analyze');
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
