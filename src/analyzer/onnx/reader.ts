/**
 * ONNX ModelProto → IRModel, from bytes in memory (`readOnnx`) or from a file read lazily (`readOnnxFile`:
 * structure through a window, large initializer payloads left on disk until read; docs/onnx-reader.md).
 * The only module (with its helpers in this folder) that sees protobuf; decoding is wire-decode.ts.
 *
 * - Initializers: raw_data, typed fields (re-encoded as raw_data would store them), external data.
 * - `Constant` nodes (value, value_float(s), value_int(s)) become constant tensors (origin 'constant-node')
 *   and leave the node list; a sparse value is refused.
 * - Initializers also listed as graph inputs are constants, not graph inputs.
 * - Empty node names become `<opType>_<index>` (file index); clashing names get a `_<k>` suffix.
 * - Bad bytes: an empty file or foreign bytes → NOT_A_MODEL, a cut file → TRUNCATED, damage inside a
 *   well-framed file → BAD_MODEL; never an uncaught exception.
 * Graph validity (dangling inputs, duplicate producers, cycles) is checked by graph-check.ts, not here.
 */
import { EdgefitError, isEdgefitError } from '../errors.ts';
import { oneLine, type NameIds } from '../graph-check.ts';
import type { ConstData, Dim, IRGraph, IRModel, IRNode, TensorInfo } from '../ir.ts';
import { convertAttribute, type AttrContext } from './attributes.ts';
import {
  ByteArena,
  DEFAULT_MAX_TENSOR_BYTES,
  int64ToNumber,
  namedTensorData,
  onnxDtype,
  tensorData,
  type Int64,
  type TensorContext,
} from './tensor-data.ts';
import { decodeModel as decodeWireModel, WireTensor, type WireGraph, type WireAttribute, type WireModel, type WireValueInfo } from './wire-decode.ts';
import { hashPrintable, WireError, WireReader, type FileIdentity } from './wire-reader.ts';
import { scanModelWire, scanModelWireAt } from './wire-scan.ts';
import { ExternalReads } from './external-data.ts';
import { DeferredTensorMap, TensorTable } from './tensor-map.ts';
import { objectArray } from './push-arrays.ts';

export interface OnnxReadOptions {
  /** Path as given by the user, for messages and IRModel.path. */
  path: string;
  /** The model's folder: external data locations are relative to it (and must stay inside it). */
  baseDir?: string;
  /** Cap on one tensor's storage bytes (default 1 GiB). */
  maxTensorBytes?: number;
}

interface ReadContext extends TensorContext {
  warnings: string[];
  /** The reader numbered the strings it decoded 1 … idCount (WireReader.stringCount, known once decoded). */
  idCount: number;
  /** Sub-graph nesting depth (If/Loop bodies). */
  depth: number;
}

/**
 * A ReadContext written out field by field: spreading a context object (`{ ...ctx, depth }`) cost more than the
 * rest of reading a small model's graph.
 */
function readContext(t: TensorContext, warnings: string[], depth: number, idCount: number): ReadContext {
  return { path: t.path, baseDir: t.baseDir, maxTensorBytes: t.maxTensorBytes, arena: t.arena, externalReads: t.externalReads, warnings, idCount, depth };
}

function normDomain(d: string | null | undefined): string {
  return !d || d === 'ai.onnx' ? '' : d;
}

function decodeModel(r: WireReader, path: string): WireModel {
  if (r.size === 0) throw new EdgefitError('NOT_A_MODEL', `${path} is empty, not an ONNX model`);
  const verdict = r.file ? scanModelWireAt(r.size, (p) => r.byteAt(p)) : scanModelWire(r.buf);
  if (verdict.kind === 'foreign') throw new EdgefitError('NOT_A_MODEL', `${path} is not an ONNX model (${verdict.detail})`);
  if (verdict.kind === 'truncated') throw new EdgefitError('TRUNCATED', `${path} is truncated: ${verdict.detail}`);
  if (!verdict.sawGraph) throw new EdgefitError('NOT_A_MODEL', `${path} is not an ONNX model: it has no graph`);
  try {
    return decodeWireModel(r);
  } catch (e) {
    if (isEdgefitError(e)) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    // the decoder stops following sub-graphs past its own depth (wire-decode.ts), deeper than the cap below: the same line
    if (/nested too deeply/i.test(msg)) throw subgraphDepthError(path);
    if (/call stack/i.test(msg)) throw new EdgefitError('BAD_MODEL', `${path} is a damaged ONNX file: messages nested too deeply`);
    if (e instanceof WireError || e instanceof RangeError) throw new EdgefitError('BAD_MODEL', `${path} is a damaged ONNX file (${msg})`);
    throw e;
  }
}

