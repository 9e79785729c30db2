/**
 * The spatial padding of every TFLite PAD op of a file, read from its stored paddings constant (the oracle the zoo
 * tests compare the builder's explicit / per-axis padding with).
 */
import { expect } from 'vitest';
import { loadModel } from '../../src/analyzer/load.ts';

/** [top, left, bottom, right] */
export type Pads = [number, number, number, number];

/** TFLite PAD output tensor → its [top, left, bottom, right] spatial padding (NHWC paddings constant [4, 2]). */
export function tflitePads(file: string): Map<string, Pads> {
  const ir = loadModel(file);
  const out = new Map<string, Pads>();
  for (const n of ir.graph.nodes) {
    if (n.opType !== 'PAD') continue;
    const d = ir.graph.tensors.get(n.inputs[1]!)?.data;
    expect(d?.dtype, `${n.name} paddings`).toBe('int32');
    const view = new DataView(d!.bytes.buffer, d!.bytes.byteOffset, d!.bytes.byteLength);
    const v = Array.from({ length: 8 }, (_, i) => view.getInt32(i * 4, true)); // [[0,0],[top,bottom],[left,right],[0,0]]
    out.set(n.outputs[0]!, [v[2]!, v[4]!, v[3]!, v[5]!]);
  }
  return out;
}
