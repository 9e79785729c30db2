/**
 * Lookups the ONNX fusion needs over one IR graph: who produces and who consumes each tensor, and which
 * tensors are static (known before inference: initializers, Constant outputs, everything computed only from
 * those — weight DequantizeLinear, fake-quant Q→DQ of weights, shape sub-graphs folded by shape inference).
 * "Side" tensors are run-time scalars that belong to a kernel's quantization (DynamicQuantizeLinear's scale
 * and zero point and the arithmetic on them): they are treated like constants and produce no layers.
 *
 * Everything known about a tensor name sits in one record (`TensorFacts`), found with one Map lookup: a
 * fusion step that asks "who writes it, who reads it, is it a parameter, what is its type" pays for the
 * string hashing once.
 */
import type { GraphNameIds, IRGraph, IRNode, TensorInfo, TensorType } from '../ir.ts';
import { ShapeTypeMap } from '../shapes/infer.ts';

const STATIC = 1;
const SIDE = 2;
const GRAPH_INPUT = 4;
const GRAPH_OUTPUT = 8;

const NO_CONSUMERS: readonly number[] = Object.freeze([]);

/** One tensor name of the graph. */
export interface TensorFacts {
  /** Index of the node writing it; -1 when no node does (graph input, initializer). */
  producer: number;
  /**
   * The nodes reading it (file order, one entry per node): the first one (-1 for none), then the others (most
   * tensors have one reader: no array for them). `GraphIndex.consumersOf` gives the list.
   */
  firstConsumer: number;
  moreConsumers: number[] | undefined;
  /**
   * STATIC for tensors known before inference (see file comment), SIDE for run-time quantization scalars
   * (DynamicQuantizeLinear scale/zero point and what is computed from them only); both can be set; plus
   * GRAPH_INPUT / GRAPH_OUTPUT.
   */
  flags: number;
  /** The graph's own entry (declared dtype/shape, constant data), if any. */
  readonly info: TensorInfo | undefined;
  /** The inferred type, if any. */
  readonly type: TensorType | undefined;
}

/** A record as GraphIndex fills it (a declared tensor's type is set when its number is met). */
type FactsDraft = { -readonly [K in keyof TensorFacts]: TensorFacts[K] };

export class GraphIndex {
  readonly graph: IRGraph;
  readonly types: ReadonlyMap<string, TensorType>;
  private readonly byName = new Map<string, FactsDraft>();
  /**
   * The types by name number, when shape inference ran on the graph's numbers (graph.nameIds): records read
   * their type by number (a constant's number is found by counting constants in graph.tensors's order, as
   * inference did; every number is checked against its name by ShapeTypeMap.typeOf).
   */
  private readonly numbered: ShapeTypeMap | undefined;
  private readonly ids: GraphNameIds | undefined;
  private constantsSeen = 0;

