/**
 * A CPU profile of steady-state loads (and shape inference) only: the files are loaded and inferred a few times
 * first, then the V8 profiler (node:inspector) records `--loops` passes. Writes a .cpuprofile (open it in Chrome
 * DevTools) and prints the self time of the top functions.
 *
 * Usage: node --import tsx bench/load-profile.ts [--src DIR] [--filter S] [--loops 200] [--shapes] [--out FILE] [--top 40]
 */
import { profilePasses } from './cpu-profile.ts';
import { flag, loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC, treeLoader } from './tree-args.ts';

const tree = await treeLoader(SRC);
const { loadModel, inferShapes } = tree;
const FILTER = option('--filter');
const LOOPS = Number(option('--loops') ?? 200);
const SHAPES = flag('--shapes');
const files = loadableOnnxFiles(MODELS, tree, FILTER);
const pass = () => {
  for (const f of files) {
    const m = loadModel(f);
    if (SHAPES) inferShapes(m);
  }
};
for (let i = 0; i < 20; i++) pass();

const out = option('--out') ?? '/tmp/load.cpuprofile';
const { cpuMsPerPass, topLines } = await profilePasses(pass, LOOPS, out, Number(option('--top') ?? 40));
console.log(`${files.length} files × ${LOOPS} passes: ${cpuMsPerPass.toFixed(2)} CPU ms per pass (profiled); ${out}`);
for (const line of topLines) console.log(line);
