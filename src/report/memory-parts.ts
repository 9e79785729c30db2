/**
 * The parts a target's RAM and flash demand are made of (activations + runtime RAM; weights + code flash), each
 * with the expected error of its own quantity on that target: the leave-one-model-out MAPE that `calibrate` prints
 * (data/calibration-error.json, the table `check` reads), its status there ('ok', 'thin', 'none'), and whether the
 * figure is a lower bound. A total is no better known than its least-known part, so the report shows the parts'
 * errors side by side and derives the total's from them (`combinedError`) instead of repeating one part's.
 */
import type { Analysis } from '../analyzer/layer.ts';
import type { CalibrationReport, Quantity, QuantityError } from '../targets/calibration/calibrate.ts';
import { calibratedModels, calibrationEntryFor, CODE_FLASH_LOWER_BOUND_NOTE_START, PARTIAL_NOTE_START, uncountedLayerList } from '../targets/evaluate.ts';
import type { TargetProfile } from '../targets/profile-schema.ts';
import { resolveTarget } from '../targets/resolve.ts';
import { runtimeObjectCounts } from '../targets/runtime-lite.ts';
import type { ReportMemoryPart } from './types.ts';

/** The calibration quantity behind each part name. */
export const PART_QUANTITY: Record<ReportMemoryPart['name'], Quantity> = {
  activations: 'activationRam',
  runtime: 'runtimeRam',
  weights: 'weightsFlash',
  code: 'codeFlash',
};

/** What a part is called on the page. */
export const PART_LABELS: Record<ReportMemoryPart['name'], string> = {
  activations: 'activations',
  runtime: 'runtime RAM',
  weights: 'weights',
  code: 'code',
};

/** The calibration table's entry for a profile, as `check` picks it (evaluate.ts calibrationEntryFor). */
export function calibrationEntry(profile: Pick<TargetProfile, 'id' | 'calibrationTargets'>, errors: CalibrationReport = calibratedModels().errors): CalibrationReport['targets'][number] | undefined {
  return calibrationEntryFor(profile, errors);
}

/** The profile of a target id or name; undefined for an id no built-in profile has (a user's profile file). */
export function profileOf(idOrName: string): TargetProfile | undefined {
  try {
    return resolveTarget(idOrName);
  } catch {
    return undefined;
  }
}

/** What makes a target's figures lower bounds, from the analysis (as `check` notes it). */
export interface LowerBounds {
  /** Layers no function of ST's runtime library record covers (runtime-lite.ts `uncountedLayers`): their code is not in code flash. */
  uncountedLayers?: Record<string, number>;
  /** The analysis is partial (unknown ops): every figure is a lower bound. */
  partial?: boolean;
}

export function lowerBoundsOf(analysis: Analysis): LowerBounds {
  const uncounted = runtimeObjectCounts(analysis).uncountedLayers;
  return { ...(uncounted ? { uncountedLayers: uncounted } : {}), ...(analysis.partial ? { partial: true } : {}) };
}

/** The figures of one target result the parts are made of (TargetResult / `check --json` fields). */
export interface PartFigures {
  /** 'mcu' | 'npu' | 'mpu': only MCU results estimate runtime RAM and code flash (0 elsewhere means "not estimated"). */
  class?: string;
  activationBytes?: number;
  runtimeRamBytes?: number;
  weightBytes?: number;
  codeFlashBytes?: number;
  notes?: string[];
}

function part(name: ReportMemoryPart['name'], bytes: number | null, err: QuantityError | undefined): ReportMemoryPart {
  const status = err?.status ?? 'none';
  const mape = err?.summary?.mapePct;
  const p: ReportMemoryPart = { name, bytes, errorPct: status !== 'none' && typeof mape === 'number' ? mape : null, calibration: status };
  if (status === 'thin') p.calibrationNote = err?.note || 'thin data';
  if (status !== 'none' && p.errorPct === null) p.calibration = 'none';
  return p;
}

