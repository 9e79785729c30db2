/**
 * Oracle: TFLite files store the shape of every tensor. For every .tflite in ../shared/models, shape inference
 * (inferShapes with the TFLite rules, from the graph-input shapes and the constants alone) must give exactly the
 * stored shape of every tensor. The stored shapes are read straight from the flatbuffer with the generated
 * accessors, independently of the reader's mapping (which turns shape_signature −1 into symbolic dims).
 */
import { readFileSync } from 'node:fs';
import { ByteBuffer } from 'flatbuffers';
import { afterAll, describe, expect, it } from 'vitest';
import { inferShapes } from '../src/analyzer/shapes/infer.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { readTflite } from '../src/analyzer/tflite/reader.ts';
import { HAVE_SHARED, modelLabel, sharedModels } from './helpers/shared.ts';

function storedShapes(bytes: Uint8Array): number[][] {
  const sg = Model.getRootAsModel(new ByteBuffer(bytes)).subgraphs(0)!;
  const shapes: number[][] = [];
  for (let i = 0; i < sg.tensorsLength(); i++) {
    const t = sg.tensors(i)!;
    const dims: number[] = [];
    for (let k = 0; k < t.shapeLength(); k++) dims.push(t.shape(k)!);
    shapes.push(dims);
  }
  return shapes;
}

const rows: string[] = [];
const files = sharedModels('tflite');

describe.skipIf(!HAVE_SHARED)('TFLite shapes: inferred = stored, every tensor of every shared model', () => {
  it('finds the shared TFLite models', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const path of files) {
    it(modelLabel(path), () => {
      const bytes = new Uint8Array(readFileSync(path));
      const model = readTflite(bytes, { path });
      const stored = storedShapes(bytes);
      const { types, unknownNodes } = inferShapes(model);
      expect(unknownNodes, 'operators without a shape rule').toEqual([]);

      const names = [...model.graph.tensors.keys()]; // insertion order = tensor index
      expect(names.length).toBe(stored.length);
      const produced = new Set(model.graph.nodes.flatMap((n) => n.outputs));
      let inferred = 0;
      const wrong: string[] = [];
      names.forEach((name, i) => {
        const t = types.get(name);
        const want = stored[i]!.join('x');
        const got = t ? t.shape.join('x') : 'none';
        if (got !== want) wrong.push(`tensor ${i} '${name}': inferred ${got}, stored ${want}`);
        else if (produced.has(name)) inferred++;
      });
      expect(wrong.slice(0, 5), `${wrong.length} tensors differ`).toEqual([]);
      const constants = [...model.graph.tensors.values()].filter((t) => t.data).length;
      rows.push(
        `${modelLabel(path).padEnd(100)} tensors ${String(names.length).padStart(4)}  operator outputs inferred ${String(inferred).padStart(4)}/${String(produced.size).padEnd(4)} constants ${String(constants).padStart(4)}  inputs ${model.graph.inputs.length}`,
      );
    });
  }

  afterAll(() => {
    if (rows.length) console.log(`TFLite shape oracle (${rows.length} models):\n${rows.join('\n')}`);
  });
});
