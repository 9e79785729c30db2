/** ai.onnx.ml operators that appear at the tail of classic classifier exports (squeezenet → ArgMax → ZipMap). */

import { registerOnce, req, tensor } from './rule-helpers.ts';

registerOnce('ai.onnx.ml', {
  /** ArrayFeatureExtractor(X, Y indices): last dim of X replaced by the number of indices. */
  ArrayFeatureExtractor: (ctx) => {
    const x = req(ctx, 0);
    const y = req(ctx, 1);
    const n = y.shape.reduce((a, b) => a * b, 1);
    const shape = x.shape.length <= 1 ? [1, n] : [...x.shape.slice(0, -1), n];
    return [tensor(x.dtype, shape)];
  },
});
