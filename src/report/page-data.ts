/**
 * The data the page script draws from: the per-layer table, per-layer latency, live bytes over the
 * schedule, the buffer plans and the resolution sweep, reduced from a ReportInput. Pure; embedded as JSON.
 */
import type { Layer } from '../analyzer/layer.ts';
import type { ReportInput, ReportMemoryPlan, ReportTargetResult } from './types.ts';

/** Colours per target, in the order targets appear (stable across charts of one report). */
export const TARGET_COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d8c', '#6e7781', '#fb8500', '#3d5a80'];

export interface PageLayer {
  index: number;
  op: string;
  kind: string;
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
  dtypes: string;
  macs: number;
  macsUnit: 'mac' | 'op';
  params: number;
  weightBytes: number;
  outputBytes: number;
}

export interface PageTarget {
  id: string;
  label: string;
  color: string;
  layerLatencyMs: number[] | null;
  latencyErrorPct: number | null;
}

export interface PagePlan {
  name: string;
  peakBytes: number;
  /** Live activation bytes at each step (steps firstStep..lastStep of all buffers). */
  liveBytes: number[];
  firstStep: number;
  peakStep: number;
  /** Label of the layer run at each step (for axes and tooltips). */
  stepLabels: string[];
  buffers: { name: string; sizeBytes: number; offsetBytes: number; firstStep: number; lastStep: number; kind: string | null }[];
  note: string | null;
}

/** Live bytes over one schedule; plans that run the same schedule share one curve. */
export interface PageLiveCurve {
  plans: string[];
  firstStep: number;
  liveBytes: number[];
  peakStep: number;
  stepLabels: string[];
}

export interface PageSweepSeries {
  id: string;
  label: string;
  color: string;
  ramBytes: (number | null)[];
  ramCapacityBytes: (number | null)[];
  flashBytes: (number | null)[];
  flashCapacityBytes: (number | null)[];
  latencyMs: (number | null)[];
}

export interface PageData {
  layers: PageLayer[];
  targets: PageTarget[];
  memory: { plans: PagePlan[]; liveCurves: PageLiveCurve[]; lowerBoundBytes: number } | null;
  sweep: { resolutions: number[]; macs: number[]; series: PageSweepSeries[] } | null;
}

export function targetLabel(t: ReportTargetResult): string {
  return t.name && t.name !== t.id ? t.name : t.id;
}

function layerDtypes(layer: Layer): string {
  const inputs = [...new Set(layer.inputDtypes)].join(',') || '—';
  const outputs = [...new Set(layer.outputDtypes)].join(',') || '—';
  const weights = layer.weightDtype ? ` w:${layer.weightDtype}` : '';
  return `${inputs}→${outputs}${weights}`;
}

/**
 * Live bytes per step: the arena bytes in use at that step, i.e. the union of [offset, offset + size) of the
 * buffers live then (both ends inclusive). A buffer placed over its input (in-place kernels) shares bytes
 * with it, so shared bytes count once; the curve never exceeds the plan's arena size.
 */
export function liveBytesPerStep(plan: Pick<ReportMemoryPlan, 'buffers'>): { firstStep: number; liveBytes: number[] } {
  if (plan.buffers.length === 0) return { firstStep: 0, liveBytes: [] };
  // loops, not Math.min(...): a spread of one argument per buffer overflows the call stack on 100,000-layer models
  const firstStep = plan.buffers.reduce((m, b) => Math.min(m, b.firstStep), Infinity);
  const lastStep = plan.buffers.reduce((m, b) => Math.max(m, b.lastStep), -Infinity);
  // a sweep over the steps with the buffers live at each, not every buffer per step (quadratic: hours on a 200,000-layer chain)
  const starting = plan.buffers.filter((b) => b.sizeBytes > 0).sort((x, y) => x.firstStep - y.firstStep);
  let next = 0;
  let active: typeof starting = [];
  const live: number[] = [];
  for (let s = firstStep; s <= lastStep; s++) {
    while (next < starting.length && starting[next]!.firstStep <= s) active.push(starting[next++]!);
    active = active.filter((b) => b.lastStep >= s);
    live.push(unionBytes(active));
  }
  return { firstStep, liveBytes: live };
}

/** Bytes of the union of the buffers' [offset, offset + size) ranges. */
function unionBytes(buffers: readonly { offsetBytes: number; sizeBytes: number }[]): number {
  const spans = buffers.map((b) => [b.offsetBytes, b.offsetBytes + b.sizeBytes] as const).sort((x, y) => x[0] - y[0]);
  let used = 0;
  let end = -Infinity;
  for (const [lo, hi] of spans) {
    if (hi <= end) continue;
    used += hi - Math.max(lo, end);
    end = hi;
  }
  return used;
}

