/**
 * Arrays whose length the model decides are never spread into a call (Math.max(...xs), push(...xs), fn(...args)):
 * past ~10^5 elements the spread throws RangeError (call stack). Each case failed on 1f6fb17 with "Maximum call stack
 * size exceeded": the Neural-ART buffers of a tensor read by 200,000 layers (check -t STM32N6570-DK: "internal error"),
 * a Max node of 200,000 constant operands ("shape rule failed"), analyze's text with 200,000 warnings, and the report
 * page's buffer chart over a 200,000-buffer plan (test/report-browser.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { renderAnalysis } from '../src/cli/commands/analyze.ts';
import { evaluateTargets } from '../src/targets/evaluate.ts';
import { fanOutChain } from './helpers/fan-out-chain.ts';

const MANY = 200_000;

describe('model-sized arrays are not spread into calls', () => {
  it('Neural-ART activation pool of a graph input read by 200,000 layers: the same as with 1,000 readers', () => {
    // each step holds x, the Add's input and its output whatever the chain's length: the pool does not grow with it
    const n6 = (n: number) => evaluateTargets(analyzeModel(loadModelBytes(fanOutChain(n).toBytes(), `fan-${n}.onnx`)), ['STM32N6570-DK'])[0]!;
    const small = n6(1000);
    const many = n6(MANY);
    expect(many.activationBytes).toBeGreaterThan(0);
    expect(many.activationBytes).toBe(small.activationBytes);
  }, 300_000);

  it('a Max / Min / Sum of 200,000 constant operands folds to their max / min / sum', () => {
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', [1, 2]);
    b.initializer('c', 'float32', [2], [2, -1]);
    b.initializer('d', 'float32', [1], [3]);
    const operands = Array.from({ length: MANY }, (_, i) => (i === MANY - 7 ? 'd' : 'c'));
    for (const op of ['Max', 'Min', 'Sum']) b.node(op, operands, [op], {}, { name: op });
    b.node('Concat', ['Max', 'Min', 'Sum'], ['k'], { axis: 0 }, { name: 'k' });
    b.output('k', 'float32', [6]);
    const r = inferShapes(loadModelBytes(b.toBytes(), 'max.onnx'));
    expect(r.unknownNodes).toEqual([]);
    expect(r.types.get('Max')).toEqual({ dtype: 'float32', shape: [2], value: [3, 3] });
    expect(r.types.get('Min')).toEqual({ dtype: 'float32', shape: [2], value: [2, -1] });
    // (MANY − 1) × c + d
    expect(r.types.get('Sum')).toEqual({ dtype: 'float32', shape: [2], value: [2 * (MANY - 1) + 3, -(MANY - 1) + 3] });
  });

  it("analyze's text lists 200,000 warnings", () => {
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', [1, 4]);
    b.node('Relu', ['x'], ['y'], {}, { name: 'r' });
    b.output('y', 'float32', [1, 4]);
    const a = analyzeModel(loadModelBytes(b.toBytes(), 'one.onnx'));
    a.warnings = Array.from({ length: MANY }, (_, i) => `warning ${i}`);
    const text = renderAnalysis(a, undefined);
    expect(text).toContain(`Warnings (${MANY})\n- warning 0\n`);
    expect(text).toContain(`- warning ${MANY - 1}`);
  });
});
