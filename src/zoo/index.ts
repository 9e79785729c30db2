/**
 * The built-in zoo: ST model-zoo image classifiers written as ONNX QDQ models at any resolution and class
 * count, with seeded random weights (structure exact, values meaningless). See docs/zoo.md.
 *
 * ```ts
 * const { bytes, name } = buildZooModel('st_efficientnet_lc_v1', { resolution: 160, classes: 101 });
 * const reid = buildZooModel('mobilenet_v2', { alpha: 0.35, resolution: [256, 128], classes: 0 }); // H×W, no classifier
 * ```
 */
import { EdgefitError } from '../analyzer/errors.ts';
import { listNetworks, networkEntry, resolveOptions, type ResolvedOptions, type ZooOptionsInput } from './catalog.ts';
import { chooseInt4 } from './int4.ts';
import type { NetSpec } from './net.ts';
import { writeQdqModel, ZOO_IO_VALUES, type ZooIo } from './qdq-writer.ts';

export { listNetworks };
export type { NetworkInfo, ZooParamInfo, ZooResolution } from './catalog.ts';
export type { NetSpec } from './net.ts';
export { ZOO_IO_VALUES, type ZooIo };

export interface ZooBuildOptions extends ZooOptionsInput {
  /**
   * Share of the weight count (percent) to store as INT4, largest tensors first, as ST's w4/w8 files
   * (`w4_26.1%`). Any value, even 0, writes opset 21 / IR 10 as ST's w4w8a8 configs do.
   */
  w4Percent?: number;
  /** PRNG seed for weights and quantization parameters (default 1). */
  seed?: number;
  /**
   * Graph input/output (default 'float', ST's QDQ ONNX): 'int8' = int8 input and output (the quantized tensors,
   * no conversion layer); 'uint8' = ST's int8 TFLite files' I/O (uint8 input converted to int8, float output).
   */
  io?: ZooIo;
}

export interface ZooModel {
  bytes: Uint8Array;
  /** File-name stem in ST's style, e.g. `st_efficientnet_lc_v1_224_5cls_qdq_int8`. */
  name: string;
  description: string;
  /** Network id and the options after defaults. */
  id: string;
  options: ResolvedOptions;
  opset: number;
  /** Layers whose kernel weights are INT4, and their share of the weight count in percent. */
  int4Layers: string[];
  w4Percent: number;
  /** Graph input/output types. */
  io: ZooIo;
}

const DEFAULT_SEED = 1;

/** The float layer list of a network (shapes included), before quantization. */
export function buildZooSpec(id: string, opts: ZooOptionsInput = {}): { spec: NetSpec; options: ResolvedOptions } {
  const entry = networkEntry(id);
  const options = resolveOptions(entry, opts);
  return { spec: entry.build(options), options };
}

function fmt(v: number): string {
  return String(Number(v.toFixed(4)));
}

export function buildZooModel(id: string, opts: ZooBuildOptions = {}): ZooModel {
  const entry = networkEntry(id);
  const { spec, options } = buildZooSpec(id, opts);
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed)) throw new EdgefitError('USAGE', `zoo ${id}: seed must be an integer, got ${seed}`);

  const io = opts.io ?? 'float';
  if (!ZOO_IO_VALUES.includes(io)) throw new EdgefitError('USAGE', `zoo ${id}: --io must be one of ${ZOO_IO_VALUES.join(', ')}, got '${String(io)}'`);

  let opset = 17;
  let int4Layers: string[] = [];
  let w4Percent = 0;
  if (opts.w4Percent !== undefined) {
    if (!Number.isFinite(opts.w4Percent) || opts.w4Percent < 0 || opts.w4Percent > 100) {
      throw new EdgefitError('USAGE', `zoo ${id}: --w4 must be a percentage in [0, 100], got ${opts.w4Percent}`);
    }
    const choice = chooseInt4(spec, opts.w4Percent);
    opset = 21;
    int4Layers = choice.layers;
    w4Percent = choice.percent;
  }

  const variant = [
    options.alpha !== undefined ? fmt(options.alpha) : undefined,
    options.depth !== undefined ? `d${options.depth}` : undefined,
    options.height === options.width ? String(options.height) : `${options.height}x${options.width}`,
    options.channels === 1 ? 'gray' : undefined,
    options.classes === 0 ? 'features' : `${options.classes}cls`,
  ].filter((s) => s !== undefined);
  const quant = opts.w4Percent === undefined ? 'qdq_int8' : `qdq_w4_${w4Percent.toFixed(2)}%_w8_${(100 - w4Percent).toFixed(2)}%_a8_100%`;
  const name = `${id}_${variant.join('_')}_${quant}${io === 'float' ? '' : `_io_${io}`}`;

  const size = `${options.height}×${options.width}×${options.channels}`;
  const head = options.classes === 0 ? 'no classifier (pooled features out)' : `${options.classes} classes`;
  const params = [options.alpha !== undefined ? `α ${fmt(options.alpha)}` : '', options.depth !== undefined ? `depth ${options.depth}` : ''].filter(Boolean).join(', ');
  const quantText = opts.w4Percent === undefined ? 'QDQ int8 (opset 17)' : `QDQ w4 ${w4Percent.toFixed(2)}% / w8, a8 (opset 21, ${int4Layers.length} int4 tensors)`;
  const ioText = io === 'float' ? '' : io === 'int8' ? ', int8 input and output' : ', uint8 input (converted to int8) and float output as int8 TFLite files';
  const description = `${entry.title}${params ? ` (${params})` : ''}, ${size}, ${head}, ${quantText}${ioText}, seeded weights (seed ${seed}) — edgefit zoo, structure per architectures.md ${entry.spec}`;

  const bytes = writeQdqModel(spec, { modelName: name, docString: description, seed, opset, int4Weights: new Set(int4Layers), io });
  return { bytes, name, description, id, options, opset, int4Layers, w4Percent, io };
}