const SCALAR_KINDS: Record<string, { dtype: ConstData['dtype']; list: boolean }> = {
  value_float: { dtype: 'float32', list: false },
  value_floats: { dtype: 'float32', list: true },
  value_int: { dtype: 'int64', list: false },
  value_ints: { dtype: 'int64', list: true },
};

/** The tensor a `Constant` node holds. */
function constantNodeData(attributes: WireAttribute[] | undefined, nodeName: string, ctx: ReadContext): ConstData {
  const where = `${ctx.path}: Constant node '${nodeName}'`;
  for (const a of attributes ?? []) {
    const name = a.name ?? '';
    if (name === 'value') return tensorData(a.t ?? new WireTensor(), `Constant node '${nodeName}' value`, ctx, 'constant-node');
    if (name === 'sparse_value') throw new EdgefitError('UNSUPPORTED', `${where} holds a sparse tensor, which edgefit does not read`);
    if (name === 'value_string' || name === 'value_strings') {
      const n = name === 'value_strings' ? a.strings.length : 0;
      return { dtype: 'string', shape: name === 'value_strings' ? [n] : [], bytes: new Uint8Array(0), origin: 'constant-node' };
    }
    const kind = SCALAR_KINDS[name];
    if (!kind) continue;
    if (kind.dtype === 'float32') {
      const values = kind.list ? Array.from(a.floats) : [a.f ?? 0];
      const bytes = new Uint8Array(values.length * 4);
      const view = new DataView(bytes.buffer);
      values.forEach((v, i) => view.setFloat32(i * 4, v, true));
      return { dtype: 'float32', shape: kind.list ? [values.length] : [], bytes, origin: 'constant-node' };
    }
    const values = (kind.list ? a.ints : [a.i ?? 0]) as Int64[];
    const bytes = new Uint8Array(values.length * 8);
    const view = new DataView(bytes.buffer);
    values.forEach((v, i) => {
      if (typeof v === 'object') {
        view.setUint32(i * 8, v.low >>> 0, true);
        view.setUint32(i * 8 + 4, v.high >>> 0, true);
      } else {
        view.setBigInt64(i * 8, BigInt.asIntN(64, BigInt(v)), true);
      }
    });
    return { dtype: 'int64', shape: kind.list ? [values.length] : [], bytes, origin: 'constant-node' };
  }
  throw new EdgefitError('BAD_MODEL', `${where} has no value attribute`);
}

/** Graph input/output/value_info → TensorInfo (dtype and declared shape; the decoded dims become the shape). */
function valueInfoTensor(vi: WireValueInfo, what: string, ctx: ReadContext): TensorInfo {
  const name = vi.name;
  if (!vi.tensorType) return { name, dtype: 'unknown' };
  const dtype = vi.elemType ? onnxDtype(vi.elemType, `${ctx.path}: ${what} '${name}'`) : 'unknown';
  const dims = vi.dims;
  if (!dims) return { name, dtype };
  let product = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i]!;
    if (typeof d === 'string') {
      if (d === '') dims[i] = '?';
      continue;
    }
    const n = typeof d === 'number' ? d : int64ToNumber(d);
    if (n === undefined) throw new EdgefitError('DIM_OVERFLOW', `${ctx.path}: ${what} '${name}' has a dim beyond 2^53`);
    if (n < 0) throw new EdgefitError('DIM_OVERFLOW', `${ctx.path}: ${what} '${name}' has a negative dim ${n}`);
    product *= n;
    if (!Number.isSafeInteger(product)) {
      throw new EdgefitError('DIM_OVERFLOW', `${ctx.path}: ${what} '${name}' has dims whose product overflows 2^53`);
    }
    dims[i] = n;
  }
  return { name, dtype, shape: dims as Dim[] };
}

