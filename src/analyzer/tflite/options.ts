/**
 * Builtin options of a TFLite operator → IR attributes.
 *
 * The generated accessor class of each options table (src/analyzer/tflite/gen) is the per-op table: every
 * zero-argument accessor is a scalar field, every `x(index)` accessor with an `xLength()` sibling is a
 * vector field. Field names become snake_case as in schema.fbs (`strideW` → `stride_w`,
 * `fusedActivationFunction` → `fused_activation_function`); enum fields become their names
 * (padding 'SAME' | 'VALID', fused_activation_function 'NONE' | 'RELU' | 'RELU6' | …); booleans become 0/1.
 */
import type { AttrValue } from '../ir.ts';
import { ActivationFunctionType } from './gen/tflite/activation-function-type.ts';
import { BuiltinOptions, unionToBuiltinOptions } from './gen/tflite/builtin-options.ts';
import { CombinerType } from './gen/tflite/combiner-type.ts';
import { FullyConnectedOptionsWeightsFormat } from './gen/tflite/fully-connected-options-weights-format.ts';
import { LSHProjectionType } from './gen/tflite/lshprojection-type.ts';
import { LSTMKernelType } from './gen/tflite/lstmkernel-type.ts';
import { MirrorPadMode } from './gen/tflite/mirror-pad-mode.ts';
import type { Operator } from './gen/tflite/operator.ts';
import { Padding } from './gen/tflite/padding.ts';
import { RngAlgorithm } from './gen/tflite/rng-algorithm.ts';
import { TensorType } from './gen/tflite/tensor-type.ts';

type EnumTable = Record<number, string>;

/** Options fields whose value is an enum of the schema, by accessor name. */
const ENUM_FIELDS: Record<string, EnumTable> = {
  padding: Padding as unknown as EnumTable,
  fusedActivationFunction: ActivationFunctionType as unknown as EnumTable,
  weightsFormat: FullyConnectedOptionsWeightsFormat as unknown as EnumTable,
  mode: MirrorPadMode as unknown as EnumTable,
  kernelType: LSTMKernelType as unknown as EnumTable,
  combiner: CombinerType as unknown as EnumTable,
  algorithm: RngAlgorithm as unknown as EnumTable,
  quantizedBiasType: TensorType as unknown as EnumTable,
  outType: TensorType as unknown as EnumTable,
  outputType: TensorType as unknown as EnumTable,
  idxOutType: TensorType as unknown as EnumTable,
  inDataType: TensorType as unknown as EnumTable,
  outDataType: TensorType as unknown as EnumTable,
  keyDtype: TensorType as unknown as EnumTable,
  valueDtype: TensorType as unknown as EnumTable,
};

/** Accessors every generated table has that are not schema fields. */
const NOT_FIELDS = new Set(['constructor', '__init']);

/** Bound on vector options (new_shape, squeeze_dims …): a longer one is refused rather than read. */
const MAX_OPTION_VECTOR = 4096;

/** snake_case of each accessor name met so far: the same few dozen names recur on every operator of a file. */
const snakeCaseOf = new Map<string, string>();

export function snakeCase(name: string): string {
  let snake = snakeCaseOf.get(name);
  if (snake === undefined) {
    snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
    snakeCaseOf.set(name, snake);
  }
  return snake;
}

/** The accessor names of each generated options class (its prototype's methods that read fields), listed once. */
const fieldNamesOf = new Map<object, string[]>();
function fieldNames(proto: Record<string, unknown>): string[] {
  let names = fieldNamesOf.get(proto);
  if (!names) {
    names = Object.getOwnPropertyNames(proto).filter((n) => !NOT_FIELDS.has(n) && typeof proto[n] === 'function');
    fieldNamesOf.set(proto, names);
  }
  return names;
}

function scalar(value: unknown): AttrValue | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value;
  return undefined;
}

/** Name of the options table the operator carries ('Conv2DOptions'), or undefined when none. */
export function builtinOptionsName(op: Operator): string | undefined {
  const type = op.builtinOptionsType();
  if (type === BuiltinOptions.NONE) return undefined;
  return BuiltinOptions[type] ?? `BuiltinOptions_${type}`;
}

/** Decodes the builtin options of `op` into attributes; `{}` when it has none or an unknown options type. */
export function decodeBuiltinOptions(op: Operator): Record<string, AttrValue> {
  const type = op.builtinOptionsType();
  if (type === BuiltinOptions.NONE || BuiltinOptions[type] === undefined) return {};
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const table = unionToBuiltinOptions(type, (obj) => op.builtinOptions(obj as any) as typeof obj) as object | null;
  if (!table) return {};
  const proto = Object.getPrototypeOf(table) as Record<string, unknown>;
  const names = fieldNames(proto);
  const methods = table as unknown as Record<string, (...args: number[]) => unknown>;
  const attrs: Record<string, AttrValue> = {};
  for (const name of names) {
    const fn = proto[name] as (...args: unknown[]) => unknown;
    if (name.endsWith('Length') || name.endsWith('Array')) continue;
    if (fn.length === 0) {
      const raw = methods[name]!.call(table);
      const enumTable = ENUM_FIELDS[name];
      const value = enumTable && typeof raw === 'number' ? (enumTable[raw] ?? raw) : scalar(raw);
      if (value !== undefined) attrs[snakeCase(name)] = value;
    } else if (fn.length === 1 && names.includes(`${name}Length`)) {
      const len = methods[`${name}Length`]!.call(table) as number;
      if (len > MAX_OPTION_VECTOR) throw new RangeError(`option ${snakeCase(name)} has ${len} elements, more than the ${MAX_OPTION_VECTOR.toLocaleString('en-US')} edgefit reads in one option (a fixed limit: shapes and axes hold a few)`);
      const values: number[] = [];
      for (let i = 0; i < len; i++) {
        const v = scalar(methods[name]!.call(table, i));
        if (typeof v === 'number') values.push(v);
      }
      attrs[snakeCase(name)] = values;
    }
  }
  return attrs;
}
