/**
 * Lowers a network description (`net.ts`) onto an ONNX QDQ model as ST's pipeline produces it
 * (architectures.md §1): float32 NCHW input and output (or int8 / uint8 I/O, `ZooIo`); every activation tensor followed by a
 * QuantizeLinear→DequantizeLinear pair (scalar float scale, int8 zero point, asymmetric); conv weights
 * int8 symmetric per output channel (DequantizeLinear axis 0), Gemm weights [Cin, P] per column (axis 1,
 * as ORT does for transB = 0); biases int32 with scale = input scale × weight scale (per channel, zero
 * point 0) through DequantizeLinear; ReLU/ReLU6 gone (ORT's QDQRemovableActivation: the producer's
 * output zero point becomes −128); ZeroPadding fused into conv pads; MatMul+Add as Gemm.
 * Ops ORT quantizes as "direct 8-bit" (Reshape, Transpose, MaxPool, AveragePool) reuse their input's
 * scale and zero point. Weight tensors named in `int4Weights` are stored as INT4 (opset 21, IR 10).
 */
import type { DType } from '../analyzer/dtype.ts';
import { OnnxGraphBuilder, encodeModel } from '../analyzer/onnx/builder.ts';
import type { NetLayer, NetSpec } from './net.ts';
import { Prng } from './prng.ts';

export interface QdqWriteOptions {
  modelName: string;
  docString: string;
  seed: number;
  /** ai.onnx opset: 17 (ST's default) or 21 (ST's w4/w8 configs). */
  opset: number;
  /** Layer names whose kernel weights are stored as INT4 (requires opset ≥ 21). */
  int4Weights?: ReadonlySet<string>;
  /** Graph input/output types (default 'float'); see `ZooIo`. */
  io?: ZooIo;
}

/**
 * Input/output of the graph:
 * - `float`: float32 input → QuantizeLinear, float32 output from the last DequantizeLinear (ST's QDQ ONNX files).
 * - `int8`: the quantized tensors themselves: an int8 input read by the first layer's DequantizeLinear, and the
 *   int8 output of the last QuantizeLinear (no conversion at either end).
 * - `uint8`: the I/O of ST's int8 TFLite files (TFLiteConverter with `inference_input_type=uint8`, float output):
 *   a uint8 input converted to int8 (DequantizeLinear(u8, s, 0) → QuantizeLinear(s, −128), the ONNX spelling of
 *   TFLite's `QUANTIZE` u8→i8), and the float32 output of a final DequantizeLinear (TFLite's `DEQUANTIZE`).
 */
export type ZooIo = 'float' | 'int8' | 'uint8';
export const ZOO_IO_VALUES: readonly ZooIo[] = ['float', 'int8', 'uint8'];

interface QParams {
  scale: string;
  zeroPoint: string;
  scaleValue: number;
}

/** Output range class of a tensor, which fixes ORT's zero point (and scale for sigmoid/softmax). */
type Range = 'linear' | 'nonneg' | 'sigmoid' | 'softmax';

const f32 = (v: number) => Math.fround(v);

export function writeQdqModel(spec: NetSpec, opts: QdqWriteOptions): Uint8Array {
  return new QdqWriter(spec, opts).write();
}

class QdqWriter {
  private readonly g: OnnxGraphBuilder;
  private readonly rng: Prng;
  private readonly qparams = new Map<string, QParams>();
  /** Name of the dequantized (float) tensor consumers read, by network tensor name. */
  private readonly dq = new Map<string, string>();
  /** The int8 graph output (io 'int8'). */
  private quantizedOutput: string | undefined;

  constructor(
    private readonly spec: NetSpec,
    private readonly opts: QdqWriteOptions,
  ) {
    this.g = new OnnxGraphBuilder({ name: opts.modelName, opsets: { '': opts.opset }, producer: 'edgefit-zoo' });
    this.rng = new Prng(opts.seed);
  }