/**
 * Gives each node its IR name: its own, or `<opType>_<index>` when it has none, with `_<k>` added when that name
 * is taken by an earlier node. When the node names are known to be distinct and non-empty (distinctNodeNames),
 * every node keeps its own with no string hashed; otherwise clashes are found by a Set of the names given so far.
 */
class NodeNamer {
  private readonly given: Set<string> | undefined;

  constructor(distinct: boolean) {
    this.given = distinct ? undefined : new Set();
  }

  /** The name of nodes[index]; nodes before it have their IR names. */
  next(nodes: IRNode[], index: number): string {
    const node = nodes[index]!;
    const given = this.given;
    if (given === undefined) return node.name || `${node.opType}_${index}`;
    let name = node.name || `${node.opType}_${index}`;
    if (given.has(name)) {
      let k = 2;
      while (given.has(`${name}_${k}`)) k++;
      name = `${name}_${k}`;
    }
    given.add(name);
    return name;
  }
}

/**
 * Whether the names nodes would take without a `_<k>` suffix (their own, or `<opType>_<index>` for an unnamed
 * node) are all different: known from the reader's hashes of the names' bytes, and hashPrintable of the made-up
 * names (sorted, no two equal), when every name is printable ASCII. Two different names with equal hashes (or a
 * name that is not printable ASCII) give false: NodeNamer then compares the names themselves.
 */
function distinctNodeNames(g: WireGraph): boolean {
  if (!g.nodeNamesHashed) return false;
  const n = g.nodeNameHashes.length;
  if (n < 2 && g.unnamedNodes === 0) return true;
  const hashes = g.nodeNameHashes;
  if (g.unnamedNodes > 0) {
    const nodes = g.node;
    for (let j = 0; j < n; j++) {
      if (nodes[j]!.name !== '') continue;
      const h = hashPrintable(`${nodes[j]!.opType}_${j}`);
      if (h === undefined) return false;
      hashes[j] = h;
    }
  }
  return allDifferent(hashes);
}

/**
 * Whether no two of the hashes are equal: an open-addressing set of them (a table at most half full, probed
 * linearly from each hash's top bits), O(n) where sorting them was O(n log n).
 */
function allDifferent(hashes: readonly number[]): boolean {
  const n = hashes.length;
  let bits = 4;
  while (1 << bits < 2 * n) bits++;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  const keys = new Int32Array(1 << bits);
  const used = new Uint8Array(1 << bits);
  for (let i = 0; i < n; i++) {
    const h = hashes[i]! | 0;
    let slot = Math.imul(h, 0x9e3779b1) >>> shift;
    while (used[slot] !== 0) {
      if (keys[slot] === h) return false;
      slot = (slot + 1) & mask;
    }
    used[slot] = 1;
    keys[slot] = h;
  }
  return true;
}

/**
 * What attribute conversion needs of a graph's ReadContext; a sub-graph attribute is converted one level deeper.
 * A class (its convertGraph a method), not an object literal with an arrow: no closure made per graph.
 */
class GraphAttrContext implements AttrContext {
  readonly path: string;
  readonly baseDir: string | undefined;
  readonly maxTensorBytes: number;
  readonly arena: ByteArena | undefined;
  readonly warnings: string[];
  private readonly read: ReadContext;

  constructor(ctx: ReadContext) {
    this.path = ctx.path;
    this.baseDir = ctx.baseDir;
    this.maxTensorBytes = ctx.maxTensorBytes;
    this.arena = ctx.arena;
    this.warnings = ctx.warnings;
    this.read = ctx;
  }

  convertGraph(sub: WireGraph): IRGraph {
    return convertGraph(sub, readContext(this.read, this.read.warnings, this.read.depth + 1, this.read.idCount));
  }
}

/** Sub-graph (If/Loop/Scan body) nesting edgefit reads: a fixed cap, as recursion follows it (real models nest a few levels). */
export const MAX_SUBGRAPH_DEPTH = 64;

