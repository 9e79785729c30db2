import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerZoo(program: Command): void {
  program
    .command('zoo')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'zoo is not built yet');
    });
}
