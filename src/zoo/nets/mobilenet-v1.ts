/**
 * MobileNet v1 (architectures.md §4; keras.applications MobileNet + ST head): stem 3×3 s2 SAME, then 13
 * depthwise-separable blocks; stride-2 depthwise convs follow a ZeroPadding (0,1)/(0,1) and are 'valid'
 * (ORT fuses the pad into the conv). ReLU6 everywhere, BN folded.
 */
import { NetBuilder, denseHead, type NetSpec } from '../net.ts';

/** (stride, channels at α = 1) of the 13 blocks. */
const BLOCKS: [number, number][] = [
  [1, 64], [2, 128], [1, 128], [2, 256], [1, 256], [2, 512],
  [1, 512], [1, 512], [1, 512], [1, 512], [1, 512], [2, 1024], [1, 1024],
];

export function buildMobileNetV1(o: { height: number; width: number; classes: number; channels: number; alpha: number }): NetSpec {
  const b = new NetBuilder('mobilenet_v1', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv1', cout: Math.trunc(32 * o.alpha), k: 3, s: 2, padding: 'same', act: 'relu6' });
  BLOCKS.forEach(([s, c], i) => {
    const id = i + 1;
    x = b.conv(x, { name: `conv_dw_${id}`, k: 3, s, padding: s === 2 ? [0, 0, 1, 1] : 'same', depthwise: true, act: 'relu6' });
    x = b.conv(x, { name: `conv_pw_${id}`, cout: Math.trunc(c * o.alpha), k: 1, padding: 'same', act: 'relu6' });
  });
  x = b.gap(x, 'global_average_pooling');
  x = b.squeezeSpatial(x, 'features');
  return b.finish(denseHead(b, x, o.classes, true));
}
