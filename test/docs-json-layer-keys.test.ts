/**
 * docs/json.md documents the `Layer` objects `analyze --json` prints (they are the analysis's layers, serialised as
 * they are: cli/format/analysis-json.ts). Every key a layer can carry must be in that block, the optional ones too
 * (a key added to Layer without its line leaves JSON consumers guessing). Oracle: the keys of real layers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { OnnxGraphBuilder } from '../src/analyzer/onnx/builder.ts';
import { REPO_ROOT } from './helpers/shared.ts';

/** The keys of the `Layer` block of docs/json.md (`name:` or `name?:` at the start of a line). */
function documentedLayerKeys(): Set<string> {
  const doc = readFileSync(join(REPO_ROOT, 'docs/json.md'), 'utf8');
  const start = doc.indexOf('`Layer`');
  expect(start, 'docs/json.md has a `Layer` section').toBeGreaterThanOrEqual(0);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(start))![1]!;
  return new Set([...block.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]!));
}

/** x → Conv 3×3 (+Relu) → Resize ×2 (linear) → y, float32: a layer with weights, geometry, activation and resize mode. */
function convResize() {
  const g = new OnnxGraphBuilder({ opsets: { '': 13 } });
  g.input('x', 'float32', [1, 4, 8, 8]);
  g.initializer('w', 'float32', [8, 4, 3, 3], new Float32Array(8 * 4 * 9).fill(0.1));
  g.initializer('b', 'float32', [8], new Float32Array(8));
  g.node('Conv', ['x', 'w', 'b'], ['c'], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { name: 'conv' });
  g.node('Relu', ['c'], ['r'], {}, { name: 'relu' });
  g.initializer('scales', 'float32', [4], [1, 1, 2, 2]);
  g.node('Resize', ['r', '', 'scales'], ['y'], { mode: 'linear' }, { name: 'resize' });
  g.output('y', 'float32', [1, 8, 16, 16]);
  return analyzeModel(loadModelBytes(g.toBytes(), 'conv-resize.onnx'));
}

describe('docs/json.md Layer block', () => {
  it('names every key of the layers analyze --json prints', () => {
    const documented = documentedLayerKeys();
    const a = convResize();
    const keys = new Set(a.layers.flatMap((l) => Object.keys(l)));
    // the graph exercises the optional keys it is built for
    for (const k of ['conv', 'activation', 'resizeMode', 'weightDtype']) expect(keys.has(k), k).toBe(true);
    expect([...keys].filter((k) => !documented.has(k))).toEqual([]);
  });
});
