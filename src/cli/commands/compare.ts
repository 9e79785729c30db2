import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'compare is not built yet');
    });
}
