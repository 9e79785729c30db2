/**
 * ResNet v1 for CIFAR (architectures.md §6; ST's `resnetv1.py`): depth = 6n + 2, three stacks of n basic
 * blocks at 16/32/64 channels, all convs SAME with bias; the first block of stacks 2 and 3 has a stride-2
 * conv and a 1×1 stride-2 projection shortcut (no BN). ReLU after each Add (folded into the Add's output
 * quantization). Head: AveragePool 8×8 stride 8 (valid) → Flatten → Dense.
 */
import { NetBuilder, denseHead, type NetSpec } from '../net.ts';

export function buildResNetV1(o: { height: number; width: number; classes: number; channels: number; depth: number }): NetSpec {
  const n = (o.depth - 2) / 6;
  const b = new NetBuilder('resnet_v1', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv2d', cout: 16, k: 3, padding: 'same', act: 'relu' });
  for (let stack = 0; stack < 3; stack++) {
    const filters = 16 << stack;
    for (let blk = 0; blk < n; blk++) {
      const p = `stack${stack + 1}_block${blk + 1}`;
      const s = stack > 0 && blk === 0 ? 2 : 1;
      let y = b.conv(x, { name: `${p}_conv1`, cout: filters, k: 3, s, padding: 'same', act: 'relu' });
      y = b.conv(y, { name: `${p}_conv2`, cout: filters, k: 3, padding: 'same', act: 'none' });
      const shortcut = s === 2 ? b.conv(x, { name: `${p}_shortcut`, cout: filters, k: 1, s: 2, padding: 'same', act: 'none' }) : x;
      x = b.binary('add', shortcut, y, `${p}_add`);
    }
  }
  x = b.pool('avgpool', x, { name: 'average_pooling', k: 8, s: 8, padding: 'valid' });
  x = b.flatten(x, 'flatten');
  return b.finish(denseHead(b, x, o.classes, true));
}
