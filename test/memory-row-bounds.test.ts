/**
 * The row-walking overlap bounds visit a few candidate rows instead of every output row once a tensor is
 * taller than 4,096 rows (a hostile 2^31-row input used to loop for a minute). The formula in
 * overlap-rules.ts says the bounds are a min/max over every output row; this test brute-forces that min/max
 * for random tall geometries and checks the candidate rows reach the same values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Layer } from '../src/analyzer/layer.ts';
import { rowOverlap } from '../src/analyzer/memory/overlap-rules.ts';

function convLayer(hin: number, hout: number, w: number, c: number, kh: number, stride: number, dilation: number, padTop: number): Layer {
  return {
    index: 0, name: 'conv', op: 'Conv', kind: 'conv', sourceOps: ['CONV_2D'], nodeNames: ['conv'],
    inputs: ['x'], outputs: ['y'], inputShapes: [[1, hin, w, c]], outputShapes: [[1, hout, w, c]],
    inputDtypes: ['int8'], outputDtypes: ['int8'], dtype: 'int8', layout: 'NHWC',
    conv: { kernel: [kh, 1], strides: [stride, 1], dilations: [dilation, 1], pads: [padTop, 0, 0, 0], group: 1, cin: c, cout: c },
    macs: 0, macsUnit: 'mac', stMacc: 0, params: 0, weightBytes: 0, biasBytes: 0, quantParamBytes: 0, constBytes: 0, outputBytes: hout * w * c,
  };
}

describe('row-walking overlap bounds on tall tensors', () => {
  it('equal the min/max over every output row (brute force) for random geometries', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4097, max: 30_000 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }),
        (hout, kh, stride, dilation, padTop, w, c) => {
          const hin = Math.max(1, (hout - 1) * stride + (kh - 1) * dilation + 1 - padTop);
          const rowBytes = w * c;
          let forward = Infinity;
          let backward = -Infinity;
          const clamp = (r: number) => Math.min(hin, Math.max(0, r));
          for (let y = 0; y < hout; y++) {
            const first = y * stride - padTop;
            forward = Math.min(forward, clamp(first) * rowBytes - (y + 1) * rowBytes);
            backward = Math.max(backward, clamp(first + (kh - 1) * dilation + 1) * rowBytes - y * rowBytes);
          }
          const bounds = rowOverlap(convLayer(hin, hout, w, c, kh, stride, dilation, padTop), 0);
          expect(bounds).toEqual({ forwardDeltaBytes: forward, backwardDeltaBytes: backward });
        },
      ),
      { seed: 20261126, numRuns: 60 },
    );
  });

  it('answer at once for a 2^31-row tensor', () => {
    const bounds = rowOverlap(convLayer(2 ** 31, 2 ** 31, 2, 3, 3, 1, 1, 1), 0);
    expect(bounds?.forwardDeltaBytes).toBeLessThan(0);
    expect(Number.isFinite(bounds?.backwardDeltaBytes)).toBe(true);
  });
});
