import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'analyze is not built yet');
    });
}
