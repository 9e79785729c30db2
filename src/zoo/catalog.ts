/**
 * The buildable networks as data: id, what it is, its parameters with defaults and limits, and the
 * resolution rule from architectures.md §11. Option validation lives here so the CLI and the API give the
 * same one-line EdgefitError('USAGE').
 */
import { EdgefitError } from '../analyzer/errors.ts';
import type { NetSpec } from './net.ts';
import { buildEfficientNetLcV1 } from './nets/efficientnet-lc-v1.ts';
import { buildFdMobileNet, buildStFdMobileNetV1 } from './nets/fdmobilenet.ts';
import { buildMobileNetV1 } from './nets/mobilenet-v1.ts';
import { buildMobileNetV2 } from './nets/mobilenet-v2.ts';
import { buildResNetV1 } from './nets/resnet-v1.ts';
import { buildSqueezeNetV10, buildSqueezeNetV11 } from './nets/squeezenet.ts';
import { buildStMnistV1 } from './nets/st-mnist.ts';

export type ZooParamName = 'resolution' | 'classes' | 'alpha' | 'depth' | 'channels';

export interface ZooParamInfo {
  name: ZooParamName;
  default: number;
  description: string;
  /** Values ST publishes or its code accepts, when the parameter is restricted or has usual values. */
  usual?: number[];
}

export interface NetworkInfo {
  id: string;
  title: string;
  description: string;
  /** Section of ../shared/architectures.md the builder follows. */
  spec: string;
  params: ZooParamInfo[];
  /** Human-readable rule on the input sides (input H×W; R×R when square). */
  resolutionConstraint: string;
  /** Whether the network takes a non-square input H×W (architectures.md §11). */
  nonSquare: boolean;
  /** Whether `classes` 0 is allowed: no classifier, the pooled features are the output (ST's re-identification models). */
  embeddingHead: boolean;
}

export interface ResolvedOptions {
  /** Input height H (= the side R of a square input). */
  resolution: number;
  /** Input height H and width W (both R when square). */
  height: number;
  width: number;
  /** Number of classes P; 0 = no classifier (the pooled features are the output), where the network allows it. */
  classes: number;
  channels: number;
  alpha?: number;
  depth?: number;
}

interface NetworkEntry extends NetworkInfo {
  minResolution: number;
  resolutionMultipleOf?: number;
  alphaRange?: [number, number];
  build(o: ResolvedOptions): NetSpec;
}

const MAX_RESOLUTION = 1024;
const MAX_CLASSES = 100_000;

const classes = (d: number, extra = ''): ZooParamInfo => ({ name: 'classes', default: d, description: `number of classes P${extra}` });
const EMBEDDING = '; P = 0: no classifier, the pooled features are the output (ST re-identification)';
const channels = (d: number): ZooParamInfo => ({ name: 'channels', default: d, description: 'input channels (3 RGB, 1 grayscale)', usual: [1, 3] });
const resolution = (d: number, usual: number[]): ZooParamInfo => ({ name: 'resolution', default: d, description: 'input side R (input R×R), or H×W', usual });

