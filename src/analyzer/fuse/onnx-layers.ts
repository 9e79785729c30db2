/**
 * ONNX graph (IR + inferred types) → fused layers, the way a deployment runtime executes them.
 *
 * - QDQ: DequantizeLinear(activation) → op → [Relu/Clip] → QuantizeLinear is one layer reading and writing
 *   the quantized tensors; weight/bias DequantizeLinear (and fake-quant float → Q → DQ) fold into the layer.
 *   A float graph input → QuantizeLinear is a 'Quantize' layer; DequantizeLinear → graph output a 'Dequantize'.
 * - QOperator: QLinearConv/QLinearMatMul/QLinearAdd … one layer each; DynamicQuantizeLinear + ConvInteger/
 *   MatMulInteger + their Cast → Mul(scale) → Add(bias) epilogue [+ Relu/Clip] one layer.
 * - Float: Conv [+ BatchNormalization folded] [+ Relu/Clip]; MatMul(const) + Add(const) → Dense with bias.
 * - Static sub-graphs (weights, shape arithmetic folded by shape inference) produce no layers.
 * - Unknown ops: an 'Unknown' layer, a warning, and the result marked partial.
 */
import { storageBytes, type DType } from '../dtype.ts';
import { EdgefitError } from '../errors.ts';
import { oneLine } from '../graph-check.ts';
import type { IRModel, IRNode, TensorType } from '../ir.ts';
import type { Activation, ActivationTensor, ConvGeometry, Layer, LayerOp, ResizeMode } from '../layer.ts';
import { finishLayer, type LayerDraft } from '../layer-ops.ts';
import { describeConst, tensorFootprint } from './const-operands.ts';
import { constByteLength } from './const-size.ts';
import { GraphIndex, type TensorFacts } from './graph-index.ts';
import { FUSABLE_ACTIVATIONS, isDequantizeOp, isQuantizeOp, onnxOpInfo, type OnnxOpInfo } from './onnx-op-table.ts';
import { collectActivationTensors } from './tensors.ts';

export interface LayerBuildResult {
  layers: Layer[];
  tensors: ActivationTensor[];
  warnings: string[];
  partial: boolean;
}

