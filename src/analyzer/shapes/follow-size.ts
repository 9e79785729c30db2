/**
 * Re-inference at another input size (compare / report --resolutions, check --resolution) of a file that fixed
 * some shapes for its own size: exporters write a Reshape's target and constants folded from the input size
 * (YOLO's anchor points) as numbers. At a new size those nodes fail. Here such a node is retried once with the fixed
 * operand made to follow the input, as an export at the new size would have written it, judged only from how the
 * node's own inputs changed between the file's size (`native`, the file's own inference) and this one:
 *
 * - Reshape: each dim of the file's resolved target that equals an input dim that changed takes its new value
 *   ([1,4,16,1344] of [1,64,1344] → [1,4,16,756] of [1,64,756]); a dim equal to the product of consecutive changed
 *   input dims takes their new product (H·W); a run of k equal target dims whose product is a changed input dim
 *   takes its new value's k-th root each (back to H×W). A value that names both a changed and an unchanged input dim
 *   (C = H) is not mapped. The result must hold the input's elements, or the node fails as before.
 * - Broadcasting ops: an operand whose shape did not change (a constant) takes, on each axis where it disagrees, the
 *   other operand's new dim when it equals that operand's dim at the file's size.
 * - TFLite resizes to a stored size: scaled as their input was, before their rule (followedResizeInputs).
 *
 * ONNX's default domain and TFLite builtins.
 * Nothing else is guessed, and each retried node is said in a warning starting with FOLLOWED_SHAPE_NOTE_START. A
 * constant that follows keeps its stored bytes: its weight bytes are the file's (a few KiB for anchor points).
 */
import type { TensorType } from '../ir.ts';
import type { ShapeContext, ShapeRule } from './registry.ts';

/** The start of the warning each retried node gets (targets/evaluate.ts turns them into one note). */
export const FOLLOWED_SHAPE_NOTE_START = 'shape follows the input size:';

/** The types of the file's own inference, by tensor name: what a node's operands were at the file's size. */
export type NativeTypes = ReadonlyMap<string, TensorType>;

/** Ops whose operands broadcast (numpy rules), whose fixed operand may follow the others: ONNX, then TFLite builtins. */
const BROADCASTING = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Mean', 'Sum', 'Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor', 'Where', 'PRelu', 'Mod', 'BitShift',
  'ADD', 'SUB', 'MUL', 'DIV', 'FLOOR_DIV', 'MINIMUM', 'MAXIMUM', 'SQUARED_DIFFERENCE', 'POW',
]);

/** Reshapes whose target is their second input: ONNX Reshape, TFLite RESHAPE (whose new_shape option is not followed). */
const RESHAPES = new Set(['Reshape', 'RESHAPE']);

/** TFLite resizes to a stored size (input 1, [height, width]) of an NHWC input. */
const TFLITE_RESIZES = new Set(['RESIZE_NEAREST_NEIGHBOR', 'RESIZE_BILINEAR']);

/** Whether `node` is of a format whose rules this module knows (ONNX's default domain, TFLite builtins). */
function followable(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx' || domain === 'tflite';
}

/**
 * Before a TFLite resize's rule, in a re-inference that follows the input size: its stored output size scaled as
 * its input was (a YOLO neck's 2× upsample to 16×16 at 256 px is 12×12 at 192), when both axes keep an integer
 * scale; said in a warning. A resize does not fail at another size: the CONCATENATION after it does, which is why
 * this one is changed before its rule, not retried. Undefined when the node is not such a resize or nothing changed.
 */
export function followedResizeInputs(ctx: ShapeContext, native: NativeTypes, note: (text: string) => void): (TensorType | undefined)[] | undefined {
  const node = ctx.node;
  if (node.domain !== 'tflite' || !TFLITE_RESIZES.has(node.opType)) return undefined;
  const x = ctx.inputs[0];
  const size = ctx.inputs[1]?.value;
  const nativeX = node.inputs[0] ? native.get(node.inputs[0])?.shape : undefined;
  if (!x || !size || size.length !== 2 || !nativeX || nativeX.length !== 4 || x.shape.length !== 4) return undefined;
  if (x.shape[1] === nativeX[1] && x.shape[2] === nativeX[2]) return undefined;
  const scaled = [0, 1].map((a) => (size[a]! * x.shape[a + 1]!) / nativeX[a + 1]!);
  if (!scaled.every((d) => Number.isInteger(d) && d > 0)) return undefined;
  note(`${FOLLOWED_SHAPE_NOTE_START} node '${node.name}' (${node.opType}): size [${size.join(',')}] → [${scaled.join(',')}]`);
  return [x, { dtype: ctx.inputs[1]!.dtype, shape: [2], value: scaled }, ...ctx.inputs.slice(2)];
}

/**
 * The node's outputs from `rule` run once more with its fixed operand following the input size, or undefined when
 * the node is not of that kind (the caller then reports the original failure). `note` receives the warning.
 */
