/**
 * A network description as data: the float layer list of one zoo network after BN folding (every conv
 * and dense carries a bias), with activation shapes tracked as the layers are added. The QDQ writer
 * (`qdq-writer.ts`) lowers this list onto ONNX; the network modules under `nets/` only describe.
 *
 * Shapes carry no batch dim: [C, H, W] for feature maps, [F] for flat vectors (NCHW order, as ST's ONNX).
 * Padding follows Keras: 'same' is TensorFlow SAME (`out = ceil(in/s)`, the odd pixel at the end),
 * 'valid' is no padding, and an explicit [top, left, bottom, right] is a ZeroPadding2D fused into the
 * conv's pads (what ORT's PadFusion does to tf2onnx's separate Pad).
 */
import { EdgefitError } from '../analyzer/errors.ts';

/** Activations folded into the producing layer (ORT removes Relu/Clip after a single-consumer producer). */
export type FoldedActivation = 'relu' | 'relu6' | 'none';

export type Padding = 'same' | 'valid' | [number, number, number, number];

export interface ConvLayer {
  kind: 'conv';
  name: string;
  input: string;
  output: string;
  cin: number;
  cout: number;
  kernel: [number, number];
  strides: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  /** 1 for a standard conv, cin (= cout) for a depthwise conv. */
  group: number;
  act: FoldedActivation;
}

export interface DenseLayer {
  kind: 'dense';
  name: string;
  input: string;
  output: string;
  cin: number;
  cout: number;
}

export interface PoolLayer {
  kind: 'maxpool' | 'avgpool';
  name: string;
  input: string;
  output: string;
  kernel: [number, number];
  strides: [number, number];
  pads: [number, number, number, number];
}

export interface SimpleLayer {
  /** gap: GlobalAveragePool; sigmoid; softmax over `axis` (1 for NCHW channels, -1 for flat). */
  kind: 'gap' | 'sigmoid' | 'softmax';
  name: string;
  input: string;
  output: string;
  axis?: number;
}

export interface BinaryLayer {
  kind: 'add' | 'mul';
  name: string;
  inputs: [string, string];
  output: string;
}

export interface ConcatLayer {
  kind: 'concat';
  name: string;
  inputs: string[];
  output: string;
}

/** An un-foldable BatchNormalization (after a ReLU): per-channel Mul then Add with constants. */
export interface ChannelAffineLayer {
  kind: 'affine';
  name: string;
  input: string;
  output: string;
  channels: number;
}

/**
 * A view: Reshape to [-1, ...shape], or Squeeze of the unit spatial dims after a global pool (tf2onnx's
 * spelling of Keras' GlobalAveragePooling2D: GlobalAveragePool + Squeeze). `transposeToNhwc` first
 * reorders [C,H,W] → [H,W,C] as Keras' Flatten does on NHWC data.
 */
export interface ReshapeLayer {
  kind: 'reshape';
  name: string;
  input: string;
  output: string;
  shape: number[];
  squeeze?: boolean;
  transposeToNhwc?: boolean;
}

export type NetLayer =
  | ConvLayer
  | DenseLayer
  | PoolLayer
  | SimpleLayer
  | BinaryLayer
  | ConcatLayer
  | ChannelAffineLayer
  | ReshapeLayer;

export interface NetSpec {
  /** Network id, e.g. 'st_efficientnet_lc_v1'. */
  id: string;
  input: { name: string; shape: number[] };
  layers: NetLayer[];
  output: string;
  /** Shape of every tensor by name (no batch dim). */
  shapes: Map<string, number[]>;
}

/** TensorFlow SAME padding along one axis: [begin, end] (odd pixel at the end). */
export function samePads(inSize: number, k: number, s: number): [number, number] {
  const out = Math.ceil(inSize / s);
  const total = Math.max((out - 1) * s + k - inSize, 0);
  const begin = Math.floor(total / 2);
  return [begin, total - begin];
}

