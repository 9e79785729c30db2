/**
 * An ONNX file of If bodies nested `depth` levels, written by a protobuf writer that builds from the inside out
 * (protobufjs's encoder recurses once per level). Used by the nesting-limit tests.
 */
const enc = new TextEncoder();
function varint(n: number): number[] {
  const o: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) o.push((n & 127) | 128);
  o.push(n);
  return o;
}
function cat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
const field = (no: number, bytes: Uint8Array) => cat([Uint8Array.from([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes]);
const str = (no: number, s: string) => field(no, enc.encode(s));
const int = (no: number, v: number) => Uint8Array.from([...varint(no << 3), ...varint(v)]);
// ValueInfoProto{name, type{tensor_type{elem_type, shape{dim{dim_value}…}}}}
const valueInfo = (name: string, elem: number, dims: number[]) => cat([str(1, name), field(2, field(1, cat([int(1, elem), field(2, cat(dims.map((d) => field(1, int(1, d)))))])))]);
// NodeProto{input…, output…, name, op_type, attribute…}; AttributeProto{name, g, type = GRAPH}
const node = (op: string, ins: string[], outs: string[], graphs: [string, Uint8Array][] = []) =>
  cat([...ins.map((i) => str(1, i)), ...outs.map((o) => str(2, o)), str(4, op), ...graphs.map(([n, g]) => field(5, cat([str(1, n), field(6, g), int(20, 5)])))]);
const graph = (nodes: Uint8Array[], inputs: Uint8Array[], outputs: Uint8Array[]) => cat([...nodes.map((n) => field(1, n)), str(2, 'g'), ...inputs.map((i) => field(11, i)), ...outputs.map((o) => field(12, o))]);

/** If(cond) whose then_branch is an If whose then_branch is … `depth` levels, each else_branch an Identity of x. */
export function nestedIfModel(depth: number): Uint8Array {
  const leaf = (o: string) => graph([node('Identity', ['x'], [o])], [], [valueInfo(o, 1, [1, 4])]);
  let g = leaf('o');
  for (let k = depth - 1; k >= 0; k--) g = graph([node('If', ['cond'], [`o${k}`], [['then_branch', g], ['else_branch', leaf(`e${k}`)]])], [], [valueInfo(`o${k}`, 1, [1, 4])]);
  const top = graph([node('If', ['cond'], ['y'], [['then_branch', g], ['else_branch', leaf('e')]])], [valueInfo('cond', 9, []), valueInfo('x', 1, [1, 4])], [valueInfo('y', 1, [1, 4])]);
  // ModelProto{ir_version 8, opset_import{domain '', version 17}, graph}
  return cat([int(1, 8), field(8, cat([str(1, ''), int(2, 17)])), field(7, top)]);
}