export function retryFollowingSize(rule: ShapeRule, ctx: ShapeContext, native: NativeTypes, note: (text: string) => void): TensorType[] | undefined {
  const node = ctx.node;
  if (!followable(node.domain)) return undefined;
  const nativeIn = node.inputs.map((n) => (n ? native.get(n)?.shape : undefined));
  let inputs: (TensorType | undefined)[] | undefined;
  let said = '';
  if (RESHAPES.has(node.opType) && ctx.inputs[1]?.value) {
    const out = node.outputs[0] ? native.get(node.outputs[0])?.shape : undefined;
    const x = ctx.inputs[0];
    const target = out && x && nativeIn[0] ? followedReshape(out, nativeIn[0], x.shape) : undefined;
    if (!target) return undefined;
    inputs = [x, { dtype: ctx.inputs[1]!.dtype, shape: [target.length], value: target }, ...ctx.inputs.slice(2)];
    said = `target [${out!.join(',')}] → [${target.join(',')}]`;
  } else if (BROADCASTING.has(node.opType)) {
    const followed = followedOperands(ctx.inputs, nativeIn);
    if (!followed) return undefined;
    inputs = followed.inputs;
    said = followed.said;
  } else return undefined;
  const saved = ctx.inputs;
  ctx.inputs = inputs;
  try {
    const outs = rule(ctx);
    note(`${FOLLOWED_SHAPE_NOTE_START} node '${node.name}' (${node.opType}): ${said}`);
    return outs;
  } catch {
    return undefined;
  } finally {
    ctx.inputs = saved;
  }
}

/** The Reshape target an export at the new size would hold (module comment), or undefined when none fits. */
export function followedReshape(nativeOut: readonly number[], nativeIn: readonly number[], newIn: readonly number[]): number[] | undefined {
  if (nativeIn.length !== newIn.length) return undefined;
  // native value of a changed input dim → its new value (two new values for one native value: not mapped)
  const changed = new Map<number, number>();
  const conflicting = new Set<number>();
  const unchanged = new Set<number>();
  for (let j = 0; j < nativeIn.length; j++) {
    const a = nativeIn[j]!;
    const b = newIn[j]!;
    if (a === b) unchanged.add(a);
    else if (changed.has(a) && changed.get(a) !== b) conflicting.add(a);
    else changed.set(a, b);
  }
  if (changed.size === 0) return undefined;
  const newOf = (v: number) => (conflicting.has(v) ? undefined : changed.get(v));
  // a target dim taken one for one: not when an unchanged input dim has its value too (C = H: which one is it?)
  const directOf = (v: number) => (unchanged.has(v) ? undefined : newOf(v));
  // products of runs of consecutive input dims with a change in them: native product → new product (one native
  // product with two new ones is not mapped)
  const products = new Map<number, number | undefined>();
  for (let j = 0; j < nativeIn.length; j++) {
    let p = 1;
    let q = 1;
    let moved = false;
    for (let k = j; k < nativeIn.length; k++) {
      p *= nativeIn[k]!;
      q *= newIn[k]!;
      moved ||= nativeIn[k] !== newIn[k];
      if (k > j && moved) products.set(p, products.has(p) && products.get(p) !== q ? undefined : q);
    }
  }
  const out = [...nativeOut];
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    const direct = directOf(d);
    if (direct !== undefined) {
      out[i] = direct;
      continue;
    }
    const product = products.get(d);
    if (product !== undefined) {
      out[i] = product;
      continue;
    }
    // a run of k equal dims (exactly k: a longer run would not say which of them) whose product is a changed input
    // dim, H×W split back: each takes the new value's k-th root
    let k = 1;
    while (i + k < out.length && nativeOut[i + k] === d) k++;
    const next = k >= 2 ? newOf(d ** k) : undefined;
    const root = next === undefined ? undefined : Math.round(next ** (1 / k));
    if (root !== undefined && root ** k === next) for (let m = 0; m < k; m++) out[i + m] = root;
    i += k - 1;
  }
  let have = 1;
  let want = 1;
  for (const d of out) have *= d;
  for (const d of newIn) want *= d;
  return have === want ? out : undefined;
}

/**
 * The operands of a broadcasting op with each unchanged operand following a changed one (module comment), and what
 * was changed; undefined when no operand changed, none stayed, or nothing would follow.
 */
function followedOperands(inputs: readonly (TensorType | undefined)[], nativeIn: readonly (readonly number[] | undefined)[]): { inputs: (TensorType | undefined)[]; said: string } | undefined {
  const moved = inputs.map((t, i) => t !== undefined && nativeIn[i] !== undefined && !sameShape(t.shape, nativeIn[i]!));
  if (!moved.some(Boolean)) return undefined;
  const out = [...inputs];
  const said: string[] = [];
  inputs.forEach((t, i) => {
    if (!t || moved[i]) return;
    const shape = [...t.shape];
    let changed = false;
    for (let j = 0; j < inputs.length; j++) {
      const other = inputs[j];
      const otherNative = nativeIn[j];
      if (!moved[j] || !other || !otherNative || otherNative.length !== other.shape.length) continue;
      // right-aligned axes, as broadcasting aligns them
      for (let a = 1; a <= Math.min(shape.length, other.shape.length); a++) {
        const si = shape.length - a;
        const oi = other.shape.length - a;
        if (shape[si] !== other.shape[oi] && shape[si] !== 1 && shape[si] === otherNative[oi] && otherNative[oi] !== other.shape[oi]) {
          shape[si] = other.shape[oi]!;
          changed = true;
        }
      }
    }
    if (!changed) return;
    said.push(`operand ${i} [${t.shape.join(',')}] → [${shape.join(',')}]`);
    out[i] = { dtype: t.dtype, shape }; // its values are the file's size's: not carried
  });
  return said.length ? { inputs: out, said: said.join(', ') } : undefined;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
