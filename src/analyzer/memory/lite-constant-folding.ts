/**
 * Constant-only subgraphs in ST's STEdgeAI Core 3.x / 4.x "lite" MCU code generator: a layer whose inputs are all
 * constants (directly, or through layers that are themselves constant-only) is computed by the generator, not at
 * run time. One rule, shared by the lite activation pool (st4x-plan.ts `liteLiveness`), the runtime objects and
 * code flash (targets/runtime-lite.ts) and the lite weights figure.
 *
 * Evidence: ST's own 3.0.0 generation of SSD MobileNet v1 0.25 192 (STMicroelectronics/STM32H7-GettingStarted-
 * ObjectDetection@0f3cc423832ecc5e7307e1b8e5d2f7e915dc35f2, `Application/Network/Src/network.c` and
 * `network_c_info.json`; data/st-generated/ev7-reports-3.0.0-zoo-services.json). The file's anchors output is five
 * TILE layers of constants → reshapes → CONCATENATION → DEQUANTIZE (float32 1×3830×4). ST's network.c has none of
 * those layers: the whole chain's result is one float32 constant `conversion_141_const_array` (15,320 elements, its
 * data at `_weights[0] + 0`), copied into the graph output by one layer `conversion_141_const_output_layer`
 * (CONCAT_TYPE, `forward_concat`, two ai_array / ai_tensor objects without intq) that runs first (c_info step 3,
 * before the uint8 → int8 input conversion); the output buffer lives from then to the end (step 273 of 273). The
 * report's weights are 494,760 B = the file's constants 448,800 − the TILE constants 15,320 + the folded float32
 * result 61,280 (the three figures add up to the byte). ST's buffer list has no buffer for the TILE outputs or the
 * concatenation (docs/memory-4x.md "ST's own 3.0.0 outputs").
 *
 * Not observed: a constant-only result that feeds a run-time layer (not a graph output). The rule keeps it as a
 * constant operand of that layer (its bytes in the weights, no layer, no buffer), the same folding without the copy.
 * STM32Cube.AI 8.1 (legacy generator) does not fold: its published weights for the same SSD file are the file's
 * constants (438.28 KiB = 448,800 B, data/published/mcu.csv row mcu-legacy-elhadidy-81).
 */
import type { Analysis } from '../layer.ts';
import type { Liveness } from './liveness.ts';
import { residentBytesPerStep } from './resident-bytes.ts';
import type { LiveBuffer } from './types.ts';

export interface ConstantFolding {
  /** Indices of the layers the generator computes from constants (views included). */
  layers: Set<number>;
  /** Tensors those layers write (views included). */
  tensors: Set<string>;
  /**
   * Folded tensors a run-time layer reads or the graph outputs: what the generator stores as constants. Graph
   * outputs among them are written by one copy layer (`forward_concat`) before the first kernel runs.
   */
  results: { name: string; bytes: number; dtype: string; isGraphOutput: boolean }[];
  /** Weight and constant bytes of the folded layers (the file's constants the generator does not store). */
  foldedConstBytes: number;
}

const EMPTY: ConstantFolding = { layers: new Set(), tensors: new Set(), results: [], foldedConstBytes: 0 };
const memo = new WeakMap<Analysis, ConstantFolding>();

/**
 * The constant-only subgraphs of an analysis. A layer is constant-only when it reads no activation tensor
 * (`Layer.inputs` excludes constants) or every tensor it reads is written by a constant-only layer; graph inputs
 * are never constant. Layers are visited in index order until nothing changes (a producer may come after its
 * consumer in a hand-ordered file).
 */
export function constantFolding(a: Analysis): ConstantFolding {
  const hit = memo.get(a);
  if (hit) return hit;
  const out = foldingOf(a);
  memo.set(a, out);
  return out;
}

