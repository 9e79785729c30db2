/**
 * Shape inference on the IR: walks nodes in file order and asks the rule table (registry.ts) for each
 * node's output types. Constants carry their small values so exporters' shape sub-graphs fold.
 *
 * Unknown ops never throw: their outputs take the shapes declared in the file (value_info / graph outputs)
 * when fully known, else stay untyped; nodes downstream of an untyped tensor are unknown too. Every such
 * node is listed in `unknownNodes` with a warning, and callers label the analysis partial.
 *
 * Shape arrays are read-only once made: a constant's type holds its ConstData's shape array, and rules give
 * an output its input's array when the shape is the same (QuantizeLinear, `like`); a rule that changes a
 * shape builds a new array. Nothing downstream changes a shape in place either.
 *
 * Two paths, one result. A graph the ONNX reader numbered (graph.nameIds) is inferred on the numbers: types sit
 * in an array by name number and `types` is a ShapeTypeMap, filled only when used as a Map (fusion reads the
 * array through ShapeTypeMap.typeOf). Every name is checked against its number as the node is reached; any
 * other graph (TFLite, built in memory, edited or reordered after reading) is inferred by name.
 */
import type { AttrValue, ConstData, Dim, GraphNameIds, IRGraph, IRModel, IRNode, TensorInfo, TensorType } from '../ir.ts';
import type { DType } from '../dtype.ts';
import { EdgefitError } from '../errors.ts';
import { checkConstBytes, decodeConst, decodeSmallConst } from '../const-data.ts';
import { shapeRulesOf, type ShapeContext, type ShapeRule } from './registry.ts';
import { MAX_VALUE_ELEMENTS, opLabel } from './rule-helpers.ts';
import { followedResizeInputs, retryFollowingSize, type NativeTypes } from './follow-size.ts';
import './onnx-rules.ts';
import './tflite-rules.ts';

export interface ShapeOptions {
  /** Overrides by graph-input name (`--input-shape name=1x3x224x224`). */
  inputShapes?: Record<string, number[]>;
  /** Value for symbolic or unknown input dims ('N', 'batch', 'unk__150'); default 1. */
  defaultDim?: number;
  /**
   * The file's own inference, when this one re-infers it at another input size: a node that fails on a shape the
   * file fixed for its own size is retried with that shape following the input (follow-size.ts), and said in a
   * warning.
   */
  followFrom?: NativeTypes;
}

export interface ShapeResult {
  /** Inferred types by tensor name (a ShapeTypeMap when inferred on name numbers: the same entries, same order). */
  types: Map<string, TensorType>;
  /** Names of nodes whose outputs could not be (fully) inferred. */
  unknownNodes: string[];
  warnings: string[];
}

/** Above this many elements a tensor is not real (2^40 ≈ 1.1e12). */
export const MAX_TENSOR_ELEMENTS = 2 ** 40;

/**
 * What is wrong with a shape, as the end of a message about its tensor (`has an invalid dim …` / `of shape … has
 * more than 2^40 elements`), or undefined when every dim is a non-negative integer and the product stays below
 * the cap. Builds no string for a good shape.
 */
function shapeProblem(shape: readonly number[]): string | undefined {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return `has an invalid dim ${d} in [${shape.join(', ')}]`;
    n *= d;
    if (n > MAX_TENSOR_ELEMENTS) return `of shape [${shape.join(', ')}] has more than 2^40 elements`;
  }
  return undefined;
}

/** Throws DIM_OVERFLOW unless every dim is a non-negative integer and the product stays below the cap. */
export function checkShape(shape: readonly number[], nodeLabel: string, tensorName: string): void {
  const problem = shapeProblem(shape);
  if (problem) throw new EdgefitError('DIM_OVERFLOW', `${nodeLabel}: tensor '${tensorName}' ${problem}`);
}

function opsetOf(model: IRModel, domain: string): number {
  const d = domain === 'ai.onnx' ? '' : domain;
  return model.opsets[d] ?? (d === '' ? model.opsets['ai.onnx'] : undefined) ?? 1;
}

/** A declared shape usable as-is (all dims numeric and known), else undefined. */
function declaredType(info: TensorInfo | undefined): TensorType | undefined {
  if (!info?.shape || info.dtype === 'unknown') return undefined;
  if (!info.shape.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 0)) return undefined;
  return { dtype: info.dtype, shape: [...info.shape] };
}

