/**
 * CPU time of loadModel per ONNX file (process.cpuUsage over many repetitions, less noisy than wall time on
 * a shared machine), for comparing two trees in the same minute.
 *
 * Usage: node --import tsx bench/load-cpu.ts [--src DIR] [--reps N] [--filter S] [--big]
 *   --src: the src/ folder to load from (default: this tree's); --big: only the six largest-time files.
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
const REPS = Number(opt('--reps') ?? 60);
const FILTER = opt('--filter');
const MODELS = resolve(HERE, '../../shared/models');
const BIG = ['yolo26_256_qdq', 'yolo26_pose', 'yolov11n_640', 'yolov8n_256', 'RetinaFace_int', 'mobilenetv2'];

const { loadModel } = (await import(pathToFileURL(join(SRC, 'analyzer/load.ts')).href)) as typeof import('../src/analyzer/load.ts');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.onnx')) out.push(p);
  }
  return out;
}

let files = walk(MODELS).filter((p) => !FILTER || p.includes(FILTER));
if (args.includes('--big')) files = files.filter((p) => BIG.some((b) => p.includes(b)));
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
