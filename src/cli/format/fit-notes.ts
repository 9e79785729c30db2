/**
 * The lines `check` and `compare` print under their fit tables: what the cells mean, and why a latency
 * carries no error figure. One wording for both commands.
 */
import { calibratedModels, CODE_FLASH_LOWER_BOUND_NOTE_START, PARTIAL_NOTE_START, type TargetResult } from '../../targets/evaluate.ts';
import type { TargetProfile } from '../../targets/profile-schema.ts';
import { formatBytes, latencyCell, roleCell, roleCellLines } from '../../targets/present.ts';
import { limitingMemoryShort } from './limiting-memory.ts';
import { formatByteFigures } from './numbers.ts';

/** The legend under a fit table (check, compare). */
export const FIT_TABLE_LEGEND = [
  'RAM = activations + runtime-library RAM, flash = weights + code. Each cell: used / capacity (free room, % of',
  'capacity) of the fullest memory that role uses; "+ … in <memory>" = the part placed in external memory. N6: its',
  'NPU RAM pools together; MPUs: DDR (N6 and MPUs: runtime RAM and code are not estimated, not in the figures).',
  '"≥" = a lower bound (unknown ops, or layers whose kernel code is not known: see the notes). Every memory with',
  'its bytes: --json (memories[]). KiB = 1024 B.',
  'latency in ms; ±x% = leave-one-model-out MAPE of the latency model (edgefit calibrate).',
].join('\n');

/**
 * "latency from thin data (no reliable error figure):" and one line per reason, after the names of every
 * target it is said of ("  STM32H747I-DISCO, STM32F769I-DISCO: float32 weights: …"), as groupedNoteLines
 * does for notes; '' when every latency has an error figure. A target met again (compare's variants) is
 * named once.
 */
export function thinLatencyLines(results: readonly TargetResult[]): string {
  // the heading says "thin data" already
  const lines = linesByText(results.filter((r) => r.latencyStatus === 'thin').map((r) => [r.name, formatByteFigures(r.latencyNote).replace(/^thin data: /, '')]));
  return lines.length ? `latency from thin data (no reliable error figure):\n${lines.join('\n')}` : '';
}

/**
 * "no latency figure:" and one line per target the table prints "— (no model)" for, with why: a profile whose
 * engine names a calibration key no published rows were fitted for (a user's profile: `"calibrationKey":
 * "cortex-m4"`) is told the keys that have a model. '' when every target has a latency. `profiles[i]` is the
 * profile of `results[i]`; the same line met again (compare's variants) is printed once.
 */
export function noLatencyLines(results: readonly TargetResult[], profiles: readonly TargetProfile[], fittedKeys: readonly string[]): string {
  const lines = new Set<string>();
  results.forEach((r, i) => {
    if (r.latencyMs !== null) return;
    const p = profiles[i];
    const engine = p?.engines.find((e) => e.id === p.defaultEngine) ?? p?.engines[0];
    const why =
      engine && !fittedKeys.includes(engine.calibrationKey)
        ? `its engine ${engine.name} has "calibrationKey": "${engine.calibrationKey}", which no published rows were fitted for; keys with a latency model: ${fittedKeys.join(', ')}`
        : r.latencyNote || 'no latency model for this target';
    lines.add(`  ${r.name}: ${why}`);
  });
  return lines.size ? `no latency figure:\n${[...lines].join('\n')}` : '';
}

/**
 * One line per target whose latency carries no error figure and no reason for it (a user's profile whose id and
 * `calibrationTargets` name no calibrated board: the table says "(thin data)", the JSON `latencyStatus: 'none'`
 * with an empty note), naming the boards it may take its calibration from. The lines go under check's
 * "latency from thin data" heading.
 */
export function uncalibratedLatencyLines(results: readonly TargetResult[], profiles: readonly TargetProfile[]): string[] {
  const calibrated = calibratedModels().errors.targets.map((t) => t.target);
  return results.flatMap((r, i) => {
    const p = profiles[i];
    if (r.latencyMs === null || r.latencyStatus !== 'none' || r.latencyNote || !p) return [];
    const named = [...new Set([p.id, ...(p.calibrationTargets ?? [])])];
    return [`  ${r.name}: no calibration error for this profile: neither its id nor its "calibrationTargets" (${named.join(', ')}) is a calibrated board; "calibrationTargets" may name one of ${calibrated.join(', ')}`];
  });
}