function parseDims(dims: Dim[], defaultDim: number): number[] {
  return dims.map((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0 ? d : defaultDim));
}

/** The input-shape overrides of a call that gives none. */
const NO_OVERRIDES: Readonly<Record<string, number[]>> = Object.freeze({});

/**
 * The graph inputs' types into `inputTypes` (by position in graph.inputs; undefined for an input without a shape).
 * Returns a hint naming the inputs whose dynamic dims were defaulted ('' when none).
 */
function seedInputs(model: IRModel, opts: ShapeOptions, inputTypes: (TensorType | undefined)[], warnings: string[]): string {
  const defaulted: string[] = [];
  const g = model.graph;
  const defaultDim = opts.defaultDim ?? 1;
  const overrides = opts.inputShapes ?? NO_OVERRIDES;
  for (const [name, dims] of overrides === NO_OVERRIDES ? [] : Object.entries(overrides)) {
    if (!g.inputs.includes(name)) {
      throw new EdgefitError(
        'USAGE',
        `--input-shape names '${name}', which is not an input of ${model.path} (inputs: ${g.inputs.join(', ') || 'none'})`,
      );
    }
    const declared = g.tensors.get(name)?.shape;
    if (declared && declared.length !== dims.length) {
      throw new EdgefitError(
        'USAGE',
        `--input-shape ${name}=${dims.join('x')} has rank ${dims.length} but input '${name}' has rank ${declared.length} [${declared.join(', ')}]`,
      );
    }
    if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new EdgefitError('USAGE', `--input-shape ${name}=${dims.join('x')}: dims must be positive integers`);
    }
  }
  for (let k = 0; k < g.inputs.length; k++) {
    const name = g.inputs[k]!;
    inputTypes.push(undefined);
    const info = g.tensors.get(name);
    // own entries only: an input named 'constructor' or 'toString' has no override (it read Object.prototype's)
    const override = overrides !== NO_OVERRIDES && Object.hasOwn(overrides, name) ? overrides[name] : undefined;
    let shape: number[] | undefined;
    if (override) {
      shape = [...override];
    } else if (info?.shape) {
      shape = parseDims(info.shape, defaultDim);
      const symbolic = info.shape.filter((d) => typeof d !== 'number' || d < 0);
      if (symbolic.length > 0) {
        warnings.push(`input '${name}': dynamic dims ${symbolic.map((d) => `'${d}'`).join(', ')} set to ${defaultDim} (override with --input-shape)`);
        defaulted.push(`${name}=${info.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : `<${d}>`)).join('x')}`);
      }
    }
    if (!shape) {
      warnings.push(`input '${name}' has no declared shape; give one with --input-shape ${name}=…`);
      continue;
    }
    checkShape(shape, `input '${name}'`, name);
    inputTypes[k] = { dtype: info?.dtype ?? 'float32', shape };
  }
  return defaulted.length === 0
    ? ''
    : ` (dynamic input dims were set to ${defaultDim}; give real sizes with --input-shape ${defaulted.join(' ')})`;
}

/**
 * The type of a small ONNX constant, whose value is decoded when first read: most are scales and zero points
 * that no rule reads. (TFLite constants get plain objects: tflite/layers.ts copies types with a spread, which
 * would not carry a getter.)
 */
class LazyConstType implements TensorType {
  // fields assigned in the constructor only (`declare`: no class-field definitions before the assignments,
  // one object per constant and per call)
  declare readonly dtype: DType;
  declare readonly shape: number[];
  private declare readonly data: ConstData;
  private declare decoded: number[] | undefined;
  constructor(dtype: DType, shape: number[], data: ConstData) {
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
    this.decoded = undefined;
  }
  get value(): number[] | undefined {
    return (this.decoded ??= decodeSmallConst(this.data, MAX_VALUE_ELEMENTS));
  }
}

