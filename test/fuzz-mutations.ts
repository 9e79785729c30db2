/**
 * Mutations for the whole-pipeline fuzz test (test/fuzz-models.test.ts): seed models (real files in
 * ../shared/models, zoo networks, a builder model) and the deterministic case generator. A case is fully
 * determined by (base seed, case index), so a failure found in a worker is reproduced anywhere with
 * `EDGEFIT_FUZZ_SEED=<seed> EDGEFIT_FUZZ_ONLY=<index>`.
 *
 * Byte mutations (both formats): bit flips, truncation, overwritten bytes, a splice inside the file and a
 * splice of a byte range copied from another seed file. ONNX structural mutations are made on the decoded
 * ModelProto and re-encoded; TFLite ones overwrite scalars, indices and offsets in place at the positions the
 * generated flatbuffer accessors find (shape dims, tensor types, buffer/opcode/tensor indices, builtin option
 * fields, table/vector offsets and vector lengths).
 */
import { readFileSync, statSync } from 'node:fs';
import { ByteBuffer } from 'flatbuffers';
import { OnnxGraphBuilder, encodeModel } from '../src/analyzer/onnx/builder.ts';
import { onnx, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from '../src/analyzer/onnx/proto.ts';
import { Model } from '../src/analyzer/tflite/gen/tflite/model.ts';
import { buildZooModel, listNetworks } from '../src/zoo/index.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';

export type Rand = () => number;

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case `index` under base seed `seed` (independent streams per case). */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

export interface SeedModel {
  label: string;
  format: 'onnx' | 'tflite';
  bytes: Uint8Array;
}

export interface FuzzCase {
  index: number;
  seedLabel: string;
  format: 'onnx' | 'tflite';
  mutation: string;
  bytes: Uint8Array;
  /** Input-shape overrides given to analyzeModel (the `--input-shape` path), when the mutation sets some. */
  inputShapes?: Record<string, number[]>;
}

/**
 * The fuzz seeds' QDQ conv, up to its output 'y' ([N, 4, 8, 8]): x [N, 3, 8, 8] into a 3×3 Conv (pads 1) whose
 * INT4 weight (per-channel scales) and int32 bias (scale from a Constant node) are dequantized. `convName`
 * names the Conv node (unnamed when absent); the caller adds what follows and the output.
 */
export function qdqInt4ConvBuilder(convName?: string): OnnxGraphBuilder {
  const g = new OnnxGraphBuilder({ name: 'fuzz', opsets: { '': 21 } });
  g.input('x', 'float32', ['N', 3, 8, 8]);
  g.initializer('w', 'int4', [4, 3, 3, 3], new Array(108).fill(3), { typedField: true });
  g.initializer('s', 'float32', [4], [0.1, 0.2, 0.3, 0.4]);
  g.initializer('b', 'int32', [4], [1, 2, 3, 4], { typedField: true });
  g.node('DequantizeLinear', ['w', 's'], ['wf'], { axis: 0 });
  g.constant('bs', 'float32', [], [0.5]);
  g.node('DequantizeLinear', ['b', 'bs'], ['bf']);
  if (convName === undefined) g.node('Conv', ['x', 'wf', 'bf'], ['y'], { pads: [1, 1, 1, 1] });
  else g.node('Conv', ['x', 'wf', 'bf'], ['y'], { pads: [1, 1, 1, 1] }, { name: convName });
  return g;
}

/** A small QDQ conv model with an INT4 weight, a Constant node and an activation (always available). */
function builderModel(): Uint8Array {
  const g = qdqInt4ConvBuilder('conv');
  g.node('MaxPool', ['y'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] }, { name: 'pool' });
  g.initializer('shape', 'int64', [2], [1, -1]);
  g.node('Reshape', ['p', 'shape'], ['f'], {}, { name: 'flatten' });
  g.node('Softmax', ['f'], ['z'], { axis: 1 }, { name: 'softmax' });
  g.output('z', 'float32', ['N', 64]);
  return g.toBytes();
}

export interface SeedOptions {
  /** Shared files larger than this are left out (default: none left out). */
  maxSharedFileBytes?: number;
}

