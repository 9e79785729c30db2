/**
 * Runs the CLI in-process with stdout / stderr captured and process.exitCode reset around each test: the harness of
 * the CLI tests (targets-cli, cli-ux).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

export interface CliCapture {
  /** What the command wrote to stdout / stderr since the test began (a test may clear them between runs). */
  out: string;
  err: string;
  /** `edgefit <args>`; resolves to the exit code. */
  run(...args: string[]): ReturnType<typeof main>;
}

/** Installs the capture hooks in the calling test file; read `out` / `err` after `await run(...)`. */
export function captureCli(): CliCapture {
  const cli: CliCapture = { out: '', err: '', run: (...args) => main(['node', 'edgefit', ...args]) };
  beforeEach(() => {
    cli.out = '';
    cli.err = '';
    process.exitCode = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((cli.out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((cli.err += String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  return cli;
}
