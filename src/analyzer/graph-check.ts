/**
 * Structural check of an IR graph, shared by the ONNX and TFLite readers:
 * - every non-empty node input (and every graph output) is a graph input, a constant, or produced by a node;
 * - no tensor is produced twice, or produced by a node while also being a graph input or a constant;
 * - no cycle.
 * Returns the graph with its nodes in a topological order; a file already in topological order keeps its
 * order (the same graph object is returned). O(nodes + edges), iterative (no recursion on the node chain).
 * Sub-graph attributes (If/Loop bodies) count the outer tensors they read as dependencies of their node.
 */
import { CONTROL_CHARS, EdgefitError, escapeControlChars } from './errors.ts';
import type { IRGraph, IRNode } from './ir.ts';

const MAX_CYCLE_NAMES = 12;
const MAX_MESSAGE_CHARS = 360;

/**
 * A message fit for one line: names read from a file may hold newlines or control characters (shown
 * escaped) and may be huge (the middle is cut).
 */
export function oneLine(message: string): string {
  const clean = escapeControlChars(message);
  if (clean.length <= MAX_MESSAGE_CHARS) return clean;
  const half = Math.floor((MAX_MESSAGE_CHARS - 1) / 2);
  return `${clean.slice(0, half)}…${clean.slice(clean.length - half)}`;
}

function bad(path: string, what: string): EdgefitError {
  return new EdgefitError('BAD_MODEL', oneLine(`${path}: ${what}`));
}

/** Whether an attribute value is a sub-graph (If/Loop/Scan bodies). */
export function isGraph(v: unknown): v is IRGraph {
  return typeof v === 'object' && v !== null && 'nodes' in v && 'tensors' in v && Array.isArray((v as IRGraph).nodes);
}

/**
 * `attrs` with every sub-graph replaced by `f(sub-graph)`: the walk into If/Loop/Scan bodies that rewrites a
 * graph's strings needs (withPrintableNames here, the CLI's withPrintableLabels). The same object when `f`
 * returns every sub-graph unchanged.
 */
export function mapSubgraphs(attrs: IRNode['attrs'], f: (graph: IRGraph) => IRGraph): IRNode['attrs'] {
  let out: IRNode['attrs'] | undefined;
  for (const k in attrs) {
    const v = attrs[k];
    if (!isGraph(v)) continue;
    const mapped = f(v);
    if (mapped !== v) (out ??= { ...attrs })[k] = mapped;
  }
  return out ?? attrs;
}

function hasGraphAttr(node: IRNode): boolean {
  const attrs = node.attrs;
  for (const k in attrs) if (isGraph(attrs[k])) return true;
  return false;
}

/** Outer-scope tensors read by a node's sub-graphs (names not defined inside them), iteratively. */
function implicitInputs(node: IRNode): string[] {
  const out: string[] = [];
  const stack: IRGraph[] = Object.values(node.attrs).filter(isGraph);
  // Names defined in an enclosing sub-graph shadow outer names for the graphs nested in it.
  const scopes = new Map<IRGraph, Set<string>>();
  for (const g of stack) scopes.set(g, new Set());
  while (stack.length > 0) {
    const g = stack.pop()!;
    const defined = new Set(scopes.get(g));
    for (const n of g.inputs) defined.add(n);
    for (const [name, t] of g.tensors) if (t.data) defined.add(name);
    for (const n of g.nodes) for (const o of n.outputs) if (o) defined.add(o);
    for (const n of g.nodes) {
      for (const i of n.inputs) if (i && !defined.has(i)) out.push(i);
      for (const v of Object.values(n.attrs)) {
        if (isGraph(v)) {
          scopes.set(v, defined);
          stack.push(v);
        }
      }
    }
  }
  return out;
}


/**
 * The graph with every tensor and node name that holds a control character or line separator replaced by its
 * escaped form (`conv\n…` → `conv\\n…`), in sub-graphs too: text output, tables and reports then show such names on
 * one line and cannot be driven by terminal escapes (a hostile file cannot fake output lines or clear the screen).
 * The same graph object when no name needs it (real models), so nothing else changes.
 */
export function withPrintableNames(graph: IRGraph): IRGraph {
  if (!graphHasHostileName(graph)) return graph;
  const fix = (s: string): string => (CONTROL_CHARS.test(s) ? escapeControlChars(s) : s);
  const tensors = new Map<string, IRGraph['tensors'] extends Map<string, infer T> ? T : never>();
  for (const [name, info] of graph.tensors) tensors.set(fix(name), CONTROL_CHARS.test(info.name) ? { ...info, name: fix(info.name) } : info);
  return {
    ...graph,
    name: fix(graph.name),
    inputs: graph.inputs.map(fix),
    outputs: graph.outputs.map(fix),
    nodes: graph.nodes.map((n) => ({ ...n, name: fix(n.name), inputs: n.inputs.map(fix), outputs: n.outputs.map(fix), attrs: mapSubgraphs(n.attrs, withPrintableNames) })),
    tensors,
  };
}

