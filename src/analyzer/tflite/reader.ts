/** TFLite flatbuffer reader onto the IR (being built; see issue 4). */
import { EdgefitError } from '../errors.ts';
import type { IRModel } from '../ir.ts';

export interface TfliteReadOptions {
  path: string;
  maxTensorBytes?: number;
}

export function readTflite(_bytes: Uint8Array, opts: TfliteReadOptions): IRModel {
  throw new EdgefitError('UNSUPPORTED', `${opts.path}: TFLite reading is not built yet`);
}
