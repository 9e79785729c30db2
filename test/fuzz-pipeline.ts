/**
 * One fuzz case through everything a user's command runs on a model: load (reader + graph check) → analyze
 * (shapes, layers, totals) → plan activation memory → evaluate every target → the analyze JSON document and
 * table. Of the cases that get that far, one in four also builds the HTML report from the file (`edgefit
 * report`), another one in four is re-analysed at a 97×97 input (`check --resolution`), and a third one in four
 * is loaded and analysed again, whose JSON must be byte-identical.
 * The outcome is 'ok' / 'ok-partial', the EdgefitError code, or a failure: 'crash' (any other exception),
 * 'bad-message' (a typed error whose message is empty or spans lines), 'bad-figure' (a total, layer figure,
 * peak or latency that is negative, NaN or infinite in a result presented as valid) or 'nondeterministic'.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeModel } from '../src/analyzer/analyze.ts';
import { EdgefitError } from '../src/analyzer/errors.ts';
import { loadModelBytes } from '../src/analyzer/load.ts';
import { planMemory } from '../src/analyzer/memory/index.ts';
import { analysisToJson, stPeakBytes } from '../src/cli/format/analysis-json.ts';
import { renderAnalysis } from '../src/cli/commands/analyze.ts';
import { buildReportInput } from '../src/report/build-input.ts';
import { renderReport } from '../src/report/render.ts';
import { evaluateTargets, listTargets } from '../src/targets/evaluate.ts';
import { resolutionOverrides } from '../src/targets/present.ts';
import type { FuzzCase } from './fuzz-mutations.ts';

export type FailureOutcome = 'crash' | 'bad-message' | 'bad-figure' | 'nondeterministic' | 'timeout' | 'out-of-memory';
export const FAILURES: readonly string[] = ['crash', 'bad-message', 'bad-figure', 'nondeterministic', 'timeout', 'out-of-memory'];

export interface CaseResult {
  /** 'ok', 'ok-partial', 'error:<CODE>' or a FailureOutcome. */
  outcome: string;
  message?: string;
  stack?: string;
  /** Pipeline stage reached when it ended. */
  stage: string;
  ms: number;
}

/** Cases whose index is 1 modulo this also re-analyse the model at a 97×97 input (check --resolution's path). */
export const RESOLUTION_EVERY = 4;

/** Cases whose index is 2 modulo this are loaded and analysed a second time: the JSON must be byte-identical. */
export const DETERMINISM_EVERY = 4;

/** Model files are read relative to a folder that does not exist: external data can only fail, never read. */
const NO_DIR = '/nonexistent-edgefit-fuzz-dir';
/** Lower than the defaults so a mutated dim cannot make the reader allocate a lot (the cap is what is tested). */
export const FUZZ_MAX_TENSOR_BYTES = 64 * 2 ** 20;

const badNumber = (v: unknown) => typeof v === 'number' && (!Number.isFinite(v) || v < 0);