  write(): Uint8Array {
    const { spec, g } = this;
    const io = this.opts.io ?? 'float';
    const inDims = [1, ...spec.input.shape];
    const inParams = this.newParams(spec.input.name, 'linear', 1 / 255, -128);
    if (io === 'float') {
      g.input(spec.input.name, 'float32', inDims);
      this.quantize(spec.input.name, inParams);
    } else if (io === 'int8') {
      g.input(spec.input.name, 'int8', inDims);
      this.dequantizeInput(spec.input.name, spec.input.name, inParams);
    } else {
      // uint8 pixels [0, 255] with scale 1/255, zero point 0 → the int8 input tensor (same scale, zero point −128).
      const raw = `${spec.input.name}_uint8`;
      g.input(raw, 'uint8', inDims);
      g.initializer(`${raw}_scale`, 'float32', [], [1 / 255]);
      g.initializer(`${raw}_zero_point`, 'uint8', [], [0]);
      g.node('DequantizeLinear', [raw, `${raw}_scale`, `${raw}_zero_point`], [spec.input.name], {}, { name: `${raw}_DequantizeLinear` });
      this.quantize(spec.input.name, inParams);
    }
    for (const layer of spec.layers) this.lower(layer);
    const outShape = spec.shapes.get(spec.output)!;
    if (io === 'int8') g.output(this.quantizedOutput!, 'int8', [1, ...outShape]);
    else g.output(this.dq.get(spec.output)!, 'float32', [1, ...outShape]);
    const model = g.toProto();
    model.docString = this.opts.docString;
    model.producerVersion = '0.1.0';
    return encodeModel(model);
  }

  /** Scale/zero-point initializers for one activation tensor. */
  private newParams(tensor: string, range: Range, fixedScale?: number, fixedZp?: number): QParams {
    let scale: number;
    let zp: number;
    switch (range) {
      case 'sigmoid':
        scale = 1 / 255;
        zp = -128;
        break;
      case 'softmax':
        scale = 1 / 256;
        zp = -128;
        break;
      case 'nonneg':
        scale = fixedScale ?? this.rng.uniform(0.01, 0.05);
        zp = -128;
        break;
      default:
        scale = fixedScale ?? this.rng.uniform(0.02, 0.12);
        zp = fixedZp ?? this.rng.int(-24, 24);
    }
    const p: QParams = { scale: `${tensor}_scale`, zeroPoint: `${tensor}_zero_point`, scaleValue: f32(scale) };
    this.g.initializer(p.scale, 'float32', [], [scale]);
    this.g.initializer(p.zeroPoint, 'int8', [], [zp]);
    return p;
  }

  /** An int8 graph input read through DequantizeLinear by its consumers (io 'int8'). */
  private dequantizeInput(input: string, tensor: string, p: QParams): void {
    const dq = `${tensor}_DequantizeLinear_Output`;
    this.g.node('DequantizeLinear', [input, p.scale, p.zeroPoint], [dq], {}, { name: `${tensor}_DequantizeLinear` });
    this.qparams.set(tensor, p);
    this.dq.set(tensor, dq);
  }

  /**
   * tensor (float) → QuantizeLinear → DequantizeLinear; the graph output keeps the name 'output' (the float
   * DequantizeLinear output, or with io 'int8' the QuantizeLinear output, whose DequantizeLinear is then left out).
   */
  private quantize(tensor: string, p: QParams): void {
    const isOutput = tensor === this.spec.output;
    const int8Out = isOutput && this.opts.io === 'int8';
    const q = int8Out ? 'output' : `${tensor}_QuantizeLinear_Output`;
    const dq = isOutput ? 'output' : `${tensor}_DequantizeLinear_Output`;
    this.qparams.set(tensor, p);
    if (int8Out) {
      this.g.node('QuantizeLinear', [tensor, p.scale, p.zeroPoint], [q], {}, { name: `${tensor}_QuantizeLinear` });
      this.quantizedOutput = q;
      return;
    }
    this.g.node('QuantizeLinear', [tensor, p.scale, p.zeroPoint], [q], {}, { name: `${tensor}_QuantizeLinear` });
    this.g.node('DequantizeLinear', [q, p.scale, p.zeroPoint], [dq], {}, { name: `${tensor}_DequantizeLinear` });
    this.dq.set(tensor, dq);
  }

