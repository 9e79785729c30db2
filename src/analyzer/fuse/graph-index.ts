/**
 * Lookups the ONNX fusion needs over one IR graph: who produces and who consumes each tensor, and which
 * tensors are static (known before inference: initializers, Constant outputs, everything computed only from
 * those — weight DequantizeLinear, fake-quant Q→DQ of weights, shape sub-graphs folded by shape inference).
 * "Side" tensors are run-time scalars that belong to a kernel's quantization (DynamicQuantizeLinear's scale
 * and zero point and the arithmetic on them): they are treated like constants and produce no layers.
 */
import type { IRGraph, IRNode, TensorType } from '../ir.ts';

export class GraphIndex {
  readonly graph: IRGraph;
  readonly types: ReadonlyMap<string, TensorType>;
  /** Tensor name → index of the node writing it. */
  readonly producer = new Map<string, number>();
  /** Tensor name → indices of the nodes reading it (file order, one entry per node). */
  readonly consumers = new Map<string, number[]>();
  /** Tensors known before inference (see file comment). */
  readonly staticTensors = new Set<string>();
  /** Run-time quantization scalars (DynamicQuantizeLinear scale/zero point and what is computed from them only). */
  readonly sideTensors = new Set<string>();
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
    // Forward pass in file order (ONNX requires topological order; the loader checks it).
    for (const n of nodes) {
      let allStatic = true;
      let allStaticOrSide = true;
      for (const t of n.inputs) {
        if (t === '') continue;
        if (this.staticTensors.has(t)) continue;
        allStatic = false;
        if (!this.sideTensors.has(t)) {
          allStaticOrSide = false;
          break;
        }
      }
      for (const o of n.outputs) {
        if (!o) continue;
        if (allStatic || (types.get(o)?.value !== undefined && !this.graphInputs.has(o))) this.staticTensors.add(o);
        else if (allStaticOrSide) this.sideTensors.add(o);
      }
      if (n.opType === 'DynamicQuantizeLinear' && !allStatic) {
        if (n.outputs[1]) this.sideTensors.add(n.outputs[1]);
        if (n.outputs[2]) this.sideTensors.add(n.outputs[2]);
      }
    }
  }

  /** (a method, not a closure per graph: Map.forEach callback) */
  private addIfStatic(info: { data?: unknown }, name: string): void {
    if (info.data && !this.graphInputs.has(name)) this.staticTensors.add(name);
  }

  isStatic(name: string): boolean {
    return this.staticTensors.has(name);
  }

  /** Static or side: not an activation buffer. */
  isParameter(name: string): boolean {
    return this.staticTensors.has(name) || this.sideTensors.has(name);
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
