/**
 * ST EfficientNet LC v1 (architectures.md §2; ST's `st_efficientnet_lc_v1.py`, zoo 3.x): EfficientNet-B0
 * with width 0.45, depth 1.0, expansion 3 (1 in the first stage), SE ratio 0.25 of the block's input
 * channels, ReLU6 everywhere. The v3 SE clip to [−4, 4] is removed by ORT's QDQ quantizer (removable
 * activation), as are all ReLU6; BN is folded. Dropout and drop-connect are training-only.
 */
import { NetBuilder, denseHead, type NetSpec } from '../net.ts';

const WIDTH = 0.45;

/** EfficientNet's round_filters at width 0.45 (architectures.md §2: 32→16, 16→8, …, 1280→576). */
export function roundFilters(c: number): number {
  const scaled = c * WIDTH;
  let out = Math.max(8, Math.floor((scaled + 4) / 8) * 8);
  if (out < 0.9 * scaled) out += 8;
  return out;
}

/** EfficientNet-B0 stages (kernel, repeats, in, out, stride) with ST's expansion (1 for the first stage, else 3). */
const STAGES = [
  { k: 3, repeats: 1, cin: 32, cout: 16, s: 1, expand: 1 },
  { k: 3, repeats: 2, cin: 16, cout: 24, s: 2, expand: 3 },
  { k: 5, repeats: 2, cin: 24, cout: 40, s: 2, expand: 3 },
  { k: 3, repeats: 3, cin: 40, cout: 80, s: 2, expand: 3 },
  { k: 5, repeats: 3, cin: 80, cout: 112, s: 1, expand: 3 },
  { k: 5, repeats: 4, cin: 112, cout: 192, s: 2, expand: 3 },
  { k: 3, repeats: 1, cin: 192, cout: 320, s: 1, expand: 3 },
] as const;

const SE_RATIO = 0.25;

export function buildEfficientNetLcV1(o: { height: number; width: number; classes: number; channels: number }): NetSpec {
  const b = new NetBuilder('st_efficientnet_lc_v1', 'input', [o.channels, o.height, o.width]);
  let x = b.conv('input', { name: 'stem_conv', cout: roundFilters(32), k: 3, s: 2, padding: 'same', act: 'relu6' });
  let block = 0;
  for (const stage of STAGES) {
    for (let r = 0; r < stage.repeats; r++) {
      block++;
      const p = `block${block}`;
      const cin = b.channels(x);
      const cout = roundFilters(stage.cout);
      const s = r === 0 ? stage.s : 1;
      const cexp = cin * stage.expand;
      const cse = Math.max(1, Math.floor(cin * SE_RATIO));
      const blockIn = x;
      let h = x;
      if (stage.expand !== 1) h = b.conv(h, { name: `${p}_expand_conv`, cout: cexp, k: 1, padding: 'same', act: 'relu6' });
      const dw = b.conv(h, { name: `${p}_dwconv`, k: stage.k, s, padding: 'same', depthwise: true, act: 'relu6' });
      const sq = b.gap(dw, `${p}_se_squeeze`);
      const red = b.conv(sq, { name: `${p}_se_reduce`, cout: cse, k: 1, padding: 'same', act: 'relu6' });
      const exp = b.conv(red, { name: `${p}_se_expand`, cout: cexp, k: 1, padding: 'same', act: 'none' });
      const gate = b.unary('sigmoid', exp, `${p}_se_sigmoid`);
      const excited = b.binary('mul', dw, gate, `${p}_se_excite`);
      x = b.conv(excited, { name: `${p}_project_conv`, cout, k: 1, padding: 'same', act: 'none' });
      if (s === 1 && cin === cout) x = b.binary('add', x, blockIn, `${p}_add`);
    }
  }
  x = b.conv(x, { name: 'top_conv', cout: roundFilters(1280), k: 1, padding: 'same', act: 'relu6' });
  x = b.gap(x, 'avg_pool');
  x = b.squeezeSpatial(x, 'avg_pool_squeeze');
  return b.finish(denseHead(b, x, o.classes, false));
}