/** The type of the constant `name` holding `data` (DIM_OVERFLOW for a shape that is not real). */
function constantType(name: string, data: ConstData, lazy: boolean): TensorType {
  const shape = data.shape; // shared, not copied: shapes are never changed in place (see the module comment)
  let count = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    count *= d;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || count > MAX_TENSOR_ELEMENTS) {
      throw new EdgefitError('DIM_OVERFLOW', `constant '${name}': tensor '${name}' ${shapeProblem(shape)}`);
    }
  }
  const dtype = data.dtype;
  if (count > MAX_VALUE_ELEMENTS || dtype === 'string' || dtype === 'complex64' || dtype === 'complex128' || dtype === 'unknown') {
    return { dtype, shape };
  }
  if (!lazy) return { dtype, shape, value: decodeConst(data, MAX_VALUE_ELEMENTS) };
  // the one way decoding can fail, checked now so that reading the value later cannot throw
  checkConstBytes(data, count);
  return new LazyConstType(dtype, shape, data);
}

function seedConstants(model: IRModel, types: Map<string, TensorType>): void {
  const lazy = model.format === 'onnx';
  // forEach: no [name, info] entry array per tensor
  model.graph.tensors.forEach((info, name) => {
    const data = info.data;
    if (data) types.set(name, constantType(name, data, lazy));
  });
}

/** Slots of RuleFinder's op-type cache per domain (a power of two). */
const OP_SLOTS = 16;

/**
 * Per domain in one inferShapes call: its opset, its rules by op type, and the op types met so far by the length
 * of their name (slot `length % OP_SLOTS`), each with its rule: the few op types of a graph mostly differ in length
 * (DequantizeLinear, QuantizeLinear, Conv, Sigmoid, Concat …), and the reader gives every node of one op type the
 * same string, so a slot is confirmed by one pointer comparison instead of a Map lookup that hashes and compares
 * the name.
 */
interface DomainRules {
  domain: string;
  opset: number;
  rules: ReadonlyMap<string, ShapeRule>;
  slotOps: string[];
  slotRules: (ShapeRule | undefined)[];
}

/**
 * Finds each node's rule and opset in one inferShapes call: the registry's rules of each domain met, with the
 * domain's opset. Consecutive nodes mostly share a domain (the last one is kept at hand), and a graph has few op
 * types (found by DomainRules' slots).
 */
class RuleFinder {
  private readonly byDomain = new Map<string, DomainRules>();
  private domain: DomainRules | undefined = undefined;
  constructor(private readonly model: IRModel) {}

  /** The rule of `node`'s op type (undefined when none is registered); `opset` is then its domain's opset. */
  ruleOf(node: IRNode): ShapeRule | undefined {
    const domainName = node.domain;
    const opType = node.opType;
    let dom = this.domain;
    if (dom === undefined || dom.domain !== domainName) {
      dom = this.byDomain.get(domainName);
      if (!dom) {
        const slotOps: string[] = [];
        const slotRules: (ShapeRule | undefined)[] = [];
        // every slot written once: a packed array (an empty name matches no op type: they are never '')
        for (let i = 0; i < OP_SLOTS; i++) (slotOps.push(''), slotRules.push(undefined));
        dom = { domain: domainName, opset: opsetOf(this.model, domainName), rules: shapeRulesOf(domainName), slotOps, slotRules };
        this.byDomain.set(domainName, dom);
      }
      this.domain = dom;
    }
    const slot = opType.length & (OP_SLOTS - 1);
    if (dom.slotOps[slot] === opType && opType !== '') return dom.slotRules[slot];
    const rule = dom.rules.get(opType);
    dom.slotOps[slot] = opType;
    dom.slotRules[slot] = rule;
    return rule;
  }

  get opset(): number {
    return this.domain!.opset;
  }
}

/**
 * The one ShapeContext of an inferShapes call, pointed at each node in turn: rules read it only while they run,
 * so one object serves every node (a class rather than an object literal with an `attr` arrow: no closure).
 */
class NodeShapeContext implements ShapeContext {
  inputs: (TensorType | undefined)[] = [];
  opset = 1;
  /** One inputs array per arity in this call (setting an array's length is a runtime call). */
  private readonly inputsOfArity: (TensorType | undefined)[][] = [];
  constructor(public node: IRNode) {}
  attr(name: string): AttrValue | undefined {
    return this.node.attrs[name];
  }