function foldingOf(a: Analysis): ConstantFolding {
  if (!a.layers.some((l) => l.inputs.length === 0)) return EMPTY;
  const producerOf = new Map<string, number>();
  for (const t of a.tensors) producerOf.set(t.name, t.isGraphInput ? -1 : t.producer);
  const layers = new Set<number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const l of a.layers) {
      if (layers.has(l.index) || l.outputs.length === 0) continue;
      if (l.inputs.every((t) => layers.has(producerOf.get(t) ?? -1))) {
        layers.add(l.index);
        changed = true;
      }
    }
  }
  if (layers.size === 0) return EMPTY;
  const tensors = new Set<string>();
  let foldedConstBytes = 0;
  for (const i of layers) {
    const l = a.layers[i]!;
    l.outputs.forEach((t) => tensors.add(t));
    foldedConstBytes += l.weightBytes + l.constBytes;
  }
  const results: ConstantFolding['results'] = [];
  for (const t of a.tensors) {
    if (!tensors.has(t.name)) continue;
    const readAtRunTime = t.consumers.some((c) => !layers.has(c));
    if (t.isGraphOutput || readAtRunTime) results.push({ name: t.name, bytes: t.bytes, dtype: t.dtype, isGraphOutput: t.isGraphOutput });
  }
  return { layers, tensors, results, foldedConstBytes };
}

/**
 * Weights bytes of the lite generator relative to the file's constants (the analysis's weights flash figure):
 * the folded layers' constants leave, their stored results come in. 0 without constant-only layers.
 */
export function liteFoldedWeightsDeltaBytes(a: Analysis): number {
  const f = constantFolding(a);
  return f.results.reduce((s, r) => s + r.bytes, 0) - f.foldedConstBytes;
}

/**
 * The lite liveness with the constant-only subgraphs folded (`constantFolding`): their buffers, scratch and padded
 * copies are gone (the layers never run; their steps stay, empty), and a graph output they compute is written by the
 * copy before the first kernel: live from step 0 to the end. Overlaps touching a removed buffer go; each step's
 * resident bytes are recomputed with the overlap saving of the steps that still run (none where an overlap went). Unchanged (the same object)
 * without constant-only layers.
 */
export function foldLiteLiveness(lv: Liveness, a: Analysis): Liveness {
  const f = constantFolding(a);
  if (f.layers.size === 0) return lv;
  const foldedNames = new Set<string>();
  for (const i of f.layers) {
    const l = a.layers[i]!;
    foldedNames.add(`${l.name}#scratch`);
    foldedNames.add(`${l.name}#pad`);
  }
  const newIndex = new Array<number>(lv.buffers.length).fill(-1);
  const buffers: LiveBuffer[] = [];
  lv.buffers.forEach((b, i) => {
    const folded = f.tensors.has(b.name) || b.aliases.some((t) => f.tensors.has(t));
    if (folded && b.kind !== 'output') return;
    if (!folded && foldedNames.has(b.name)) return;
    newIndex[i] = buffers.length;
    buffers.push(folded ? { ...b, firstStep: 0 } : b);
  });
  if (buffers.length === lv.buffers.length && buffers.every((b, i) => b === lv.buffers[i])) return lv;
  const remapped = buffers.map((b) => {
    if (b.placeAfter === undefined) return b;
    const to = newIndex[b.placeAfter]!;
    if (to >= 0) return { ...b, placeAfter: to };
    const { placeAfter: _, ...rest } = b;
    return rest;
  });
  const kept = (o: Liveness['overlaps'][number]) => newIndex[o.output]! >= 0 && newIndex[o.input]! >= 0;
  const overlaps = lv.overlaps.filter(kept).map((o) => ({ ...o, output: newIndex[o.output]!, input: newIndex[o.input]! }));
  const lostSaving = new Set(lv.overlaps.filter((o) => !kept(o)).map((o) => o.step));
  // saving per step = resident before − stepBytes; kept at the steps whose layer still runs and lost no overlap
  const n = lv.stepBytes.length;
  const before = residentBytesPerStep(lv.buffers, n);
  const after = residentBytesPerStep(remapped, n);
  const stepBytes = Array.from(after, (r, s) => r - (f.layers.has(lv.schedule[s]!) || lostSaving.has(s) ? 0 : before[s]! - lv.stepBytes[s]!));
  return { ...lv, buffers: remapped, overlaps, stepBytes };
}
