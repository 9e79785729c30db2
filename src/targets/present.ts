/**
 * Shared by the check / compare / targets commands: analyzing a model at a given input resolution, and
 * turning TargetResults into table cells and JSON.
 */
import { analyzeModelAt } from '../analyzer/analyze.ts';
import type { IRModel } from '../analyzer/ir.ts';
import { EdgefitError } from '../analyzer/errors.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { formatBytes, formatCount } from '../cli/format/numbers.ts';
import type { TargetResult } from './evaluate.ts';

/** Input shape overrides that set the spatial size of a model's image input(s) to res × res (or H × W). */
export function resolutionOverrides(a: Analysis, h: number, w = h): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of a.model.inputs) {
    const s = t.shape;
    if (s.length !== 4) continue;
    const nchw = a.model.format === 'onnx' ? s[1]! <= 4 || s[3]! > 4 : s[3]! > 4 && s[1]! <= 4;
    out[t.name] = nchw ? [s[0]!, s[1]!, h, w] : [s[0]!, h, w, s[3]!];
  }
  if (!Object.keys(out).length) throw new EdgefitError('USAGE', `${a.model.path}: no 4-D image input whose resolution could be changed`);
  return out;
}

/**
 * Analysis of a loaded model with the user's input-shape overrides, optionally re-inferred at resolution
 * `res` on top of them (no new file needed).
 */
export function analyzeLoadedAt(model: IRModel, res?: number, inputShapes: Record<string, number[]> = {}): Analysis {
  // --input-shape is a re-inference at another size too (analyzeModelAt: shapes the file fixed may follow it)
  const base = analyzeModelAt(model, inputShapes);
  if (res === undefined) return base;
  return analyzeModelAt(model, { ...inputShapes, ...resolutionOverrides(base, res) }, inputShapes);
}

/**
 * An error met re-inferring `path`'s shapes at `res`×`res` px, with the file and the size named, so a sweep says which
 * point failed: `model.tflite at 192×192 px (shapes re-inferred at that size): node 'CONCATENATION_111' …`. A shape the
 * file fixed for its own input size (a Reshape target, a baked-in constant) does not follow a new one: BAD_SHAPE says so.
 */
export function atResolutionError(path: string, res: number, e: EdgefitError): EdgefitError {
  const why = e.code === 'BAD_SHAPE' ? ` (the file fixes this shape for its own input size; at ${res}×${res} px it needs a file exported at that size or with dynamic axes)` : '';
  return new EdgefitError(e.code, `${path} at ${res}×${res} px (shapes re-inferred at that size): ${e.message}${why}`, e.exitCode);
}

export function parseResolutions(spec: string, flag = '--resolutions'): number[] {
  const list = spec.split(',').map((s) => s.trim());
  const out = list.map((s) => Number(s));
  if (!list.length || out.some((n, i) => !/^\d+$/.test(list[i]!) || n < 8 || n > 4096)) {
    throw new EdgefitError('USAGE', `${flag} '${spec}': give sizes in pixels, e.g. 96,128,160 (8 … 4096)`);
  }
  return out;
}

/**
 * check's --resolution: one square input size in pixels. A list is a sweep (compare's job); anything else gets a
 * message about this option, not compare's list syntax.
 */
export function parseResolution(spec: string, flag = '--resolution'): number {
  const text = spec.trim();
  if (text.includes(',')) throw new EdgefitError('USAGE', `${flag} '${spec}' takes one size; use compare --resolutions ${text} for a sweep`);
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 8 || n > 4096) {
    throw new EdgefitError('USAGE', `${flag} '${spec}': give one square input size in pixels, e.g. ${flag} 160 (8 … 4096); for a non-square input give its whole shape, in the model's own layout, with --input-shape`);
  }
  return n;
}

export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  // thousands separated as every other figure the CLI prints ("1,577", as demo and the report write "1,575.4")
  return ms >= 1000 ? Math.round(ms).toLocaleString('en-US') : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** "155 ms ±9.2%" or "12.1 ms (thin data)" */
