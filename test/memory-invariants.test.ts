/**
 * Invariants of every memory plan, property-tested on random DAGs (fast-check, seeded) and checked on every
 * model in ../shared/models:
 * - every buffer lies inside the arena, at an aligned offset;
 * - two buffers live at the same step never share a byte, except a layer's output over the input it consumes
 *   last, at a relative offset its overlap rule allows (st and best plans only; greedy/linear never overlap);
 * - no plan is below the lower bound of its schedule;
 * - the schedule search is exact on small graphs: it equals the minimum over all topological orders.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../src/analyzer/analyze.ts';
import type { Analysis } from '../src/analyzer/layer.ts';
import {
  computeLiveness,
  livenessLowerBoundBytes,
  planMemory,
  planStPeakBytes,
  runPlanner,
  scratchFunction,
  StPlanner,
  searchBestSchedule,
  type MemoryReport,
  type PlannerReport,
  SEARCH_LAYER_LIMIT,
} from '../src/analyzer/memory/index.ts';
import { defaultSchedule } from '../src/analyzer/memory/schedule.ts';
import { stExecutionOrder } from '../src/analyzer/memory/st-plan.ts';
import { liteLiveness, planLivenessBytes, planStLitePeakBytes } from '../src/analyzer/memory/st4x-plan.ts';
import { modelLabel, sharedModels } from './helpers/shared.ts';
import { buildGraph, generatedGraph, recipeArb } from './memory-random-graphs.ts';

const SEED = 20261126;

function checkPlan(analysis: Analysis, report: MemoryReport, name: keyof MemoryReport['planners']): void {
  const plan: PlannerReport = report.planners[name];
  const byName = new Map(analysis.layers.map((l) => [l.name, l.index]));
  const schedule = plan.schedule ? plan.schedule.map((n) => byName.get(n)!) : analysis.layers.map((l) => l.index);
  const st = plan.strategy.startsWith('st');
  const liveness = computeLiveness(analysis, schedule, {
    allocateIo: report.allocateIo,
    scratchBytes: scratchFunction(report.scratchEngine),
    splitPads: st && report.stSplitPads,
    fuseConvPool: st && report.stFuseConvPool,
  });
  const rules = new Map<string, (typeof liveness.overlaps)[number]>();
  for (const o of liveness.overlaps) rules.set(`${liveness.buffers[o.output]!.name}|${liveness.buffers[o.input]!.name}`, o);
  const overlapAllowed = plan.strategy.startsWith('st');

  expect(plan.buffers.length).toBe(liveness.buffers.length);
  for (const b of plan.buffers) {
    expect(b.offsetBytes, `${name}: ${b.name} offset`).toBeGreaterThanOrEqual(0);
    expect(b.offsetBytes + b.sizeBytes, `${name}: ${b.name} end`).toBeLessThanOrEqual(plan.peakBytes);
    expect(b.offsetBytes % plan.alignmentBytes, `${name}: ${b.name} alignment`).toBe(0);
  }
  const bufs = plan.buffers.filter((b) => b.sizeBytes > 0);
  for (let i = 0; i < bufs.length; i++) {
    for (let j = i + 1; j < bufs.length; j++) {
      const a = bufs[i]!;
      const b = bufs[j]!;
      if (a.lastStep < b.firstStep || b.lastStep < a.firstStep) continue;
      const disjoint = a.offsetBytes + a.sizeBytes <= b.offsetBytes || b.offsetBytes + b.sizeBytes <= a.offsetBytes;
      if (disjoint) continue;
      const rule = rules.get(`${a.name}|${b.name}`) ?? rules.get(`${b.name}|${a.name}`);
      const where = `${name}: ${a.name} [${a.offsetBytes}+${a.sizeBytes}] and ${b.name} [${b.offsetBytes}+${b.sizeBytes}] overlap`;
      expect(overlapAllowed && rule !== undefined, where).toBe(true);
      const out = liveness.buffers[rule!.output]!.name === a.name ? a : b;
      const inp = out === a ? b : a;
      const d = out.offsetBytes - inp.offsetBytes;
      const ok =
        (rule!.forwardDeltaBytes !== undefined && d <= rule!.forwardDeltaBytes) ||
        (rule!.backwardDeltaBytes !== undefined && d >= rule!.backwardDeltaBytes);
      expect(ok, `${where} at d=${d}, rule ${JSON.stringify(rule)}`).toBe(true);
    }
  }
  expect(plan.peakBytes).toBeGreaterThanOrEqual(livenessLowerBoundBytes(liveness));
}

function checkAll(analysis: Analysis, report: MemoryReport): void {
  for (const name of ['st', 'greedy', 'linear', 'best'] as const) checkPlan(analysis, report, name);
  expect(report.planners.best.peakBytes).toBeLessThanOrEqual(report.planners.st.peakBytes);
}

/** All topological orders of a small graph (oracle for the exact search). */
function allOrders(analysis: Analysis): number[][] {
  const n = analysis.layers.length;
  const producer = new Map(analysis.tensors.map((t) => [t.name, t.producer]));
  const deps = analysis.layers.map((l) => new Set(l.inputs.map((x) => producer.get(x) ?? -1).filter((p) => p >= 0)));
  const out: number[][] = [];
  const rec = (order: number[], done: Set<number>) => {
    if (order.length === n) return void out.push([...order]);
    for (let l = 0; l < n; l++) {
      if (done.has(l) || ![...deps[l]!].every((d) => done.has(d))) continue;
      done.add(l);
      order.push(l);
      rec(order, done);
      order.pop();
      done.delete(l);
    }
  };
  rec([], new Set());
  return out;
}