const NETWORKS: NetworkEntry[] = [
  {
    id: 'st_efficientnet_lc_v1',
    title: 'ST EfficientNet LC v1',
    description: 'EfficientNet-B0 at width 0.45, expansion 3, SE blocks, ReLU6 (ST model zoo)',
    spec: '§2',
    params: [resolution(224, [128, 224]), classes(5), channels(3)],
    resolutionConstraint: 'square R×R (3.x network); R ≥ 32; multiple of 32 for zoo 4.0 training (not needed by the 3.x network)',
    nonSquare: false,
    embeddingHead: false,
    minResolution: 32,
    build: (o) => buildEfficientNetLcV1(o),
  },
  {
    id: 'mobilenet_v1',
    title: 'MobileNet v1',
    description: 'keras.applications MobileNet with ST head (GAP → Dense, Dense(1)+sigmoid when P ≤ 2)',
    spec: '§4',
    params: [
      resolution(224, [96, 128, 160, 192, 224]),
      classes(5, `; P ≤ 2 gives Dense(1)+sigmoid${EMBEDDING}`),
      channels(3),
      { name: 'alpha', default: 0.25, description: 'width multiplier α', usual: [0.25, 0.5, 0.75, 1.0] },
    ],
    resolutionConstraint: 'H, W ≥ 32 (ZeroPadding (0,1) before stride-2 depthwise convs)',
    nonSquare: true,
    embeddingHead: true,
    minResolution: 32,
    alphaRange: [0.1, 2],
    build: (o) => buildMobileNetV1({ ...o, alpha: o.alpha! }),
  },
  {
    id: 'mobilenet_v2',
    title: 'MobileNet v2',
    description: 'keras.applications MobileNetV2 with ST head (GAP → Dense, Dense(1)+sigmoid when P ≤ 2)',
    spec: '§3',
    params: [
      resolution(224, [96, 128, 160, 192, 224]),
      classes(5, `; P ≤ 2 gives Dense(1)+sigmoid${EMBEDDING}`),
      channels(3),
      { name: 'alpha', default: 0.35, description: 'width multiplier α', usual: [0.35, 0.5, 0.75, 1.0, 1.3, 1.4] },
    ],
    resolutionConstraint: 'H, W ≥ 32 (Keras warns outside 96–224); each side pads (0,1) when even, (1,1) when odd before stride-2 depthwise convs',
    nonSquare: true,
    embeddingHead: true,
    minResolution: 32,
    alphaRange: [0.1, 2],
    build: (o) => buildMobileNetV2({ ...o, alpha: o.alpha! }),
  },
  {
    id: 'fdmobilenet',
    title: 'FD-MobileNet',
    description: 'fast-downsampling MobileNet, 11 blocks, ReLU, conv head (ST model zoo)',
    spec: '§5',
    params: [
      resolution(224, [128, 224]),
      classes(5),
      channels(3),
      { name: 'alpha', default: 0.25, description: 'width multiplier α', usual: [0.25] },
    ],
    resolutionConstraint: 'H, W multiples of 32, ≥ 32 (ST code raises otherwise)',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 32,
    resolutionMultipleOf: 32,
    alphaRange: [0.1, 2],
    build: (o) => buildFdMobileNet({ ...o, alpha: o.alpha! }),
  },
  {
    id: 'st_fdmobilenet_v1',
    title: 'ST FD-MobileNet v1',
    description: 'FD-MobileNet with ST per-layer widths (stem 16, 48…256)',
    spec: '§5',
    params: [resolution(224, [128, 224]), classes(5), channels(3)],
    resolutionConstraint: 'H, W multiples of 32, ≥ 32 (ST code raises otherwise)',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 32,
    resolutionMultipleOf: 32,
    build: (o) => buildStFdMobileNetV1(o),
  },
  {
    id: 'resnet_v1',
    title: 'ResNet v1 (CIFAR)',
    description: 'ResNet v1 for CIFAR, depth 6n+2, 16/32/64 channels, AveragePool 8 → Dense',
    spec: '§6',
    params: [
      resolution(32, [32]),
      classes(10, '; P ≤ 2 gives Dense(1)+sigmoid'),
      channels(3),
      { name: 'depth', default: 8, description: 'depth 6n+2', usual: [8, 20, 32] },
    ],
    resolutionConstraint: 'H, W ≥ 29 (the fixed 8×8 pool needs ⌈H/4⌉, ⌈W/4⌉ ≥ 8); Dense fan-in grows with H and W',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 29,
    build: (o) => buildResNetV1({ ...o, depth: o.depth! }),
  },
  {
    id: 'squeezenet_v1_0',
    title: 'SqueezeNet v1.0 (ST variant)',
    description: 'SqueezeNet 1.0 with 7 fire modules (no fire8) and un-folded BN after each squeeze ReLU',
    spec: '§7',
    params: [resolution(128, [128, 224]), classes(5), channels(3)],
    resolutionConstraint: 'H, W ≥ 35',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 35,
    build: (o) => buildSqueezeNetV10(o),
  },
  {
    id: 'squeezenet_v1_1',
    title: 'SqueezeNet v1.1',
    description: 'SqueezeNet 1.1, 8 fire modules, conv10 head',
    spec: '§7',
    params: [resolution(224, [128, 224]), classes(5), channels(3)],
    resolutionConstraint: 'H, W ≥ 31',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 31,
    build: (o) => buildSqueezeNetV11(o),
  },
  {
    id: 'st_mnist_v1',
    title: 'ST MNIST v1',
    description: 'tiny ST network for 28×28 grayscale characters (EMNIST byclass: 36 classes in ST’s file)',
    spec: '§8',
    params: [resolution(28, [28]), classes(36), channels(1)],
    resolutionConstraint: 'H, W ≥ 8',
    nonSquare: true,
    embeddingHead: false,
    minResolution: 8,
    build: (o) => buildStMnistV1(o),
  },
];