  /**
   * Points the context at `node` and reads its input types, once; returns how many named inputs have no type.
   * Every element is written ('' = an omitted optional input is a real undefined, not a hole: rules may call
   * every/some/map); types never holds undefined.
   */
  readInputs(node: IRNode, types: ReadonlyMap<string, TensorType>): number {
    const names = node.inputs;
    const inputs = this.inputsFor(names.length);
    let missing = 0;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const t = name === '' ? undefined : types.get(name);
      if (t === undefined && name !== '') missing++;
      inputs[i] = t;
    }
    this.node = node;
    this.inputs = inputs;
    return missing;
  }

  /**
   * readInputs by name number: node's inputs are numbered ids[from … to), and `strings` holds each number's name.
   * Returns -1 unless every input is the name its number says (0 exactly for ''); each name is checked as its type
   * is read (one pass), and on -1 the context is left pointing at the previous node.
   */
  readInputsById(node: IRNode, byId: readonly (TensorType | undefined)[], strings: GraphNameIds['strings'], ids: readonly number[], from: number, to: number): number {
    const names = node.inputs;
    const n = names.length;
    if (to - from !== n) return -1;
    const inputs = this.inputsFor(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[from + i]!;
      let t: TensorType | undefined;
      if (id > 0) {
        if (strings[id] !== names[i]) return -1;
        t = byId[id];
        if (t === undefined) missing++;
      } else if (id !== 0 || names[i] !== '') return -1;
      inputs[i] = t;
    }
    this.node = node;
    this.inputs = inputs;
    return missing;
  }

  private inputsFor(arity: number): (TensorType | undefined)[] {
    let inputs = this.inputsOfArity[arity];
    if (inputs === undefined) this.inputsOfArity[arity] = inputs = new Array<TensorType | undefined>(arity);
    return inputs;
  }
}

/**
 * The inferred types by name (ShapeResult.types) when inference ran on name numbers (graph.nameIds): a Map
 * filled on first use, with the entries in the order inference found them (constants, graph inputs, node
 * outputs, as the name-keyed path sets them). `byId` gives the same types by number without filling it.
 */
export class ShapeTypeMap extends Map<string, TensorType> {
  private filled = false;
  /** Whether an entry was set, deleted or cleared since inference: `byId` no longer says what the Map holds. */
  private edited = false;
  constructor(
    /** The numbers the types were inferred on; valid for `graph`'s nodes, checked name by name. */
    readonly graph: IRGraph,
    readonly ids: GraphNameIds,
    /** The type of each name by number (undefined: untyped). */
    readonly byId: readonly (TensorType | undefined)[],
    /** The numbers typed, in the order found: order[0 … orderCount). */
    private readonly order: readonly number[],
    private readonly orderCount: number,
  ) {
    super();
  }
  private fill(): void {
    if (this.filled) return;
    this.filled = true;
    const { order, byId, orderCount } = this;
    const strings = this.ids.strings;
    for (let k = 0; k < orderCount; k++) {
      const id = order[k]!;
      super.set(strings[id]!, byId[id]!);
    }
  }
  /**
   * The type of `name`, whose number is `id` (the numbers of graph.nameIds): read by number when the number is
   * the name's and the Map was not edited since inference, else by name.
   */
  typeOf(id: number, name: string): TensorType | undefined {
    return !this.edited && id > 0 && this.ids.strings[id] === name ? this.byId[id] : this.get(name);
  }