export function latencyCell(r: TargetResult): string {
  if (r.latencyMs === null) return '— (no model)';
  const ms = `${fmtMs(r.latencyMs)} ms`;
  if (r.latencyErrorPct !== null) return `${ms} ±${r.latencyErrorPct.toFixed(1)}%`;
  return `${ms} (thin data)`;
}

/** A capacity without trailing zeros ("512 KiB", "2 MiB", "2.75 MiB"): capacities are round, the narrow table is not wide. */
export function formatCapacity(bytes: number): string {
  return formatBytes(bytes).replace(/\.00 (B|KiB|MiB|GiB)$/, ' $1');
}

export function marginCell(used: number, capacity: number, margin: number, formatCap: (bytes: number) => string = formatBytes): string {
  const pct = capacity ? (100 * margin) / capacity : 0;
  // rounded, except that a memory with something in it is never printed 100 % free (99.95 % prints +99%)
  const shown = used > 0 && Math.round(pct) >= 100 ? 99 : Math.round(pct);
  return `${formatBytes(used)} / ${formatCap(capacity)} (${margin >= 0 ? '+' : ''}${shown}%)`;
}

/**
 * MCU/NPU: the tightest internal memory this role uses ("392 KiB / 512 KiB AXI SRAM (+23%)"), followed by where
 * the overflow went when part of the role is in external memory; MPU: DDR. One line (check --wide, compare).
 */
export function roleCell(r: TargetResult, role: 'ram' | 'flash'): string {
  return roleCellParts(r, role).join(' ');
}

/**
 * roleCell one part a line, for check's narrow table: the figure, the memory's name, the external part and its room
 * each on a line of their own, capacities without trailing zeros. The same figures as roleCell.
 */
export function roleCellLines(r: TargetResult, role: 'ram' | 'flash'): string {
  return roleCellParts(r, role, formatCapacity, true).join('\n');
}

function roleCellParts(r: TargetResult, role: 'ram' | 'flash', formatCap: (bytes: number) => string = formatBytes, split = false): string[] {
  const s = r[role];
  const roles = role === 'ram' ? ['activations', 'runtime-ram'] : ['weights', 'code'];
  const ids = new Set(r.placements.filter((p) => roles.includes(p.role)).map((p) => p.memoryId));
  const used = r.memories.filter((m) => ids.has(m.id));
  if (r.class === 'mpu' || !used.length) return [marginCell(s.internalBytes + s.externalBytes, s.capacityBytes, s.marginBytes, formatCap)];
  const internal = used.filter((m) => !m.kind.startsWith('external'));
  const external = used.filter((m) => m.kind.startsWith('external'));
  const pick = (ms: typeof used) => ms.reduce((a, b) => (b.usedBytes / b.capacityBytes > a.usedBytes / a.capacityBytes ? b : a));
  if (external.length && r.class !== 'npu') {
    const e = pick(external);
    const where = `${formatBytes(e.usedBytes)} in ${e.name}`;
    const room = `(${formatCap(e.capacityBytes)}, ${(100 - (100 * e.usedBytes) / e.capacityBytes).toFixed(0)}% free)`;
    const outside = split ? [where, room] : [`${where} ${room}`];
    // a pool split over internal and external memory (STEdgeAI 4.x on the H7), or code inside beside weights outside
    const inside = internal.filter((m) => m.usedBytes > 0);
    if (!inside.length) return outside;
    const t = pick(inside);
    return [marginCell(t.usedBytes, t.capacityBytes, t.capacityBytes - t.usedBytes, formatCap), t.name, `+ ${outside[0]}`, ...outside.slice(1)];
  }
  if (r.class === 'npu') {
    const pools = role === 'ram' ? r.memories.filter((m) => m.kind === 'internal-ram') : internal;
    const cap = pools.reduce((a, m) => a + m.capacityBytes, 0);
    const u = pools.reduce((a, m) => a + m.usedBytes, 0);
    const ext = external.reduce((a, m) => a + m.usedBytes, 0);
    if (!internal.length) return [`${formatBytes(ext)} in ${external[0]!.name}`];
    return [`${marginCell(u, cap, cap - u, formatCap)}${ext && !split ? ` + ${formatBytes(ext)} ${external[0]!.name}` : ''}`, ...(ext && split ? [`+ ${formatBytes(ext)} ${external[0]!.name}`] : [])];
  }
  const t = pick(internal);
  return [marginCell(t.usedBytes, t.capacityBytes, t.capacityBytes - t.usedBytes, formatCap), t.name];
}

