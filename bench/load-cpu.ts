/**
 * CPU time of loadModel per ONNX file (process.cpuUsage over many repetitions, less noisy than wall time on
 * a shared machine), for comparing two trees in the same minute.
 *
 * Usage: node --import tsx bench/load-cpu.ts [--src DIR] [--reps N] [--filter S] [--big]
 *   --src: the src/ folder to load from (default: this tree's); --big: only the six largest-time files.
 */
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { flag, onnxFilesUnder, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC } from './tree-args.ts';

const REPS = Number(option('--reps') ?? 60);
const FILTER = option('--filter');
const BIG = ['yolo26_256_qdq', 'yolo26_pose', 'yolov11n_640', 'yolov8n_256', 'RetinaFace_int', 'mobilenetv2'];

const { loadModel } = (await import(pathToFileURL(join(SRC, 'analyzer/load.ts')).href)) as typeof import('../src/analyzer/load.ts');

let files = onnxFilesUnder(MODELS).filter((p) => !FILTER || p.includes(FILTER));
if (flag('--big')) files = files.filter((p) => BIG.some((b) => p.includes(b)));
let total = 0;
for (const f of files) {
  for (let i = 0; i < 20; i++) loadModel(f);
  const c0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) loadModel(f);
  const c = process.cpuUsage(c0);
  const ms = (c.user + c.system) / 1000 / REPS;
  total += ms;
  console.log(ms.toFixed(3).padStart(8), relative(MODELS, f));
}
console.log(total.toFixed(2).padStart(8), `total CPU ms per load of ${files.length} files (${SRC})`);
