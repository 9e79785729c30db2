/**
 * Paired CPU comparison of loadModel from two source trees in one process (alternating rounds, so both see
 * the same machine load): per file, the median over rounds of CPU ms per load, for A and B, and B/A.
 * Caveat: the two trees share one heap and V8's object shapes, and on the shared 2-core box two runs of the
 * same code gave per-file ratios of 0.86–1.05; for a verdict, run bench/load-cpu.ts on each tree in separate
 * processes, alternating, several times (docs/onnx-reader.md, session 6).
 *
 * Usage: node --import tsx bench/load-ab.ts --a /work/main/src [--b DIR] [--rounds 15] [--reps 10] [--stat min] [--task T] FILE...
 *   --b: default this tree's src/. Files default to the six that dominate the bench's summed load.
 *   --task: what is timed: load (default), shapes (inferShapes on a model each tree loaded), analyze (analyzeModel),
 *   load+shapes, or load+analyze.
 */
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opts = new Map<string, string>();
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i]!.startsWith('--')) opts.set(args[i]!, args[++i]!);
  else files.push(args[i]!);
}
const HERE = new URL('.', import.meta.url).pathname;
const MODELS = resolve(HERE, '../../shared/models');
const A = resolve(opts.get('--a') ?? '/work/main/src');
const B = resolve(opts.get('--b') ?? join(HERE, '../src'));
const ROUNDS = Number(opts.get('--rounds') ?? 15);
const REPS = Number(opts.get('--reps') ?? 10);
if (files.length === 0) {
  files.push(
    'object_detection/yolo26_256_qdq_int8_od_coco-person-st.onnx',
    'pose_estimation/yolo26_pose_256_qdq_int8.onnx',
    'object_detection/yolov11n_640_qdq_w4_53.14%_w8_46.86%_a8_100%_map_63.09.onnx',
    'object_detection/yolov8n_256_qdq_w4_85.59%_w8_14.41%_a8_100%_map_52.36.onnx',
    'onnx_public/whole_networks/RetinaFace_int.onnx',
    'onnx_public/whole_networks/mobilenetv2_quant_static.onnx',
  );
}
type Load = (path: string) => unknown;
const TASK = opts.get('--task') ?? 'load';
/** The task timed, on one tree: given a file, a function that runs it once. */
const taskOf = async (src: string): Promise<Load> => {
  const { loadModel } = (await import(pathToFileURL(join(src, 'analyzer/load.ts')).href)) as { loadModel: (p: string) => unknown };
  const { inferShapes } = (await import(pathToFileURL(join(src, 'analyzer/shapes/infer.ts')).href)) as { inferShapes: (m: unknown) => unknown };
  const { analyzeModel } = (await import(pathToFileURL(join(src, 'analyzer/analyze.ts')).href)) as { analyzeModel: (m: unknown) => unknown };
  const models = new Map<string, unknown>();
  const model = (p: string) => models.get(p) ?? models.set(p, loadModel(p)).get(p);
  if (TASK === 'load') return loadModel;
  if (TASK === 'shapes') return (p) => inferShapes(model(p));
  if (TASK === 'analyze') return (p) => analyzeModel(model(p));
  if (TASK === 'load+shapes') return (p) => inferShapes(loadModel(p));
  if (TASK === 'load+analyze') return (p) => analyzeModel(loadModel(p));
  throw new Error(`--task ${TASK}: load, shapes, analyze, load+shapes or load+analyze`);
};
const loadA = await taskOf(A);
const loadB = await taskOf(B);

function cpuPerLoad(load: Load, path: string): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) load(path);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / REPS;
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
/** `--stat min`: the least CPU over rounds (least disturbed by other processes on a shared machine). */
const STAT = opts.get('--stat') === 'min' ? (xs: number[]) => Math.min(...xs) : median;

let sumA = 0;
let sumB = 0;
console.log(`A = ${A}\nB = ${B}\n${TASK}: ${ROUNDS} rounds × ${REPS} runs each, ${opts.get('--stat') === 'min' ? 'least' : 'median'} CPU ms per run`);
for (const f of files) {
  const path = resolve(MODELS, f);
  for (let i = 0; i < 20; i++) (loadA(path), loadB(path));
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) (a.push(cpuPerLoad(loadA, path)), b.push(cpuPerLoad(loadB, path)));
    else (b.push(cpuPerLoad(loadB, path)), a.push(cpuPerLoad(loadA, path)));
  }
  const ma = STAT(a);
  const mb = STAT(b);
  sumA += ma;
  sumB += mb;
  console.log(`${ma.toFixed(3).padStart(7)} ${mb.toFixed(3).padStart(7)} ${(mb / ma).toFixed(2).padStart(5)}  ${relative(MODELS, path)}`);
}
console.log(`${sumA.toFixed(2).padStart(7)} ${sumB.toFixed(2).padStart(7)} ${(sumB / sumA).toFixed(2).padStart(5)}  sum`);
