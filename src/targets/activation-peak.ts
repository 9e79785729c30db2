/**
 * The one place targets learn a model's activation RAM. Preference order:
 *   1. `analysis.totals.activationPeakBytes` (analyze fills it from the "st" plan),
 *   2. planStPeakBytes(analysis) (the memory planner's st plan alone, per scratch engine),
 *   3. FALLBACK: the maximum over the schedule of live activation bytes (every tensor from its producer to
 *      its last consumer, views aliased). This over-estimates ST for many nets (facts §2.2) and is labelled
 *      'fallback-max-live' wherever it is used. When the planner threw, its message is kept
 *      (`PeakEstimate.planError`) and `evaluateTargets` adds it to each affected target's notes.
 */
import type { ScratchEngineName } from '../analyzer/memory/scratch-rules.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { planStPeakBytes } from '../analyzer/memory/index.ts';
import { planStLitePeakBytes, stAllocatorFamily } from '../analyzer/memory/st4x-plan.ts';

export interface PeakEstimate {
  bytes: number;
  source: 'st-plan' | 'fallback-max-live';
  /** Why the st plan is missing when the planner failed (its error message); the fallback is used then. */
  planError?: string;
  /** Which st plan made `bytes` (activationPeakBytesForTool only): the 8.1 model or the STEdgeAI 3.x/4.x lite model. */
  plan?: 'st-8.1' | 'stedgeai-lite';
}

function stPlanBytes(a: Analysis, scratchEngine?: ScratchEngineName): { bytes?: number; error?: string } {
  // analyze's own figure is the default ('st' scratch) plan; another scratch engine needs its own plan
  if ((!scratchEngine || scratchEngine === 'st') && typeof a.totals.activationPeakBytes === 'number' && a.totals.activationPeakBytes > 0) return { bytes: a.totals.activationPeakBytes };
  let peak: number | undefined;
  try {
    // memoised per analysis and engine (memory/index.ts): a check asks once per distinct scratch engine
    peak = planStPeakBytes(a, scratchEngine ? { scratchEngine } : {});
  } catch (e) {
    // Not swallowed: the fallback is labelled and the planner's message travels with it (PeakEstimate.planError).
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return { bytes: peak !== undefined && peak > 0 ? peak : undefined };
}

/** FALLBACK until the st planner is available: max live activation bytes over the schedule. */
export function fallbackMaxLiveBytes(a: Analysis): number {
  const viewOf = new Map<string, string>();
  for (const l of a.layers) if (l.kind === 'view' && l.inputs[0] && l.outputs[0]) viewOf.set(l.outputs[0], l.inputs[0]);
  const root = (n: string): string => {
    let r = n;
    for (let i = 0; i < 1000 && viewOf.has(r); i++) r = viewOf.get(r)!;
    return r;
  };
  const bytes = new Map<string, number>();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const n = a.layers.length;
  for (const t of a.tensors) {
    const r = root(t.name);
    bytes.set(r, Math.max(bytes.get(r) ?? 0, t.bytes));
    const f = t.producer < 0 ? 0 : t.producer;
    first.set(r, Math.min(first.get(r) ?? f, f));
    const l = t.isGraphOutput ? n - 1 : Math.max(f, ...t.consumers);
    last.set(r, Math.max(last.get(r) ?? l, l));
  }
  let peak = 0;
  for (let step = 0; step < n; step++) {
    if (a.layers[step]!.kind === 'view') continue;
    let live = 0;
    for (const [r, b] of bytes) if (first.get(r)! <= step && last.get(r)! >= step) live += b;
    peak = Math.max(peak, live);
  }
  return peak;
}

/** `scratchEngine` (ST's MCU runtime 'st', or a CMSIS-NN build: DSP on M7/M33, MVE on M55/N6) changes kernel scratch sizes. */
export function activationPeakBytes(a: Analysis, scratchEngine?: ScratchEngineName): PeakEstimate {
  const st = stPlanBytes(a, scratchEngine);
  if (st.bytes !== undefined) return { bytes: st.bytes, source: 'st-plan' };
  const fallback: PeakEstimate = { bytes: fallbackMaxLiveBytes(a), source: 'fallback-max-live' };
  if (st.error !== undefined) fallback.planError = st.error;
  return fallback;
}

/**
 * The pool STEdgeAI Core 3.0/4.0 (lite code generator, ST's MCU runtime scratch rules) allocates; undefined when
 * that plan cannot be made (the 8.1 figure stands then, labelled by the caller). Its one caller (modelFeatures'
 * lite field) asks once per analysis, so nothing is memoised.
 */
export function litePeakBytes(a: Analysis): number | undefined {
  try {
    const b = planStLitePeakBytes(a);
    return b !== undefined && b > 0 ? b : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The activation pool for the ST tool version a published row or a target's tables name ('4.0.0', 'stedgeai-4.0',
 * '8.1.0', 'cubeai-8.1' …). STEdgeAI Core 3.x / 4.x (st4x-plan.ts `stAllocatorFamily` 'stedgeai-lite', the zoo 4.x
 * tables) with ST's MCU scratch rules → the lite-generator pool (`litePeakBytes`); every other version, scratch
 * engine or an unknown version → `activationPeakBytes` (the 8.1 st plan), as before.
 *
 * Why: on the 27 STM32H747I-DISCO activation rows of STEdgeAI 4.0 (data/calibration-error.json, 14 models) the lite
 * pool's error is 8.3 % mean |err| (calibrate's note) against 12.5 % for the
 * 8.1 plan, 7 rows within ±3 % against 3; it is closer on 15 rows (ResNet8 −25.5 → −11.5 %, ST MNIST −24.1 → −6.3 %,
 * SqueezeNet 1.1 128/224 −11.6/−8.8 → −2.0/−3.6 %, MobileNet v1 0.25 fft 224/96 −25.7/−39.0 → −8.1/−25.3 %, the
 * MobileNet v1 zoo builds 0.25/0.5/1.0 −24.7/−6.6/−10.5 → −5.4/−1.4/−5.6 %, FD-MobileNet 4 rows, MobileNet v1 0.5 fft
 * and 0.25 grayscale), further on 3 by 1.4–1.8 points (ST YOLO LC v1 192/224/256 −7.1/−4.4/−3.3 → −8.9/−6.0/−4.7 %),
 * equal on 9; both are below ST on every row (docs/memory-4x.md "Session 5").
 */
export function activationPeakBytesForTool(a: Analysis, toolVersion: string | undefined, scratchEngine?: ScratchEngineName): PeakEstimate {
  if (toolVersion && stAllocatorFamily(toolVersion) === 'stedgeai-lite' && (!scratchEngine || scratchEngine === 'st')) {
    const lite = litePeakBytes(a);
    if (lite !== undefined) return { bytes: lite, source: 'st-plan', plan: 'stedgeai-lite' };
  }
  const p = activationPeakBytes(a, scratchEngine);
  return p.source === 'st-plan' ? { ...p, plan: 'st-8.1' } : p;
}
