/**
 * edgefit command line. Each command lives in its own module under ./commands and registers itself on
 * the program. Errors: an EdgefitError becomes one line `edgefit: <message>` and its exit code (2 for
 * bad input/usage); anything else is a bug, reported on one line with exit code 3 (EDGEFIT_DEBUG=1 prints the stack).
 */
import { Command, CommanderError } from 'commander';
import { isEdgefitError } from '../analyzer/errors.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerZoo } from './commands/zoo.ts';
import { registerDemo } from './commands/demo.ts';
import { registerCheck } from './commands/check.ts';
import { registerCompare } from './commands/compare.ts';
import { registerTargets } from './commands/targets.ts';
import { registerCalibrate } from './commands/calibrate.ts';
import { registerReport } from './commands/report.ts';
import { addCommandHelp } from './help-text.ts';
import { safeErrorLine } from './format/safe-text.ts';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('edgefit')
    .description('Will this quantized network fit an STM32 target, and how fast will it run?')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(usageLine(str)) })
    .showHelpAfterError(false);
  registerAnalyze(program);
  registerZoo(program);
  registerDemo(program);
  registerCheck(program);
  registerCompare(program);
  registerTargets(program);
  registerCalibrate(program);
  registerReport(program);
  addCommandHelp(program);
  return program;
}

/** Commander's usage errors ("error: unknown option '--x'\n(Did you mean --y?)") as one `edgefit:` line. */
export function usageLine(text: string): string {
  const oneLine = text.replace(/^error:\s*/i, '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  return `edgefit: ${oneLine} (see edgefit --help)\n`;
}

/** Runs the CLI and returns the process exit code. Commands set `process.exitCode` for non-error outcomes. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help/version exit 0; usage errors already printed by commander
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isEdgefitError(e)) {
      process.stderr.write(`edgefit: ${safeErrorLine(e.message)}\n`);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`edgefit: internal error: ${safeErrorLine(message.split('\n')[0]!)}\n`);
    if (process.env.EDGEFIT_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
    return 3;
  }
}
