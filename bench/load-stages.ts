/**
 * Where a load's time goes, stage by stage, in one process (least and median CPU µs per run over rounds):
 * `decode` = the wire decoder alone over the file's bytes in memory, `read` = decode + conversion to the IR
 * (readOnnxBytes, in memory), `load` = loadModel (file mode: reads, decode, conversion, graph check),
 * `shapes` = inferShapes of the loaded model.
 *
 * Usage: node --import tsx bench/load-stages.ts [--src DIR] [--rounds 30] [--reps 5] [--filter S]
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC, treeLoader } from './tree-args.ts';

const ROUNDS = Number(option('--rounds') ?? 30);
const REPS = Number(option('--reps') ?? 5);
const tree = await treeLoader(SRC);
const { WireReader } = (await import(pathToFileURL(join(SRC, 'analyzer/onnx/wire-reader.ts')).href)) as typeof import('../src/analyzer/onnx/wire-reader.ts');
const { decodeModel } = (await import(pathToFileURL(join(SRC, 'analyzer/onnx/wire-decode.ts')).href)) as typeof import('../src/analyzer/onnx/wire-decode.ts');
const { readOnnxBytes } = (await import(pathToFileURL(join(SRC, 'analyzer/onnx/reader.ts')).href)) as typeof import('../src/analyzer/onnx/reader.ts');

const files = loadableOnnxFiles(MODELS, tree, option('--filter'));
const cpuUs = (fn: () => unknown): number => {
  const c0 = process.cpuUsage();
  for (let i = 0; i < REPS; i++) fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / REPS;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const stages = ['decode', 'read', 'load', 'shapes'] as const;
const totals = Object.fromEntries(stages.map((s) => [s, [0, 0]])) as Record<(typeof stages)[number], number[]>;
console.log(`${stages.map((s) => `${s} (min/med µs)`.padStart(20)).join('')}  file`);
for (const f of files) {
  const bytes = readFileSync(f);
  const model = tree.loadModel(f);
  const tasks: Record<(typeof stages)[number], () => unknown> = {
    decode: () => decodeModel(new WireReader(bytes)),
    read: () => readOnnxBytes(bytes, { path: f }),
    load: () => tree.loadModel(f),
    shapes: () => tree.inferShapes(model),
  };
  for (let i = 0; i < 10; i++) for (const s of stages) tasks[s]();
  const samples = Object.fromEntries(stages.map((s) => [s, [] as number[]])) as Record<(typeof stages)[number], number[]>;
  for (let r = 0; r < ROUNDS; r++) for (const s of stages) samples[s].push(cpuUs(tasks[s]));
  const cells = stages.map((s) => {
    const mn = Math.min(...samples[s]);
    const md = median(samples[s]);
    totals[s][0]! += mn;
    totals[s][1]! += md;
    return `${mn.toFixed(0)} / ${md.toFixed(0)}`.padStart(20);
  });
  console.log(`${cells.join('')}  ${relative(MODELS, f)}`);
}
console.log(`${stages.map((s) => `${totals[s][0]!.toFixed(0)} / ${totals[s][1]!.toFixed(0)}`.padStart(20)).join('')}  sum over ${files.length} files`);
