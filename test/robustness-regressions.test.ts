/**
 * Reproducers of failures the fuzz test (test/fuzz-models.test.ts) found, kept as regression tests. Each
 * names the seed and case that found it.
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { refusal } from './helpers/refusal.ts';

function analyzeBytes(bytes: Uint8Array) {
  return analyzeModel(loadModelBytes(bytes, 'reg.onnx'));
}


/** x [1,3,24,24] → Conv (8 out, 3×3 float weights, kernel_shape attribute as given) → y. */
function convWithKernelAttr(kernelShape: number[]): Uint8Array {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 3, 24, 24]);
  g.initializer('w', 'float32', [8, 3, 3, 3], new Float32Array(216).fill(0.1));
  g.node('Conv', ['x', 'w'], ['y'], { kernel_shape: kernelShape, pads: [1, 1, 1, 1] }, { name: 'conv0' });
  g.output('y', 'float32', null);
  return g.toBytes();
}

/** x [1,3,24,24] → Conv (8 out, 3×3 weights whose shape disagrees with x's channels) named `name` → y. */
function badConvNamed(name: string): Uint8Array {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 3, 24, 24]);
  g.initializer('w', 'float32', [8, 5, 3, 3], new Float32Array(360).fill(0.1));
  g.node('Conv', ['x', 'w'], ['y'], { pads: [1, 1, 1, 1] }, { name });
  g.output('y', 'float32', null);
  return g.toBytes();
}

/** Node, tensor and graph-input names holding a newline, ESC sequences (SGR, clear screen) and a C1 CSI. */
function hostileNames(): Uint8Array {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x\u001b[31mRED', 'float32', [1, 3, 8, 8]);
  g.initializer('w', 'float32', [4, 3, 3, 3], new Float32Array(108).fill(0.1));
  g.node('Conv', ['x\u001b[31mRED', 'w'], ['y\nFAKE LINE'], { pads: [1, 1, 1, 1] }, { name: 'conv\n- injected warning\u001b[2J\u009b' });
  g.node('Relu', ['y\nFAKE LINE'], ['z'], {}, { name: 'relu' });
  g.output('z', 'float32', null);
  return g.toBytes();
}

describe('hostile names', () => {
  it('names with control characters are carried escaped: no layer, tensor or buffer name can fake an output line or drive the terminal', () => {
    const a = analyzeBytes(hostileNames());
    const names = [...a.layers.map((l) => l.name), ...a.layers.flatMap((l) => [...l.inputs, ...l.outputs]), ...a.tensors.map((t) => t.name)];
    expect(names.length).toBeGreaterThan(3);
    for (const n of names) expect(n).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(a.layers[0]!.name).toBe('conv\\n- injected warning\\u001b[2J\\u009b');
    expect(a.layers[0]!.inputs[0]).toBe('x\\u001b[31mRED');
    const plan = planMemory(a)!;
    for (const b of plan.planners.st.buffers) expect(b.name).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});

describe('fuzz reproducers', () => {
  it('a hostile node name reaches any error as one escaped line, whichever stage throws (seed 13, cases 273 and 7782, TFLite)', () => {
    // shape inference (not the reader) refuses this conv; its message names the node
    const e = refusal(() => analyzeBytes(badConvNamed('conv\nFAKE: all good\r\u2028')));
    expect(e.message).not.toMatch(/[\n\r\u2028]/);
    expect(e.message).toContain("conv\\nFAKE: all good\\u000d\\u2028");
    // the escape is the error's own: any EdgefitError message is one line
    expect(new EdgefitError('BAD_MODEL', 'a\nb\u0007').message).toBe('a\\nb\\u0007');
  });

  it('a Conv kernel_shape with a negative size is refused, not counted as negative MACs (seed 6, case 148)', () => {
    const e = refusal(() => analyzeBytes(convWithKernelAttr([-3, 3])));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toBe("reg.onnx: node 'conv0' (Conv): kernel_shape [-3, 3] is not a list of positive sizes");
  });

  it("a Conv kernel_shape that disagrees with the weight's spatial dims is refused", () => {
    const e = refusal(() => analyzeBytes(convWithKernelAttr([5, 5])));
    expect(e.code).toBe('BAD_MODEL');
    expect(e.message).toMatch(/node 'conv0' \(Conv\): kernel_shape \[5, 5\] disagrees with its weight's spatial dims \[3, 3\]/);
  });

  it('a pooling kernel_shape with a negative size is refused', () => {
    const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
    g.input('x', 'float32', [1, 3, 24, 24]);
    g.node('MaxPool', ['x'], ['y'], { kernel_shape: [-2, 2] }, { name: 'pool0' });
    g.output('y', 'float32', null);
    const e = refusal(() => analyzeBytes(g.toBytes()));
    expect(e.code).toMatch(/^(BAD_MODEL|BAD_SHAPE)$/);
    expect(e.message).toMatch(/pool0.*kernel/);
  });

  it('the matching kernel_shape still analyzes (3×3, 8 out on 24×24: 8·24·24·27 MACs)', () => {
    const a = analyzeBytes(convWithKernelAttr([3, 3]));
    expect(a.totals.macsConvDense).toBe(8 * 24 * 24 * 27);
  });
});
