/**
 * Memory planning benchmarks (tinybench; figures printed, never asserted):
 * - planning time of a generated 1,000-layer graph (target < 100 ms): liveness + st + greedy planners, and
 *   the full planMemory (the schedule search is skipped beyond SEARCH_LAYER_LIMIT layers, as reported), cold:
 *   each run plans a fresh Analysis object (`{ ...graph }`), so nothing comes from the planner's per-analysis
 *   memo; `planMemory + st pools for mve and none` is what analyze + check ask of the planner per model;
 * - the re-ordering search time on the largest shared model where the search is exact.
 * Run: node --import tsx bench/memory.bench.ts   (bench/run.ts may call runMemoryBench()).
 */
import { loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import {
  computeLiveness,
  GreedyBySizePlanner,
  planMemory,
  planStPeakBytes,
  runPlanner,
  scratchFunction,
  searchBestSchedule,
  StPlanner,
} from '../src/analyzer/memory/index.ts';
import { modelLabel, sharedModels } from '../test/helpers/shared.ts';
import { generatedGraph } from '../test/memory-random-graphs.ts';

export async function runMemoryBench(): Promise<void> {
  const graph = generatedGraph(1000);
  const scratch = scratchFunction('st');
  const order = graph.layers.map((l) => l.index);

  // Largest shared model (by layer count) on which the search stays exact.
  let exactModel: { label: string; analysis: Analysis; states: number } | undefined;
  for (const path of [...sharedModels('tflite'), ...sharedModels('onnx')]) {
    let analysis: Analysis;
    try {
      analysis = analyzeFile(path);
    } catch {
      continue;
    }
    if (exactModel && analysis.layers.length <= exactModel.analysis.layers.length) continue;
    const r = searchBestSchedule(analysis, { scratchBytes: scratch });
    if (r.exact) exactModel = { label: modelLabel(path), analysis, states: r.statesExpanded };
  }

  const bench = new Bench({ time: 1000, iterations: 5 });
  bench
    .add('1,000-layer graph: liveness + st + greedy plans', () => {
      const liveness = computeLiveness(graph, order, { scratchBytes: scratch });
      runPlanner(graph, liveness, new StPlanner(), 4);
      runPlanner(graph, liveness, new GreedyBySizePlanner(), 4);
    })
    .add('1,000-layer graph: planMemory (all planners; search skipped > 400 layers)', () => {
      planMemory({ ...graph });
    })
    .add('1,000-layer graph: planMemory + st pools for the mve and none scratch engines', () => {
      const fresh = { ...graph };
      planMemory(fresh);
      planStPeakBytes(fresh, { scratchEngine: 'mve' });
      planStPeakBytes(fresh, { scratchEngine: 'none' });
    });
  if (exactModel) {
    const a = exactModel.analysis;
    bench.add(`exact schedule search: ${exactModel.label} (${a.layers.length} layers)`, () => {
      searchBestSchedule(a, { scratchBytes: scratch });
    });
  }
  await bench.run();
  console.log('memory planning (ms per run):');
  for (const task of bench.tasks) {
    const r = task.result as { latency?: { mean?: number }; mean?: number } | undefined;
    const mean = r?.latency?.mean ?? r?.mean;
    console.log(`  ${task.name.padEnd(90)} ${mean === undefined ? 'n/a' : mean.toFixed(1).padStart(9)} ms`);
  }
  // CPU time per run (process.cpuUsage), less sensitive than wall time to other processes on a shared machine.
  const cpuMs = (f: () => void, runs: number): number => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) f();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / runs;
  };
  const plansCpu = cpuMs(() => {
    const liveness = computeLiveness(graph, order, { scratchBytes: scratch });
    runPlanner(graph, liveness, new StPlanner(), 4);
    runPlanner(graph, liveness, new GreedyBySizePlanner(), 4);
  }, 10);
  const planMemoryCpu = cpuMs(() => planMemory({ ...graph }), 10);
  console.log(`  CPU per run: liveness + st + greedy ${plansCpu.toFixed(1)} ms; planMemory ${planMemoryCpu.toFixed(1)} ms (load average ${loadavg()[0]!.toFixed(1)})`);
  if (exactModel) console.log(`  (exact search on ${exactModel.label}: ${exactModel.states} states expanded)`);
  else console.log('  no shared model found for the exact-search benchmark (../shared/models absent?)');
}

if (import.meta.url === `file://${process.argv[1]}`) await runMemoryBench();