/** A valid file nested past the cap is not damaged: the line names the cap (LIMIT, docs/robustness.md). */
function subgraphDepthError(path: string): EdgefitError {
  return new EdgefitError('LIMIT', `${path}: sub-graphs (If/Loop/Scan bodies) nested more than ${MAX_SUBGRAPH_DEPTH} deep; edgefit reads at most ${MAX_SUBGRAPH_DEPTH} levels (a fixed limit: real models nest a few)`);
}

/**
 * The WireGraph as an IRGraph. `ids` (top-level graph): filled with the graph's names as numbers
 * (graph-check's NameIds), for the graph check.
 */
function convertGraph(g: WireGraph, ctx: ReadContext, ids?: NameIds): IRGraph {
  if (ctx.depth > MAX_SUBGRAPH_DEPTH) throw subgraphDepthError(ctx.path);
  // tensors found by name number (duplicates without hashing a string); the IR's Map indexes them when first used
  const tensors = new TensorTable(ctx.idCount);
  const graphName = g.name;
  let attrCtx: AttrContext | undefined;

  const initializers = g.initializer;
  for (let i = 0; i < initializers.length; i++) {
    const init = initializers[i]!;
    const name = init.name ?? '';
    if (!name) throw new EdgefitError('BAD_MODEL', `${ctx.path}: initializer #${i} of graph '${graphName}' has no name`);
    const id = init.nameId;
    if (tensors.find(name, id)) throw new EdgefitError('BAD_MODEL', `${ctx.path}: initializer '${name}' is defined twice`);
    ids?.constantIds.push(id > 0 ? id : -1);
    const data = namedTensorData(init, 'initializer', name, ctx);
    if (data.dtype === 'string') ctx.warnings.push(`initializer '${name}' holds strings, which are not represented`);
    tensors.add(name, id, { name, dtype: data.dtype, shape: data.shape, data });
  }
  if (g.sparseInitializer.length > 0) {
    const name = g.sparseInitializer[0] ?? '?';
    throw new EdgefitError('UNSUPPORTED', `${ctx.path}: sparse initializer '${name}' is not supported`);
  }

  /** The entries of graph inputs and outputs (by index in the table): the IR Map answers `get` for them unindexed. */
  const direct: number[] = [];
  const inputs: string[] = [];
  /** Name numbers of the graph inputs (the Constant-node test), when every one has a number. */
  let inputIds: number[] | undefined = [];
  for (const vi of g.input) {
    const name = vi.name;
    if (!name) throw new EdgefitError('BAD_MODEL', `${ctx.path}: graph '${graphName}' has an input without a name`);
    const id = vi.nameId;
    const existing = tensors.find(name, id);
    if (existing?.data) continue; // an initializer listed as an input: a constant
    if (existing) throw new EdgefitError('BAD_MODEL', `${ctx.path}: graph input '${name}' is listed twice`);
    direct.push(tensors.names.length);
    tensors.add(name, id, valueInfoTensor(vi, 'graph input', ctx));
    inputs.push(name);
    ids?.graphInputIds.push(id > 0 ? id : -1);
    if (id > 0) inputIds?.push(id);
    else inputIds = undefined;
  }
  for (const vi of g.valueInfo) {
    const name = vi.name;
    if (name && !tensors.find(name, vi.nameId)) tensors.add(name, vi.nameId, valueInfoTensor(vi, 'value_info', ctx));
  }
  const outputs: string[] = [];
  for (const vi of g.output) {
    const name = vi.name;
    if (!name) throw new EdgefitError('BAD_MODEL', `${ctx.path}: graph '${graphName}' has an output without a name`);
    outputs.push(name);
    const id = vi.nameId;
    ids?.graphOutputIds.push(id > 0 ? id : -1);
    const declared = valueInfoTensor(vi, 'graph output', ctx);
    const existing = tensors.find(name, id);
    if (!existing) {
      direct.push(tensors.names.length);
      tensors.add(name, id, declared);
    } else if (!existing.data && existing.shape === undefined && declared.shape) existing.shape = declared.shape;
  }

  const nodes: IRNode[] = objectArray();
  /** The graph inputs as a Set, made for the first Constant node whose output has no number. */
  let inputSet: Set<string> | undefined;
  const fileNodes = g.node;
  const { nodeOutputIds, nodeOutputStart } = g;
  /** The file nodes taken out of the node list (Constant nodes), once there is one. */
  let dropped: Uint8Array | undefined;
  const names = new NodeNamer(distinctNodeNames(g));
  for (let index = 0; index < fileNodes.length; index++) {
    const node = fileNodes[index]!;
    const opType = node.opType;
    if (!opType) throw new EdgefitError('BAD_MODEL', `${ctx.path}: node #${index} ('${node.name}') has no op type`);
    const domain = normDomain(node.domain);
    const name = names.next(fileNodes, index);
    const outs = node.outputs;
    const fileAttrs = g.nodeAttributes[index];

    if (opType === 'Constant' && domain === '') {
      const out = outs[0];
      if (!out) throw new EdgefitError('BAD_MODEL', `${ctx.path}: Constant node '${name}' has no output`);
      const outId = nodeOutputIds[nodeOutputStart[index]!]!;
      const prior = tensors.find(out, outId);
      if (prior?.data || isGraphInput(outId, inputIds) || (inputIds === undefined && (inputSet ??= new Set(inputs)).has(out))) {
        const what = prior?.data ? (prior.data.origin === 'constant-node' ? 'another Constant node' : 'an initializer') : 'a graph input';
        throw new EdgefitError('BAD_MODEL', `${ctx.path}: Constant node '${name}' produces '${out}', which is also ${what}`);
      }
      const data = constantNodeData(fileAttrs, name, ctx);
      if (data.dtype === 'string') {
        ctx.warnings.push(`Constant node '${name}' holds strings, which are not represented`);
      }
      // in the place of a declaration of the same name (value_info, graph output), as Map#set does
      tensors.set(out, outId, { name: out, dtype: data.dtype, shape: data.shape, data });
      ids?.constantIds.push(outId > 0 ? outId : -1);
      (dropped ??= new Uint8Array(fileNodes.length))[index] = 1;
      continue;
    }

    // the decoded node becomes the IR node: its final name and domain, and its attributes converted
    node.name = name;
    node.domain = domain;
    if (fileAttrs) {
      const attrs = node.attrs;
      attrCtx ??= new GraphAttrContext(ctx);
      for (let k = 0; k < fileAttrs.length; k++) {
        const a = fileAttrs[k]!;
        const v = convertAttribute(a, name, attrCtx);
        if (v !== undefined) attrs[a.name ?? ''] = v;
      }
    }
    nodes.push(node);
  }
  if (ids) numberNodes(g, ids, dropped);

  return { name: graphName, inputs, outputs, nodes, tensors: new DeferredTensorMap(tensors.names, tensors.infos, direct) };
}