describe('memory plans on random DAGs', () => {
  it('keep buffers inside the arena and apart unless an overlap rule allows it', () => {
    fc.assert(
      fc.property(recipeArb(24), fc.boolean(), fc.constantFrom(1, 4, 16), fc.constantFrom('dsp', 'mve', 'none', 'off'), (recipe, allocateIo, alignmentBytes, engine) => {
        const analysis = buildGraph(recipe);
        const report = planMemory(analysis, { allocateIo, alignmentBytes, scratchEngine: engine as 'dsp' })!;
        checkAll(analysis, report);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('the schedule search equals the best of all topological orders on small graphs', () => {
    fc.assert(
      fc.property(recipeArb(7), (recipe) => {
        const analysis = buildGraph(recipe);
        const scratchBytes = scratchFunction('dsp');
        const result = searchBestSchedule(analysis, { scratchBytes, stateLimit: 10_000 });
        expect(result.exact).toBe(true);
        const oracle = Math.min(
          ...allOrders(analysis).map((o) => livenessLowerBoundBytes(computeLiveness(analysis, o, { scratchBytes }))),
        );
        expect(result.peakBytes).toBe(oracle);
        expect(livenessLowerBoundBytes(computeLiveness(analysis, result.schedule, { scratchBytes }))).toBe(oracle);
      }),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('a residual block: the re-ordered schedule runs the long branch first', () => {
    // x → A (big) → B (small); x → C (small); Add(B, C). Running C before A keeps C's small output alive
    // instead of x during A; the search must find a peak ≤ the model's own order.
    const analysis = buildGraph({
      inputHw: 16,
      inputC: 8,
      steps: [
        { op: 0, a: 0, b: 0, k: 0.5, s: 0, c: 0.99 }, // Conv 3×3 → 24 ch (from input)
        { op: 0, a: 0.99, b: 0, k: 0, s: 0, c: 0.3 }, // Conv 1×1 of the last int8 tensor → 8 ch
        { op: 2, a: 0, b: 0, k: 0, s: 0, c: 0 }, // Activation of input
        { op: 3, a: 0.99, b: 0.6, k: 0, s: 0, c: 0 }, // Add
      ],
    });
    const report = planMemory(analysis)!;
    checkAll(analysis, report);
    expect(report.planners.best.lowerBoundBytes).toBeLessThanOrEqual(report.lowerBoundBytes);
  });
});

describe('schedule search bound', () => {
  it('beyond searchLayerLimit the best plan is the st plan on the model order, flagged searchSkipped', () => {
    const analysis = generatedGraph(1000);
    const report = planMemory(analysis)!;
    expect(analysis.layers.length).toBeGreaterThan(SEARCH_LAYER_LIMIT);
    expect(report.planners.best.searchSkipped).toBe(true);
    expect(report.planners.best.exact).toBe(false);
    expect(report.planners.best.peakBytes).toBe(report.planners.st.peakBytes);
    expect(report.planners.best.strategy).toContain('skipped');
    checkPlan(analysis, report, 'st');
    checkPlan(analysis, report, 'greedy');
    checkPlan(analysis, report, 'linear');
    // a limit above the size lets the search run
    const small = generatedGraph(60);
    const searched = planMemory(small, { searchLayerLimit: 100 })!;
    expect(searched.planners.best.searchSkipped).toBeUndefined();
    expect(searched.planners.best.peakBytes).toBeLessThanOrEqual(searched.planners.st.peakBytes);
  });
});

describe('per-analysis planning memo', () => {
  it('a second planMemory on the same analysis describes the same plan as the first', () => {
    // the memo once kept the first caller's schedule array and compared later calls' arrays by identity, so the
    // second call reported "ST's execution order" although nothing had moved
    const analysis = generatedGraph(1000);
    const first = planMemory(analysis)!;
    const second = planMemory(analysis)!;
    expect(first.planners.best.strategy).toContain("the model's own order");
    expect(second.planners.best.strategy).toBe(first.planners.best.strategy);
    expect(second.planners.st.peakBytes).toBe(first.planners.st.peakBytes);
  });
});

describe('plans sharing a per-analysis skeleton', () => {
  // planStPeakBytes / planStLitePeakBytes on one analysis share the schedule check, the skeleton (with no conv + pool
  // pair the fused one serves the lite plan) and load the st planner straight from it: each pool must equal the one
  // planned from a liveness built on its own, and planMemory's st offsets the separately planned ones
  const separateStPlan = (a: Analysis, engine: 'st' | 'mve' | 'none' | 'dsp') => {
    const lv = computeLiveness(a, stExecutionOrder(a, defaultSchedule(a)), { allocateIo: true, scratchBytes: scratchFunction(engine), splitPads: true, fuseConvPool: true });
    return runPlanner(a, lv, new StPlanner({ alignmentBytes: 4 }), 4);
  };
  const check = (label: string, make: () => Analysis) => {
    const shared = make();
    const sharedPools = { lite: planStLitePeakBytes(shared), mve: planStPeakBytes(shared, { scratchEngine: 'mve' }), none: planStPeakBytes(shared, { scratchEngine: 'none' }), dsp: planStPeakBytes(shared, { scratchEngine: 'dsp' }) };
    const st = planMemory(shared)!.planners.st;
    const a = make();
    expect(sharedPools.lite, `${label} lite`).toBe(planLivenessBytes(liteLiveness(a, defaultSchedule(a))));
    for (const e of ['mve', 'none', 'dsp'] as const) expect(sharedPools[e], `${label} ${e}`).toBe(separateStPlan(a, e).peakBytes);
    const separate = separateStPlan(a, 'st');
    expect(st.buffers.map((b) => [b.name, b.offsetBytes]), `${label} st offsets`).toEqual(separate.buffers.map((b) => [b.name, b.offsetBytes]));
  };
  it('gives the pools and offsets of separately built plans (generated graphs)', () => {
    for (const seed of [1, 2, 3]) check(`generated seed ${seed}`, () => generatedGraph(300, seed));
  });
  it('gives the pools and offsets of separately built plans (shared models)', () => {
    const models = [...sharedModels('onnx'), ...sharedModels('tflite')];
    let checked = 0;
    for (const path of models) {
      let a: Analysis;
      try {
        a = analyzeFile(path);
      } catch {
        continue;
      }
      if (a.layers.length === 0) continue;
      check(modelLabel(path), () => analyzeFile(path));
      if (++checked === 8) break;
    }
    console.log(`[memory-invariants] shared-skeleton plans checked on ${checked} models`);
  });
});

describe('memory plans on the shared models', () => {
  const models = [...sharedModels('tflite'), ...sharedModels('onnx')];
  it.skipIf(models.length === 0)('hold the invariants on every model', () => {
    let checked = 0;
    for (const path of models) {
      let analysis: Analysis;
      try {
        analysis = analyzeFile(path);
      } catch (e) {
        console.log(`[memory-invariants] ${modelLabel(path)}: not analysed (${(e as Error).message.split('\n')[0]})`);
        continue;
      }
      const report = planMemory(analysis, { searchStateLimit: 50 });
      if (!report) continue;
      checkAll(analysis, report);
      checked++;
    }
    console.log(`[memory-invariants] ${checked}/${models.length} models planned and checked`);
    expect(checked).toBeGreaterThan(0);
  });
});
