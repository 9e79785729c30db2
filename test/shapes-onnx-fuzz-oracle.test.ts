/**
 * Property-based oracle: random window configurations (sizes, kernels, strides, dilations, pads, auto_pad,
 * ceil_mode) and random Slice/Resize/broadcast parameters, each built into a model and run in
 * onnxruntime-node; our inferred shapes must equal ORT's. Fixed seed, so a failure is reproducible.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { runOracle } from './shapes-oracle-helpers.ts';

const SEED = Number(process.env.EDGEFIT_FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.EDGEFIT_FUZZ_RUNS ?? 25);

async function agrees(build: (g: OnnxGraphBuilder) => void, opsets: Record<string, number> = { '': 17 }): Promise<void> {
  const g = new OnnxGraphBuilder({ name: 'fuzz', opsets });
  build(g);
  const bytes = g.toBytes();
  const result = inferShapes(loadModelBytes(bytes, 'fuzz.onnx'));
  const report = await runOracle(bytes, result);
  expect(report.untyped).toEqual([]);
  expect(report.mismatches).toEqual([]);
}

const autoPad = fc.constantFrom('NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID');

/** One spatial axis: input size, kernel, stride, dilation, pads; the window always fits. */
const axis = fc
  .record({
    size: fc.integer({ min: 1, max: 23 }),
    kernel: fc.integer({ min: 1, max: 5 }),
    stride: fc.integer({ min: 1, max: 4 }),
    dilation: fc.integer({ min: 1, max: 3 }),
    padBegin: fc.integer({ min: 0, max: 4 }),
    padEnd: fc.integer({ min: 0, max: 4 }),
  })
  .filter((a) => (a.kernel - 1) * a.dilation + 1 <= a.size);

const spatial = fc.integer({ min: 1, max: 3 }).chain((n) => fc.array(axis, { minLength: n, maxLength: n }));

