import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerTargets(program: Command): void {
  program
    .command('targets')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'targets is not built yet');
    });
}
