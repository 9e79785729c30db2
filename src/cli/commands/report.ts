import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'report is not built yet');
    });
}