  override get(name: string): TensorType | undefined {
    if (!this.filled) {
      // a graph input or output (what a model summary asks for) is found by its number, without filling
      const g = this.graph;
      const id = g.inputs.length + g.outputs.length <= 64 ? numberIn(g.inputs, this.ids.graphInputIds, name) || numberIn(g.outputs, this.ids.graphOutputIds, name) : 0;
      if (id > 0 && this.ids.strings[id] === name) return this.byId[id];
      this.fill();
    }
    return super.get(name);
  }
  override has(name: string): boolean {
    this.fill();
    return super.has(name);
  }
  override set(name: string, t: TensorType): this {
    this.fill();
    this.edited = true;
    return super.set(name, t);
  }
  override delete(name: string): boolean {
    this.fill();
    this.edited = true;
    return super.delete(name);
  }
  override clear(): void {
    this.filled = true;
    this.edited = true;
    super.clear();
  }
  override get size(): number {
    this.fill();
    return super.size;
  }
  override forEach(fn: (value: TensorType, key: string, map: Map<string, TensorType>) => void, thisArg?: unknown): void {
    this.fill();
    super.forEach(fn, thisArg);
  }
  override entries(): MapIterator<[string, TensorType]> {
    this.fill();
    return super.entries();
  }
  override keys(): MapIterator<string> {
    this.fill();
    return super.keys();
  }
  override values(): MapIterator<TensorType> {
    this.fill();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[string, TensorType]> {
    this.fill();
    return super[Symbol.iterator]();
  }
}

/** Whether `names` are numbered ids[from … to): each is its number's string, and '' exactly number 0. */
function numberedAs(names: readonly string[], strings: GraphNameIds['strings'], ids: readonly number[], from: number, to: number): boolean {
  if (to - from !== names.length) return false;
  for (let i = 0; i < names.length; i++) {
    const id = ids[from + i]!;
    if (id > 0 ? strings[id] !== names[i] : id !== 0 || names[i] !== '') return false;
  }
  return true;
}

/** The number of `name` in `names` (numbered by `ids`, in the same order); 0 when absent or not numbered. */
function numberIn(names: readonly string[], ids: readonly number[], name: string): number {
  if (ids.length !== names.length) return 0;
  for (let k = 0; k < names.length; k++) if (names[k] === name) return ids[k]!;
  return 0;
}

export function inferShapes(model: IRModel, opts: ShapeOptions = {}): ShapeResult {
  const ids = model.graph.nameIds;
  return (ids !== undefined ? inferShapesById(model, opts, ids) : undefined) ?? inferShapesByName(model, opts);
}

function inferShapesByName(model: IRModel, opts: ShapeOptions): ShapeResult {
  const types = new Map<string, TensorType>();
  const unknownNodes: string[] = [];
  const warnings: string[] = [];
  const g = model.graph;
  seedConstants(model, types);
  const inputTypes: (TensorType | undefined)[] = [];
  const defaultedHint = seedInputs(model, opts, inputTypes, warnings);
  for (let k = 0; k < inputTypes.length; k++) {
    const t = inputTypes[k];
    if (t !== undefined) types.set(g.inputs[k]!, t);
  }
  const finder = new RuleFinder(model);
  const nodes = g.nodes;
  const ctx = new NodeShapeContext(nodes[0]!);

  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const missing = ctx.readInputs(node, types);
    const outs = outputTypes(node, missing, finder, ctx, g, defaultedHint, unknownNodes, warnings, opts.followFrom);
    const outputs = node.outputs;
    for (let i = 0; i < outputs.length; i++) {
      const name = outputs[i]!;
      const t = outs[i];
      if (!name || !t) continue;
      checkOutput(node, name, t, ctx.inputs, defaultedHint);
      types.set(name, t);
    }
  }
  return { types, unknownNodes, warnings };
}

/**
 * inferShapesByName on the reader's name numbers (`ids`): the types sit in an array by number, and
 * ShapeResult.types is filled from it when first used. The numbers are the reader's, and a graph edited or
 * reordered since has names they no longer match: each node's input and output names are checked against their
 * numbers' strings before the node's types are read or recorded, and the result is undefined (the name-keyed path
 * runs, from the start) at the first name that does not match, or a constant or graph input not numbered as
 * named. Up to that node both paths do the same, so an error thrown before it is the name-keyed path's too.
 */
