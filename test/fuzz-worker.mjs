// worker_threads entry of the fuzz test: registers tsx (the sources are TypeScript), loads the seed models once,
// then runs the cases the parent sends, one at a time: { index } → { index, mutation, seedLabel, result }.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { loadSeedModels, makeCase } = await import('./fuzz-mutations.ts');
const { runCaseWithReport } = await import('./fuzz-pipeline.ts');
const seeds = loadSeedModels(workerData.seedOptions);

parentPort.on('message', async ({ index }) => {
  let c;
  try {
    c = makeCase(seeds, workerData.seed, index);
  } catch (e) {
    parentPort.postMessage({ index, mutation: '(case generation failed)', seedLabel: '', result: { outcome: 'harness-error', stage: 'mutate', ms: 0, message: String(e?.stack ?? e) } });
    return;
  }
  parentPort.postMessage({ index, mutation: c.mutation, seedLabel: c.seedLabel, started: true });
  const result = await runCaseWithReport(c);
  parentPort.postMessage({ index, mutation: c.mutation, seedLabel: c.seedLabel, result });
});
parentPort.postMessage({ ready: true, seeds: seeds.length });