/** The calibration keys (profile engines' `calibrationKey`) that have a fitted latency model, in fit order. */
export function fittedLatencyKeys(): string[] {
  return [...new Set([...calibratedModels().engineModels.keys()].map((k) => k.split(/[:@]/)[0]!))];
}

/**
 * check's "notes:" lines: each note once, after the names of every target it is said of, in the targets' order
 * ("  STM32H747I-DISCO, STM32F769I-DISCO: activation RAM: …"), byte figures as the table gives them. The same
 * sentence under three boards read as three findings.
 */
export function groupedNoteLines(results: readonly TargetResult[]): string[] {
  return linesByText(results.flatMap((r) => r.notes.map((n): [string, string] => [r.name, formatByteFigures(n)])));
}

/** "  <name>, <name>: <text>": each text once, after every name said with it, in first-met order; a name once per text. */
function linesByText(said: readonly (readonly [name: string, text: string])[]): string[] {
  const namesOf = new Map<string, string[]>();
  for (const [name, text] of said) {
    const names = namesOf.get(text) ?? [];
    if (!names.includes(name)) names.push(name);
    namesOf.set(text, names);
  }
  return [...namesOf].map(([text, names]) => `  ${names.join(', ')}: ${text}`);
}

/**
 * The RAM / flash cell of a fit table, marked "≥ " when the figure leaves something out: a partial analysis
 * (unknown ops) makes both lower bounds, a layer with no known library function makes code flash one
 * (check's notes say which, in the words evaluate.ts writes them).
 */
/**
 * The verdict under check's table, with the exit code it means: "All 7 targets fit (exit code 0)." or
 * "Does not fit: TINY-BOARD (AXI SRAM (D1) short by 45.56 KiB) (exit code 1)."
 */
export function verdictLine(results: readonly TargetResult[]): string {
  const nofit = results.filter((r) => !r.fits);
  if (!nofit.length) return `${results.length === 1 ? 'The target fits' : `All ${results.length} targets fit`} (exit code 0).`;
  const why = (r: TargetResult) => {
    const short = Math.min(r.ram.marginBytes, r.flash.marginBytes);
    return `${r.name} (${limitingMemoryShort(r)}${short < 0 ? ` short by ${formatBytes(-short)}` : ''})`;
  };
  return `Does not fit: ${nofit.map(why).join(', ')} (exit code 1).`;
}

/** The activations cell, "≥ " before it when the analysis is partial. */
export function boundedActivationsCell(r: TargetResult): string {
  return `${r.notes.some((n) => n.startsWith(PARTIAL_NOTE_START)) ? '≥ ' : ''}${formatBytes(r.activationBytes)}`;
}

/** The latency cell, "≥ " before it when the analysis is partial (the unknown layers' time is not in it). */
export function boundedLatencyCell(r: TargetResult): string {
  const partial = r.notes.some((n) => n.startsWith(PARTIAL_NOTE_START));
  return `${partial && r.latencyMs !== null ? '≥ ' : ''}${latencyCell(r)}`;
}

export function boundedRoleCell(r: TargetResult, role: 'ram' | 'flash'): string {
  const partial = r.notes.some((n) => n.startsWith(PARTIAL_NOTE_START));
  const codeLowerBound = role === 'flash' && r.notes.some((n) => n.startsWith(CODE_FLASH_LOWER_BOUND_NOTE_START));
  return `${partial || codeLowerBound ? '≥ ' : ''}${roleCell(r, role)}`;
}

/** boundedRoleCell one part a line (check's narrow table), "≥ " before the figure when it is a lower bound. */
export function boundedRoleLines(r: TargetResult, role: 'ram' | 'flash'): string {
  const bounded = boundedRoleCell(r, role).startsWith('≥ ');
  return `${bounded ? '≥ ' : ''}${roleCellLines(r, role)}`;
}