describe('fuzzed shape oracle (fast-check, fixed seed)', () => {
  it('Conv: any kernel/stride/dilation/pads/auto_pad/group', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(spatial, autoPad, fc.integer({ min: 1, max: 3 }), async (axes, pad, group) => {
        await agrees((g) => {
          g.input('x', 'float32', [1, 2 * group, ...axes.map((a) => a.size)]);
          const wDims = [group * 2, 2, ...axes.map((a) => a.kernel)];
          g.initializer('w', 'float32', wDims, new Uint8Array(4 * wDims.reduce((p, d) => p * d, 1)));
          g.node('Conv', ['x', 'w'], ['y'], {
            group,
            strides: axes.map((a) => a.stride),
            // onnxruntime refuses dilations with SAME_* auto_pad for Conv
            dilations: axes.map((a) => (pad.startsWith('SAME') ? 1 : a.dilation)),
            auto_pad: pad,
            ...(pad === 'NOTSET' ? { pads: [...axes.map((a) => Math.min(a.padBegin, a.kernel - 1)), ...axes.map((a) => Math.min(a.padEnd, a.kernel - 1))] } : {}),
          });
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('ConvTranspose: strides/dilations/pads/output_padding/auto_pad', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(spatial, fc.constantFrom('NOTSET', 'NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'), async (axes, pad) => {
        await agrees((g) => {
          g.input('x', 'float32', [1, 2, ...axes.map((a) => a.size)]);
          const wDims = [2, 3, ...axes.map((a) => a.kernel)];
          g.initializer('w', 'float32', wDims, new Uint8Array(4 * wDims.reduce((p, d) => p * d, 1)));
          g.node('ConvTranspose', ['x', 'w'], ['y'], {
            strides: axes.map((a) => a.stride),
            dilations: axes.map((a) => a.dilation),
            // onnxruntime requires output_padding < stride
            output_padding: axes.map((a) => a.padEnd % a.stride),
            auto_pad: pad,
            ...(pad === 'NOTSET' ? { pads: [...axes.map((a) => Math.min(a.padBegin, a.kernel - 1)), ...axes.map((a) => Math.min(a.padEnd, a.kernel - 1))] } : {}),
          });
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('MaxPool/AveragePool: ceil_mode, pads, dilations, auto_pad', { timeout: 60_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(spatial, autoPad, fc.boolean(), fc.constantFrom('MaxPool', 'AveragePool'), async (axes, pad, ceil, op) => {
        await agrees(
          (g) => {
            g.input('x', 'float32', [1, 2, ...axes.map((a) => a.size)]);
            g.node(op, ['x'], ['y'], {
              kernel_shape: axes.map((a) => a.kernel),
              // onnxruntime rejects SAME_* pooling whose stride exceeds the kernel ("padding values must be non-negative")
              strides: axes.map((a) => (pad.startsWith('SAME') ? Math.min(a.stride, a.kernel) : a.stride)),
              dilations: axes.map((a) => a.dilation),
              ceil_mode: ceil ? 1 : 0,
              auto_pad: pad,
              // ORT requires pads smaller than the kernel
              ...(pad === 'NOTSET' ? { pads: [...axes.map((a) => Math.min(a.padBegin, a.kernel - 1)), ...axes.map((a) => Math.min(a.padEnd, a.kernel - 1))] } : {}),
            });
          },
          { '': 19 },
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('Slice: any starts/ends/steps including negative and out of range', { timeout: 60_000 }, async () => {
    const dimSlice = fc.record({
      dim: fc.integer({ min: 1, max: 9 }),
      start: fc.integer({ min: -12, max: 12 }),
      end: fc.integer({ min: -12, max: 12 }),
      step: fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(dimSlice, { minLength: 1, maxLength: 3 }), async (axes) => {
        await agrees((g) => {
          g.input('x', 'float32', axes.map((a) => a.dim));
          g.initializer('st', 'int64', [axes.length], axes.map((a) => a.start));
          g.initializer('en', 'int64', [axes.length], axes.map((a) => a.end));
          g.initializer('ax', 'int64', [axes.length], axes.map((_, i) => i));
          g.initializer('sp', 'int64', [axes.length], axes.map((a) => a.step));
          g.node('Slice', ['x', 'st', 'en', 'ax', 'sp'], ['y']);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('Resize with scales: output = floor(in × scale)', { timeout: 60_000 }, async () => {
    const axisScale = fc.record({ dim: fc.integer({ min: 1, max: 12 }), scale: fc.constantFrom(0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 1 / 3) });
    await fc.assert(
      fc.asyncProperty(fc.array(axisScale, { minLength: 2, maxLength: 2 }), async (axes) => {
        await agrees((g) => {
          g.input('x', 'float32', [1, 1, ...axes.map((a) => a.dim)]);
          g.initializer('scales', 'float32', [4], [1, 1, ...axes.map((a) => a.scale)]);
          g.node('Resize', ['x', '', 'scales'], ['y'], { mode: 'nearest' });
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('broadcasting binary ops and MatMul batch broadcast', { timeout: 60_000 }, async () => {
    // shapes built to be broadcast-compatible: each dim of b is either a's dim or 1, ranks may differ
    const pair = fc
      .array(fc.record({ d: fc.integer({ min: 1, max: 4 }), aOne: fc.boolean(), bOne: fc.boolean() }), { minLength: 0, maxLength: 4 })
      .chain((dims) =>
        fc.integer({ min: 0, max: dims.length }).map((drop) => ({
          a: dims.map((x) => (x.aOne ? 1 : x.d)),
          b: dims.slice(drop).map((x) => (x.bOne ? 1 : x.d)),
        })),
      );
    await fc.assert(
      fc.asyncProperty(pair, fc.constantFrom('Add', 'Mul', 'Sub', 'Div', 'Max', 'Less', 'MatMul'), async ({ a, b }, op) => {
        await agrees((g) => {
          if (op === 'MatMul') {
            g.input('a', 'float32', [...a, 3, 4]);
            g.input('b', 'float32', [...b, 4, 2]);
          } else {
            g.input('a', 'float32', a);
            g.input('b', 'float32', b);
          }
          g.node(op, ['a', 'b'], ['y']);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
