/**
 * ST MNIST v1 (architectures.md §8; ST's `stmnist.py`): Conv 3×3 s2 16 → DW 3×3 → Conv 3×3 32 → DW 3×3 s2 →
 * Conv 1×1 64 (valid), all SAME unless noted, with bias, BN and ReLU folded; GAP → Dense(P) + softmax.
 */
import { NetBuilder, denseHead, type NetSpec } from '../net.ts';

export function buildStMnistV1(o: { height: number; width: number; classes: number; channels: number }): NetSpec {
  const b = new NetBuilder('st_mnist_v1', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv1', cout: 16, k: 3, s: 2, padding: 'same', act: 'relu' });
  x = b.conv(x, { name: 'dw1', k: 3, padding: 'same', depthwise: true, act: 'relu' });
  x = b.conv(x, { name: 'conv2', cout: 32, k: 3, padding: 'same', act: 'relu' });
  x = b.conv(x, { name: 'dw2', k: 3, s: 2, padding: 'same', depthwise: true, act: 'relu' });
  x = b.conv(x, { name: 'conv3', cout: 64, k: 1, padding: 'valid', act: 'relu' });
  x = b.gap(x, 'global_average_pooling');
  x = b.squeezeSpatial(x, 'features');
  return b.finish(denseHead(b, x, o.classes, false));
}