/** Activations that follow a quantized op without a QuantizeLinear between belong to the same kernel. */
const ACTIVATION_OPS = new Set(['Relu', 'Clip', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Gelu']);
const INTEGER_OPS = new Set(['ConvInteger', 'MatMulInteger']);

interface Group {
  core: number;
  nodes: number[];
  outputs: string[];
  activation?: Activation;
  /** Layer input overrides (DynamicQuantizeLinear input replaces its quantized output). */
  inputOverride?: Map<string, string>;
  /** Epilogue operand roles found while absorbing (tensor name → role). */
  roles: Map<string, 'bias' | 'quant' | 'const' | 'ignore'>;
  bnFolded: boolean;
}

export function buildOnnxLayers(model: IRModel, types: Map<string, TensorType>): LayerBuildResult {
  return new OnnxFuser(model, types).run();
}

class OnnxFuser {
  private readonly idx: GraphIndex;
  /** Node index → 1 once a layer (or the folded static sub-graph) holds it. */
  private readonly claimed: Uint8Array;
  private readonly alias = new Map<string, string>();
  /** Finished layers, in schedule order (each draft is finished as soon as it is complete). */
  private readonly layers: Layer[] = [];
  /** `typesOf`'s result. */
  private readonly lists: { shapes: number[][]; dtypes: DType[] } = { shapes: [], dtypes: [] };
  private readonly warnings: string[] = [];
  private partial = false;

  constructor(
    private readonly model: IRModel,
    private readonly types: Map<string, TensorType>,
  ) {
    this.idx = new GraphIndex(model.graph, types);
    this.claimed = new Uint8Array(model.graph.nodes.length);
  }

  run(): LayerBuildResult {
    const nodes = this.model.graph.nodes;
    for (let i = 0; i < nodes.length; i++) {
      if (this.claimed[i]) continue;
      const n = nodes[i]!;
      this.claimed[i] = 1; // (a static or side sub-graph is folded)
      if (!this.writesActivation(n)) continue;
      if (isDequantizeOp(n.domain, n.opType)) this.dequantize(n);
      else if (isQuantizeOp(n.domain, n.opType)) this.quantize(n);
      else if (n.opType === 'DynamicQuantizeLinear' && this.dynamicQuantizeAbsorbed(n)) this.claimed[i] = 0; // its consumer claims it

      else this.compute(i);
    }
    const layers = this.layers;
    // the types as the index holds them (no lookup in the shape result's map, which may be filled on first use)
    const idx = this.idx;
    const tensors = collectActivationTensors(layers, this.model.graph.inputs, this.model.graph.outputs, { get: (name) => idx.typeOf(name) });
    return { layers, tensors, warnings: this.warnings, partial: this.partial };
  }

  private writesActivation(n: IRNode): boolean {
    for (const o of n.outputs) if (o && this.idx.isActivation(o)) return true;
    return false;
  }

  // ------------------------------------------------------------------------------------------- Q / DQ

  private storage(t: string): string {
    let s = t;
    for (let guard = 0; guard < 10_000; guard++) {
      const a = this.alias.get(s);
      if (a === undefined) break;
      s = a;
    }
    return s;
  }

  private dequantize(n: IRNode): void {
    const out = n.outputs[0]!;
    const src = n.inputs[0]!;
    if (this.idx.isGraphOutput(out)) {
      this.pushSimple('Dequantize', n, [this.storage(src)], [out], [n]);
    } else {
      this.alias.set(out, src); // consumers read the quantized tensor
    }
  }

  private quantize(n: IRNode): void {
    const src = n.inputs[0]!;
    const out = n.outputs[0]!;
    const s = this.storage(src);
    if (s !== src) {
      // DequantizeLinear → QuantizeLinear with no op between: a requantization unless the parameters agree.
      const dq = this.idx.producerOf(src);
      if (dq && this.sameQuantParams(dq, n)) {
        this.alias.set(out, s);
        return;
      }
      this.pushSimple('Quantize', n, [s], [out], dq ? [dq, n] : [n]);
      return;
    }
    this.pushSimple('Quantize', n, [src], [out], [n]);
  }

  private sameQuantParams(dq: IRNode, q: IRNode): boolean {
    for (const k of [1, 2]) {
      const a = dq.inputs[k] ?? '';
      const b = q.inputs[k] ?? '';
      if (a === b) continue;
      const va = this.constValues(a);
      const vb = this.constValues(b);
      if (!va || !vb || va.length !== vb.length || va.some((v, j) => v !== vb[j])) return false;
    }
    return true;
  }

  private constValues(name: string): number[] | undefined {
    if (!name) return undefined;
    const v = this.idx.typeOf(name)?.value;
    if (v) return v;
    const data = this.model.graph.tensors.get(name)?.data;
    if (!data || constByteLength(data) > 64) return undefined;
    return [...data.bytes];
  }

  /** DynamicQuantizeLinear feeding exactly one ConvInteger/MatMulInteger is absorbed by that layer. */
  private dynamicQuantizeAbsorbed(n: IRNode): boolean {
    const c = this.idx.soleConsumer(n.outputs[0]!);
    if (c === undefined) return false;
    const cn = this.idx.node(c);
    return INTEGER_OPS.has(cn.opType) && cn.inputs[0] === n.outputs[0];
  }

  private pushSimple(op: LayerOp, n: IRNode, inputs: string[], outputs: string[], src: IRNode[]): void {
    this.push(this.draft(op, n.name, src.map((s) => s.opType), src.map((s) => s.name), inputs, outputs));
  }

  /** Finishes a complete draft as the next layer. */
  private push(d: LayerDraft): void {
    d.index = this.layers.length; // drafts are this fuser's own objects
    this.layers.push(finishLayer(d));
  }

  private draft(op: LayerOp, name: string, sourceOps: string[], nodeNames: string[], inputs: string[], outputs: string[]): LayerDraft {
    this.typesOf(inputs);
    const inputShapes = this.lists.shapes;
    const inputDtypes = this.lists.dtypes;
    this.typesOf(outputs);
    const outputShapes = this.lists.shapes;
    const outputDtypes = this.lists.dtypes;
    return {
      index: 0,
      name,
      op,
      sourceOps,
      nodeNames,
      inputs,
      outputs,
      inputShapes,
      outputShapes,
      inputDtypes,
      outputDtypes,
      dtype: outputDtypes[0] ?? 'unknown',
      layout: 'NCHW',
      // every other key up front: one object shape for all drafts (finishLayer leaves undefined ones out)
      weightDtype: undefined,
      perChannel: undefined,
      conv: undefined,
      activation: undefined,
      resizeMode: undefined,
      params: undefined,
      weightBytes: undefined,
      biasBytes: undefined,
      quantParamBytes: undefined,
      constBytes: undefined,
      unknown: undefined,
    };
  }

  /**
   * Shape copies and dtypes of `names` into `this.lists` (new arrays each call, of their exact length: the common
   * 1 and 2 without growth).
   */
  private typesOf(names: readonly string[]): void {
    const out = this.lists;
    if (names.length === 1) {
      const f = this.idx.facts(names[0]!);
      out.shapes = [shapeOf(f)];
      out.dtypes = [dtypeOf(f)];
    } else if (names.length === 2) {
      const f0 = this.idx.facts(names[0]!);
      const f1 = this.idx.facts(names[1]!);
      out.shapes = [shapeOf(f0), shapeOf(f1)];
      out.dtypes = [dtypeOf(f0), dtypeOf(f1)];
    } else {
      const shapes: number[][] = [];
      const dtypes: DType[] = [];
      for (const t of names) {
        const f = this.idx.facts(t);
        shapes.push(shapeOf(f));
        dtypes.push(dtypeOf(f));
      }
      out.shapes = shapes;
      out.dtypes = dtypes;
    }
  }

  // ------------------------------------------------------------------------------------------- compute

  private compute(i: number): void {
    const n = this.idx.node(i);
    const info = onnxOpInfo(n.domain, n.opType);
    const group: Group = { core: i, nodes: [i], outputs: [], activation: undefined, inputOverride: undefined, roles: new Map(), bnFolded: false };
    if (info?.family === 'activation') {
      const a = this.activationOf(n);
      if (a !== 'none') group.activation = a;
    }
    if (info?.integerEpilogue) this.absorbDynamicQuantize(group, n);
    const actOutputs: string[] = [];
    for (const o of n.outputs) if (o && this.idx.isActivation(o)) actOutputs.push(o);
    let tail = actOutputs;
    if (info && actOutputs.length === 1) tail = [this.absorbEpilogue(group, info, actOutputs[0]!)];
    group.outputs = tail.length === 1 ? this.absorbQuantize(group, tail[0]!) : tail.flatMap((t) => this.absorbQuantize(group, t));
    if (info && group.outputs.length === 1 && !group.activation && canFuseActivation(info)) {
      group.outputs = this.absorbQdqActivation(group, group.outputs[0]!);
    }
    for (const k of group.nodes) this.claimed[k] = 1;
    this.push(this.groupDraft(group, info));
  }

  private absorb(group: Group, k: number): IRNode {
    group.nodes.push(k);
    this.claimed[k] = 1;
    return this.idx.node(k);
  }

  /** DynamicQuantizeLinear → ConvInteger/MatMulInteger: the layer reads the float tensor. */
  private absorbDynamicQuantize(group: Group, n: IRNode): void {
    const p = this.idx.producerIndex(n.inputs[0] ?? '');
    if (p === undefined) return;
    const pn = this.idx.node(p);
    if (pn.opType !== 'DynamicQuantizeLinear' || this.idx.soleConsumer(pn.outputs[0]!) === undefined) return;
    group.nodes.unshift(p);
    this.claimed[p] = 1;
    group.inputOverride = new Map([[n.inputs[0]!, pn.inputs[0]!]]);
  }

  /** Follows single-consumer chains that a runtime executes inside the same kernel. Returns the last tensor. */
  private absorbEpilogue(group: Group, info: OnnxOpInfo, start: string): string {
    let cur = start;
    let biasSeen = info.bias !== undefined && !!this.idx.node(group.core).inputs[info.bias];
    if (info.integerEpilogue) {
      // int32 result → Cast → Mul(scale) → Add(bias) [→ Mul/Add affine (un-folded BN)]
      for (;;) {
        const c = this.idx.soleConsumer(cur);
        if (c === undefined) break;
        const cn = this.idx.node(c);
        const other = this.staticOther(cn, cur);
        const binary = namedCount(cn.inputs) === 2;
        if (cn.opType === 'Cast') {
          /* dequantizing cast */
        } else if ((cn.opType === 'Mul' || cn.opType === 'Add' || cn.opType === 'Div') && binary && other) {
          if (cn.opType === 'Mul' && this.idx.isSide(other)) this.markScaleArithmetic(group, other);
          else if (cn.opType === 'Add' && !biasSeen) {
            group.roles.set(other, 'bias');
            biasSeen = true;
          } else if (cn.opType === 'Mul' && this.isScaleOperand(other)) group.roles.set(other, 'quant');
          else group.roles.set(other, 'const');
        } else break;
        this.absorb(group, c);
        cur = cn.outputs[0]!;
      }
    }
    if (info.family === 'conv' || info.family === 'convT' || info.family === 'gemm') {
      const c = this.idx.soleConsumer(cur);
      const cn = c === undefined ? undefined : this.idx.node(c);
      if (cn && cn.opType === 'BatchNormalization' && this.staticFrom(cn.inputs, 1)) {
        this.absorb(group, c!);
        setRoles(group, cn.inputs, 'ignore');
        group.bnFolded = true;
        cur = cn.outputs[0]!;
      } else if (cn && cn.opType === 'Add' && !biasSeen && info.family === 'gemm' && this.gemmWeightIsStatic(group)) {
        const other = this.staticOther(cn, cur);
        if (other && namedCount(cn.inputs) === 2) {
          this.absorb(group, c!);
          group.roles.set(other, 'bias');
          cur = cn.outputs[0]!;
        }
      }
    }
    if (!group.activation && canFuseActivation(info)) {
      const c = this.idx.soleConsumer(cur);
      const cn = c === undefined ? undefined : this.idx.node(c);
      if (cn && ACTIVATION_OPS.has(cn.opType) && cn.inputs[0] === cur) {
        const direct = FUSABLE_ACTIVATIONS.has(cn.opType);
        const quantizedAfter = this.allQuantize(cn.outputs[0]!);
        const quantizedBefore = this.isQuantizedKernel(group);
        if (direct || (quantizedAfter && quantizedBefore)) {
          this.absorb(group, c!);
          group.activation = this.activationOf(cn);
          setRoles(group, cn.inputs, cn.opType === 'PRelu' ? 'const' : 'ignore');
          cur = cn.outputs[0]!;
        }
      }
    }
    return cur;
  }

  /** An input of `cn` other than `t` that is a parameter (initializer or constant), if any. */
  private staticOther(cn: IRNode, t: string): string | undefined {
    for (const x of cn.inputs) if (x && x !== t && this.idx.isParameter(x)) return x;
    return undefined;
  }

  /** Every named input from operand `from` on is static. */
  private staticFrom(inputs: readonly string[], from: number): boolean {
    for (let j = from; j < inputs.length; j++) if (inputs[j] && !this.idx.isStatic(inputs[j]!)) return false;
    return true;
  }

  /** The kernel reads quantized data (QDQ or QOperator): activations after it belong to it until a Q. */
  private isQuantizedKernel(group: Group): boolean {
    const core = this.idx.node(group.core);
    if (core.opType.startsWith('QLinear') || INTEGER_OPS.has(core.opType)) return true;
    for (const t of core.inputs) {
      const p = t ? this.idx.producerOf(t) : undefined;
      if (p && isDequantizeOp(p.domain, p.opType)) return true;
    }
    return false;
  }

  private gemmWeightIsStatic(group: Group): boolean {
    const core = this.idx.node(group.core);
    const info = onnxOpInfo(core.domain, core.opType);
    const w = info?.weight === undefined ? undefined : core.inputs[info.weight];
    return !!w && this.idx.isStatic(w);
  }

  /** The Mul(x_scale, w_scale) of a dynamic-quant kernel: w_scale is the weight's quantization parameter. */
  private markScaleArithmetic(group: Group, side: string): void {
    const p = this.idx.producerOf(side);
    if (!p) return;
    for (const x of p.inputs) if (x && this.idx.isStatic(x)) group.roles.set(x, 'quant');
  }

  private isScaleOperand(name: string): boolean {
    return /scale/i.test(name);
  }

  private allQuantize(t: string): boolean {
    const f = this.idx.facts(t);
    if (!f || f.firstConsumer < 0 || this.idx.isGraphOutput(t)) return false;
    if (!this.unclaimedQuantizeOf(f.firstConsumer, t)) return false;
    if (f.moreConsumers) for (const c of f.moreConsumers) if (!this.unclaimedQuantizeOf(c, t)) return false;
    return true;
  }

  /** Node c is a QuantizeLinear of `t` that no layer holds yet. */
  private unclaimedQuantizeOf(c: number, t: string): boolean {
    if (this.claimed[c]) return false;
    const cn = this.idx.node(c);
    return isQuantizeOp(cn.domain, cn.opType) && cn.inputs[0] === t;
  }

  /** Output tensor consumed only by QuantizeLinear nodes: the layer writes the quantized tensor. */
  private absorbQuantize(group: Group, t: string): string[] {
    if (!this.allQuantize(t)) return [t];
    const qs = this.idx.consumersOf(t);
    const first = this.idx.node(qs[0]!).outputs[0]!;
    for (const q of qs) {
      const qn = this.absorb(group, q);
      if (qn.outputs[0] !== first) this.alias.set(qn.outputs[0]!, first);
      setRoles(group, qn.inputs, 'ignore');
    }
    return [first];
  }

  /** QDQ form of a standalone activation: layer → Q → DQ → Relu/Clip → Q is still one kernel. */
  private absorbQdqActivation(group: Group, q: string): string[] {
    const d = this.idx.soleConsumer(q);
    if (d === undefined) return [q];
    const dn = this.idx.node(d);
    if (!isDequantizeOp(dn.domain, dn.opType)) return [q];
    const a = this.idx.soleConsumer(dn.outputs[0]!);
    if (a === undefined) return [q];
    const an = this.idx.node(a);
    if (!FUSABLE_ACTIVATIONS.has(an.opType) || an.inputs[0] !== dn.outputs[0] || !this.allQuantize(an.outputs[0]!)) return [q];
    this.absorb(group, d);
    this.absorb(group, a);
    setRoles(group, dn.inputs, 'ignore');
    setRoles(group, an.inputs, 'ignore');
    group.activation = this.activationOf(an);
    return this.absorbQuantize(group, an.outputs[0]!);
  }

  private activationOf(n: IRNode): Activation {
    switch (n.opType) {
      case 'Relu':
        return 'relu';
      case 'Clip': {
        const lo = this.scalar(n, 1, 'min');
        const hi = this.scalar(n, 2, 'max');
        return lo === 0 && hi === 6 ? 'relu6' : lo === 0 && hi === undefined ? 'relu' : 'clip';
      }
      default:
        return onnxOpInfo(n.domain, n.opType)?.activation ?? 'none';
    }
  }

  /** A Clip bound: the attribute (opset < 11) or the static input, through a DequantizeLinear if quantized. */
  private scalar(n: IRNode, input: number, attr: string): number | undefined {
    const a = n.attrs[attr];
    if (typeof a === 'number') return a;
    const t = n.inputs[input];
    if (!t) return undefined;
    const v = this.idx.typeOf(t)?.value;
    if (v && v.length === 1) return v[0];
    const data = this.model.graph.tensors.get(t)?.data;
    if (data && data.dtype === 'float32' && constByteLength(data) === 4) {
      return new DataView(data.bytes.buffer, data.bytes.byteOffset, 4).getFloat32(0, true);
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------- figures

  private groupDraft(group: Group, info: OnnxOpInfo | undefined): LayerDraft {
    const core = this.idx.node(group.core);
    const inGroup = new Set<string>();
    for (const k of group.nodes) for (const o of this.idx.node(k).outputs) if (o) inGroup.add(o);
    const inputs: string[] = [];
    // past 32 inputs (a generated Concat of 10^5) a set answers "seen?": includes() per input was quadratic
    let seenInputs: Set<string> | undefined;
    for (const k of group.nodes) {
      for (const t of this.idx.node(k).inputs) {
        if (!t || !this.idx.isActivation(t)) continue;
        const src = group.inputOverride?.get(t) ?? t;
        if (inGroup.has(src)) continue;
        const s = this.storage(src);
        if (seenInputs ? seenInputs.has(s) : inputs.includes(s)) continue;
        inputs.push(s);
        if (seenInputs) seenInputs.add(s);
        else if (inputs.length > 32) seenInputs = new Set(inputs);
      }
    }
    const op = this.layerOp(core, info, inputs);
    const sourceOps: string[] = [];
    const nodeNames: string[] = [];
    for (const k of group.nodes) {
      const gn = this.idx.node(k);
      sourceOps.push(gn.opType);
      nodeNames.push(gn.name);
    }
    const d = this.draft(op, core.name, sourceOps, nodeNames, inputs, group.outputs);
    if (group.activation) d.activation = group.activation;
    if (op === 'Unknown') {
      d.unknown = true;
      this.partial = true;
      const dom = core.domain && core.domain !== 'ai.onnx' ? `${core.domain}::` : '';
      this.warnings.push(`node '${core.name}': op ${dom}${core.opType} is not known to edgefit; its figures are counted as 0`);
    }
    if (info && INTEGER_OPS.has(core.opType)) {
      const q = this.idx.typeOf(core.inputs[0] ?? '')?.dtype;
      if (q) d.dtype = q;
    }
    this.addWeights(d, group, core, info);
    this.addGeometry(d, core, info);
    if (op === 'Resize') d.resizeMode = resizeModeOf(core);
    return d;
  }

  private layerOp(core: IRNode, info: OnnxOpInfo | undefined, inputs: string[]): LayerOp {
    if (!info) return 'Unknown';
    if (info.family === 'conv') {
      const group = numAttr(core, 'group', 1);
      const cin = this.idx.typeOf(inputs[0] ?? '')?.shape[1];
      return group > 1 && cin === group ? 'DepthwiseConv' : 'Conv';
    }
    if (info.family === 'gemm') {
      const w = info.weight === undefined ? undefined : core.inputs[info.weight];
      const a = core.inputs[0];
      return (w && this.idx.isStatic(w)) || (a && this.idx.isStatic(a)) ? 'Dense' : 'MatMul';
    }
    return info.layerOp;
  }

  private addWeights(d: LayerDraft, group: Group, core: IRNode, info: OnnxOpInfo | undefined): void {
    const w: WeightTally = { params: 0, weightBytes: 0, biasBytes: 0, quantParamBytes: 0, constBytes: 0, seen: new Set<string>() };
    const seen = w.seen;
    const family = info?.family;
    let weightName = info?.weight === undefined ? undefined : core.inputs[info.weight];
    if (family === 'gemm' && weightName && !this.idx.isStatic(weightName) && core.inputs[0] && this.idx.isStatic(core.inputs[0])) {
      weightName = core.inputs[0];
    }
    if (weightName && this.idx.isStatic(weightName)) {
      seen.add(weightName);
      const c = describeConst(this.idx, weightName, d.nodeNames, d.sourceOps);
      w.params += c.elements;
      w.weightBytes += c.bytes;
      w.quantParamBytes += c.quantParamBytes;
      d.weightDtype = c.dtype;
      if (c.scaleCount > 0) d.perChannel = c.scaleCount > 1;
    }
    const biasName = info?.bias === undefined ? undefined : core.inputs[info.bias];
    if (biasName && this.idx.isStatic(biasName)) this.addBias(d, w, biasName);
    for (const [name, role] of group.roles) {
      if (seen.has(name)) continue;
      if (role === 'bias') this.addBias(d, w, name);
      else if (role === 'quant') {
        seen.add(name);
        const f = tensorFootprint(this.idx, name);
        w.quantParamBytes += f.bytes;
        if (d.weightDtype) d.perChannel = (d.perChannel ?? false) || f.elements > 1;
      }
    }
    if (group.bnFolded && w.biasBytes === 0) {
      // BatchNormalization folded into a bias-less conv adds one bias per output channel, in the weight type.
      const cout = d.outputShapes[0]?.[1] ?? 0;
      w.params += cout;
      w.biasBytes += storageBytes(d.weightDtype ?? 'float32', cout);
    }
    for (const k of group.nodes) {
      const n = this.idx.node(k);
      const nInfo = onnxOpInfo(n.domain, n.opType);
      for (let j = 0; j < n.inputs.length; j++) this.addNodeConstant(d, w, group, info, k, n, nInfo, j);
    }
    d.params = w.params;
    d.weightBytes = w.weightBytes + w.biasBytes;
    d.biasBytes = w.biasBytes;
    d.quantParamBytes = w.quantParamBytes;
    d.constBytes = w.constBytes;
  }

  private addBias(d: LayerDraft, w: WeightTally, name: string): void {
    w.seen.add(name);
    const b = describeConst(this.idx, name, d.nodeNames, d.sourceOps);
    w.params += b.elements;
    w.biasBytes += b.bytes;
    w.quantParamBytes += b.quantParamBytes;
  }

  /** Operand j of group node k (`n`): a weight quantization parameter or a layer constant, unless it is neither. */
  private addNodeConstant(d: LayerDraft, w: WeightTally, group: Group, info: OnnxOpInfo | undefined, k: number, n: IRNode, nInfo: OnnxOpInfo | undefined, j: number): void {
    const t = n.inputs[j];
    const seen = w.seen;
    if (!t || seen.has(t) || !this.idx.isParameter(t)) return;
    seen.add(t);
    const role = group.roles.get(t);
    if (role === 'ignore' || role === 'bias' || role === 'quant') return;
    if (isQuantizeOp(n.domain, n.opType) || isDequantizeOp(n.domain, n.opType)) return;
    if (this.idx.isSide(t)) return;
    if (k === group.core) {
      if (info?.weightQuant?.includes(j)) {
        const f = tensorFootprint(this.idx, t);
        w.quantParamBytes += f.bytes;
        if (d.weightDtype) d.perChannel = (d.perChannel ?? false) || f.elements > 1;
        return;
      }
      if (info?.activationQuant?.includes(j)) return;
    }
    const fam = nInfo?.family;
    if ((fam === 'move' || fam === 'view' || fam === 'shape' || fam === 'reduce' || fam === 'convert') && j >= 1 && n.opType !== 'Concat') return;
    if (n.opType === 'Clip') return;
    const namesBefore = d.nodeNames.length;
    const opsBefore = d.sourceOps.length;
    const c = describeConst(this.idx, t, d.nodeNames, d.sourceOps);
    if (c.dtype === 'int64') {
      // axes, shapes: not a layer constant, and its nodes are not the layer's
      d.nodeNames.length = namesBefore;
      d.sourceOps.length = opsBefore;
      return;
    }
    w.constBytes += c.bytes + c.quantParamBytes;
  }

  /** A kernel of positive whole sizes that, for a convolution, matches its weight's spatial dims (else MACs go wrong). */
  private checkKernel(core: IRNode, kernel: readonly number[], weightSpatial: readonly number[] | undefined): void {
    let bad: string | undefined;
    if (!kernel.every(isPositiveSize)) bad = `kernel_shape [${kernel.join(', ')}] is not a list of positive sizes`;
    else if (weightSpatial && !sameList(weightSpatial, kernel)) bad = `kernel_shape [${kernel.join(', ')}] disagrees with its weight's spatial dims [${weightSpatial.join(', ')}]`;
    if (bad) throw new EdgefitError('BAD_MODEL', oneLine(`${this.model.path}: node '${core.name}' (${core.opType}): ${bad}`));
  }

  private addGeometry(d: LayerDraft, core: IRNode, info: OnnxOpInfo | undefined): void {
    if (!info) return;
    const inShape = d.inputShapes[0] ?? [];
    const outShape = d.outputShapes[0] ?? [];
    if (info.family === 'conv' || info.family === 'convT') {
      const w = info.weight === undefined ? undefined : core.inputs[info.weight];
      const wShape = w ? tensorFootprint(this.idx, w).shape : [];
      const group = numAttr(core, 'group', 1);
      const cin = inShape[1] ?? 0;
      const cout = info.family === 'conv' ? (wShape[0] ?? outShape[1] ?? 0) : (wShape[1] ?? 0) * group || (outShape[1] ?? 0);
      const weightSpatial = wShape.length > 2 ? wShape.slice(2) : undefined;
      const kernel = listAttr(core, 'kernel_shape') ?? weightSpatial ?? [];
      this.checkKernel(core, kernel, weightSpatial);
      d.conv = geometry(core, kernel, inShape, outShape, group, cin, cout, info.family === 'convT');
    } else if (info.family === 'pool') {
      const kernel = listAttr(core, 'kernel_shape') ?? [1, 1];
      this.checkKernel(core, kernel, undefined);
      const c = inShape[1] ?? 0;
      d.conv = geometry(core, kernel, inShape, outShape, c, c, c, false);
    } else if (info.family === 'gemm' && d.op === 'Dense' && numAttr(core, 'transA', 0) === 1) {
      const k = inShape[0] ?? 0;
      const nOut = outShape[outShape.length - 1] ?? 0;
      d.conv = { kernel: [1, 1], strides: [1, 1], dilations: [1, 1], pads: [0, 0, 0, 0], group: 1, cin: k, cout: nOut };
    }
  }
}

/** Running totals of addWeights. */
interface WeightTally {
  params: number;
  weightBytes: number;
  biasBytes: number;
  quantParamBytes: number;
  constBytes: number;
  /** Operands already counted. */
  seen: Set<string>;
}

/** A copy of the inferred shape ([] when unknown): layers own their shape arrays. */
function shapeOf(f: TensorFacts | undefined): number[] {
  const shape = f?.type?.shape;
  return shape ? shape.slice() : [];
}

function dtypeOf(f: TensorFacts | undefined): DType {
  return f?.type?.dtype ?? f?.info?.dtype ?? 'unknown';
}

function canFuseActivation(info: OnnxOpInfo): boolean {
  return info.family === 'conv' || info.family === 'convT' || info.family === 'gemm' || info.family === 'eltwise' || info.family === 'batchnorm';
}

/** The role of every named operand after the first (a node's parameters beside the tensor it passes on). */
function setRoles(group: Group, inputs: readonly string[], role: 'const' | 'ignore'): void {
  for (let j = 1; j < inputs.length; j++) if (inputs[j]) group.roles.set(inputs[j]!, role);
}

/** Named (non-empty) entries of an operand list. */
function namedCount(names: readonly string[]): number {
  let n = 0;
  for (const x of names) if (x) n++;
  return n;
}

/**
 * The interpolation of an ONNX Resize / Upsample node: its `mode` attribute, 'nearest' when absent (both ops'
 * default) or not one ONNX defines; Upsample-1 spelled linear 'bilinear'. coordinate_transformation_mode is not
 * kept: ST's library has one kernel per mode and type, whatever the coordinate mapping (as for TFLite's
 * align_corners / half_pixel_centers).
 */
function resizeModeOf(n: IRNode): ResizeMode {
  const mode = n.attrs.mode;
  if (mode === 'linear' || mode === 'bilinear') return 'linear';
  if (mode === 'cubic') return 'cubic';
  return 'nearest';
}

function numAttr(n: IRNode, name: string, dflt: number): number {
  const v = n.attrs[name];
  return typeof v === 'number' ? v : dflt;
}

function listAttr(n: IRNode, name: string): number[] | undefined {
  const v = n.attrs[name];
  if (!Array.isArray(v)) return undefined;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return undefined;
  return v as number[];
}

function isPositiveSize(k: number): boolean {
  return Number.isSafeInteger(k) && k >= 1;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Strides and dilations of 1 for a 2-D kernel (read only). */
const ONES_2: readonly number[] = Object.freeze([1, 1]);

/** Conv/pool geometry in 2-D terms: 1-D kernels become [1, k]; 3-D fold the leading dims into kh. */
function geometry(
  n: IRNode,
  kernelNd: readonly number[],
  inShape: readonly number[],
  outShape: readonly number[],
  group: number,
  cin: number,
  cout: number,
  transposed: boolean,
): ConvGeometry {
  const rank = kernelNd.length;
  const ones = rank === 2 ? ONES_2 : new Array<number>(rank).fill(1);
  const strides = listAttr(n, 'strides') ?? ones;
  const dilations = listAttr(n, 'dilations') ?? ones;
  let pads: readonly number[] | undefined = listAttr(n, 'pads');
  const autoPad = typeof n.attrs.auto_pad === 'string' ? n.attrs.auto_pad : 'NOTSET';
  if (!pads || pads.length !== 2 * rank) {
    const zeros = new Array<number>(2 * rank).fill(0);
    if ((autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') && !transposed) {
      for (let a = 0; a < rank; a++) {
        const inDim = inShape[2 + a] ?? 1;
        const outDim = outShape[2 + a] ?? 1;
        const eff = ((kernelNd[a] ?? 1) - 1) * (dilations[a] ?? 1) + 1;
        const total = Math.max((outDim - 1) * (strides[a] ?? 1) + eff - inDim, 0);
        const small = Math.floor(total / 2);
        zeros[a] = autoPad === 'SAME_UPPER' ? small : total - small;
        zeros[a + rank] = total - zeros[a]!;
      }
    }
    pads = zeros;
  }
  // begin pads are pads[0, rank), end pads pads[rank, 2·rank); the last two axes of each (1-D: [0, p])
  return {
    kernel: to2(kernelNd, rank, 1),
    strides: to2(strides, rank, 1),
    dilations: to2(dilations, rank, 1),
    pads: rank >= 2 ? [pads[rank - 2]!, pads[rank - 1]!, pads[2 * rank - 2]!, pads[2 * rank - 1]!] : [0, pads[0] ?? 0, 0, pads[rank] ?? 0],
    group,
    cin,
    cout,
  };
}

/** An N-d attribute in 2-D terms (the leading dims multiplied into the first). */
function to2(v: readonly number[], rank: number, fill: number): [number, number] {
  if (rank < 2) return [fill, v[0] ?? fill];
  let lead = 1;
  for (let i = 0, n = Math.min(rank - 1, v.length); i < n; i++) lead *= v[i]!;
  return [lead, v[rank - 1] ?? fill];
}
