/**
 * One table of shape rules per op type, keyed by `${domain}::${opType}` (domain '' = ai.onnx, 'tflite' for
 * TFLite builtins). Each format registers its rules from its own module; `inferShapes` looks rules up here.
 */
import type { IRNode, TensorType, AttrValue } from '../ir.ts';

/** What a rule sees: its node, the inferred types of its inputs (undefined = omitted optional input). */
export interface ShapeContext {
  node: IRNode;
  inputs: (TensorType | undefined)[];
  /** Opset version of the node's domain. */
  opset: number;
  attr(name: string): AttrValue | undefined;
}

/** Returns one TensorType per node output (same order). Throw EdgefitError('BAD_SHAPE', …) on inconsistency. */
export type ShapeRule = (ctx: ShapeContext) => TensorType[];

const rules = new Map<string, ShapeRule>();

export function ruleKey(domain: string, opType: string): string {
  // ONNX treats 'ai.onnx' and '' as the same domain.
  const d = domain === 'ai.onnx' ? '' : domain;
  return `${d}::${opType}`;
}

/** The same rules by domain ('ai.onnx' as '') then op type, for lookups that build no key string. */
const rulesByDomain = new Map<string, Map<string, ShapeRule>>();

export function registerShapeRules(domain: string, table: Record<string, ShapeRule>): void {
  const d = domain === 'ai.onnx' ? '' : domain;
  let ops = rulesByDomain.get(d);
  if (!ops) rulesByDomain.set(d, (ops = new Map()));
  for (const [opType, rule] of Object.entries(table)) {
    rules.set(ruleKey(domain, opType), rule);
    ops.set(opType, rule);
  }
}

/** Every rule of one domain by op type; a live view (rules registered later appear in it). */
export function shapeRulesOf(domain: string): ReadonlyMap<string, ShapeRule> {
  const d = domain === 'ai.onnx' ? '' : domain;
  let ops = rulesByDomain.get(d);
  if (!ops) rulesByDomain.set(d, (ops = new Map()));
  return ops;
}

export function findShapeRule(domain: string, opType: string): ShapeRule | undefined {
  return rules.get(ruleKey(domain, opType));
}

export function registeredOps(domain: string): string[] {
  const prefix = ruleKey(domain, '');
  return [...rules.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}
