/**
 * Output snapshot for speed work: writes, for every model in ../shared/models (ONNX + TFLite), a few zoo
 * builds and the generated benchmark models, the exact bytes `edgefit analyze --json`, `edgefit analyze`
 * (text) and `edgefit check --json --target <every built-in target>` print, one file each, into a directory,
 * plus the memory plans under non-default options (`<model>.memory-options.json`: I/O outside the pool,
 * alignment, each scratch engine, ST's split/fusion off, an explicit schedule, the st-only pool per engine).
 * Two snapshots taken before and after a change must be byte-identical (`diff -r a b`) unless the change is
 * a deliberate bug fix. The commands' own code paths are called in-process (the same functions the CLI calls,
 * in the same order), so the bytes equal the CLI's; `--verify-cli N` also runs the real CLI on the first N
 * models and compares.
 *
 * Run: node --import tsx bench/snapshot-json.ts <out-dir> [--verify-cli 3] [--filter text]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import type { IRModel } from '../src/analyzer/ir.ts';
import { loadModel, loadModelBytes } from '../src/analyzer/load.ts';
import { planMemory, planStPeakBytes, type MemoryOptions } from '../src/analyzer/memory/index.ts';
import { renderAnalysis } from '../src/cli/commands/analyze.ts';
import { analysisToJson, stPeakBytes } from '../src/cli/format/analysis-json.ts';
import { parseInputShapes } from '../src/cli/model-options.ts';
import { evaluateTargets, listTargets } from '../src/targets/evaluate.ts';
import { analyzeLoadedAt, resultJson } from '../src/targets/present.ts';
import { buildZooModel } from '../src/zoo/index.ts';
import { MODELS_DIR, modelLabel, REPO_ROOT, sharedModels } from '../test/helpers/shared.ts';
import { generatedGraph } from '../test/memory-random-graphs.ts';
import { generatedQdqModel } from './generated-model.ts';

const argv = process.argv.slice(2);
const outDir = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (!outDir) {
  console.error('usage: node --import tsx bench/snapshot-json.ts <out-dir> [--verify-cli N] [--filter text]');
  process.exit(2);
}
const opt = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const verifyCli = Number(opt('--verify-cli') ?? 0);
const filter = opt('--filter');

const TARGETS = listTargets().map((t) => t.id);
/** `--input-shape` a model needs to be analyzable. */
const INPUT_SHAPES: Record<string, string[]> = { 'lpr_yolo_model.quant.onnx': ['images=1x3x640x640'] };

interface Case {
  label: string;
  /** Model loaded afresh for each command, as two CLI runs would. */
  load: () => IRModel;
  path?: string;
  inputShape: string[];
}

function analyzeJson(c: Case): string {
  const model = c.load();
  const analysis = analyzeModel(model, { inputShapes: parseInputShapes(c.inputShape, model.graph.inputs) });
  const memory = planMemory(analysis);
  const peak = stPeakBytes(memory);
  if (peak !== undefined) analysis.totals.activationPeakBytes = peak;
  return `${JSON.stringify(analysisToJson(analysis, memory), null, 2)}\n---- text ----\n${renderAnalysis(analysis, memory)}\n`;
}