function graphHasHostileName(graph: IRGraph): boolean {
  if (CONTROL_CHARS.test(graph.name)) return true;
  for (const name of graph.tensors.keys()) if (CONTROL_CHARS.test(name)) return true;
  for (const node of graph.nodes) {
    if (CONTROL_CHARS.test(node.name)) return true;
    for (const s of node.inputs) if (CONTROL_CHARS.test(s)) return true;
    for (const s of node.outputs) if (CONTROL_CHARS.test(s)) return true;
    for (const k in node.attrs) {
      const v = node.attrs[k];
      if (isGraph(v) && graphHasHostileName(v)) return true;
    }
  }
  for (const s of graph.inputs) if (CONTROL_CHARS.test(s)) return true;
  for (const s of graph.outputs) if (CONTROL_CHARS.test(s)) return true;
  return false;
}

/**
 * The graph's tensor names as numbers, from a reader that numbered the strings it decoded (equal numbers ≥ 1
 * are equal names; 0 is the empty name, an omitted optional input or output; −1 a name left unnumbered).
 * Node j of graph.nodes reads inputIds[inputStart[j] … inputStart[j + 1]) and writes outputIds[outputStart[j]
 * … outputStart[j + 1]); the arrays list the same names as the nodes' inputs and outputs, in order.
 */
export interface NameIds {
  /** Names are numbered 1 … count. */
  count: number;
  inputIds: number[];
  inputStart: number[];
  outputIds: number[];
  outputStart: number[];
  /** The names that hold constant data (initializers, Constant node outputs). */
  constantIds: number[];
  /** graph.inputs and graph.outputs, numbered. */
  graphInputIds: number[];
  graphOutputIds: number[];
  /** The reader saw no attribute that could hold a graph: no node reads outer names through a sub-graph. */
  noSubgraphs?: boolean;
}

export interface CheckGraphOptions {
  /**
   * The reader saw no string with a character CONTROL_CHARS matches (the ONNX reader tests every string as it
   * decodes it): the names need no escaping and withPrintableNames's scan is skipped.
   */
  namesPrintable?: boolean;
  /** The names as numbers (used only with namesPrintable): a valid graph in file order is confirmed on them. */
  ids?: NameIds;
}

/** What is known of a numbered name while checking: produced by node j (j + 1), a constant, a graph input. */
const CONSTANT = -1;
const GRAPH_INPUT = -2;

/**
 * Whether the graph passes every check of checkGraph and is already in topological order, decided on name
 * numbers in typed arrays (no Map): no tensor produced twice or produced while a graph input or constant, every
 * non-empty input produced by an earlier node or a graph input or constant, every graph output known. False
 * whenever checkGraph would throw or reorder, and also for what it cannot decide here (an unnumbered name, a
 * node with a sub-graph): checkGraph then runs its own checks on the names, which name the problem.
 */
function validInFileOrder(nodes: IRNode[], ids: NameIds): boolean {
  const state = new Int32Array(ids.count + 1);
  for (const id of ids.constantIds) {
    if (id <= 0) return false;
    state[id] = CONSTANT;
  }
  for (const id of ids.graphInputIds) {
    if (id <= 0 || state[id] !== 0) return false;
    state[id] = GRAPH_INPUT;
  }
  const { inputIds, inputStart, outputIds, outputStart } = ids;
  const n = nodes.length;
  if (inputStart.length !== n + 1 || outputStart.length !== n + 1) return false;
  const noSubgraphs = ids.noSubgraphs === true;
  for (let j = 0; j < n; j++) {
    if (!noSubgraphs && hasGraphAttr(nodes[j]!)) return false;
    for (let k = outputStart[j]!; k < outputStart[j + 1]!; k++) {
      const id = outputIds[k]!;
      if (id === 0) continue;
      if (id < 0 || state[id] !== 0) return false;
      state[id] = j + 1;
    }
  }
  for (let j = 0; j < n; j++) {
    for (let k = inputStart[j]!; k < inputStart[j + 1]!; k++) {
      const id = inputIds[k]!;
      if (id === 0) continue;
      if (id < 0) return false;
      const s = state[id]!;
      if (s === 0 || s > j) return false; // dangling, or produced by this node or a later one
    }
  }
  for (const id of ids.graphOutputIds) {
    if (id === 0) continue;
    if (id < 0 || state[id] === 0) return false;
  }
  return true;
}

/**
 * Structural check of a graph (duplicate producers, dangling inputs, cycles; file order made topological), on
 * its names made printable first (withPrintableNames). Returns the graph to use.
 */
