/**
 * Placements read off code that ST's own tools generated (STEdgeAI Core 2.x–4.x `network_c_info.json`, lite
 * st-ai `network.c`), kept as data under data/st-generated/ (docs/memory-4x.md lists every source). Each record
 * holds ST's buffers with their lifetimes and offsets, and the output/input pairs ST placed overlapping.
 *
 * Three uses:
 * - `checkStPlacement`: ST's layout is a valid plan (no two live buffers share bytes unless ST declared the
 *   pair), its pool is the highest byte used, and how far it is from the tightest pool of those lifetimes.
 * - `replayOnStPlanner`: our "st" planner on ST's own buffers and overlap decisions, so the allocators can be
 *   compared without any modelling of layers (same inputs, different placement).
 * - `placementFromCInfo`: turns a `network_c_info.json` into a record (how the c_info records were made).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EdgefitError } from '../errors.ts';
import { StPlanner } from './st-plan.ts';

export interface StGeneratedBuffer {
  name: string;
  kind: 'activation' | 'scratch';
  sizeBytes: number;
  offsetBytes: number;
  /** Lifetime in the record's `lifetimeUnit`, both ends inclusive. */
  firstStep: number;
  lastStep: number;
}

/** A pair ST placed overlapping while both were live: d = offset(output) − offset(input). */
export interface StGeneratedOverlap {
  /** Indices into `buffers`. */
  output: number;
  input: number;
  /** d when d ≤ 0 (output starts at or below its input). */
  forwardDeltaBytes?: number;
  /** d when d > 0. */
  backwardDeltaBytes?: number;
  /** The bound overlap-rules.ts gives for the same pair, when the record states it. */
  ourForwardDeltaBytes?: number;
}

export interface StGeneratedPlacement {
  /** repository@commit:path, or the search-corpus file id. */
  source: string;
  tool: string;
  command?: string;
  note: string;
  lifetimeUnit: string;
  overlapsFrom: string;
  /** The activations size ST reports (`memory_footprint.activations`, `STAI_NETWORK_ACTIVATION_1_SIZE_BYTES`). */
  poolBytes: number;
  buffers: StGeneratedBuffer[];
  overlaps: StGeneratedOverlap[];
}

const bytes = z.number().int().nonnegative();
const placementSchema = z.object({
  source: z.string().min(1),
  tool: z.string().min(1),
  command: z.string().optional(),
  note: z.string(),
  lifetimeUnit: z.string(),
  overlapsFrom: z.string(),
  poolBytes: bytes,
  buffers: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['activation', 'scratch']),
      sizeBytes: bytes,
      offsetBytes: bytes,
      firstStep: z.number().int(),
      lastStep: z.number().int(),
    }),
  ),
  overlaps: z.array(
    z.object({
      output: z.number().int().nonnegative(),
      input: z.number().int().nonnegative(),
      forwardDeltaBytes: z.number().int().optional(),
      backwardDeltaBytes: z.number().int().optional(),
      ourForwardDeltaBytes: z.number().int().optional(),
    }),
  ),
});

/** Validates a record; a bad one is an EdgefitError naming the file and the field. */
export function parseStPlacement(json: unknown, where: string): StGeneratedPlacement {
  const r = placementSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new EdgefitError('BAD_PROFILE', `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const p = r.data as StGeneratedPlacement;
  p.buffers.forEach((b, i) => {
    if (b.lastStep < b.firstStep) throw new EdgefitError('BAD_PROFILE', `${where}: buffers.${i} (${b.name}): lastStep < firstStep`);
  });
  p.overlaps.forEach((o, i) => {
    if (o.output >= p.buffers.length || o.input >= p.buffers.length) throw new EdgefitError('BAD_PROFILE', `${where}: overlaps.${i}: buffer index out of range`);
  });
  return p;
}

export function loadStPlacement(path: string): StGeneratedPlacement {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new EdgefitError('FILE_NOT_FOUND', `${path}: cannot read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EdgefitError('BAD_PROFILE', `${path}: not JSON (${(e as Error).message})`);
  }
  return parseStPlacement(json, path);
}

const liveTogether = (a: StGeneratedBuffer, b: StGeneratedBuffer) => a.firstStep <= b.lastStep && b.firstStep <= a.lastStep;
const shareBytes = (a: StGeneratedBuffer, b: StGeneratedBuffer) =>
  a.sizeBytes > 0 && b.sizeBytes > 0 && a.offsetBytes < b.offsetBytes + b.sizeBytes && b.offsetBytes < a.offsetBytes + a.sizeBytes;

export interface StPlacementCheck {
  /** Pairs live together that share bytes without a declared overlap (a valid record has none). */
  conflicts: string[];
  /** Highest byte any buffer reaches in ST's layout. */
  topBytes: number;
  /**
   * max over steps of the bytes covered by the live buffers in ST's own layout: the pool ST would need if it
   * packed its worst step perfectly and kept every overlap it chose. ST's pool minus this is fragmentation.
   */
  coveredLowerBoundBytes: number;
  /** The step where that maximum is reached. */
  coveredPeakStep: number;
}

