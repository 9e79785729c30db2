/**
 * The CLI's output boundary for text that may carry strings read from a model file. Names of tensors, nodes
 * and graphs are escaped when the model is loaded (graph-check's withPrintableNames), but other strings reach
 * the output as read (the producer, an unknown op's type and domain, warnings built from them), and that escaping
 * covers C0/C1 controls only. Here every character that can drive a terminal or change what a reader sees is
 * shown as a `\uXXXX` escape: C0 and C1 controls (ESC/CSI/OSC sequences, CR, BS, NUL), DEL, line and paragraph
 * separators, the Unicode bidirectional controls (U+202E "Trojan source" reordering) and invisible characters
 * (zero-width spaces and joiners, word joiner, BOM, soft hyphen).
 *
 * - `safeText(s)`: one field shown on one line: newlines and tabs escaped too.
 * - `safeOutput(text)`: a whole block of text or JSON the CLI writes: everything above except `\n`, the
 *   CLI's own line breaks. On JSON from JSON.stringify the characters it escapes can only stand inside string
 *   literals (the structure is ASCII, and C0 controls are already escaped there), where `\uXXXX` is a valid
 *   escape of the same character: the document stays valid and parses to the same values.
 * - `safeErrorLine(message)`: an error message as the one line `edgefit: …` prints: `safeText`, and a message
 *   longer than 4,096 characters (a name of a megabyte quoted in it) keeps its head and its tail (where the
 *   hint of what to do usually is) around a note of how much was cut.
 * - `withPrintableLabels(model)`: the model the CLI analyses, with the strings read from the file that are not
 *   names (producer, op types, op domains, in sub-graphs too) made one line with `safeText`, so a raw newline in
 *   an unknown op's type cannot start a line of its own in a table, a warning or a note (names are already one
 *   line from the loader). An op type holding such a character is unknown either way.
 * Text with none of these characters (every real model we hold) is returned unchanged.
 */
import { mapSubgraphs } from '../../analyzer/graph-check.ts';
import type { IRGraph, IRModel, IRNode } from '../../analyzer/ir.ts';

/** Characters that must not reach a terminal raw (see the module comment), `\n` included. */
const UNSAFE = '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb';
const UNSAFE_ALL = new RegExp(`[${UNSAFE}]`, 'g');
/** The same without `\n`. */
const UNSAFE_BUT_NEWLINE = new RegExp(`[${UNSAFE.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f')}]`, 'g');

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `s` as one printable line: every unsafe character, newlines included, shown as an escape. */
export function safeText(s: string): string {
  return s.replace(UNSAFE_ALL, escapeChar);
}

/** Longest error line printed whole; longer ones keep their first and last characters. */
export const MAX_ERROR_CHARS = 4096;

/** `message` safe and bounded for the CLI's one-line error (see the module comment). */
export function safeErrorLine(message: string): string {
  const line = safeText(message);
  if (line.length <= MAX_ERROR_CHARS) return line;
  const head = line.slice(0, 2048);
  const tail = line.slice(line.length - 1024);
  return `${head}…[${line.length - head.length - tail.length} characters cut]…${tail}`;
}

/** A block of CLI output (text or JSON): unsafe characters escaped, the line breaks kept. */
export function safeOutput(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escapeChar);
}

const UNSAFE_ONE = new RegExp(`[${UNSAFE}]`);

function graphWithPrintableLabels(graph: IRGraph): IRGraph {
  let nodes: IRNode[] | undefined;
  graph.nodes.forEach((n, i) => {
    const attrs = mapSubgraphs(n.attrs, graphWithPrintableLabels);
    if (attrs !== n.attrs || UNSAFE_ONE.test(n.opType) || UNSAFE_ONE.test(n.domain)) {
      (nodes ??= graph.nodes.slice())[i] = { ...n, opType: safeText(n.opType), domain: safeText(n.domain), attrs };
    }
  });
  return nodes ? { ...graph, nodes } : graph;
}

/** `model` with its producer and every op type and domain shown on one line (the same object when none needs it). */
export function withPrintableLabels(model: IRModel): IRModel {
  const graph = graphWithPrintableLabels(model.graph);
  if (graph === model.graph && !UNSAFE_ONE.test(model.producer)) return model;
  return { ...model, producer: safeText(model.producer), graph };
}
