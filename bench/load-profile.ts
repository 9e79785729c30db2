/**
 * A CPU profile of steady-state loads (and shape inference) only: the files are loaded and inferred a few times
 * first, then the V8 profiler (node:inspector) records `--loops` passes. Writes a .cpuprofile (open it in Chrome
 * DevTools) and prints the self time of the top functions.
 *
 * Usage: node --import tsx bench/load-profile.ts [--src DIR] [--filter S] [--loops 200] [--shapes] [--out FILE] [--top 40]
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
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

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
const session = new Session();
session.connect();
const post = <T>(method: string, params?: object) => new Promise<T>((ok, no) => session.post(method, params ?? {}, (e, r) => (e ? no(e) : ok(r as T))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 50 });
await post('Profiler.start');
const c0 = process.cpuUsage();
for (let i = 0; i < LOOPS; i++) pass();
const c = process.cpuUsage(c0);
const { profile } = await post<{ profile: Profile }>('Profiler.stop');
const out = option('--out') ?? '/tmp/load.cpuprofile';
writeFileSync(out, JSON.stringify(profile));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const n = byId.get(id)!;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  self.set(key, (self.get(key) ?? 0) + dt);
});
console.log(`${files.length} files × ${LOOPS} passes: ${((c.user + c.system) / 1000 / LOOPS).toFixed(2)} CPU ms per pass (profiled); ${out}`);
for (const [k, t] of [...self].sort((x, y) => y[1] - x[1]).slice(0, Number(option('--top') ?? 40))) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)} %  ${k}`);
}
