import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'check is not built yet');
    });
}
