/**
 * Shape inference alone, at steady state: every ONNX file of bench/run.ts's python ratio (or those whose path holds
 * `--filter`) is loaded once, then `inferShapes` runs on the loaded models. Prints the least CPU ms per inferShapes
 * per file over rounds (`--rounds` × `--reps`), and with `--profile` records a V8 CPU profile of `--loops` passes of
 * inferShapes only (self time of the top functions; the .cpuprofile opens in Chrome DevTools).
 *
 * Usage: node --import tsx bench/shapes-profile.ts [--src DIR] [--filter S] [--rounds 15] [--reps 20] [--profile] [--loops 400] [--top 40]
 */
import { profilePasses } from './cpu-profile.ts';
import { relative } from 'node:path';
import { flag, loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC, treeLoader } from './tree-args.ts';

const tree = await treeLoader(SRC);
const { loadModel, inferShapes } = tree;
const files = loadableOnnxFiles(MODELS, tree, option('--filter'));
const models = files.map((f) => loadModel(f));
const pass = () => {
  for (const m of models) inferShapes(m);
};
for (let i = 0; i < 30; i++) pass();

if (flag('--profile')) {
  const loops = Number(option('--loops') ?? 400);
  const out = option('--out') ?? '/tmp/shapes.cpuprofile';
  const { cpuMsPerPass, topLines } = await profilePasses(pass, loops, out, Number(option('--top') ?? 40));
  console.log(`${files.length} files × ${loops} passes: ${cpuMsPerPass.toFixed(3)} CPU ms of inferShapes per pass (profiled); ${out}`);
  for (const line of topLines) console.log(line);
} else {
  const rounds = Number(option('--rounds') ?? 15);
  const reps = Number(option('--reps') ?? 20);
  const least = files.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    models.forEach((m, k) => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < reps; i++) inferShapes(m);
      const c = process.cpuUsage(c0);
      least[k] = Math.min(least[k]!, (c.user + c.system) / 1000 / reps);
    });
  }
  let total = 0;
  files.forEach((f, k) => {
    total += least[k]!;
    if (least[k]! >= 0.05) console.log(least[k]!.toFixed(4).padStart(8), relative(MODELS, f));
  });
  console.log(total.toFixed(3).padStart(8), `least CPU ms per inferShapes, summed over ${files.length} files (${SRC})`);
}
