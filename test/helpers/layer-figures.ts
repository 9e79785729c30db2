/**
 * The figures of a hand-made Layer that holds no weights and whose work the test does not count: memory tests
 * build such layers by the dozen (spread this between `conv` and `outputBytes`, where Layer lists them).
 */
import type { Layer } from '../../src/analyzer/layer.ts';

export const NO_WORK_FIGURES = {
  macs: 0,
  macsUnit: 'op',
  stMacc: 0,
  params: 0,
  weightBytes: 0,
  biasBytes: 0,
  quantParamBytes: 0,
  constBytes: 0,
} as const satisfies Partial<Layer>;