export function listNetworks(): NetworkInfo[] {
  return NETWORKS.map(({ id, title, description, spec, params, resolutionConstraint, nonSquare, embeddingHead }) => ({ id, title, description, spec, params, resolutionConstraint, nonSquare, embeddingHead }));
}

export function networkEntry(id: string): NetworkEntry {
  const entry = NETWORKS.find((n) => n.id === id);
  if (!entry) {
    throw new EdgefitError('USAGE', `unknown zoo network '${id}'; known: ${NETWORKS.map((n) => n.id).join(', ')}`);
  }
  return entry;
}

/** An input size: R (square R×R) or [H, W]. */
export type ZooResolution = number | readonly [number, number];

export interface ZooOptionsInput {
  /** Input side R (square R×R) or [height, width] (H×W, as ST's tables print "256x128x3"). */
  resolution?: ZooResolution;
  classes?: number;
  alpha?: number;
  depth?: number;
  channels?: number;
}

function usage(id: string, msg: string): never {
  throw new EdgefitError('USAGE', `zoo ${id}: ${msg}`);
}

function integer(id: string, name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) usage(id, `${name} must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}

/** The input's [height, width] from R or [H, W], each side checked against the network's rules. */
function inputSides(entry: NetworkEntry, r: ZooResolution): [number, number] {
  const id = entry.id;
  const pair = typeof r === 'number' ? undefined : r;
  if (pair !== undefined && (!Array.isArray(pair) || pair.length !== 2)) usage(id, `resolution must be R or [H, W], got ${JSON.stringify(r)}`);
  const sides = (pair ?? [r as number, r as number]).map((v, i) => {
    const name = pair === undefined ? 'resolution' : i === 0 ? 'height' : 'width';
    const side = integer(id, name, v, entry.minResolution, MAX_RESOLUTION);
    if (entry.resolutionMultipleOf && side % entry.resolutionMultipleOf !== 0) {
      usage(id, `${name} must be a multiple of ${entry.resolutionMultipleOf}, got ${side}`);
    }
    return side;
  }) as [number, number];
  if (sides[0] !== sides[1] && !entry.nonSquare) usage(id, `this network takes square inputs only (${entry.resolutionConstraint}), got ${sides[0]}x${sides[1]}`);
  return sides;
}

/** Fills defaults and checks every option against the network's rules. */
export function resolveOptions(entry: NetworkEntry, o: ZooOptionsInput): ResolvedOptions {
  const id = entry.id;
  const def = (name: ZooParamName) => entry.params.find((p) => p.name === name);
  for (const name of ['alpha', 'depth'] as const) {
    if (o[name] !== undefined && !def(name)) usage(id, `this network has no '${name}' parameter (parameters: ${entry.params.map((p) => p.name).join(', ')})`);
  }
  const [height, width] = inputSides(entry, o.resolution ?? def('resolution')!.default);
  const out: ResolvedOptions = {
    resolution: height,
    height,
    width,
    classes: integer(id, 'classes', o.classes ?? def('classes')!.default, entry.embeddingHead ? 0 : 1, MAX_CLASSES),
    channels: o.channels ?? def('channels')!.default,
  };
  if (out.channels !== 1 && out.channels !== 3) usage(id, `channels must be 1 or 3, got ${out.channels}`);
  const alphaDef = def('alpha');
  if (alphaDef) {
    const alpha = o.alpha ?? alphaDef.default;
    const [lo, hi] = entry.alphaRange!;
    if (!Number.isFinite(alpha) || alpha < lo || alpha > hi) usage(id, `alpha must be in [${lo}, ${hi}], got ${alpha}`);
    out.alpha = alpha;
  }
  const depthDef = def('depth');
  if (depthDef) {
    const depth = integer(id, 'depth', o.depth ?? depthDef.default, 8, 110);
    if ((depth - 2) % 6 !== 0) usage(id, `depth must be 6n+2 (8, 14, 20, 26, 32, …), got ${depth}`);
    out.depth = depth;
  }
  return out;
}