/**
 * Every seed model, in a fixed order (the case generator picks by index, so main thread and workers must
 * agree): the builder model, each zoo network at its default options, then the shared files sorted by path.
 */
export function loadSeedModels(opts: SeedOptions = {}): SeedModel[] {
  const seeds: SeedModel[] = [{ label: 'builder:qdq-conv', format: 'onnx', bytes: builderModel() }];
  for (const net of listNetworks()) {
    const z = buildZooModel(net.id, { resolution: pickZooResolution(net.params), seed: 7 });
    seeds.push({ label: `zoo:${z.name}`, format: 'onnx', bytes: z.bytes });
  }
  const cap = opts.maxSharedFileBytes ?? Infinity;
  for (const format of ['onnx', 'tflite'] as const) {
    for (const p of sharedModels(format)) {
      if (statSync(p).size > cap) continue;
      seeds.push({ label: modelLabel(p), format, bytes: new Uint8Array(readFileSync(p)) });
    }
  }
  return seeds;
}

/** The smallest usual resolution (keeps zoo seeds quick to analyze); undefined = the network's default. */
function pickZooResolution(params: { name: string; usual?: number[] }[]): number | undefined {
  const usual = params.find((p) => p.name === 'resolution')?.usual;
  return usual?.length ? Math.min(...usual) : undefined;
}

// ------------------------------------------------------------------------------------------ byte level

