/**
 * SqueezeNet v1.0 (ST variant) and v1.1 (architectures.md §7; ST's `squeezenetv10.py`, `squeezenetv11.py`).
 * Fire(s, e): squeeze 1×1 valid → [expand 1×1, expand 3×3 SAME] → Concat. All convs with bias and ReLU
 * (folded). MaxPool 3×3 s2 valid. v1.0 keeps a BatchNormalization after the ReLU of every squeeze conv and
 * of conv10: not foldable, written as a per-channel Mul + Add (what the TFLite file keeps).
 */
import { NetBuilder, type NetSpec } from '../net.ts';

function fire(b: NetBuilder, x: string, id: number, squeeze: number, expand: number, bnAfterSqueeze: boolean): string {
  let s = b.conv(x, { name: `fire${id}_squeeze`, cout: squeeze, k: 1, padding: 'valid', act: 'relu' });
  if (bnAfterSqueeze) s = b.affine(s, `fire${id}_squeeze_bn`);
  const e1 = b.conv(s, { name: `fire${id}_expand1x1`, cout: expand, k: 1, padding: 'valid', act: 'relu' });
  const e3 = b.conv(s, { name: `fire${id}_expand3x3`, cout: expand, k: 3, padding: 'same', act: 'relu' });
  return b.concat([e1, e3], `fire${id}_concat`);
}

function head(b: NetBuilder, x: string, classes: number, bn: boolean): NetSpec {
  x = b.conv(x, { name: 'conv10', cout: classes, k: 1, padding: 'valid', act: 'relu' });
  if (bn) x = b.affine(x, 'conv10_bn');
  x = b.gap(x, 'global_average_pooling');
  x = b.squeezeSpatial(x, 'features');
  return b.finish(b.unary('softmax', x, 'softmax', -1));
}

export function buildSqueezeNetV10(o: { height: number; width: number; classes: number; channels: number }): NetSpec {
  const b = new NetBuilder('squeezenet_v1_0', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv1', cout: 96, k: 7, s: 2, padding: 'valid', act: 'relu' });
  x = b.pool('maxpool', x, { name: 'maxpool1', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 2, 16, 64, true);
  x = fire(b, x, 3, 16, 64, true);
  x = fire(b, x, 4, 32, 128, true);
  x = b.pool('maxpool', x, { name: 'maxpool4', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 5, 32, 128, true);
  x = fire(b, x, 6, 48, 192, true);
  x = fire(b, x, 7, 48, 192, true);
  x = b.pool('maxpool', x, { name: 'maxpool8', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 9, 64, 256, true); // ST's v1.0 has no fire8
  return head(b, x, o.classes, true);
}

export function buildSqueezeNetV11(o: { height: number; width: number; classes: number; channels: number }): NetSpec {
  const b = new NetBuilder('squeezenet_v1_1', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'conv1', cout: 64, k: 3, s: 2, padding: 'valid', act: 'relu' });
  x = b.pool('maxpool', x, { name: 'maxpool1', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 2, 16, 64, false);
  x = fire(b, x, 3, 16, 64, false);
  x = b.pool('maxpool', x, { name: 'maxpool3', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 4, 32, 128, false);
  x = fire(b, x, 5, 32, 128, false);
  x = b.pool('maxpool', x, { name: 'maxpool5', k: 3, s: 2, padding: 'valid' });
  x = fire(b, x, 6, 48, 192, false);
  x = fire(b, x, 7, 48, 192, false);
  x = fire(b, x, 8, 64, 256, false);
  x = fire(b, x, 9, 64, 256, false);
  return head(b, x, o.classes, false);
}