  private input(tensor: string): string {
    const t = this.dq.get(tensor);
    if (!t) throw new Error(`zoo ${this.spec.id}: tensor '${tensor}' used before it is produced`);
    return t;
  }

  private params(tensor: string): QParams {
    return this.qparams.get(tensor)!;
  }

  /**
   * Kernel weights (symmetric per channel along `axis`) and int32 bias, each through DequantizeLinear.
   * Returns the dequantized weight and bias tensor names.
   */
  private weights(layer: string, dims: number[], axis: number, inputScale: number): [string, string] {
    const { g, rng } = this;
    const channels = dims[axis]!;
    const count = dims.reduce((a, b) => a * b, 1);
    const int4 = this.opts.int4Weights?.has(layer) ?? false;
    const wDtype: DType = int4 ? 'int4' : 'int8';
    const wScales = Array.from({ length: channels }, () => f32(rng.uniform(0.002, 0.02) * (int4 ? 16 : 1)));
    g.initializer(`${layer}.weight_quantized`, wDtype, dims, int4 ? rng.int4Bytes(count) : rng.int8Bytes(count));
    g.initializer(`${layer}.weight_scale`, 'float32', [channels], wScales);
    g.initializer(`${layer}.weight_zero_point`, wDtype, [channels], new Uint8Array(int4 ? Math.ceil(channels / 2) : channels));
    g.node(
      'DequantizeLinear',
      [`${layer}.weight_quantized`, `${layer}.weight_scale`, `${layer}.weight_zero_point`],
      [`${layer}.weight_DequantizeLinear_Output`],
      { axis },
      { name: `${layer}.weight_DequantizeLinear` },
    );
    const bias = Array.from({ length: channels }, () => rng.int(-4096, 4096));
    g.initializer(`${layer}.bias_quantized`, 'int32', [channels], bias);
    g.initializer(`${layer}.bias_quantized_scale`, 'float32', [channels], wScales.map((s) => f32(inputScale * s)));
    g.initializer(`${layer}.bias_quantized_zero_point`, 'int32', [channels], new Array<number>(channels).fill(0));
    g.node(
      'DequantizeLinear',
      [`${layer}.bias_quantized`, `${layer}.bias_quantized_scale`, `${layer}.bias_quantized_zero_point`],
      [`${layer}.bias_DequantizeLinear_Output`],
      { axis: 0 },
      { name: `${layer}.bias_DequantizeLinear` },
    );
    return [`${layer}.weight_DequantizeLinear_Output`, `${layer}.bias_DequantizeLinear_Output`];
  }

  /** A per-tensor int8 constant (ORT quantizes non-weight constant operands like activations). */
  private constant(name: string, dims: number[]): string {
    const { g, rng } = this;
    const count = dims.reduce((a, b) => a * b, 1);
    g.initializer(`${name}_quantized`, 'int8', dims, rng.int8Bytes(count));
    g.initializer(`${name}_scale`, 'float32', [], [rng.uniform(0.002, 0.02)]);
    g.initializer(`${name}_zero_point`, 'int8', [], [0]);
    g.node('DequantizeLinear', [`${name}_quantized`, `${name}_scale`, `${name}_zero_point`], [`${name}_DequantizeLinear_Output`], {}, { name: `${name}_DequantizeLinear` });
    return `${name}_DequantizeLinear_Output`;
  }