/**
 * RAM parts (activations, runtime RAM) and flash parts (weights, code) of one target result. `entry`: the target's
 * calibration (calibrationEntry); `bounds`: what makes figures lower bounds. Runtime RAM and code flash are "not
 * estimated" (bytes null) on NPU and MPU targets, where ST's tables publish no such split and `check` adds none.
 */
export function memoryParts(
  r: PartFigures,
  entry: CalibrationReport['targets'][number] | undefined,
  bounds: LowerBounds | undefined,
): { ram: ReportMemoryPart[]; flash: ReportMemoryPart[] } | undefined {
  if (r.activationBytes === undefined || r.weightBytes === undefined) return undefined;
  const errs = entry?.errors;
  const runtimeEstimated = r.class === 'mcu' || (r.class === undefined && ((r.runtimeRamBytes ?? 0) > 0 || (r.codeFlashBytes ?? 0) > 0));
  const activations = part('activations', r.activationBytes, errs?.activationRam);
  const runtime = part('runtime', runtimeEstimated ? (r.runtimeRamBytes ?? 0) : null, errs?.runtimeRam);
  const weights = part('weights', r.weightBytes, errs?.weightsFlash);
  const code = part('code', runtimeEstimated ? (r.codeFlashBytes ?? 0) : null, errs?.codeFlash);
  // as check notes it (targets/evaluate.ts): code flash is a lower bound when layers call library code no record sizes;
  // a saved check --json carries the note only
  const uncounted = bounds ? bounds.uncountedLayers : undefined;
  if (code.bytes !== null && code.bytes > 0) {
    if (uncounted) {
      code.lowerBound = `lower bound: no function of ST's runtime library is known for ${uncountedLayerList(uncounted)}; their kernels' code is not counted`;
    } else if (!bounds && (r.notes ?? []).some((n) => n.startsWith(CODE_FLASH_LOWER_BOUND_NOTE_START))) {
      code.lowerBound = 'lower bound: some layers call library code whose size is not known (see the notes)';
    }
  }
  const partial = bounds ? bounds.partial : (r.notes ?? []).some((n) => n.startsWith(PARTIAL_NOTE_START));
  if (partial) for (const p of [activations, runtime, weights, code]) if (p.bytes !== null) p.lowerBound ??= 'lower bound: the analysis is partial (unknown ops)';
  return { ram: [activations, runtime], flash: [weights, code] };
}

/** The expected error of a total: unknown when a part has none; otherwise Σ bytes × error ÷ Σ bytes, flagged thin when a part is. */
export interface CombinedError {
  errorPct: number | null;
  thin: boolean;
  /** Parts without calibration, or not estimated: why the total's error is unknown or the total incomplete. */
  uncalibrated: string[];
  notEstimated: string[];
  lowerBound: boolean;
}

/**
 * The total's expected error from its parts': Σ bytesᵢ × MAPEᵢ ÷ Σ bytesᵢ. An estimate, not a bound: on one row
 * |Σ eᵢ| ≤ Σ |eᵢ|, but each MAPEᵢ is averaged over the rows that publish that part (not the same rows) and the
 * weights are predicted bytes. On the STEdgeAI 4.0 H747 rows that publish both RAM parts the total's own MAPE is
 * 10.1 % against 8.35 % from this formula, 7 of 17 rows above it (calibrate --json records; flash rows too fall
 * on both sides). Parts of 0 bytes do not count.
 */
export function combinedError(parts: ReportMemoryPart[]): CombinedError {
  const counted = parts.filter((p) => p.bytes !== null && p.bytes > 0);
  const uncalibrated = counted.filter((p) => p.errorPct === null).map((p) => p.name);
  const notEstimated = parts.filter((p) => p.bytes === null).map((p) => p.name);
  const total = counted.reduce((a, p) => a + p.bytes!, 0);
  const errorPct = uncalibrated.length || total === 0 ? null : counted.reduce((a, p) => a + p.bytes! * p.errorPct!, 0) / total;
  return {
    errorPct,
    thin: counted.some((p) => p.calibration === 'thin'),
    uncalibrated,
    notEstimated,
    lowerBound: counted.some((p) => p.lowerBound !== undefined),
  };
}