export function checkStPlacement(p: StGeneratedPlacement): StPlacementCheck {
  const declared = new Set(p.overlaps.map((o) => `${Math.min(o.output, o.input)}:${Math.max(o.output, o.input)}`));
  const conflicts: string[] = [];
  const bs = p.buffers;
  for (let i = 0; i < bs.length; i++) {
    for (let j = i + 1; j < bs.length; j++) {
      if (liveTogether(bs[i]!, bs[j]!) && shareBytes(bs[i]!, bs[j]!) && !declared.has(`${i}:${j}`)) conflicts.push(`${bs[i]!.name} / ${bs[j]!.name}`);
    }
  }
  let topBytes = 0;
  for (const b of bs) topBytes = Math.max(topBytes, b.offsetBytes + b.sizeBytes);
  let coveredLowerBoundBytes = 0;
  let coveredPeakStep = 0;
  const steps = [...new Set(bs.flatMap((b) => [b.firstStep, b.lastStep]))].sort((a, b) => a - b);
  for (const s of steps) {
    const iv = bs
      .filter((b) => b.sizeBytes > 0 && b.firstStep <= s && s <= b.lastStep)
      .map((b) => [b.offsetBytes, b.offsetBytes + b.sizeBytes] as const)
      .sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let lo = -1;
    let hi = -1;
    for (const [a, b] of iv) {
      if (a > hi) {
        covered += hi - lo;
        lo = a;
        hi = b;
      } else hi = Math.max(hi, b);
    }
    covered += hi - lo;
    if (covered > coveredLowerBoundBytes) {
      coveredLowerBoundBytes = covered;
      coveredPeakStep = s;
    }
  }
  return { conflicts, topBytes, coveredLowerBoundBytes, coveredPeakStep };
}

/** Our "st" planner's pool for ST's own buffers, lifetimes and overlap decisions (each as a bound: d ≤ F or d ≥ B). */
export function replayOnStPlanner(p: StGeneratedPlacement, alignmentBytes = 4): number {
  const planner = new StPlanner({ alignmentBytes });
  const ids = p.buffers.map((b) => planner.addBuffer(b.sizeBytes, b.firstStep, b.lastStep));
  p.buffers.forEach((b, i) => b.kind === 'scratch' && planner.markScratch(ids[i]!));
  for (const o of p.overlaps) {
    planner.addOverlapRule({ outputId: ids[o.output]!, inputId: ids[o.input]!, forwardDeltaBytes: o.forwardDeltaBytes, backwardDeltaBytes: o.backwardDeltaBytes });
  }
  return planner.arenaBytes();
}

const cInfoSchema = z.object({
  buffers: z.array(
    z.object({
      name: z.string(),
      flags: z.string(),
      size_bytes: bytes,
      offset_start: bytes,
      epochs: z.object({ start: z.number().int(), end: z.number().int() }),
      id: z.number().int(),
    }),
  ),
  memory_footprint: z.object({ activations: bytes }),
  environment: z.object({ tools: z.array(z.object({ version: z.string(), arguments: z.string() })).min(1) }),
});

/**
 * A `network_c_info.json` (STEdgeAI Core ≥ 1.0: every buffer with `offset_start`, `size_bytes`, `epochs`) as a
 * record: the activation-pool buffers (flag STAI_FLAG_ACTIVATIONS; scratch when STAI_FLAG_SCRATCHS), lifetimes in
 * epochs, and every pair live together that ST placed overlapping (the later-allocated one is the output).
 */
export function placementFromCInfo(json: unknown, source: string, note: string): StGeneratedPlacement {
  const r = cInfoSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new EdgefitError('BAD_PROFILE', `${source}: not a network_c_info.json: ${issue.path.join('.')}: ${issue.message}`);
  }
  const c = r.data;
  const tool = c.environment.tools[0]!;
  const act = c.buffers
    .filter((b) => b.flags.includes('STAI_FLAG_ACTIVATIONS'))
    .sort((a, b) => a.epochs.start - b.epochs.start || a.id - b.id);
  const buffers: StGeneratedBuffer[] = act.map((b) => ({
    name: b.name,
    kind: b.flags.includes('SCRATCH') ? 'scratch' : 'activation',
    sizeBytes: b.size_bytes,
    offsetBytes: b.offset_start,
    firstStep: b.epochs.start,
    lastStep: b.epochs.end,
  }));
  const overlaps: StGeneratedOverlap[] = [];
  for (let i = 0; i < buffers.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = buffers[i]!; // allocated at or after b (sorted by first epoch)
      const b = buffers[j]!;
      if (!liveTogether(a, b) || !shareBytes(a, b)) continue;
      const d = a.offsetBytes - b.offsetBytes;
      overlaps.push(d <= 0 ? { output: i, input: j, forwardDeltaBytes: d } : { output: i, input: j, backwardDeltaBytes: d });
    }
  }
  return {
    source,
    tool: `ST Edge AI Core ${tool.version}`,
    command: tool.arguments.split(' --workspace')[0]!.slice(0, 300),
    note,
    lifetimeUnit: 'c_info epochs (events: allocation/free), both ends inclusive',
    overlapsFrom: 'pairs ST placed overlapping while live together (d = actual offset difference)',
    poolBytes: c.memory_footprint.activations,
    buffers,
    overlaps,
  };
}