function inferShapesById(model: IRModel, opts: ShapeOptions, ids: GraphNameIds): ShapeResult | undefined {
  const unknownNodes: string[] = [];
  const warnings: string[] = [];
  const g = model.graph;
  const strings = ids.strings;
  const byId = new Array<TensorType | undefined>(strings.length);
  // each number is recorded once (when first typed), so the numbers typed fit in an array made once at full size
  // (growing it by push reallocated it ~15 times on a large graph)
  const order = new Array<number>(strings.length);
  let orderCount = 0;

  // constants, in graph.tensors's order (their errors in the same order); their numbers are in the same order
  // unless a Constant node's output was declared before it (then `aligned` is false)
  const lazy = model.format === 'onnx';
  const constantIds = ids.constantIds;
  let next = 0;
  let aligned = true;
  g.tensors.forEach((info, name) => {
    const data = info.data;
    if (!data) return;
    const t = constantType(name, data, lazy);
    const id = constantIds[next++];
    if (id === undefined || id <= 0 || strings[id] !== name) aligned = false;
    else if (aligned) {
      if (byId[id] === undefined) order[orderCount++] = id;
      byId[id] = t;
    }
  });
  if (!aligned) return undefined;

  const inputTypes: (TensorType | undefined)[] = [];
  const defaultedHint = seedInputs(model, opts, inputTypes, warnings);
  const graphInputIds = ids.graphInputIds;
  if (graphInputIds.length !== inputTypes.length) return undefined;
  for (let k = 0; k < inputTypes.length; k++) {
    const id = graphInputIds[k]!;
    if (id <= 0 || strings[id] !== g.inputs[k]) return undefined;
    const t = inputTypes[k];
    if (t === undefined) continue;
    if (byId[id] === undefined) order[orderCount++] = id;
    byId[id] = t;
  }

  const finder = new RuleFinder(model);
  const nodes = g.nodes;
  const ctx = new NodeShapeContext(nodes[0]!);
  const { inputIds, inputStart, outputIds, outputStart } = ids;
  if (inputStart.length !== nodes.length + 1 || outputStart.length !== nodes.length + 1) return undefined;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const missing = ctx.readInputsById(node, byId, strings, inputIds, inputStart[k]!, inputStart[k + 1]!);
    if (missing < 0) return undefined;
    const outputs = node.outputs;
    const from = outputStart[k]!;
    if (!numberedAs(outputs, strings, outputIds, from, outputStart[k + 1]!)) return undefined;
    // the usual case first: a rule and every input typed
    const rule = finder.ruleOf(node);
    let outs: (TensorType | undefined)[] | string;
    if (rule !== undefined && missing === 0) {
      ctx.opset = finder.opset;
      if (opts.followFrom) followBeforeRule(ctx, opts.followFrom, warnings);
      try {
        outs = rule(ctx);
      } catch (e) {
        outs = followedOutputs(e, rule, ctx, opts.followFrom, warnings) ?? ruleFailure(e, ctx, defaultedHint);
      }
    } else outs = rule === undefined ? `no shape rule for op ${opLabel(node)}` : missingReason(node, ctx.inputs);
    if (typeof outs === 'string') outs = declaredOutputs(node, g, outs, unknownNodes, warnings);
    const input0 = ctx.inputs.length > 0 ? ctx.inputs[0] : undefined;
    for (let i = 0; i < outputs.length; i++) {
      const t = outs[i];
      const id = outputIds[from + i]!;
      if (id === 0 || !t) continue;
      // an output holding input 0's shape array (Q/DQ, unary ops) was checked as that input
      if (input0 === undefined || t.shape !== input0.shape) checkOutput(node, outputs[i]!, t, ctx.inputs, defaultedHint);
      if (byId[id] === undefined) order[orderCount++] = id;
      byId[id] = t;
    }
  }
  return { types: new ShapeTypeMap(g, ids, byId, order, orderCount), unknownNodes, warnings };
}

/**
 * The types of `node`'s outputs from its rule (its inputs read into ctx; `missing` of them untyped), or the
 * declared shapes when the rule cannot resolve them (then the node is listed unknown with a warning).
 */
function outputTypes(
  node: IRNode,
  missing: number,
  finder: RuleFinder,
  ctx: NodeShapeContext,
  g: IRGraph,
  defaultedHint: string,
  unknownNodes: string[],
  warnings: string[],
  followFrom: NativeTypes | undefined,
): (TensorType | undefined)[] {
  const rule = finder.ruleOf(node);
  // the output types, or why they stay unresolved (then the declared shapes stand in)
  let outs: (TensorType | undefined)[] | string;
  if (rule === undefined) outs = `no shape rule for op ${opLabel(node)}`;
  else if (missing > 0) outs = missingReason(node, ctx.inputs);
  else {
    ctx.opset = finder.opset;
    if (followFrom) followBeforeRule(ctx, followFrom, warnings);
    outs = applyRule(rule, ctx, defaultedHint, followFrom, warnings);
  }
  return typeof outs === 'string' ? declaredOutputs(node, g, outs, unknownNodes, warnings) : outs;
}

