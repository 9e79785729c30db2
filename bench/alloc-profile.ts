/**
 * Where steady-state loads (and shape inference, with --shapes) allocate: V8's sampling heap profiler over
 * `--loops` passes of every ONNX file of bench/run.ts's python ratio; prints the bytes allocated per pass by the
 * top functions (self) and the total. Objects freed before the profile ends are counted too (includeObjectsCollectedBy*).
 *
 * Usage: node --import tsx bench/alloc-profile.ts [--src DIR] [--filter S] [--loops 100] [--shapes] [--top 30]
 */
import { Session } from 'node:inspector';
import { flag, loadableOnnxFiles, option, SHARED_MODELS_DIR as MODELS, SRC_DIR as SRC, treeLoader } from './tree-args.ts';
import { inspectorPost } from './cpu-profile.ts';

const tree = await treeLoader(SRC);
const { loadModel, inferShapes } = tree;
const LOOPS = Number(option('--loops') ?? 100);
const SHAPES = flag('--shapes');
const files = loadableOnnxFiles(MODELS, tree, option('--filter'));
const pass = () => {
  for (const f of files) {
    const m = loadModel(f);
    if (SHAPES) inferShapes(m);
  }
};
for (let i = 0; i < 20; i++) pass();

interface HeapNode { callFrame: { functionName: string; url: string }; selfSize: number; children: HeapNode[] }
const session = new Session();
session.connect();
const post = inspectorPost(session);
await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (let i = 0; i < LOOPS; i++) pass();
const { profile } = await post<{ profile: { head: HeapNode } }>('HeapProfiler.stopSampling');
const self = new Map<string, number>();
let total = 0;
const walk = (n: HeapNode) => {
  const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}`;
  self.set(key, (self.get(key) ?? 0) + n.selfSize);
  total += n.selfSize;
  for (const c of n.children) walk(c);
};
walk(profile.head);
console.log(`${files.length} files × ${LOOPS} passes: ${(total / LOOPS / 2 ** 20).toFixed(2)} MiB allocated per pass (sampled)`);
for (const [k, b] of [...self].sort((x, y) => y[1] - x[1]).slice(0, Number(option('--top') ?? 30))) {
  console.log(`${(b / LOOPS / 1024).toFixed(0).padStart(7)} KiB  ${k}`);
}
