/**
 * Does the order of bench/run.ts's timings change what ours costs? For the large ONNX files of ../shared/models,
 * in one process after the run.ts warm-up: load + shapes timed between each file's analyze / plan / targets runs
 * (run.ts's order before the eleventh stop), then load + shapes timed in a phase of their own (its order since,
 * and python's: bench/onnx_python.py only loads and shape-infers). Prints the summed tinybench medians (wall) and
 * CPU ms per run of load + shapes for each order, `--rounds` times (alternating).
 *
 * Usage: node --import tsx bench/harness-order.ts [--rounds 2] [--filter S]
 */
import { Bench } from 'tinybench';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModel } from '../src/analyzer/load.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { evaluateTargets, listTargets } from '../src/targets/evaluate.ts';
import { sharedModels } from '../test/helpers/shared.ts';
import { option } from './tree-args.ts';

const TARGET_IDS = listTargets().map((t) => t.id);
const FILTER = new RegExp(option('--filter') ?? 'yolo|RetinaFace|mobilenetv2');
const ROUNDS = Number(option('--rounds') ?? 2);
const paths = sharedModels('onnx').filter((p) => {
  if (!FILTER.test(p)) return false;
  try {
    analyzeModel(loadModel(p));
    return true;
  } catch {
    return false;
  }
});

/** tinybench as run.ts sets it up: median wall ms and CPU ms per run. */
async function timed(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const b = new Bench({ time: 60, iterations: 5, warmupIterations: 5, warmupTime: 0, throws: true });
  b.add('x', fn);
  const c0 = process.cpuUsage();
  await b.run();
  const c = process.cpuUsage(c0);
  const t = b.tasks[0]!;
  const r = t.result as unknown as { latency: { p50: number } };
  return { wall: r.latency.p50, cpu: (c.user + c.system) / 1000 / ((t.runs ?? 0) + 5) };
}

for (let pass = 0; pass < 3; pass++) for (const p of paths) inferShapes(loadModel(p));
for (let round = 0; round < ROUNDS; round++) {
  const between = { wall: 0, cpu: 0 };
  for (const p of paths) {
    const m = loadModel(p);
    const a = analyzeModel(m);
    for (const t of [await timed(() => loadModel(p)), await timed(() => inferShapes(m))]) (between.wall += t.wall, between.cpu += t.cpu);
    await timed(() => analyzeModel(m));
    await timed(() => planMemory({ ...a }));
    await timed(() => evaluateTargets({ ...a }, TARGET_IDS));
  }
  const own = { wall: 0, cpu: 0 };
  for (const p of paths) {
    const m = loadModel(p);
    for (const t of [await timed(() => loadModel(p)), await timed(() => inferShapes(m))]) (own.wall += t.wall, own.cpu += t.cpu);
  }
  console.log(
    `${paths.length} files, load + shapes summed: between analyze/plan/targets ${between.wall.toFixed(2)} ms wall, ${between.cpu.toFixed(2)} ms CPU; ` +
      `own phase ${own.wall.toFixed(2)} ms wall, ${own.cpu.toFixed(2)} ms CPU (${(own.cpu / between.cpu).toFixed(2)}× CPU)`,
  );
}