/**
 * Whether `name` (numbered `id`) is one of the graph inputs, when their numbers are known (`inputIds`; undefined
 * when one has none: the caller then tests the names).
 */
function isGraphInput(id: number, inputIds: readonly number[] | undefined): boolean {
  // a numbered name never equals an unnumbered one (tensor-map.ts)
  return inputIds !== undefined && id > 0 && inputIds.includes(id);
}

/**
 * NameIds' node lists: the decoded graph's own when every file node is an IR node, else copies without the
 * entries of the `dropped` file nodes (Constant nodes, which became constants).
 */
function numberNodes(g: WireGraph, ids: NameIds, dropped: Uint8Array | undefined): void {
  const { nodeInputIds, nodeInputStart, nodeOutputIds, nodeOutputStart } = g;
  if (!dropped) {
    ids.inputIds = nodeInputIds;
    ids.inputStart = nodeInputStart;
    ids.outputIds = nodeOutputIds;
    ids.outputStart = nodeOutputStart;
    return;
  }
  for (let j = 0; j < g.node.length; j++) {
    if (dropped[j]) continue;
    for (let k = nodeInputStart[j]!; k < nodeInputStart[j + 1]!; k++) ids.inputIds.push(nodeInputIds[k]!);
    for (let k = nodeOutputStart[j]!; k < nodeOutputStart[j + 1]!; k++) ids.outputIds.push(nodeOutputIds[k]!);
    ids.inputStart.push(ids.inputIds.length);
    ids.outputStart.push(ids.outputIds.length);
  }
}