  private lower(layer: NetLayer): void {
    const { g } = this;
    switch (layer.kind) {
      case 'conv': {
        const inScale = this.params(layer.input).scaleValue;
        const [w, b] = this.weights(layer.name, [layer.cout, layer.cin / layer.group, ...layer.kernel], 0, inScale);
        g.node(
          'Conv',
          [this.input(layer.input), w, b],
          [layer.output],
          { dilations: [1, 1], group: layer.group, kernel_shape: layer.kernel, pads: [layer.pads[0], layer.pads[1], layer.pads[2], layer.pads[3]], strides: layer.strides },
          { name: layer.name },
        );
        this.quantize(layer.output, this.newParams(layer.output, layer.act === 'none' ? 'linear' : 'nonneg'));
        return;
      }
      case 'dense': {
        const inScale = this.params(layer.input).scaleValue;
        const [w, b] = this.weights(layer.name, [layer.cin, layer.cout], 1, inScale);
        g.node('Gemm', [this.input(layer.input), w, b], [layer.output], { alpha: { float: 1 }, beta: { float: 1 }, transB: 0 }, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'linear'));
        return;
      }
      case 'maxpool':
      case 'avgpool': {
        const op = layer.kind === 'maxpool' ? 'MaxPool' : 'AveragePool';
        g.node(op, [this.input(layer.input)], [layer.output], { kernel_shape: layer.kernel, pads: layer.pads, strides: layer.strides }, { name: layer.name });
        this.quantize(layer.output, this.params(layer.input));
        return;
      }
      case 'gap':
        g.node('GlobalAveragePool', [this.input(layer.input)], [layer.output], {}, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'nonneg'));
        return;
      case 'sigmoid':
        g.node('Sigmoid', [this.input(layer.input)], [layer.output], {}, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'sigmoid'));
        return;
      case 'softmax':
        g.node('Softmax', [this.input(layer.input)], [layer.output], { axis: layer.axis ?? -1 }, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'softmax'));
        return;
      case 'add':
      case 'mul': {
        const op = layer.kind === 'add' ? 'Add' : 'Mul';
        g.node(op, layer.inputs.map((t) => this.input(t)), [layer.output], {}, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'linear'));
        return;
      }
      case 'concat':
        g.node('Concat', layer.inputs.map((t) => this.input(t)), [layer.output], { axis: 1 }, { name: layer.name });
        this.quantize(layer.output, this.newParams(layer.output, 'nonneg'));
        return;
      case 'affine': {
        const dims = [layer.channels, 1, 1];
        const scaled = `${layer.name}_mul`;
        g.node('Mul', [this.input(layer.input), this.constant(`${layer.name}_scale_const`, dims)], [scaled], {}, { name: scaled });
        this.quantize(scaled, this.newParams(scaled, 'linear'));
        g.node('Add', [this.input(scaled), this.constant(`${layer.name}_offset_const`, dims)], [layer.output], {}, { name: `${layer.name}_add` });
        this.quantize(layer.output, this.newParams(layer.output, 'linear'));
        return;
      }
      case 'reshape': {
        let src = layer.input;
        if (layer.transposeToNhwc) {
          const t = `${layer.name}_nhwc`;
          g.node('Transpose', [this.input(src)], [t], { perm: [0, 2, 3, 1] }, { name: t });
          this.quantize(t, this.params(src));
          src = t;
        }
        if (layer.squeeze) {
          g.initializer(`${layer.name}_axes`, 'int64', [2], [2, 3]);
          g.node('Squeeze', [this.input(src), `${layer.name}_axes`], [layer.output], {}, { name: layer.name });
        } else {
          g.initializer(`${layer.name}_shape`, 'int64', [layer.shape.length + 1], [-1, ...layer.shape]);
          g.node('Reshape', [this.input(src), `${layer.name}_shape`], [layer.output], {}, { name: layer.name });
        }
        this.quantize(layer.output, this.params(src));
        return;
      }
    }
  }
}