export function checkGraph(graphAsRead: IRGraph, path: string, opts: CheckGraphOptions = {}): IRGraph {
  if (opts.namesPrintable && opts.ids && validInFileOrder(graphAsRead.nodes, opts.ids)) return graphAsRead;
  const graph = opts.namesPrintable ? graphAsRead : withPrintableNames(graphAsRead);
  const { nodes, tensors } = graph;
  const isConstant = (name: string): boolean => tensors.get(name)?.data !== undefined;
  const n = nodes.length;
  const graphInputs = new Set(graph.inputs);

  // Producers, with duplicate checks; which nodes have sub-graphs (their reads include implicit inputs).
  const producer = new Map<string, number>();
  let withSubgraphs: Set<number> | undefined;
  for (let j = 0; j < n; j++) {
    const node = nodes[j]!;
    if (hasGraphAttr(node)) (withSubgraphs ??= new Set()).add(j);
    const outs = node.outputs;
    for (let k = 0; k < outs.length; k++) {
      const out = outs[k]!;
      if (!out) continue;
      const prev = producer.get(out);
      if (prev !== undefined) {
        const other = nodes[prev]!.name;
        const msg = prev === j
          ? `node '${node.name}' lists output '${out}' twice`
          : `tensor '${out}' is produced by both node '${other}' and node '${node.name}'`;
        throw bad(path, msg);
      }
      if (graphInputs.has(out)) throw bad(path, `node '${node.name}' produces '${out}', which is also a graph input`);
      if (isConstant(out)) throw bad(path, `node '${node.name}' produces '${out}', which is also a constant`);
      producer.set(out, j);
    }
  }
  const reads = (j: number): string[] => {
    const node = nodes[j]!;
    return withSubgraphs?.has(j) ? [...node.inputs, ...implicitInputs(node)] : node.inputs;
  };

  // Dangling-input check, and whether file order is topological.
  let inFileOrder = true;
  for (let j = 0; j < n; j++) {
    const names = reads(j);
    for (let k = 0; k < names.length; k++) {
      const name = names[k]!;
      if (!name) continue;
      const p = producer.get(name);
      if (p !== undefined) {
        if (p >= j) inFileOrder = false;
      } else if (!isConstant(name) && !graphInputs.has(name)) {
        throw bad(path, `node '${nodes[j]!.name}' reads '${name}', which no node produces and is not a graph input`);
      }
    }
  }
  for (const out of graph.outputs) {
    if (out && !producer.has(out) && !graphInputs.has(out) && !isConstant(out)) {
      throw bad(path, `graph output '${out}' is not produced by any node`);
    }
  }
  if (inFileOrder) return graph;

  // Dependencies (edges producer → consumer), only for a file out of topological order.
  const deps: number[][] = new Array(n);
  for (let j = 0; j < n; j++) {
    const d: number[] = [];
    for (const name of reads(j)) {
      const p = name ? producer.get(name) : undefined;
      if (p !== undefined) d.push(p);
    }
    deps[j] = d;
  }

  // Kahn's algorithm, seeded and fed in file order.
  const indegree = new Int32Array(n);
  const consumers: number[][] = Array.from({ length: n }, () => []);
  for (let j = 0; j < n; j++) {
    for (const p of deps[j]!) {
      consumers[p]!.push(j);
      indegree[j]!++;
    }
  }
  const queue: number[] = [];
  for (let j = 0; j < n; j++) if (indegree[j] === 0) queue.push(j);
  const done = new Uint8Array(n);
  for (let head = 0; head < queue.length; head++) {
    const j = queue[head]!;
    done[j] = 1;
    for (const c of consumers[j]!) if (--indegree[c]! === 0) queue.push(c);
  }
  if (queue.length === n) return { ...graph, nodes: queue.map((j) => nodes[j]!) };

  throw bad(path, describeCycle(nodes, deps, done));
}

/**
 * Every node left after Kahn's algorithm has a predecessor that is also left, so walking predecessors
 * from any of them must revisit a node: that closes a cycle. O(n).
 */
function describeCycle(nodes: IRNode[], deps: number[][], done: Uint8Array): string {
  let j = done.indexOf(0);
  const position = new Map<number, number>();
  const walk: number[] = [];
  while (!position.has(j)) {
    position.set(j, walk.length);
    walk.push(j);
    j = deps[j]!.find((p) => done[p] === 0)!;
  }
  const loop = walk.slice(position.get(j)!).reverse(); // producer → consumer order
  let start = 0;
  for (let k = 1; k < loop.length; k++) if (loop[k]! < loop[start]!) start = k;
  const cycle = [...loop.slice(start), ...loop.slice(0, start)]; // from the node earliest in the file
  const names = cycle.map((k) => `'${nodes[k]!.name}'`);
  const shown = names.length > MAX_CYCLE_NAMES ? [...names.slice(0, MAX_CYCLE_NAMES), `… (${names.length} nodes)`] : names;
  return `cycle through nodes ${[...shown, names[0]].join(' → ')}`;
}