/** A model as read, with what the reader learnt about its names while decoding them. */
export interface OnnxRead {
  model: IRModel;
  /**
   * No string in the file holds a control character, DEL or line separator: every name prints as it is
   * (graph-check's withPrintableNames may skip its scan).
   */
  namesPrintable: boolean;
  /** The top-level graph's names as numbers, for checkGraph. */
  ids: NameIds;
}

/** Reads an ONNX model held in memory. Throws EdgefitError (one line naming the file and what is wrong) on bad input. */
export function readOnnx(bytes: Uint8Array, opts: OnnxReadOptions): IRModel {
  return readOnnxBytes(bytes, opts).model;
}

/** readOnnx, with what the reader learnt about the model's names. */
export function readOnnxBytes(bytes: Uint8Array, opts: OnnxReadOptions): OnnxRead {
  return readOnnxWire(new WireReader(bytes), opts);
}

/**
 * Reads an ONNX model from an open file descriptor (the caller opens and closes it): the structure is read
 * in windows, large initializer payloads stay on disk until something reads their `bytes` (then they are
 * read from `file.path`, which must be unchanged). `head` is the file's first bytes, already read.
 */
export function readOnnxFile(fd: number, file: FileIdentity, head: Uint8Array, opts: OnnxReadOptions): OnnxRead {
  return readOnnxWire(new WireReader(head, { fd, identity: file }), opts);
}

function readOnnxWire(r: WireReader, opts: OnnxReadOptions): OnnxRead {
  const { path } = opts;
  const warnings: string[] = [];
  const maxTensorBytes = opts.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  const ctx = readContext({ path, baseDir: opts.baseDir, maxTensorBytes, arena: r.arena ?? new ByteArena(r.size), externalReads: new ExternalReads() }, warnings, 0, 0);
  try {
    const model = decodeModel(r, path);
    ctx.idCount = r.stringCount;
    const opsets: Record<string, number> = {};
    for (const o of model.opsetImport) {
      const version = int64ToNumber(o.version as Int64);
      if (version === undefined || version < 0) throw new EdgefitError('BAD_MODEL', `${path}: opset import for domain '${o.domain ?? ''}' has an invalid version`);
      opsets[normDomain(o.domain)] = version;
    }
    if (Object.keys(opsets).length === 0) warnings.push('the model declares no opset imports');
    if (model.functions > 0) {
      warnings.push(`the model defines ${model.functions} local function(s), which are not expanded: nodes calling them are unknown ops`);
    }
    const stringCount = r.stringCount;
    const ids: NameIds = { count: stringCount, inputIds: [], inputStart: [0], outputIds: [], outputStart: [0], constantIds: [], graphInputIds: [], graphOutputIds: [] };
    ids.noSubgraphs = !model.graph!.subgraphs;
    const graph = convertGraph(model.graph!, ctx, ids);
    // the same numbers for shape inference and fusion (arrays indexed by name number; ir.ts GraphNameIds)
    const { inputIds, inputStart, outputIds, outputStart, constantIds, graphInputIds, graphOutputIds } = ids;
    graph.nameIds = { strings: r.numberedStrings(), inputIds, inputStart, outputIds, outputStart, constantIds, graphInputIds, graphOutputIds };
    const { producerName, producerVersion } = model;
    const producer = producerName && producerVersion ? `${producerName} ${producerVersion}` : producerName || producerVersion;
    const read: IRModel = { format: 'onnx', path, fileBytes: r.size, opsets, producer, graph, warnings };
    return { model: read, namesPrintable: r.namesPrintable, ids };
  } catch (e) {
    if (isEdgefitError(e)) throw new EdgefitError(e.code, oneLine(e.message), e.exitCode);
    const msg = e instanceof Error ? e.message : String(e);
    throw new EdgefitError('BAD_MODEL', oneLine(`${path} is a damaged ONNX model (${msg})`));
  }
}
