/**
 * A generated QDQ int8 network of about N analyzed layers for the scaling benchmarks: a stem conv, then
 * MobileNetV2-style residual blocks (pointwise expand 16→48 + ReLU, depthwise 3×3 + ReLU, pointwise project
 * 48→16, residual Add), each tensor quantized (QuantizeLinear → DequantizeLinear) as ST's QDQ exports are.
 * Every block is 4 layers after fusion, so `blocks = (N − 1) / 4`.
 */
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';

const fill = (n: number, v: number) => new Array<number>(n).fill(v);

export function generatedQdqModel(layers: number, resolution = 32): Uint8Array {
  const g = new OnnxGraphBuilder({ name: `generated_${layers}`, opsets: { '': 17 } });
  g.input('input', 'float32', [1, 3, resolution, resolution]);
  g.initializer('act_s', 'float32', [], [0.02]);
  g.initializer('act_zp', 'int8', [], [0]);
  let n = 0;
  const quantize = (x: string): string => {
    g.node('QuantizeLinear', [x, 'act_s', 'act_zp'], [`${x}_q`]);
    g.node('DequantizeLinear', [`${x}_q`, 'act_s', 'act_zp'], [`${x}_dq`]);
    return `${x}_dq`;
  };
  const conv = (x: string, cin: number, cout: number, k: number, group: number, relu: boolean): string => {
    const id = `c${n++}`;
    const wCount = cout * (cin / group) * k * k;
    g.initializer(`${id}_wq`, 'int8', [cout, cin / group, k, k], fill(wCount, 3));
    g.initializer(`${id}_ws`, 'float32', [cout], fill(cout, 0.01));
    g.initializer(`${id}_wzp`, 'int8', [cout], fill(cout, 0));
    g.node('DequantizeLinear', [`${id}_wq`, `${id}_ws`, `${id}_wzp`], [`${id}_w`], { axis: 0 });
    g.initializer(`${id}_bq`, 'int32', [cout], fill(cout, 1));
    g.initializer(`${id}_bs`, 'float32', [cout], fill(cout, 0.0002));
    g.node('DequantizeLinear', [`${id}_bq`, `${id}_bs`], [`${id}_b`], { axis: 0 });
    const pad = (k - 1) / 2;
    g.node('Conv', [x, `${id}_w`, `${id}_b`], [`${id}_y`], { pads: [pad, pad, pad, pad], group }, { name: id });
    let y = `${id}_y`;
    if (relu) {
      g.node('Relu', [y], [`${id}_r`]);
      y = `${id}_r`;
    }
    return quantize(y);
  };
  let x = quantize('input');
  x = conv(x, 3, 16, 3, 1, true);
  const blocks = Math.max(1, Math.round((layers - 1) / 4));
  for (let b = 0; b < blocks; b++) {
    const e = conv(x, 16, 48, 1, 1, true);
    const d = conv(e, 48, 48, 3, 48, true);
    const p = conv(d, 48, 16, 1, 1, false);
    g.node('Add', [x, p], [`add${b}`], {}, { name: `add${b}` });
    x = quantize(`add${b}`);
  }
  g.node('Identity', [x], ['output']);
  g.output('output', 'float32', [1, 16, resolution, resolution]);
  return g.toBytes();
}
