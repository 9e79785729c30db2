import { describe, expect, it } from 'vitest';
import { finishLayer, LAYER_OPS, type LayerDraft } from '../src/analyzer/layer-ops.ts';
import { collectActivationTensors } from '../src/analyzer/fuse/tensors.ts';
import type { LayerOp } from '../src/analyzer/layer.ts';

function draft(op: LayerOp, over: Partial<LayerDraft>): LayerDraft {
  return {
    index: 0,
    name: 'l',
    op,
    sourceOps: [],
    nodeNames: [],
    inputs: ['x'],
    outputs: ['y'],
    inputShapes: [],
    outputShapes: [],
    inputDtypes: ['int8'],
    outputDtypes: ['int8'],
    dtype: 'int8',
    layout: 'NHWC',
    ...over,
  };
}

const geom = (k: number, cin: number, cout: number, group = 1) => ({
  kernel: [k, k] as [number, number],
  strides: [1, 1] as [number, number],
  dilations: [1, 1] as [number, number],
  pads: [0, 0, 0, 0] as [number, number, number, number],
  group,
  cin,
  cout,
});

describe('layer-ops table', () => {
  it('has one entry per LayerOp with an ST source', () => {
    for (const [op, e] of Object.entries(LAYER_OPS)) expect(e.stMaccSource.length, op).toBeGreaterThan(5);
  });

  it('conv 3x3: MACs, ST MACC (R-N6 conv2d_2 row 460,816 + nl 51,200), kind', () => {
    // ST report R-N6: conv2d_2 out [1,50,64,16], 3x3 over 1 input channel: 50·64·16·9 + 16 = 460,816; ReLU row 51,200.
    const l = finishLayer(
      draft('Conv', { inputShapes: [[1, 50, 64, 1]], outputShapes: [[1, 50, 64, 16]], conv: geom(3, 1, 16), biasBytes: 64, activation: 'relu' }),
    );
    expect(l.kind).toBe('conv');
    expect(l.macs).toBe(50 * 64 * 16 * 9);
    expect(l.macsUnit).toBe('mac');
    expect(l.stMacc).toBe(460_816 + 51_200);
    expect(l.outputBytes).toBe(50 * 64 * 16);
  });

  it('pointwise, depthwise, dense, pool, softmax, global mean', () => {
    const pw = finishLayer(draft('Conv', { layout: 'NCHW', outputShapes: [[1, 32, 8, 8]], conv: geom(1, 16, 32) }));
    expect(pw.kind).toBe('pointwise');
    expect(pw.macs).toBe(32 * 8 * 8 * 16);
    expect(pw.stMacc).toBe(32 * 8 * 8 * 16); // no bias, no activation
    // R-MP: depthwise 128·128·16·9 + 16 = 2,359,312
    const dw = finishLayer(draft('DepthwiseConv', { outputShapes: [[1, 128, 128, 16]], conv: geom(3, 16, 16, 16), biasBytes: 64 }));
    expect(dw.kind).toBe('depthwise');
    expect(dw.stMacc).toBe(2_359_312);
    // Dense 792→12 with bias: 9,516 (R-U5); reduction length from the input's last dim when no geometry
    const fc = finishLayer(draft('Dense', { inputShapes: [[1, 792]], outputShapes: [[1, 12]], biasBytes: 48, dtype: 'float32', outputDtypes: ['float32'] }));
    expect(fc.macs).toBe(792 * 12);
    expect(fc.stMacc).toBe(9_516);
    expect(fc.outputBytes).toBe(48);
    const pool = finishLayer(draft('MaxPool', { outputShapes: [[1, 25, 32, 16]], conv: geom(2, 16, 16, 16) }));
    expect(pool.stMacc).toBe(51_200);
    expect(pool.macsUnit).toBe('op');
    const sm = finishLayer(draft('Softmax', { outputShapes: [[1, 4]] }));
    expect(sm.stMacc).toBe(60);
    const gap = finishLayer(draft('GlobalAveragePool', { inputShapes: [[1, 6, 8, 64]], outputShapes: [[1, 1, 1, 64]] }));
    expect(gap.stMacc).toBe(3_072);
    expect(gap.kind).toBe('globalpool');
  });

  it('int4 output bytes are packed; reshape is an in-place view', () => {
    const r = finishLayer(draft('Reshape', { outputShapes: [[3, 5]], outputDtypes: ['int4'] }));
    expect(r.outputBytes).toBe(8);
    expect(r.kind).toBe('view');
    expect(LAYER_OPS.Reshape.inPlace(r)).toBe(true);
    expect(LAYER_OPS.Conv.inPlace(r)).toBe(false);
  });

  it('finishLayer keys follow the Layer interface order, whatever order the draft has (deterministic JSON)', () => {
    // the order of `interface Layer` in src/analyzer/layer.ts, written out by hand
    const order = ['index', 'name', 'op', 'kind', 'sourceOps', 'nodeNames', 'inputs', 'outputs', 'inputShapes', 'outputShapes', 'inputDtypes', 'outputDtypes', 'dtype', 'layout', 'weightDtype', 'perChannel', 'conv', 'activation', 'macs', 'macsUnit', 'stMacc', 'params', 'weightBytes', 'biasBytes', 'quantParamBytes', 'constBytes', 'outputBytes', 'unknown'];
    const base = draft('Conv', { outputShapes: [[1, 4, 4, 3]], conv: geom(1, 2, 3) });
    // optional keys first and required keys last: the layer still has the interface's order
    const scrambled = { unknown: true, activation: 'relu', weightBytes: 6, perChannel: true, weightDtype: 'int8', ...base } as LayerDraft;
    expect(Object.keys(finishLayer(scrambled))).toEqual(order);
    const plain = finishLayer(base);
    expect(Object.keys(plain)).toEqual(order.filter((k) => !['weightDtype', 'perChannel', 'activation', 'unknown'].includes(k)));
    expect([plain.params, plain.weightBytes, plain.biasBytes, plain.quantParamBytes, plain.constBytes]).toEqual([0, 0, 0, 0, 0]);
  });

  it('finishLayer: undefined draft values are left out, keys that are no Layer key follow the Layer keys', () => {
    const d = { ...draft('Add', { outputShapes: [[2, 2]] }), layout: undefined, note: 'extra', macs: 99, skipped: undefined } as unknown as LayerDraft;
    const l = finishLayer(d) as unknown as Record<string, unknown>;
    expect(Object.keys(l)).toEqual(['index', 'name', 'op', 'kind', 'sourceOps', 'nodeNames', 'inputs', 'outputs', 'inputShapes', 'outputShapes', 'inputDtypes', 'outputDtypes', 'dtype', 'macs', 'macsUnit', 'stMacc', 'params', 'weightBytes', 'biasBytes', 'quantParamBytes', 'constBytes', 'outputBytes', 'note']);
    expect(l.macs).toBe(4); // computed (2×2 output elements), not the draft's
    expect(JSON.stringify(finishLayer(d))).toBe(JSON.stringify(l));
  });

  it('finishLayer: optional keys a draft declares undefined are left out, as if absent', () => {
    const base = draft('Conv', { outputShapes: [[1, 4, 4, 3]], conv: geom(1, 2, 3), weightBytes: 6 });
    const declared = { ...base, weightDtype: undefined, perChannel: undefined, activation: undefined, params: undefined, biasBytes: undefined, unknown: undefined } as LayerDraft;
    expect(Object.keys(finishLayer(declared))).toEqual(Object.keys(finishLayer(base)));
    expect(JSON.stringify(finishLayer(declared))).toBe(JSON.stringify(finishLayer(base)));
  });

  it('collectActivationTensors: producer, consumers, bytes', () => {
    const a = finishLayer(draft('Conv', { index: 0, inputs: ['in'], outputs: ['t'], inputShapes: [[1, 4, 4, 2]], outputShapes: [[1, 4, 4, 3]], conv: geom(1, 2, 3) }));
    const b = finishLayer(draft('Add', { index: 1, inputs: ['t', 'in2'], outputs: ['out'], inputShapes: [[1, 4, 4, 3], [1, 4, 4, 3]], outputShapes: [[1, 4, 4, 3]] }));
    const c = finishLayer(draft('Activation', { index: 2, inputs: ['t'], outputs: ['o2'], inputShapes: [[1, 4, 4, 3]], outputShapes: [[1, 4, 4, 3]] }));
    const ts = collectActivationTensors([a, b, c], ['in', 'in2'], ['out', 'o2'], new Map([['in', { dtype: 'float32', shape: [1, 4, 4, 2] }]]));
    expect(ts.map((t) => t.name)).toEqual(['in', 'in2', 't', 'out', 'o2']);
    expect(ts[0]).toMatchObject({ producer: -1, consumers: [0], bytes: 4 * 32, isGraphInput: true });
    expect(ts[2]).toMatchObject({ producer: 0, consumers: [1, 2], bytes: 48, isGraphOutput: false });
    expect(ts[3]).toMatchObject({ producer: 1, consumers: [], isGraphOutput: true });
  });
});
