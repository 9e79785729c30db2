#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`edgefit … | head`) ends the output quietly, as with any Unix tool.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
try {
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv);
} catch (e) {
  // Only reached when the CLI itself fails to load (a bug, not bad input): one line, exit 3.
  process.stderr.write(`edgefit: internal error: ${String(e?.message ?? e).split('\n')[0]}\n`);
  if (process.env.EDGEFIT_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exitCode = 3;
}