  constructor(graph: IRGraph, types: ReadonlyMap<string, TensorType>) {
    this.graph = graph;
    this.types = types;
    const numbered = types instanceof ShapeTypeMap && types.graph === graph ? types : undefined;
    const ids = numbered?.ids;
    this.numbered = numbered;
    this.ids = ids;
    graph.tensors.forEach(this.addGraphTensor, this);
    for (let k = 0; k < graph.inputs.length; k++) {
      const f = this.record(graph.inputs[k]!, ids ? ids.graphInputIds[k]! : -1);
      f.flags = (f.flags & ~STATIC) | GRAPH_INPUT; // a graph input is never a constant
    }
    for (let k = 0; k < graph.outputs.length; k++) this.record(graph.outputs[k]!, ids ? ids.graphOutputIds[k]! : -1).flags |= GRAPH_OUTPUT;
    // One pass in file order (ONNX requires topological order; the loader checks it): a node's inputs are
    // flagged by the time it is reached, by the initializers above or by the nodes before it.
    const nodes = graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      let allStatic = true;
      let allStaticOrSide = true;
      const ins = n.inputs;
      const inFrom = ids ? ids.inputStart[i]! : -1;
      for (let j = 0; j < ins.length; j++) {
        const t = ins[j]!;
        if (t === '') continue;
        const f = this.record(t, ids ? ids.inputIds[inFrom + j]! : -1);
        // one entry per node (a node reading a tensor twice is its last reader so far)
        if (f.firstConsumer < 0) f.firstConsumer = i;
        else if (f.moreConsumers === undefined) {
          if (f.firstConsumer !== i) f.moreConsumers = [i];
        } else if (f.moreConsumers[f.moreConsumers.length - 1] !== i) f.moreConsumers.push(i);
        if (!allStaticOrSide || f.flags & STATIC) continue;
        allStatic = false;
        if (!(f.flags & SIDE)) allStaticOrSide = false;
      }
      const outs = n.outputs;
      const outFrom = ids ? ids.outputStart[i]! : -1;
      for (let j = 0; j < outs.length; j++) {
        const o = outs[j]!;
        if (!o) continue;
        const f = this.record(o, ids ? ids.outputIds[outFrom + j]! : -1);
        f.producer = i;
        if (allStatic || (f.type?.value !== undefined && !(f.flags & GRAPH_INPUT))) f.flags |= STATIC;
        else if (allStaticOrSide) f.flags |= SIDE;
      }
      if (n.opType === 'DynamicQuantizeLinear' && !allStatic) {
        // (recorded by the output loop above)
        if (n.outputs[1]) this.byName.get(n.outputs[1])!.flags |= SIDE;
        if (n.outputs[2]) this.byName.get(n.outputs[2])!.flags |= SIDE;
      }
    }
  }

  /**
   * (a method, not a closure per graph: Map.forEach callback) By number, a tensor that is not a constant gets
   * its type when its number is met (graph input, node input or output): until then it has none.
   */
  private addGraphTensor(info: TensorInfo, name: string): void {
    let type: TensorType | undefined;
    if (this.ids === undefined) type = this.types.get(name);
    else if (info.data) type = this.numbered!.typeOf(this.ids.constantIds[this.constantsSeen++] ?? -1, name);
    this.byName.set(name, { producer: -1, firstConsumer: -1, moreConsumers: undefined, flags: info.data ? STATIC : 0, info, type });
  }

  /**
   * The record of `name`, made when first met; `id`: its number (graph.nameIds), −1 when the reader did not number
   * it. A record made untyped (a declared tensor that is not a constant, addGraphTensor) is typed at the first
   * mention: by its number, or by name when it has none (ShapeTypeMap.typeOf falls back to the name), so no record
   * stays untyped where the inferred types hold its name. Every caller passes the number it has (graph inputs,
   * outputs, node operands).
   */
  private record(name: string, id: number): FactsDraft {
    let f = this.byName.get(name);
    if (!f) {
      const type = this.numbered === undefined ? this.types.get(name) : this.numbered.typeOf(id, name);
      this.byName.set(name, (f = { producer: -1, firstConsumer: -1, moreConsumers: undefined, flags: 0, info: undefined, type }));
    } else if (f.type === undefined && this.numbered !== undefined) f.type = this.numbered.typeOf(id, name);
    return f;
  }

  /** The inferred type of `name` (undefined when untyped or not in the graph): the shape result's, without a lookup in it. */
  typeOf(name: string): TensorType | undefined {
    return this.byName.get(name)?.type;
  }

  /** Everything known about `name`; undefined for a name the graph never mentions. */
  facts(name: string): TensorFacts | undefined {
    return this.byName.get(name);
  }

  isStatic(name: string): boolean {
    return ((this.byName.get(name)?.flags ?? 0) & STATIC) !== 0;
  }

  /** A run-time quantization scalar (see `TensorFacts.flags`). */
  isSide(name: string): boolean {
    return ((this.byName.get(name)?.flags ?? 0) & SIDE) !== 0;
  }

  /** Static or side: not an activation buffer. */
  isParameter(name: string): boolean {
    return ((this.byName.get(name)?.flags ?? 0) & (STATIC | SIDE)) !== 0;
  }

  isActivation(name: string): boolean {
    return name !== '' && !this.isParameter(name);
  }

  isGraphOutput(name: string): boolean {
    return ((this.byName.get(name)?.flags ?? 0) & GRAPH_OUTPUT) !== 0;
  }

  node(i: number): IRNode {
    return this.graph.nodes[i]!;
  }

  /** Index of the node writing `name`, or undefined. */
  producerIndex(name: string): number | undefined {
    const p = this.byName.get(name)?.producer ?? -1;
    return p < 0 ? undefined : p;
  }

  producerOf(name: string): IRNode | undefined {
    const p = this.byName.get(name)?.producer ?? -1;
    return p < 0 ? undefined : this.graph.nodes[p];
  }

  /** The nodes reading `name` (file order, one entry per node). */
  consumersOf(name: string): readonly number[] {
    const f = this.byName.get(name);
    return f ? consumersIn(f) : NO_CONSUMERS;
  }

  /** The single node reading `name`, when it is not also a graph output. */
  soleConsumer(name: string): number | undefined {
    const f = this.byName.get(name);
    return f && f.firstConsumer >= 0 && f.moreConsumers === undefined && !(f.flags & GRAPH_OUTPUT) ? f.firstConsumer : undefined;
  }
}

/** The consumer list of a record. */
export function consumersIn(f: TensorFacts): readonly number[] {
  if (f.firstConsumer < 0) return NO_CONSUMERS;
  return f.moreConsumers === undefined ? [f.firstConsumer] : [f.firstConsumer, ...f.moreConsumers];
}
