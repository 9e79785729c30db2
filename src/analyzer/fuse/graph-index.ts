/**
 * Lookups the ONNX fusion needs over one IR graph: who produces and who consumes each tensor, and which
 * tensors are static (known before inference: initializers, Constant outputs, everything computed only from
 * those — weight DequantizeLinear, fake-quant Q→DQ of weights, shape sub-graphs folded by shape inference).
 * "Side" tensors are run-time scalars that belong to a kernel's quantization (DynamicQuantizeLinear's scale
 * and zero point and the arithmetic on them): they are treated like constants and produce no layers.
 */
import type { IRGraph, IRNode, TensorType } from '../ir.ts';

const STATIC = 1;
const SIDE = 2;

export class GraphIndex {
  readonly graph: IRGraph;
  readonly types: ReadonlyMap<string, TensorType>;
  /** Tensor name → index of the node writing it. */
  readonly producer = new Map<string, number>();
  /** Tensor name → indices of the nodes reading it (file order, one entry per node). */
  readonly consumers = new Map<string, number[]>();
  /**
   * Flags: STATIC for tensors known before inference (see file comment), SIDE for run-time quantization
   * scalars (DynamicQuantizeLinear scale/zero point and what is computed from them only); both can be set;
   * absent when neither. One map for both: "is it a parameter" is one lookup.
   */
  private readonly kind = new Map<string, number>();
  readonly graphInputs: ReadonlySet<string>;
  readonly graphOutputs: ReadonlySet<string>;

  constructor(graph: IRGraph, types: ReadonlyMap<string, TensorType>) {
    this.graph = graph;
    this.types = types;
    this.graphInputs = new Set(graph.inputs);
    this.graphOutputs = new Set(graph.outputs);
    const nodes = graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      for (const o of n.outputs) if (o) this.producer.set(o, i);
      const ins = n.inputs;
      for (let j = 0; j < ins.length; j++) {
        const t = ins[j]!;
        if (!t || ins.indexOf(t) < j) continue; // one entry per node
        const list = this.consumers.get(t);
        if (list) list.push(i);
        else this.consumers.set(t, [i]);
      }
    }
    graph.tensors.forEach(this.addIfStatic, this);
    const kind = this.kind;
    // Forward pass in file order (ONNX requires topological order; the loader checks it).
    for (const n of nodes) {
      let allStatic = true;
      let allStaticOrSide = true;
      for (const t of n.inputs) {
        if (t === '') continue;
        const k = kind.get(t) ?? 0;
        if (k & STATIC) continue;
        allStatic = false;
        if (!(k & SIDE)) {
          allStaticOrSide = false;
          break;
        }
      }
      for (const o of n.outputs) {
        if (!o) continue;
        if (allStatic || (types.get(o)?.value !== undefined && !this.graphInputs.has(o))) this.addFlag(o, STATIC);
        else if (allStaticOrSide) this.addFlag(o, SIDE);
      }
      if (n.opType === 'DynamicQuantizeLinear' && !allStatic) {
        if (n.outputs[1]) this.addFlag(n.outputs[1], SIDE);
        if (n.outputs[2]) this.addFlag(n.outputs[2], SIDE);
      }
    }
  }

  /** (a method, not a closure per graph: Map.forEach callback) */
  private addIfStatic(info: { data?: unknown }, name: string): void {
    // the first flags set, and tensor names are unique keys: a plain set
    if (info.data && !this.graphInputs.has(name)) this.kind.set(name, STATIC);
  }

  private addFlag(name: string, flag: number): void {
    this.kind.set(name, (this.kind.get(name) ?? 0) | flag);
  }

  isStatic(name: string): boolean {
    return ((this.kind.get(name) ?? 0) & STATIC) !== 0;
  }

  /** A run-time quantization scalar (see `kind`). */
  isSide(name: string): boolean {
    return ((this.kind.get(name) ?? 0) & SIDE) !== 0;
  }

  /** Static or side: not an activation buffer. */
  isParameter(name: string): boolean {
    return this.kind.has(name);
  }

  isActivation(name: string): boolean {
    return name !== '' && !this.isParameter(name);
  }

  node(i: number): IRNode {
    return this.graph.nodes[i]!;
  }

  producerOf(name: string): IRNode | undefined {
    const i = this.producer.get(name);
    return i === undefined ? undefined : this.graph.nodes[i];
  }

  consumersOf(name: string): number[] {
    return this.consumers.get(name) ?? [];
  }

  /** The single node reading `name`, when it is not also a graph output. */
  soleConsumer(name: string): number | undefined {
    const c = this.consumersOf(name);
    return c.length === 1 && !this.graphOutputs.has(name) ? c[0] : undefined;
  }
}