/**
 * The rule's output types, or the reason they stay unresolved (a DYNAMIC_DIM: partial result). Any other
 * failure is the model's: an EdgefitError naming the node, with the dynamic-dims hint.
 */
function applyRule(rule: ShapeRule, ctx: NodeShapeContext, defaultedHint: string, followFrom: NativeTypes | undefined, warnings: string[]): TensorType[] | string {
  try {
    return rule(ctx);
  } catch (e) {
    return followedOutputs(e, rule, ctx, followFrom, warnings) ?? ruleFailure(e, ctx, defaultedHint);
  }
}

/** Re-inferring at another size: a node that holds a size of its own (a TFLite resize) takes the input's scale first. */
function followBeforeRule(ctx: NodeShapeContext, followFrom: NativeTypes, warnings: string[]): void {
  const inputs = followedResizeInputs(ctx, followFrom, (text) => warnings.push(text));
  if (inputs) ctx.inputs = inputs;
}

/** A BAD_SHAPE met re-inferring at another size (`followFrom` given): the node's outputs with its fixed shape following the input, if it has one. */
function followedOutputs(e: unknown, rule: ShapeRule, ctx: NodeShapeContext, followFrom: NativeTypes | undefined, warnings: string[]): TensorType[] | undefined {
  if (!followFrom || !(e instanceof EdgefitError) || e.code !== 'BAD_SHAPE') return undefined;
  return retryFollowingSize(rule, ctx, followFrom, (text) => warnings.push(text));
}

/** What applyRule makes of what the rule threw: the reason its outputs stay unresolved, else an EdgefitError thrown. */
function ruleFailure(e: unknown, ctx: NodeShapeContext, defaultedHint: string): string {
  const label = nodeLabel(ctx.node);
  if (e instanceof EdgefitError && e.code === 'DYNAMIC_DIM') return e.message.replace(`${label}: `, '');
  if (e instanceof EdgefitError) throw new EdgefitError(e.code, e.message + defaultedHint, e.exitCode);
  throw new EdgefitError('BAD_SHAPE', `${label}: shape rule failed on these operands (${(e as Error).message})${defaultedHint}`);
}

/** `input 'a' of unknown shape` / `inputs 'a', 'b' of unknown shape` (`inputs`: the node's input types as read). */
function missingReason(node: IRNode, inputs: readonly (TensorType | undefined)[]): string {
  const missing = node.inputs.filter((n, i) => n !== '' && inputs[i] === undefined);
  return `input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} of unknown shape`;
}

/** The outputs of a node whose rule could not resolve them: the shapes the file declares, else untyped (partial). */
function declaredOutputs(node: IRNode, g: IRGraph, reason: string, unknownNodes: string[], warnings: string[]): (TensorType | undefined)[] {
  const declared = node.outputs.map((o) => (o ? declaredType(g.tensors.get(o)) : undefined));
  const typed = declared.filter((d) => d !== undefined).length;
  unknownNodes.push(node.name);
  warnings.push(
    `${nodeLabel(node)}: ${reason}; ${typed === node.outputs.length && typed > 0 ? 'using the declared output shapes' : typed > 0 ? 'some outputs use declared shapes, others are unknown' : 'outputs unknown'} (partial)`,
  );
  return declared;
}

/**
 * Checks the shape of output `name` (DIM_OVERFLOW names the node and tensor). An output holding input 0's shape
 * array (Q/DQ, unary ops) is not checked again: every shape typed so far was checked.
 */
function checkOutput(node: IRNode, name: string, t: TensorType, inputs: readonly (TensorType | undefined)[], defaultedHint: string): void {
  const input0 = inputs.length > 0 ? inputs[0] : undefined;
  if (input0 !== undefined && t.shape === input0.shape) return;
  const problem = shapeProblem(t.shape);
  if (problem) throw new EdgefitError('DIM_OVERFLOW', `${nodeLabel(node)}: tensor '${name}' ${problem}${defaultedHint}`);
}

function nodeLabel(node: IRNode): string {
  return `node '${node.name}' (${opLabel(node)})`;
}
