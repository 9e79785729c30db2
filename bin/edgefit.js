#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run without a build step.
import { register } from 'tsx/esm/api';

register();
let writeFailure = (e) => e?.code ?? String(e?.message ?? e);
// A closed pipe (`edgefit … | head`) ends the output quietly, as with any Unix tool. Any other failure to write what
// the command prints (`> /dev/full`, a full disk) is one line on stderr and exit 2, as a failed -o file is; it was
// rethrown here, so Node printed its stack.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) process.stderr.write(`edgefit: cannot write the output: ${writeFailure(e)}\n`);
    process.exit(2);
  });
}
try {
  ({ writeFailureReason: writeFailure } = await import('../src/cli/output-file.ts'));
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv);
} catch (e) {
  // Only reached when the CLI itself fails to load (a bug, not bad input): one line, exit 3.
  process.stderr.write(`edgefit: internal error: ${String(e?.message ?? e).split('\n')[0]}\n`);
  if (process.env.EDGEFIT_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  process.exitCode = 3;
}