function pagePlan(name: string, plan: ReportMemoryPlan, layers: Layer[]): PagePlan {
  const { firstStep, liveBytes } = liveBytesPerStep(plan);
  let peakIndex = 0;
  liveBytes.forEach((v, i) => {
    if (v > liveBytes[peakIndex]!) peakIndex = i;
  });
  const schedule = plan.schedule ?? layers.map((l) => l.index);
  const stepLabels = liveBytes.map((_, i) => {
    const step = firstStep + i;
    const layer = step >= 0 && step < schedule.length ? layers[schedule[step]!] : undefined;
    return layer ? `#${layer.index} ${layer.op} ${layer.name}` : step < 0 ? 'input' : `step ${step}`;
  });
  return {
    name,
    peakBytes: plan.peakBytes,
    liveBytes,
    firstStep,
    peakStep: firstStep + peakIndex,
    stepLabels,
    buffers: plan.buffers.map((b) => ({ name: b.name, sizeBytes: b.sizeBytes, offsetBytes: b.offsetBytes, firstStep: b.firstStep, lastStep: b.lastStep, kind: b.kind ?? null })),
    note: plan.note ?? null,
  };
}

/** Planner order on the page: ST's first, the best achievable last. */
function plannerOrder(names: string[]): string[] {
  const rank = (n: string): number => (n === 'st' ? 0 : n === 'best' ? 2 : 1);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function liveCurves(plans: PagePlan[]): PageLiveCurve[] {
  const curves: PageLiveCurve[] = [];
  for (const p of plans) {
    if (p.liveBytes.length === 0) continue;
    const same = curves.find((c) => c.firstStep === p.firstStep && c.liveBytes.length === p.liveBytes.length && c.liveBytes.every((v, i) => v === p.liveBytes[i]));
    if (same) same.plans.push(p.name);
    else curves.push({ plans: [p.name], firstStep: p.firstStep, liveBytes: p.liveBytes, peakStep: p.peakStep, stepLabels: p.stepLabels });
  }
  return curves;
}

/** The capacity line of the sweep charts: internal memory when the target has some for the role, else all of it. */
function onChipCapacity(fit: ReportTargetResult['ram']): number {
  return fit.internalCapacityBytes !== undefined && fit.internalCapacityBytes > 0 ? fit.internalCapacityBytes : fit.capacityBytes;
}

export function buildPageData(input: ReportInput): PageData {
  const layers = input.analysis.layers;
  const targets = input.targets ?? [];
  const colorOf = targetColors(input);
  const memory = pageMemory(input);
  const sweep = pageSweep(input, colorOf);
  return {
    layers: layers.map((l) => ({
      index: l.index,
      op: l.op,
      kind: l.kind,
      name: l.name,
      inputShapes: l.inputShapes,
      outputShapes: l.outputShapes,
      dtypes: layerDtypes(l),
      macs: l.macs,
      macsUnit: l.macsUnit,
      params: l.params,
      weightBytes: l.weightBytes,
      outputBytes: l.outputBytes,
    })),
    targets: targets.map((t) => ({
      id: t.id,
      label: targetLabel(t),
      color: colorOf.get(t.id)!,
      layerLatencyMs: t.layerLatencyMs && t.layerLatencyMs.length === layers.length ? t.layerLatencyMs : null,
      latencyErrorPct: t.latencyErrorPct,
    })),
    memory,
    sweep,
  };
}

/** A colour per target id, in order of first appearance (the report's targets, then the sweep's). */
function targetColors(input: ReportInput): Map<string, string> {
  const colorOf = new Map<string, string>();
  const ids = [...(input.targets ?? []).map((t) => t.id), ...(input.sweep ?? []).flatMap((p) => p.targets.map((t) => t.id))];
  for (const id of ids) if (!colorOf.has(id)) colorOf.set(id, TARGET_COLORS[colorOf.size % TARGET_COLORS.length]!);
  return colorOf;
}

/** The planners' plans (in the page's order) and their live-bytes curves; null without a memory report. */
function pageMemory(input: ReportInput): PageData['memory'] {
  if (!input.memory) return null;
  const plans = plannerOrder(Object.keys(input.memory.planners)).map((n) => pagePlan(n, input.memory!.planners[n]!, input.analysis.layers));
  return { plans, liveCurves: liveCurves(plans), lowerBoundBytes: input.memory.lowerBoundBytes };
}

/** The resolution sweep by increasing resolution, a series per target (null where a point lacks it); null without a sweep. */
function pageSweep(input: ReportInput, colorOf: Map<string, string>): PageData['sweep'] {
  if (!input.sweep || input.sweep.length === 0) return null;
  const points = [...input.sweep].sort((a, b) => a.resolution - b.resolution);
  const seriesIds = [...new Set(points.flatMap((p) => p.targets.map((t) => t.id)))];
  return {
    resolutions: points.map((p) => p.resolution),
    macs: points.map((p) => p.macs),
    series: seriesIds.map((id) => {
      const at = points.map((p) => p.targets.find((t) => t.id === id));
      const first = at.find((t) => t !== undefined)!;
      return {
        id,
        label: targetLabel(first),
        color: colorOf.get(id)!,
        ramBytes: at.map((t) => (t ? t.ram.internalBytes + t.ram.externalBytes : null)),
        ramCapacityBytes: at.map((t) => (t ? onChipCapacity(t.ram) : null)),
        flashBytes: at.map((t) => (t ? t.flash.internalBytes + t.flash.externalBytes : null)),
        flashCapacityBytes: at.map((t) => (t ? onChipCapacity(t.flash) : null)),
        latencyMs: at.map((t) => t?.latencyMs ?? null),
      };
    }),
  };
}