function checkJson(c: Case): string {
  const model = c.load();
  const analysis = analyzeLoadedAt(model, undefined, parseInputShapes(c.inputShape, model.graph.inputs));
  const results = evaluateTargets(analysis, TARGETS);
  const json = {
    model: analysis.model.path,
    partial: analysis.partial,
    macs: analysis.totals.macsConvDense,
    weightBytes: analysis.totals.weightBytes,
    allFit: results.every((r) => r.fits),
    resolution: null,
    inputs: analysis.model.inputs,
    targets: results.map((r) => ({ ...resultJson(r), layerLatencyMs: r.layerLatencyMs })),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** planMemory / planStPeakBytes under options the CLI does not use (library callers and tests do). */
function memoryOptions(c: Case): string {
  const model = c.load();
  const analysis = analyzeModel(model, { inputShapes: parseInputShapes(c.inputShape, model.graph.inputs) });
  const engines = ['st', 'dsp', 'mve', 'none', 'off'] as const;
  const out: Record<string, unknown> = {};
  // st-only pools first (fresh analysis), then full plans, then st-only again (memoised path)
  out.stPeakBefore = engines.map((e) => planStPeakBytes(analysis, { scratchEngine: e }));
  const combos: [string, MemoryOptions][] = [
    ['io-outside', { allocateIo: false, searchLayerLimit: 120 }],
    ['align8-dsp', { alignmentBytes: 8, scratchEngine: 'dsp', searchLayerLimit: 0 }],
    ['no-split-no-fuse-mve', { stSplitPads: false, stFuseConvPool: false, scratchEngine: 'mve', searchLayerLimit: 0 }],
    ['no-fuse-none-explicit-order', { stFuseConvPool: false, scratchEngine: 'none', schedule: analysis.layers.map((l) => l.index), searchLayerLimit: 0 }],
    ['no-split-off', { stSplitPads: false, scratchEngine: 'off', searchLayerLimit: 0 }],
    ['default-no-search', { searchLayerLimit: 0 }],
  ];
  for (const [name, o] of combos) out[name] = guardedValue(() => planMemory(analysis, o));
  out.stPeakAfter = engines.map((e) => planStPeakBytes(analysis, { scratchEngine: e }));
  out.stPeakIoOutside = engines.map((e) => planStPeakBytes(analysis, { scratchEngine: e, allocateIo: false, alignmentBytes: 16 }));
  return `${JSON.stringify(out, null, 1)}\n`;
}

const guardedValue = (f: () => unknown): unknown => {
  try {
    return f();
  } catch (e) {
    return `ERROR ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
};

const guarded = (f: () => string): string => {
  try {
    return f();
  } catch (e) {
    return `ERROR ${(e as Error).constructor.name}: ${(e as Error).message}\n`;
  }
};

const cases: Case[] = [];
for (const path of [...sharedModels('onnx'), ...sharedModels('tflite')]) {
  const base = path.split('/').at(-1)!;
  cases.push({ label: modelLabel(path), path, load: () => loadModel(path), inputShape: INPUT_SHAPES[base] ?? [] });
}
for (const [id, opts] of [
  ['st_efficientnet_lc_v1', {}],
  ['mobilenet_v2', { resolution: 160 }],
  ['resnet_v1', { w4Percent: 50 }],
  ['squeezenet_v1_1', {}],
  ['st_mnist_v1', {}],
] as const) {
  const zoo = buildZooModel(id, opts);
  cases.push({ label: `zoo/${zoo.name}`, load: () => loadModelBytes(zoo.bytes, `${zoo.name}.onnx`), inputShape: [] });
}
for (const n of [500, 1000]) {
  const bytes = generatedQdqModel(n);
  cases.push({ label: `generated/generated-${n}`, load: () => loadModelBytes(bytes, `generated-${n}.onnx`), inputShape: [] });
}

mkdirSync(outDir, { recursive: true });
let files = 0;
// The memory benchmark's random DAGs (test/memory-random-graphs.ts): many long-lived buffers, ~90 candidate
// offsets per placement, paths real networks do not take.
if (!filter || 'random-graphs'.includes(filter)) {
  for (const [n, seed] of [[60, 1], [300, 2], [1000, 1]] as const) {
    const graph = generatedGraph(n, seed);
    const out = {
      plan: planMemory(graph, { searchLayerLimit: n <= 60 ? 400 : 0 }),
      ioOutside: planMemory(generatedGraph(n, seed), { allocateIo: false, scratchEngine: 'mve', searchLayerLimit: 0 }),
      stPeaks: (['st', 'dsp', 'mve', 'none', 'off'] as const).map((e) => planStPeakBytes(graph, { scratchEngine: e })),
    };
    writeFileSync(join(outDir, `random-graph-${n}-${seed}.memory.json`), `${JSON.stringify(out, null, 1)}\n`);
    files++;
  }
}
const started = performance.now();
for (const c of cases) {
  if (filter && !c.label.includes(filter)) continue;
  const stem = join(outDir, c.label.replaceAll('/', '__'));
  writeFileSync(`${stem}.analyze.txt`, guarded(() => analyzeJson(c)));
  writeFileSync(`${stem}.check.json`, guarded(() => checkJson(c)));
  writeFileSync(`${stem}.memory-options.json`, guarded(() => memoryOptions(c)));
  files += 3;
  process.stderr.write('.');
}
process.stderr.write(`\n${files} files in ${outDir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

// Optional: the real CLI on the first N shared models must print the same bytes.
if (verifyCli > 0) {
  const cli = join(REPO_ROOT, 'bin/edgefit.js');
  let checked = 0;
  for (const c of cases) {
    if (checked >= verifyCli || !c.path || (filter && !c.label.includes(filter))) continue;
    const shapes = c.inputShape.flatMap((s) => ['--input-shape', s]);
    const run = (args: string[]) => {
      try {
        return execFileSync('node', [cli, ...args], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
      } catch (e) {
        return (e as { stdout?: string }).stdout ?? '';
      }
    };
    const stem = join(outDir, c.label.replaceAll('/', '__'));
    const analyzed = `${run(['analyze', '--json', c.path, ...shapes])}---- text ----\n${run(['analyze', c.path, ...shapes])}`;
    const checkedOut = run(['check', '--json', c.path, ...shapes, ...TARGETS.flatMap((t) => ['--target', t])]);
    const same = analyzed === readFileSync(`${stem}.analyze.txt`, 'utf8') && checkedOut === readFileSync(`${stem}.check.json`, 'utf8');
    console.log(`${same ? 'same as CLI' : 'DIFFERS FROM CLI'}: ${c.label}`);
    if (!same) process.exitCode = 1;
    checked++;
  }
}
void MODELS_DIR;
