/**
 * Classifies bytes that might be an ONNX ModelProto before they are decoded (wire-decode.ts), by walking the
 * top-level protobuf fields only (O(number of top-level fields), no allocation):
 * - 'model':     every top-level field is well formed and at least one is a known ModelProto field;
 * - 'truncated': known ModelProto fields, then a field whose length (or varint) runs past the end;
 * - 'foreign':   an impossible tag, a wire type a ModelProto field never has, or nothing ONNX-like.
 * A message decoder alone cannot tell these apart: it skips unknown fields and fails the same way for a
 * random length as for a cut file.
 */

/** ModelProto field number → wire type (onnx.proto: 0 varint, 2 length-delimited). */
const MODEL_FIELDS: Record<number, number> = {
  1: 0, // ir_version
  2: 2, // producer_name
  3: 2, // producer_version
  4: 2, // domain
  5: 0, // model_version
  6: 2, // doc_string
  7: 2, // graph
  8: 2, // opset_import
  14: 2, // metadata_props
  20: 2, // training_info
  25: 2, // functions
  26: 2, // configuration (onnx ≥ 1.18)
};

const FIELD_NAMES: Record<number, string> = {
  1: 'ir_version', 2: 'producer_name', 3: 'producer_version', 4: 'domain', 5: 'model_version', 6: 'doc_string',
  7: 'graph', 8: 'opset_import', 14: 'metadata_props', 20: 'training_info', 25: 'functions', 26: 'configuration',
};

function fieldLabel(field: number): string {
  const name = FIELD_NAMES[field];
  return name ? `the ${name} field (${field})` : `field ${field}`;
}

/** Field numbers above this are not ModelProto fields any ONNX version defines or is likely to. */
const MAX_PLAUSIBLE_FIELD = 64;

export type WireVerdict = { kind: 'model' | 'truncated' | 'foreign'; detail: string; sawGraph: boolean };

export function scanModelWire(bytes: Uint8Array): WireVerdict {
  return scanModelWireAt(bytes.length, (i) => bytes[i]!);
}

/**
 * The same scan over `n` bytes read through `byteAt` (a file read in windows): only the top-level tags and
 * lengths are read, never the payloads they frame.
 */
/** Where scanModelWireAt reads (a module-level cursor: the scan runs to completion, no closure per call). */
let pos = 0;

/** Reads a varint at `pos` of n bytes; returns -1 when the bytes end first, -2 when it is longer than 10 bytes. */
function varint(n: number, byteAt: (pos: number) => number): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= n) return -1;
    const b = byteAt(pos++);
    result += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return result;
    mul *= 128;
  }
  return -2;
}

export function scanModelWireAt(n: number, byteAt: (pos: number) => number): WireVerdict {
  pos = 0;
  let known = 0;
  let sawGraph = false;

  while (pos < n) {
    const fieldStart = pos;
    const tag = varint(n, byteAt);
    if (tag === -1) return { kind: known ? 'truncated' : 'foreign', detail: `a tag cut at byte ${fieldStart}`, sawGraph };
    if (tag === -2) return { kind: 'foreign', detail: `an overlong tag at byte ${fieldStart}`, sawGraph };
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0 || field > MAX_PLAUSIBLE_FIELD || wire === 3 || wire === 4 || wire > 5) {
      return { kind: 'foreign', detail: `field ${field} wire type ${wire} at byte ${fieldStart}`, sawGraph };
    }
    const expectedWire = MODEL_FIELDS[field];
    const isKnown = expectedWire !== undefined;
    if (isKnown && expectedWire !== wire) {
      return { kind: 'foreign', detail: `field ${field} with wire type ${wire} at byte ${fieldStart}`, sawGraph };
    }
    if (wire === 0) {
      const v = varint(n, byteAt);
      if (v === -1) return { kind: known || isKnown ? 'truncated' : 'foreign', detail: `a varint cut at byte ${fieldStart}`, sawGraph };
      if (v === -2) return { kind: 'foreign', detail: `an overlong varint at byte ${fieldStart}`, sawGraph };
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > n) return { kind: known ? 'truncated' : 'foreign', detail: `a fixed-size field cut at byte ${fieldStart}`, sawGraph };
    } else {
      const len = varint(n, byteAt);
      if (len === -2) return { kind: 'foreign', detail: `an overlong length at byte ${fieldStart}`, sawGraph };
      if (len === -1 || pos + len > n) {
        const truncated = isKnown && (known > 0 || field === 7);
        const need = len === -1 ? 'its length' : `${len} bytes`;
        return {
          kind: truncated ? 'truncated' : 'foreign',
          detail: `${fieldLabel(field)} at byte ${fieldStart} needs ${need} but the file has ${Math.max(0, n - pos)} left`,
          sawGraph,
        };
      }
      pos += len;
    }
    if (isKnown) known++;
    if (field === 7) sawGraph = true;
  }
  if (known === 0) return { kind: 'foreign', detail: 'no ModelProto field', sawGraph };
  return { kind: 'model', detail: '', sawGraph };
}
