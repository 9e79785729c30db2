/**
 * The one typed graph IR every reader maps onto (ONNX, TFLite). Nothing downstream of a reader sees
 * protobuf or flatbuffer types: shape inference, fusion into layers, liveness, planning, targets and
 * reports work on these types alone.
 *
 * Conventions
 * - Tensor names are unique within a graph; '' in a node's inputs marks an omitted optional input.
 * - Node op types keep the source format's spelling, namespaced by `domain`: ONNX ops use the ONNX domain
 *   ('' = ai.onnx, 'com.microsoft', …); TFLite builtins use domain 'tflite' and their BuiltinOperator
 *   name ('CONV_2D'). Shape rules are registered per (domain, opType) in one table per format.
 * - Shapes are as stored by the format (ONNX NCHW, TFLite NHWC); `Dim` is a number, or a string for a
 *   symbolic dim ('N', 'batch', 'unk__150') that shape inference resolves (default 1).
 */
import type { DType } from './dtype.ts';

export type Dim = number | string;

/** Constant tensor data, exactly as stored (little-endian; int4/uint4 packed two per byte, low nibble first). */
export interface ConstData {
  dtype: DType;
  shape: number[];
  /**
   * Raw storage bytes. For ONNX typed fields (float_data, int32_data, …) the reader re-encodes them here.
   * For an ONNX file read by `loadModel`, large initializers' bytes stay on disk until first read: `bytes`
   * is then a getter that reads them (EdgefitError if the file changed since loading). Code that needs only
   * the size should use dtype and shape (storageBytes) rather than `bytes.byteLength`.
   */
  bytes: Uint8Array;
  /** Where the bytes came from, for reports and error messages. */
  origin?: 'inline' | 'external' | 'constant-node' | 'tflite-buffer';
}

/** Quantization parameters attached to a tensor (TFLite stores them on tensors; ONNX uses Q/DQ nodes). */
export interface Quantization {
  scales: number[];
  zeroPoints: number[];
  /** Quantized dimension for per-channel parameters (scales.length > 1). */
  axis?: number;
}

export interface TensorInfo {
  name: string;
  dtype: DType;
  /** Declared shape (graph input/output/value_info, or TFLite tensor shape); undefined when not declared. */
  shape?: Dim[];
  /** Constant data (ONNX initializer or Constant node output, TFLite constant buffer). */
  data?: ConstData;
  quant?: Quantization;
}

/** Attribute values, format-neutral. Ints and floats are plain numbers; int64 beyond 2^53 is clamped. */
export type AttrValue = number | string | number[] | string[] | ConstData | IRGraph;

export interface IRNode {
  /** Unique within the graph (readers synthesise `<opType>_<index>` when the file has none). */
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, AttrValue>;
}

export interface IRGraph {
  name: string;
  /** Graph input tensor names, excluding those that are constants (ONNX initializers listed as inputs). */
  inputs: string[];
  outputs: string[];
  /** Nodes in file order (ONNX requires topological order; readers do not reorder). */
  nodes: IRNode[];
  /** Every tensor known by name: inputs, outputs, constants, and declared intermediates. */
  tensors: Map<string, TensorInfo>;
  /**
   * The reader's numbers for the names above (the ONNX reader's top-level graph; absent elsewhere). Optional and
   * advisory: code that edits a graph need not keep it up to date, and a user trusts a number only after checking
   * `strings[id] === name` (see GraphNameIds).
   */
  nameIds?: GraphNameIds;
}

/**
 * A graph's tensor names as numbers, as its reader numbered them: equal numbers are equal names, so per-name
 * facts can sit in arrays indexed by number instead of maps keyed by string. Number 0 is '' (an omitted
 * input), −1 a name the reader did not number; numbered names run 1 … strings.length − 1.
 */
export interface GraphNameIds {
  /** strings[id]: the name numbered id (strings[0] unused). */
  strings: readonly (string | undefined)[];
  /** Node j of `nodes`: its inputs' numbers are inputIds[inputStart[j] … inputStart[j + 1]). */
  inputIds: readonly number[];
  inputStart: readonly number[];
  /** The same for node outputs. */
  outputIds: readonly number[];
  outputStart: readonly number[];
  /** The constants' numbers: initializers in file order, then Constant-node outputs in node order. */
  constantIds: readonly number[];
  /** graph.inputs's numbers, in its order. */
  graphInputIds: readonly number[];
  /** graph.outputs's numbers, in its order. */
  graphOutputIds: readonly number[];
}

export type ModelFormat = 'onnx' | 'tflite';

export interface IRModel {
  format: ModelFormat;
  /** Path as given by the user (or a synthetic name for in-memory models). */
  path: string;
  fileBytes: number;
  /** Opset versions by domain ('' = ai.onnx). TFLite: { tflite: schema version }. */
  opsets: Record<string, number>;
  producer: string;
  graph: IRGraph;
  /** Reader notes that make the model partial or deserve a warning. */
  warnings: string[];
}

/** Result of shape inference for one tensor. `value` holds small constant-folded integer tensors (shape sub-graphs). */
export interface TensorType {
  dtype: DType;
  shape: number[];
  value?: number[];
}