function byteMutation(seed: SeedModel, seeds: readonly SeedModel[], r: Rand): [string, Uint8Array] {
  const b = new Uint8Array(seed.bytes);
  const n = b.length;
  switch (int(r, 6)) {
    case 0: {
      const k = 1 + int(r, 16);
      for (let i = 0; i < k; i++) b[int(r, n)]! ^= 1 << int(r, 8);
      return [`bit flips: ×${k}`, b];
    }
    case 1: {
      const at = int(r, n);
      return [`truncation: at ${at}/${n}`, b.subarray(0, at)];
    }
    case 2: {
      const k = 1 + int(r, 8);
      for (let i = 0; i < k; i++) b[int(r, n)] = pick(r, [0x00, 0xff, 0x7f, 0x80, int(r, 256)]);
      return [`overwritten bytes: ×${k}`, b];
    }
    case 3: {
      const at = int(r, n);
      const from = int(r, n);
      const piece = b.slice(from, from + 1 + int(r, 256));
      return [`splice inside: ${piece.length} B from ${from} to ${at}`, concat(b.subarray(0, at), piece, b.subarray(at))];
    }
    case 4: {
      // a byte range copied from another seed file, over-writing this one's bytes
      const other = pick(r, seeds);
      const from = int(r, other.bytes.length);
      const piece = other.bytes.subarray(from, from + 1 + int(r, 512));
      const at = int(r, n);
      const out = new Uint8Array(b);
      out.set(piece.subarray(0, Math.max(0, n - at)), at);
      return [`spliced from another file: ${piece.length} B of ${other.label}@${from} over @${at}`, out];
    }
    default: {
      // a range removed from the middle: every length prefix after it now points past its field
      const at = int(r, n);
      const len = 1 + int(r, 64);
      return [`deleted range: ${len} B at ${at}`, concat(b.subarray(0, at), b.subarray(at + len))];
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// ------------------------------------------------------------------------------------ ONNX structural

const HUGE = [2 ** 31 - 1, 2 ** 31, 2 ** 40, 1e9, 2 ** 53 - 1, 2 ** 62];
const NEGATIVE = [-1, -2, -7, -(2 ** 31), -(2 ** 62)];

/** Absurd values by attribute name, and generic ones for the rest. */
const ABSURD_INTS: Record<string, number[][]> = {
  strides: [[0, 0], [0], [-1, -1], [1e9, 1e9]],
  kernel_shape: [[1e9, 1e9], [0, 0], [-3, 3], [2 ** 40]],
  dilations: [[0, 0], [-1, -1], [1e9, 1e9]],
  pads: [[-5, -5, -5, -5], [1e9, 1e9, 1e9, 1e9], [1, 1], [2 ** 40, 0, 0, 0]],
  perm: [[5, 5, 5, 5], [0, 0, 0, 0], [-9, 1, 2, 3], []],
  axes: [[99], [-99], [0, 0, 0], [2 ** 40]],
  output_padding: [[1e9, 1e9], [-4, -4]],
  output_shape: [[1e9, 1e9], [-1, -1]],
};
const ABSURD_INT: Record<string, number[]> = {
  group: [0, -1, 1e9, 3],
  axis: [99, -99, 2 ** 40],
  to: [0, 99, 8, 16],
  keepdims: [7, -1],
  block_size: [0, -1, 1e9],
  blocksize: [0, -1, 1e9],
  ceil_mode: [5],
  count_include_pad: [3],
};

function absurdAttribute(m: ModelProto, r: Rand): string {
  const nodes = m.graph!.node ?? [];
  const withAttrs = nodes.filter((n) => n.attribute?.length);
  const node = withAttrs.length && r() < 0.85 ? pick(r, withAttrs) : pick(r, nodes);
  if (!node) return 'absurd attribute (no node)';
  const attrs = (node.attribute ??= []);
  const a: AttributeProto | undefined = attrs.length && r() < 0.8 ? pick(r, attrs) : undefined;
  if (!a) {
    // add a known attribute the node may not expect
    const name = pick(r, [...Object.keys(ABSURD_INTS), ...Object.keys(ABSURD_INT)]);
    if (name in ABSURD_INTS) attrs.push({ name, type: 7, ints: pick(r, ABSURD_INTS[name]!) });
    else attrs.push({ name, type: 2, i: pick(r, ABSURD_INT[name]!) });
    return `absurd attribute: added ${name} to ${node.opType}`;
  }
  const name = a.name ?? '';
  if (name in ABSURD_INTS && r() < 0.8) {
    a.ints = pick(r, ABSURD_INTS[name]!);
    return `absurd attribute: ${node.opType}.${name}=[${a.ints.join(',')}]`;
  }
  if (name in ABSURD_INT && r() < 0.8) {
    a.i = pick(r, ABSURD_INT[name]!);
    return `absurd attribute: ${node.opType}.${name}=${a.i}`;
  }
  switch (int(r, 5)) {
    case 0:
      a.f = pick(r, [NaN, Infinity, -Infinity, -1e38, 0]);
      return `absurd attribute: ${node.opType}.${name} float ${a.f}`;
    case 1:
      a.type = pick(r, [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 13, 99]) as AttributeProto['type'];
      return `absurd attribute: ${node.opType}.${name} type ${a.type}`;
    case 2:
      a.s = new TextEncoder().encode(pick(r, ['', 'garbage', 'SAME_UPPER\n', 'x'.repeat(300)]));
      return `absurd attribute: ${node.opType}.${name} string`;
    case 3:
      a.ints = Array.from({ length: int(r, 9) }, () => pick(r, [...HUGE, ...NEGATIVE, 0]));
      return `absurd attribute: ${node.opType}.${name} ints`;
    default:
      a.i = pick(r, [...HUGE, ...NEGATIVE, 0]);
      return `absurd attribute: ${node.opType}.${name} i`;
  }
}

function allValueInfos(m: ModelProto) {
  const g = m.graph!;
  return [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])];
}

/** Initializers an op reads as shape-like data (Reshape shape, Slice starts, Resize scales, Pad pads …). */
function shapeLikeInitializer(m: ModelProto, r: Rand): TensorProto | undefined {
  const g = m.graph!;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  const candidates: TensorProto[] = [];
  for (const n of g.node ?? []) {
    if (!['Reshape', 'Slice', 'Resize', 'Pad', 'Expand', 'Tile', 'Unsqueeze', 'Squeeze', 'Split', 'ReduceMean', 'Gather', 'ConstantOfShape', 'TopK', 'Range'].includes(n.opType ?? '')) continue;
    for (const i of (n.input ?? []).slice(1)) {
      const t = inits.get(i);
      if (t) candidates.push(t);
    }
  }
  return candidates.length ? pick(r, candidates) : undefined;
}

const STRUCTURAL_ONNX: Record<string, (m: ModelProto, r: Rand) => string | void> = {
  'huge dims': (m, r) => {
    if (r() < 0.5 && m.graph!.initializer?.length) {
      const t = pick(r, m.graph!.initializer);
      t.dims = [pick(r, HUGE), pick(r, HUGE), ...(t.dims ?? []).slice(2)];
      return `huge dims on initializer ${t.name}`;
    }
    const vi = pick(r, allValueInfos(m));
    const dims = vi?.type?.tensorType?.shape?.dim;
    if (dims?.length) pick(r, dims).dimValue = pick(r, HUGE);
    return `huge dim on ${vi?.name}`;
  },
  'negative dims': (m, r) => {
    if (r() < 0.5 && m.graph!.initializer?.length) {
      const t = pick(r, m.graph!.initializer);
      if (t.dims?.length) t.dims[int(r, t.dims.length)] = pick(r, NEGATIVE);
      return `negative dim on initializer ${t.name}`;
    }
    const vi = pick(r, allValueInfos(m));
    const dims = vi?.type?.tensorType?.shape?.dim;
    if (dims?.length) {
      const d = pick(r, dims);
      d.dimValue = pick(r, NEGATIVE);
      d.dimParam = undefined;
    }
    return `negative dim on ${vi?.name}`;
  },
  'zero dims': (m, r) => {
    const vi = pick(r, m.graph!.input ?? []);
    const dims = vi?.type?.tensorType?.shape?.dim;
    if (dims?.length) {
      const d = pick(r, dims);
      d.dimValue = 0;
      d.dimParam = undefined;
    }
    return `zero dim on input ${vi?.name}`;
  },
  cycle: (m, r) => {
    const nodes = m.graph!.node ?? [];
    if (nodes.length < 2) return 'cycle (too few nodes)';
    const i = int(r, nodes.length);
    const j = i + int(r, nodes.length - i);
    const a = nodes[i]!;
    const b = nodes[j]!;
    if (a.input?.length && b.output?.length) a.input[int(r, a.input.length)] = b.output[0]!;
    return `cycle: node ${i} reads node ${j}'s output`;
  },
  'dangling input': (m, r) => {
    const n = pick(r, m.graph!.node ?? []);
    if (n?.input?.length) n.input[int(r, n.input.length)] = 'nobody_makes_this';
    else if (m.graph!.initializer?.length) m.graph!.initializer.splice(int(r, m.graph!.initializer.length), 1);
    return 'dangling input';
  },
  'removed initializer': (m, r) => {
    const inits = m.graph!.initializer ?? [];
    if (inits.length) inits.splice(int(r, inits.length), 1);
    return 'removed initializer';
  },
  'removed node': (m, r) => {
    const nodes = m.graph!.node ?? [];
    if (nodes.length) nodes.splice(int(r, nodes.length), 1);
    return 'removed node';
  },
  'duplicate names': (m, r) => {
    const g = m.graph!;
    const nodes = g.node ?? [];
    switch (int(r, 4)) {
      case 0: {
        const a = pick(r, nodes);
        const b = pick(r, nodes);
        if (a?.output?.length && b?.output?.length) a.output[0] = b.output[0]!;
        return 'duplicate node output';
      }
      case 1: {
        const t = pick(r, g.initializer ?? []);
        if (t) g.initializer!.push({ ...t });
        return 'duplicate initializer';
      }
      case 2: {
        const i = pick(r, g.input ?? []);
        if (i) g.input!.push({ ...i });
        return 'duplicate graph input';
      }
      default: {
        const a = pick(r, nodes);
        const t = pick(r, g.initializer ?? []);
        if (a?.output?.length && t?.name) a.output[0] = t.name;
        return 'node output named like an initializer';
      }
    }
  },
  'wrong dtype': (m, r) => {
    const bad = [0, 2, 8, 9, 13, 14, 16, 17, 21, 22, 23, 24, 99, -1];
    if (r() < 0.6 && m.graph!.initializer?.length) {
      const t = pick(r, m.graph!.initializer);
      t.dataType = pick(r, bad);
      return `wrong dtype ${t.dataType} on initializer ${t.name}`;
    }
    const vi = pick(r, allValueInfos(m));
    if (vi?.type?.tensorType) vi.type.tensorType.elemType = pick(r, bad);
    return `wrong dtype on ${vi?.name}`;
  },
  'absurd attribute': absurdAttribute,
  'absurd shape data': (m, r) => {
    const t = shapeLikeInitializer(m, r);
    if (!t) return 'absurd shape data (none)';
    const n = Math.max(1, (t.dims ?? [1]).reduce((a, b) => Number(a) * Number(b), 1) as number);
    const v = () => pick(r, [0, -1, -2, 1e9, 2 ** 40, -(2 ** 40), 99]);
    t.rawData = undefined;
    if (t.dataType === 1) t.floatData = Array.from({ length: n }, () => pick(r, [0, NaN, Infinity, 1e9, -1]));
    else t.int64Data = Array.from({ length: n }, v);
    t.dataType = t.dataType === 1 ? 1 : 7;
    return `absurd shape data in ${t.name}`;
  },
  'unknown op type': (m, r) => {
    const n = pick(r, m.graph!.node ?? []);
    if (n) n.opType = pick(r, ['FancyOp', 'Conv', 'MaxPool', 'Gemm', 'Concat', 'Reshape', 'Resize', 'If', 'Loop', '']);
    return `op type changed to ${n?.opType}`;
  },
  'inputs dropped': (m, r) => {
    const n: NodeProto | undefined = pick(r, m.graph!.node ?? []);
    if (n) n.input = (n.input ?? []).slice(0, int(r, (n.input ?? []).length));
    return `inputs of ${n?.opType} cut to ${n?.input?.length}`;
  },
  'outputs dropped': (m, r) => {
    const n: NodeProto | undefined = pick(r, m.graph!.node ?? []);
    if (n) n.output = [];
    return `outputs of ${n?.opType} removed`;
  },
  'external data anywhere': (m, r) => {
    const t = pick(r, m.graph!.initializer ?? []);
    if (!t) return 'external data (no initializer)';
    t.dataLocation = 1;
    t.externalData = [
      { key: 'location', value: pick(r, ['/etc/passwd', '../x.bin', 'a/../../b', 'missing.bin', '', 'C:\\w.bin', '.', '/proc/self/mem']) },
      { key: 'offset', value: pick(r, ['0', '-1', '99999999999999999999', 'x']) },
      { key: 'length', value: pick(r, ['0', '16', '-5', '1e30']) },
    ];
    return `external data on ${t.name}`;
  },
  'opset absurd': (m, r) => {
    m.opsetImport = [{ domain: '', version: pick(r, [0, 1, 6, 99, -1, 2 ** 40]) }];
    return `opset ${m.opsetImport[0]!.version}`;
  },
};

function onnxStructural(seed: SeedModel, r: Rand): [string, Uint8Array] {
  const model = onnx.ModelProto.decode(seed.bytes) as unknown as ModelProto;
  if (!model.graph) return ['structural (no graph)', seed.bytes];
  const kind = pick(r, Object.keys(STRUCTURAL_ONNX));
  const detail = STRUCTURAL_ONNX[kind]!(model, r);
  return [`${kind}: ${detail ?? ''}`, encodeModel(model)];
}

// ---------------------------------------------------------------------------------- TFLite structural

interface Slot {
  /** Byte position of the scalar in the file. */
  pos: number;
  size: 1 | 4;
  what: string;
}

/** Positions of scalars worth corrupting, found through the generated accessors. */
function tfliteSlots(bytes: Uint8Array): Slot[] {
  const bb = new ByteBuffer(bytes);
  const model = Model.getRootAsModel(bb);
  const slots: Slot[] = [];
  const field = (tablePos: number, vt: number) => {
    const o = bb.__offset(tablePos, vt);
    return o ? tablePos + o : 0;
  };
  const vector = (tablePos: number, vt: number, what: string, max = 64) => {
    const f = field(tablePos, vt);
    if (!f) return;
    slots.push({ pos: f, size: 4, what: `${what} offset` });
    const start = bb.__vector(f);
    const len = bb.__vector_len(f);
    slots.push({ pos: start - 4, size: 4, what: `${what} length` });
    for (let i = 0; i < Math.min(len, max); i++) slots.push({ pos: start + 4 * i, size: 4, what: `${what}[${i}]` });
  };
  slots.push({ pos: 0, size: 4, what: 'root offset' });
  vector(model.bb_pos, 6, 'operator_codes', 8);
  vector(model.bb_pos, 8, 'subgraphs', 2);
  vector(model.bb_pos, 12, 'buffers', 8);
  for (let s = 0; s < Math.min(model.subgraphsLength(), 2); s++) {
    const sg = model.subgraphs(s)!;
    vector(sg.bb_pos, 6, `subgraph ${s} inputs`);
    vector(sg.bb_pos, 8, `subgraph ${s} outputs`);
    vector(sg.bb_pos, 4, `subgraph ${s} tensors`, 4);
    vector(sg.bb_pos, 10, `subgraph ${s} operators`, 4);
    for (let t = 0; t < sg.tensorsLength(); t++) {
      const tensor = sg.tensors(t)!;
      vector(tensor.bb_pos, 4, `tensor ${t} shape`, 8);
      const type = field(tensor.bb_pos, 6);
      if (type) slots.push({ pos: type, size: 1, what: `tensor ${t} type` });
      const buf = field(tensor.bb_pos, 8);
      if (buf) slots.push({ pos: buf, size: 4, what: `tensor ${t} buffer` });
      const q = field(tensor.bb_pos, 12);
      if (q) slots.push({ pos: q, size: 4, what: `tensor ${t} quantization offset` });
      slots.push({ pos: tensor.bb_pos, size: 4, what: `tensor ${t} vtable offset` });
    }
    for (let o = 0; o < sg.operatorsLength(); o++) {
      const op = sg.operators(o)!;
      const oc = field(op.bb_pos, 4);
      if (oc) slots.push({ pos: oc, size: 4, what: `op ${o} opcode_index` });
      vector(op.bb_pos, 6, `op ${o} inputs`, 8);
      vector(op.bb_pos, 8, `op ${o} outputs`, 4);
      const optType = field(op.bb_pos, 10);
      if (optType) slots.push({ pos: optType, size: 1, what: `op ${o} builtin_options_type` });
      const opt = field(op.bb_pos, 12);
      if (opt) {
        slots.push({ pos: opt, size: 4, what: `op ${o} builtin_options offset` });
        const table = opt + bb.readUint32(opt);
        if (table + 4 <= bytes.length) {
          const vtable = table - bb.readInt32(table);
          if (vtable >= 0 && vtable + 4 <= bytes.length) {
            const vtLen = bb.readUint16(vtable);
            for (let k = 4; k < vtLen && vtable + k + 2 <= bytes.length; k += 2) {
              const off = bb.readUint16(vtable + k);
              // options are scalars: int32 fields sit on 4-byte boundaries, bytes anywhere
              if (off) slots.push({ pos: table + off, size: (table + off) % 4 === 0 && k !== 4 ? 4 : 1, what: `op ${o} option field ${(k - 4) / 2}` });
            }
          }
        }
      }
    }
  }
  return slots.filter((s) => s.pos >= 0 && s.pos + s.size <= bytes.length);
}

/** Rewires operators of the first subgraph in place: a cycle, a self loop, or two producers of one tensor. */
function tfliteRewire(seed: SeedModel, r: Rand): [string, Uint8Array] | undefined {
  const b = new Uint8Array(seed.bytes);
  const bb = new ByteBuffer(b);
  const sg = Model.getRootAsModel(bb).subgraphs(0);
  const n = sg?.operatorsLength() ?? 0;
  if (!sg || n < 2) return undefined;
  const i = int(r, n - 1);
  const j = i + 1 + int(r, n - i - 1);
  const opI = sg.operators(i)!;
  const opJ = sg.operators(j)!;
  const slot = (op: typeof opI, vt: number, k: number) => {
    const o = bb.__offset(op.bb_pos, vt);
    return o && k < bb.__vector_len(op.bb_pos + o) ? bb.__vector(op.bb_pos + o) + 4 * k : -1;
  };
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const kind = pick(r, ['cycle', 'self loop', 'two producers'] as const);
  const [pos, value] =
    kind === 'cycle' ? [slot(opI, 6, 0), opJ.outputs(0)] : kind === 'self loop' ? [slot(opI, 6, 0), opI.outputs(0)] : [slot(opJ, 8, 0), opI.outputs(0)];
  if (pos < 0 || value === null) return undefined;
  dv.setInt32(pos, value, true);
  return [`tflite rewire: ${kind} (ops ${i}, ${j}, tensor ${value})`, b];
}

function tfliteStructural(seed: SeedModel, r: Rand): [string, Uint8Array] {
  if (r() < 0.25) {
    const rewired = tfliteRewire(seed, r);
    if (rewired) return rewired;
  }
  const b = new Uint8Array(seed.bytes);
  const slots = tfliteSlots(b);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const k = 1 + (r() < 0.3 ? int(r, 4) : 0);
  const done: string[] = [];
  for (let i = 0; i < k && slots.length; i++) {
    const s = pick(r, slots);
    if (s.size === 1) {
      const v = pick(r, [0, 1, 2, 3, 9, 17, 99, 127, 255]);
      b[s.pos] = v;
      done.push(`${s.what}=${v}`);
    } else {
      const old = dv.getInt32(s.pos, true);
      const v = pick(r, [0, -1, -2, 1, 99, 1e9, 2 ** 31 - 1, -(2 ** 31), b.length, b.length - 2, old + 4, old - 4, old * 2 + 1, old + 1]);
      dv.setInt32(s.pos, v | 0, true);
      done.push(`${s.what}: ${old}→${v | 0}`);
    }
  }
  return [`tflite field: ${done.join('; ')}`, b];
}

// ------------------------------------------------------------------------------------- input shapes

function absurdInputShapes(seed: SeedModel, r: Rand): [string, Uint8Array, Record<string, number[]>] | undefined {
  let names: string[] = [];
  if (seed.format === 'onnx') {
    const m = onnx.ModelProto.decode(seed.bytes) as unknown as ModelProto;
    const inits = new Set((m.graph?.initializer ?? []).map((t) => t.name));
    names = (m.graph?.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n));
  } else {
    const model = Model.getRootAsModel(new ByteBuffer(seed.bytes));
    const sg = model.subgraphs(0);
    if (sg) for (let i = 0; i < sg.inputsLength(); i++) names.push(sg.tensors(sg.inputs(i)!)?.name() ?? '');
  }
  if (!names.length) return undefined;
  const name = pick(r, names);
  const dims = pick(r, [
    [1, 3, 1e6, 1e6],
    [1, 1e6, 1e6, 3],
    [1, 3, 1, 1],
    [1, 1, 1, 1],
    [2 ** 26, 3, 224, 224],
    [1, 3, 224],
    [1, 3, 7, 7, 7],
    [1],
    [1, 3, 2 ** 31, 2],
  ]);
  return [`absurd input shape: ${name}=${dims.join('x')}`, seed.bytes, { [name]: dims }];
}

// -------------------------------------------------------------------------------------------- cases

/** The deterministic case `index` under base seed `seed`. */
export function makeCase(seeds: readonly SeedModel[], seed: number, index: number): FuzzCase {
  const r = prng(caseSeed(seed, index));
  // half the cases on each format (when both are present), then a seed file of that format
  const formats = [...new Set(seeds.map((s) => s.format))].sort();
  const format = formats[int(r, formats.length)]!;
  const ofFormat = seeds.filter((s) => s.format === format);
  const base = ofFormat[int(r, ofFormat.length)]!;
  const roll = r();
  let mutation: string;
  let bytes: Uint8Array;
  let inputShapes: Record<string, number[]> | undefined;
  if (roll < 0.45) {
    [mutation, bytes] = byteMutation(base, seeds, r);
  } else if (roll < 0.9) {
    [mutation, bytes] = base.format === 'onnx' ? onnxStructural(base, r) : tfliteStructural(base, r);
  } else {
    const s = absurdInputShapes(base, r);
    if (s) [mutation, bytes, inputShapes] = s;
    else [mutation, bytes] = byteMutation(base, seeds, r);
  }
  return { index, seedLabel: base.label, format: base.format, mutation, bytes, inputShapes };
}
