/**
 * Empty arrays made for the reader's long push loops (nodes, tensors, name numbers), already in the V8 elements kind
 * their pushes leave them in.
 *
 * Why: an array literal `[]` starts as small integers (PACKED_SMI_ELEMENTS) and turns into an array of objects
 * (PACKED_ELEMENTS) or of doubles (PACKED_DOUBLE_ELEMENTS) at its first push of one. Every load makes its arrays
 * afresh, so each push site sees both kinds, and TurboFan then calls the `Array.prototype.push` builtin instead of
 * inlining the push. Linux `perf` (node --perf-basic-prof) on steady-state loads of every shared ONNX model put
 * 2.0 % of the samples in that builtin, 0.6 % with these arrays (docs/onnx-reader.md, session 12). An array literal
 * with elements (`[0]`) is a copy-on-write boilerplate, whose first push copies it through the builtin as well.
 * The arrays are ordinary arrays: only their elements kind differs, which no caller can observe.
 */

/** An empty array whose pushes of objects (or strings, or undefined) do not change its elements kind. */
export function objectArray<T>(): T[] {
  const a = [undefined] as unknown as T[];
  a.pop();
  return a;
}

/** An empty array whose pushes of numbers that are not small integers (32-bit hashes) do not change its kind. */
export function doubleArray(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}

/** `[first]`, not a copy-on-write literal: an array of small integers that pushes extend in place. */
export function smiArrayOf(first: number): number[] {
  const a: number[] = [];
  a.push(first);
  return a;
}
