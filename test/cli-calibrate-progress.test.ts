/**
 * `calibrate` refits for seconds (each architecture held out in turn) and printed nothing meanwhile. On a terminal it
 * now shows a progress bar on stderr, cleared at the end; with --json, or when stderr is not a terminal, nothing.
 * Run under a pseudo-terminal (util-linux `script`, whose transcript is what the terminal received; stdout goes to a
 * file so the transcript holds stderr alone); skipped where `script` is missing.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/shared.ts';
import { runCli, type CliRun } from './robustness-cli.ts';

const HAVE_SCRIPT = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!HAVE_SCRIPT) console.log('cli-calibrate-progress: `script` (util-linux) not found, the terminal runs are skipped');

let dir: string;
const onTerminal: Record<string, { transcript: string; stdout: string }> = {};
let piped: CliRun;

/** `edgefit calibrate ...args` with stderr on a pseudo-terminal. */
function underTerminal(key: string, args: string[]): Promise<void> {
  const out = join(dir, `${key}.stdout`);
  const transcript = join(dir, `${key}.tty`);
  const cmd = `${process.execPath} ${join(REPO_ROOT, 'bin/edgefit.js')} calibrate ${args.join(' ')} > ${out}`;
  return new Promise((resolve, reject) =>
    execFile('script', ['-qec', cmd, transcript], { cwd: REPO_ROOT, timeout: 120_000 }, (err) => {
      if (err) return reject(err);
      onTerminal[key] = { transcript: readFileSync(transcript, 'utf8'), stdout: readFileSync(out, 'utf8') };
      resolve();
    }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgefit-calibrate-tty-'));
  const runs: Promise<unknown>[] = [runCli(['calibrate']).then((r) => (piped = r))];
  if (HAVE_SCRIPT) runs.push(underTerminal('text', []), underTerminal('json', ['--json']));
  await Promise.all(runs);
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('calibrate progress', () => {
  it.skipIf(!HAVE_SCRIPT)('on a terminal: a bar counting the architectures held out, on stderr, cleared; the table on stdout as usual', () => {
    const { transcript, stdout } = onTerminal.text!;
    const counts = [...transcript.matchAll(/calibrate \[[^\]]*\] (\d+)\/(\d+) held out: /g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(counts.length).toBeGreaterThan(1);
    const total = counts[0]![1]!;
    expect(counts.every(([, t]) => t === total)).toBe(true);
    // counts rise; the bar is cleared at the end (its last write is an erase of the line, not a bar)
    for (let i = 1; i < counts.length; i++) expect(counts[i]![0]).toBeGreaterThanOrEqual(counts[i - 1]![0]!);
    const afterLastBar = transcript.slice(transcript.lastIndexOf('held out: '));
    expect(afterLastBar).toContain('\u001b[2K'); // erase line
    expect(stdout).toBe(piped.stdout);
  });

  it.skipIf(!HAVE_SCRIPT)('with --json on a terminal: nothing on stderr, the JSON on stdout', () => {
    const { transcript, stdout } = onTerminal.json!;
    expect(transcript).not.toMatch(/held out|calibrate \[/);
    expect(JSON.parse(stdout).targets.length).toBeGreaterThan(0);
  });

  it('stderr not a terminal: nothing on stderr', () => {
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });
});
