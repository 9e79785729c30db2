import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'demo is not built yet');
    });
}