export function runCase(c: FuzzCase): CaseResult {
  const start = performance.now();
  let stage = 'load';
  const done = (outcome: string, extra: Partial<CaseResult> = {}): CaseResult => ({ outcome, stage, ms: performance.now() - start, ...extra });
  try {
    const model = loadModelBytes(c.bytes, `fuzz-${c.index}.${c.format}`, { baseDir: NO_DIR, maxTensorBytes: FUZZ_MAX_TENSOR_BYTES });
    stage = 'analyze';
    const analysis = analyzeModel(model, c.inputShapes ? { inputShapes: c.inputShapes } : {});
    stage = 'plan';
    const memory = planMemory(analysis);
    const peak = stPeakBytes(memory);
    if (peak !== undefined) analysis.totals.activationPeakBytes = peak;
    stage = 'targets';
    const results = evaluateTargets(analysis, listTargets().map((t) => t.id));
    stage = 'render';
    const json = JSON.stringify(analysisToJson(analysis, memory));
    renderAnalysis(analysis, memory);
    stage = 'check';
    const bad: string[] = [];
    for (const [k, v] of Object.entries(analysis.totals)) if (badNumber(v)) bad.push(`totals.${k}=${v}`);
    for (const l of analysis.layers) {
      for (const k of ['macs', 'stMacc', 'params', 'weightBytes', 'outputBytes'] as const) if (badNumber(l[k])) bad.push(`layer ${l.index} (${l.op}).${k}=${l[k]}`);
    }
    for (const [k, p] of Object.entries(memory?.planners ?? {})) if (badNumber(p.peakBytes)) bad.push(`memory.${k}.peakBytes=${p.peakBytes}`);
    for (const r of results) {
      if (badNumber(r.latencyMs)) bad.push(`${r.id}.latencyMs=${r.latencyMs}`);
      if (badNumber(r.activationBytes)) bad.push(`${r.id}.activationBytes=${r.activationBytes}`);
    }
    if (bad.length) return done('bad-figure', { message: bad.slice(0, 4).join(', ') });
    if (c.index % DETERMINISM_EVERY === 2) {
      // the same bytes, loaded and analysed again: byte-identical analyze --json
      stage = 'determinism';
      const again = analyzeModel(loadModelBytes(c.bytes, `fuzz-${c.index}.${c.format}`, { baseDir: NO_DIR, maxTensorBytes: FUZZ_MAX_TENSOR_BYTES }), c.inputShapes ? { inputShapes: c.inputShapes } : {});
      const againMemory = planMemory(again);
      const againPeak = stPeakBytes(againMemory);
      if (againPeak !== undefined) again.totals.activationPeakBytes = againPeak;
      const json2 = JSON.stringify(analysisToJson(again, againMemory));
      if (json2 !== json) {
        let at = 0;
        while (at < json.length && json[at] === json2[at]) at++;
        return done('nondeterministic', { message: `analyze JSON differs at char ${at}: …${json.slice(Math.max(0, at - 60), at + 40)}… vs …${json2.slice(Math.max(0, at - 60), at + 40)}…` });
      }
    }
    if (c.index % RESOLUTION_EVERY === 1 && !c.inputShapes) {
      // `check --resolution` / `compare --resolutions`: the same model re-inferred at an odd input size;
      // refusing it (e.g. a fixed Reshape) is fine, anything but an EdgefitError is not
      stage = 'resolution';
      let overrides: Record<string, number[]> | undefined;
      try {
        overrides = resolutionOverrides(analysis, 97);
      } catch (e) {
        if (!(e instanceof EdgefitError)) throw e;
      }
      if (overrides) {
        try {
          const resized = analyzeModel(model, { inputShapes: overrides });
          const resizedMemory = planMemory(resized);
          const resizedPeak = stPeakBytes(resizedMemory);
          if (resizedPeak !== undefined) resized.totals.activationPeakBytes = resizedPeak;
          evaluateTargets(resized, listTargets().map((t) => t.id));
        } catch (e) {
          if (!(e instanceof EdgefitError)) throw e;
        }
      }
    }
    return done(analysis.partial ? 'ok-partial' : 'ok');
  } catch (e) {
    if (e instanceof EdgefitError) {
      if (!e.message || e.message.includes('\n') || e.message.includes('\r')) return done('bad-message', { message: JSON.stringify(e.message).slice(0, 300) });
      return done(`error:${e.code}`, { message: e.message });
    }
    const err = e as Error;
    return done('crash', { message: `${err?.name ?? typeof e}: ${String(err?.message ?? e).split('\n')[0]}`, stack: err?.stack?.split('\n').slice(0, 8).join('\n') });
  }
}

/** Cases whose index is a multiple of this also render the HTML report when the pipeline succeeded. */
export const REPORT_EVERY = 4;

/** runCase, then (for one case in REPORT_EVERY that succeeded) the report built from the file as `edgefit report` does. */
export async function runCaseWithReport(c: FuzzCase): Promise<CaseResult> {
  const result = runCase(c);
  if (!result.outcome.startsWith('ok') || c.index % REPORT_EVERY !== 0 || c.inputShapes) return result;
  const start = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'edgefit-fuzz-report-'));
  try {
    const path = join(dir, `fuzz-${c.index}.${c.format}`);
    writeFileSync(path, c.bytes);
    const html = renderReport(await buildReportInput(path));
    if (!html.includes('</html>')) return { ...result, outcome: 'crash', stage: 'report', message: 'report without </html>' };
    return { ...result, ms: result.ms + performance.now() - start };
  } catch (e) {
    if (e instanceof EdgefitError) {
      // the analysis succeeded: the report must not refuse what analyze and check accept
      return { ...result, outcome: 'crash', stage: 'report', message: `report refused an analyzable model: ${e.code}: ${e.message}` };
    }
    const err = e as Error;
    return { ...result, outcome: 'crash', stage: 'report', message: `${err?.name}: ${String(err?.message ?? e).split('\n')[0]}`, stack: err?.stack?.split('\n').slice(0, 8).join('\n') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
