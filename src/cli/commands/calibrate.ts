import type { Command } from 'commander';
import { EdgefitError } from '../../analyzer/errors.ts';

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('(not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new EdgefitError('UNSUPPORTED', 'calibrate is not built yet');
    });
}
