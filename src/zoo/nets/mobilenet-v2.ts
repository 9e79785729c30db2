/**
 * MobileNet v2 (architectures.md §3; keras.applications MobileNetV2 + ST head): inverted residuals with
 * `make_divisible(·, 8)` widths, stride-2 depthwise convs after a ZeroPadding of (0,1) on even and (1,1)
 * on odd input sides, per axis ('valid' conv, pad fused). ReLU6 folded, BN folded, linear bottlenecks.
 * `classes` 0: no classifier, the squeezed GlobalAveragePool output (1280 features) is the output, as in ST's
 * re-identification models (`mobilenetv2_a100_256_128_fft_int8.tflite` ends in MEAN → [1, 1280]).
 */
import { NetBuilder, denseHead, type NetSpec } from '../net.ts';

/** Keras' _make_divisible(v, 8). */
export function makeDivisible(v: number, divisor = 8): number {
  let out = Math.max(divisor, Math.floor(Math.trunc(v + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * v) out += divisor;
  return out;
}

/** (expansion t, channels c, repeats n, stride s) at α = 1. */
const STAGES: [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export function buildMobileNetV2(o: { height: number; width: number; classes: number; channels: number; alpha: number }): NetSpec {
  const b = new NetBuilder('mobilenet_v2', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'Conv1', cout: makeDivisible(32 * o.alpha), k: 3, s: 2, padding: 'same', act: 'relu6' });
  let block = 0;
  for (const [t, c, n, s0] of STAGES) {
    for (let r = 0; r < n; r++) {
      const s = r === 0 ? s0 : 1;
      const p = block === 0 ? 'expanded_conv' : `block_${block}`;
      const cin = b.channels(x);
      const cout = makeDivisible(Math.trunc(c * o.alpha));
      const blockIn = x;
      let h = x;
      if (block !== 0) h = b.conv(h, { name: `${p}_expand`, cout: cin * t, k: 1, padding: 'same', act: 'relu6' });
      // Keras' correct_pad, per axis: (0,1) on an even side, (1,1) on an odd one.
      const [, hh, ww] = b.shape(h) as [number, number, number];
      const pad: [number, number, number, number] = [hh % 2 === 0 ? 0 : 1, ww % 2 === 0 ? 0 : 1, 1, 1];
      h = b.conv(h, { name: `${p}_depthwise`, k: 3, s, padding: s === 2 ? pad : 'same', depthwise: true, act: 'relu6' });
      h = b.conv(h, { name: `${p}_project`, cout, k: 1, padding: 'same', act: 'none' });
      x = s === 1 && cin === cout ? b.binary('add', blockIn, h, `${p}_add`) : h;
      block++;
    }
  }
  const last = o.alpha > 1 ? makeDivisible(1280 * o.alpha) : 1280;
  x = b.conv(x, { name: 'Conv_1', cout: last, k: 1, padding: 'valid', act: 'relu6' });
  x = b.gap(x, 'global_average_pooling');
  x = b.squeezeSpatial(x, 'features');
  return b.finish(denseHead(b, x, o.classes, true));
}
