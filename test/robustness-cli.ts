/**
 * Helpers of the robustness and determinism tests: running `node bin/edgefit.js` as a user would (separate
 * process), a few at a time, and the options each model-reading command declares (read from the commander
 * program, so tests follow commands as they gain options).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { buildProgram } from '../src/cli/main.ts';
import { REPO_ROOT } from './helpers/shared.ts';

export interface CliRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin/edgefit.js'), ...args],
      { cwd: REPO_ROOT, timeout: 300_000, maxBuffer: 64 * 2 ** 20, env: { ...process.env, ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ args, code, stdout, stderr });
      },
    );
  });
}

/** Runs every job, at most `parallel` processes at once (each start costs node + tsx, ~2 s of CPU). */
export async function runAll(jobs: { key: string; args: string[]; env?: NodeJS.ProcessEnv }[], parallel = 3): Promise<Record<string, CliRun>> {
  const out: Record<string, CliRun> = {};
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++]!;
      out[j.key] = await runCli(j.args, j.env);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

/** The long option names (`--max-file-bytes` …) a command declares. */
export function commandOptions(name: string): string[] {
  const cmd = buildProgram().commands.find((c) => c.name() === name);
  return cmd ? cmd.options.map((o) => o.long ?? '').filter(Boolean) : [];
}

/** The one stderr line of a refused run, or a description of what was printed instead. */
export function oneErrorLine(r: CliRun): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  return lines.length === 1 ? lines[0]! : `(${lines.length} lines) ${r.stderr.slice(0, 500)}`;
}

/** Every command that reads a model file, and how to call it on one. */
export const MODEL_COMMANDS: { name: string; args: (model: string, outDir: string) => string[] }[] = [
  { name: 'analyze', args: (m) => ['analyze', m, '--json'] },
  { name: 'check', args: (m) => ['check', m, '--json'] },
  { name: 'compare', args: (m) => ['compare', m, m, '--json'] },
  { name: 'report', args: (m, dir) => ['report', m, '-o', join(dir, 'report.html')] },
];
