/**
 * FD-MobileNet and ST FD-MobileNet v1 (architectures.md §5; ST's `fdmobilenet.py`, `st_fdmobilenet_v1.py`):
 * stem 3×3 s2, then 11 blocks of depthwise 3×3 SAME (with bias, no BN, no activation) → pointwise 1×1
 * (BN folded, ReLU folded). Head: GlobalAveragePool → Conv 1×1 P (bias) → Softmax over channels →
 * Reshape to [P]. Input sides must be multiples of 32 (ST's code raises otherwise).
 */
import { NetBuilder, type NetSpec } from '../net.ts';

const DW_STRIDES = [2, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1];
const PW_CHANNELS_ALPHA1 = [64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 1024];
/** ST FD-MobileNet v1's per-layer widths (architectures.md §5 table). */
const ST_V1_STEM = 16;
const ST_V1_PW_CHANNELS = [48, 80, 64, 96, 64, 128, 128, 128, 128, 128, 256];

function build(id: string, o: { height: number; width: number; classes: number; channels: number }, stem: number, pw: number[]): NetSpec {
  const b = new NetBuilder(id, 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv1', cout: stem, k: 3, s: 2, padding: 'same', act: 'relu' });
  DW_STRIDES.forEach((s, i) => {
    x = b.conv(x, { name: `dw_conv_${i + 1}`, k: 3, s, padding: 'same', depthwise: true, act: 'none' });
    x = b.conv(x, { name: `pw_conv_${i + 1}`, cout: pw[i]!, k: 1, padding: 'same', act: 'relu' });
  });
  x = b.gap(x, 'global_average_pooling');
  x = b.conv(x, { name: 'conv_preds', cout: o.classes, k: 1, padding: 'same', act: 'none' });
  x = b.unary('softmax', x, 'softmax', 1);
  return b.finish(b.reshape(x, 'predictions', [o.classes]));
}

export function buildFdMobileNet(o: { height: number; width: number; classes: number; channels: number; alpha: number }): NetSpec {
  return build('fdmobilenet', o, Math.trunc(32 * o.alpha), PW_CHANNELS_ALPHA1.map((c) => Math.trunc(c * o.alpha)));
}

export function buildStFdMobileNetV1(o: { height: number; width: number; classes: number; channels: number }): NetSpec {
  return build('st_fdmobilenet_v1', o, ST_V1_STEM, ST_V1_PW_CHANNELS);
}