/**
 * The memory that binds a role: of the memories holding the role's bytes (the N6's internal RAM pools counted as one,
 * as its compiler spreads buffers over them), the one with the least room relative to its size. Its figures count
 * everything placed in it (every role). `ram.marginPct` instead sums every memory the role may use, external
 * included (≈ 99 % free beside 32 MiB of SDRAM). Null when the role places nothing.
 */
export interface TightestMemory {
  memoryIds: string[];
  name: string;
  usedBytes: number;
  capacityBytes: number;
  marginBytes: number;
  marginPct: number;
}

export function tightestMemory(r: TargetResult, role: 'ram' | 'flash'): TightestMemory | null {
  const roles = role === 'ram' ? ['activations', 'runtime-ram'] : ['weights', 'code'];
  const ids = new Set(r.placements.filter((p) => roles.includes(p.role) && p.bytes > 0).map((p) => p.memoryId));
  const held = r.memories.filter((m) => ids.has(m.id));
  const pools = r.class === 'npu' && role === 'ram' ? r.memories.filter((m) => m.kind === 'internal-ram') : [];
  const groups = [...(pools.length ? [pools] : []), ...held.filter((m) => !pools.includes(m)).map((m) => [m])];
  const candidates = groups.map((ms) => {
    const usedBytes = ms.reduce((a, m) => a + m.usedBytes, 0);
    const capacityBytes = ms.reduce((a, m) => a + m.capacityBytes, 0);
    return { memoryIds: ms.map((m) => m.id), name: ms.map((m) => m.name).join(' + '), usedBytes, capacityBytes, marginBytes: capacityBytes - usedBytes, marginPct: capacityBytes ? Number(((100 * (capacityBytes - usedBytes)) / capacityBytes).toFixed(2)) : 0 };
  });
  if (!candidates.length) return null;
  return candidates.reduce((a, b) => (b.usedBytes / b.capacityBytes > a.usedBytes / a.capacityBytes ? b : a));
}

/** The JSON shape of `check --json` targets[] (issue 7), with a few extra fields. */
export function resultJson(r: TargetResult): Record<string, unknown> {
  const role = (s: TargetResult['ram'], which: 'ram' | 'flash') => ({
    internalBytes: s.internalBytes,
    externalBytes: s.externalBytes,
    capacityBytes: s.capacityBytes,
    marginBytes: s.marginBytes,
    marginPct: Number(s.marginPct.toFixed(2)),
    internalCapacityBytes: s.internalCapacityBytes,
    internalMarginBytes: s.internalMarginBytes,
    // added after marginPct, which sums external memory in (≈ 99 % free on a board with 32 MiB of SDRAM): the internal view
    internalMarginPct: s.internalCapacityBytes > 0 ? Number(((100 * s.internalMarginBytes) / s.internalCapacityBytes).toFixed(2)) : null,
    tightest: tightestMemory(r, which),
  });
  return {
    id: r.id,
    name: r.name,
    fits: r.fits,
    ram: role(r.ram, 'ram'),
    flash: role(r.flash, 'flash'),
    latencyMs: r.latencyMs === null ? null : Number(r.latencyMs.toFixed(3)),
    perInferenceMs: r.perInferenceMs,
    latencyErrorPct: r.latencyErrorPct,
    latencyStatus: r.latencyStatus,
    latencyNote: r.latencyNote,
    limitingMemory: r.limitingMemory,
    engine: r.engine,
    activationBytes: r.activationBytes,
    activationSource: r.activationSource,
    weightBytes: r.weightBytes,
    runtimeRamBytes: r.runtimeRamBytes,
    codeFlashBytes: r.codeFlashBytes,
    memoryErrorPct: r.memoryErrorPct,
    toolVersion: r.toolVersion,
    placements: r.placements,
    memories: r.memories,
    notes: r.notes,
  };
}

export { formatBytes, formatCount };