/** Output size of a conv/pool window along one axis with explicit padding. */
export function windowOut(inSize: number, k: number, s: number, padBegin: number, padEnd: number): number {
  return Math.floor((inSize + padBegin + padEnd - k) / s) + 1;
}

export class NetBuilder {
  readonly layers: NetLayer[] = [];
  readonly shapes = new Map<string, number[]>();
  private readonly names = new Set<string>();

  constructor(
    readonly id: string,
    readonly inputName: string,
    inputShape: number[],
  ) {
    this.shapes.set(inputName, inputShape);
    this.names.add(inputName);
  }

  shape(t: string): number[] {
    const s = this.shapes.get(t);
    if (!s) throw new Error(`zoo ${this.id}: unknown tensor '${t}'`);
    return s;
  }

  channels(t: string): number {
    return this.shape(t)[0]!;
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`zoo ${this.id}: duplicate layer name '${name}'`);
    this.names.add(name);
    return name;
  }

  private spatialOut(name: string, h: number, w: number, k: [number, number], s: [number, number], pads: [number, number, number, number]): [number, number] {
    const oh = windowOut(h, k[0], s[0], pads[0], pads[2]);
    const ow = windowOut(w, k[1], s[1], pads[1], pads[3]);
    if (oh < 1 || ow < 1) {
      throw new EdgefitError('USAGE', `zoo ${this.id}: input resolution too small — layer '${name}' would get a ${h}×${w} input for a ${k[0]}×${k[1]} window`);
    }
    return [oh, ow];
  }

  private resolvePads(padding: Padding, h: number, w: number, k: [number, number], s: [number, number]): [number, number, number, number] {
    if (padding === 'valid') return [0, 0, 0, 0];
    if (padding === 'same') {
      const [t, b] = samePads(h, k[0], s[0]);
      const [l, r] = samePads(w, k[1], s[1]);
      return [t, l, b, r];
    }
    return padding;
  }

  /** Conv (or depthwise conv when `depthwise`), bias always present (BN folded), activation folded. */
  conv(input: string, o: { name: string; cout?: number; k: number; s?: number; padding: Padding; depthwise?: boolean; act: FoldedActivation }): string {
    const name = this.claim(o.name);
    const [cin, h, w] = this.shape(input) as [number, number, number];
    const s = o.s ?? 1;
    const kernel: [number, number] = [o.k, o.k];
    const strides: [number, number] = [s, s];
    const pads = this.resolvePads(o.padding, h, w, kernel, strides);
    const [oh, ow] = this.spatialOut(name, h, w, kernel, strides, pads);
    const cout = o.depthwise ? cin : o.cout!;
    if (!Number.isInteger(cout) || cout < 1) throw new EdgefitError('USAGE', `zoo ${this.id}: layer '${name}' gets ${cout} channels (width multiplier too small)`);
    this.layers.push({ kind: 'conv', name, input, output: name, cin, cout, kernel, strides, pads, group: o.depthwise ? cin : 1, act: o.act });
    this.shapes.set(name, [cout, oh, ow]);
    return name;
  }

  pool(kind: 'maxpool' | 'avgpool', input: string, o: { name: string; k: number; s: number; padding: Padding }): string {
    const name = this.claim(o.name);
    const [c, h, w] = this.shape(input) as [number, number, number];
    const kernel: [number, number] = [o.k, o.k];
    const strides: [number, number] = [o.s, o.s];
    const pads = this.resolvePads(o.padding, h, w, kernel, strides);
    const [oh, ow] = this.spatialOut(name, h, w, kernel, strides, pads);
    this.layers.push({ kind, name, input, output: name, kernel, strides, pads });
    this.shapes.set(name, [c, oh, ow]);
    return name;
  }

  /** GlobalAveragePool: [C,H,W] → [C,1,1] (ONNX keeps the spatial dims). */
  gap(input: string, name: string): string {
    this.claim(name);
    this.layers.push({ kind: 'gap', name, input, output: name });
    this.shapes.set(name, [this.channels(input), 1, 1]);
    return name;
  }

  /** Flatten to [F]: Keras' Flatten/GAP output order (NHWC) — a transpose first when H·W > 1. */
  flatten(input: string, name: string): string {
    this.claim(name);
    const s = this.shape(input);
    const f = s.reduce((a, b) => a * b, 1);
    const transposeToNhwc = s.length === 3 && s[1]! * s[2]! > 1;
    this.layers.push({ kind: 'reshape', name, input, output: name, shape: [f], transposeToNhwc });
    this.shapes.set(name, [f]);
    return name;
  }

  /** [C,1,1] → [C]: the Squeeze tf2onnx writes after Keras' GlobalAveragePooling2D. */
  squeezeSpatial(input: string, name: string): string {
    this.claim(name);
    const [c, h, w] = this.shape(input) as [number, number, number];
    if (h !== 1 || w !== 1) throw new Error(`zoo ${this.id}: squeeze '${name}' needs a [C,1,1] input`);
    this.layers.push({ kind: 'reshape', name, input, output: name, shape: [c], squeeze: true });
    this.shapes.set(name, [c]);
    return name;
  }

  dense(input: string, o: { name: string; units: number }): string {
    const name = this.claim(o.name);
    const s = this.shape(input);
    if (s.length !== 1) throw new Error(`zoo ${this.id}: dense '${name}' needs a flat input`);
    this.layers.push({ kind: 'dense', name, input, output: name, cin: s[0]!, cout: o.units });
    this.shapes.set(name, [o.units]);
    return name;
  }

  unary(kind: 'sigmoid' | 'softmax', input: string, name: string, axis?: number): string {
    this.claim(name);
    this.layers.push({ kind, name, input, output: name, ...(axis === undefined ? {} : { axis }) });
    this.shapes.set(name, this.shape(input));
    return name;
  }

  /** Elementwise add/mul; `b` may broadcast over H, W ([C,1,1]). */
  binary(kind: 'add' | 'mul', a: string, b: string, name: string): string {
    this.claim(name);
    this.layers.push({ kind, name, inputs: [a, b], output: name });
    this.shapes.set(name, this.shape(a));
    return name;
  }

  concat(inputs: string[], name: string): string {
    this.claim(name);
    const [, h, w] = this.shape(inputs[0]!) as [number, number, number];
    const c = inputs.reduce((acc, t) => acc + this.channels(t), 0);
    this.layers.push({ kind: 'concat', name, inputs, output: name });
    this.shapes.set(name, [c, h, w]);
    return name;
  }

  affine(input: string, name: string): string {
    this.claim(name);
    const channels = this.channels(input);
    this.layers.push({ kind: 'affine', name, input, output: name, channels });
    this.shapes.set(name, this.shape(input));
    return name;
  }

  reshape(input: string, name: string, shape: number[]): string {
    this.claim(name);
    this.layers.push({ kind: 'reshape', name, input, output: name, shape });
    this.shapes.set(name, shape);
    return name;
  }

  finish(output: string): NetSpec {
    return { id: this.id, input: { name: this.inputName, shape: this.shape(this.inputName) }, layers: this.layers, output, shapes: this.shapes };
  }
}

/**
 * The classifier heads ST uses after a flat feature vector: Dense(P)+softmax, or Dense(1)+sigmoid for P ≤ 2 when the
 * network has that rule; P = 0 (networks whose catalog entry allows it) keeps the features as the output.
 */
export function denseHead(b: NetBuilder, features: string, classes: number, sigmoidWhenBinary: boolean): string {
  if (classes === 0) return features;
  if (sigmoidWhenBinary && classes <= 2) {
    const logits = b.dense(features, { name: 'dense', units: 1 });
    return b.unary('sigmoid', logits, 'sigmoid');
  }
  const logits = b.dense(features, { name: 'dense', units: classes });
  return b.unary('softmax', logits, 'softmax', -1);
}
