/**
 * Shared by the check / compare / targets commands: analyzing a model at a given input resolution, and
 * turning TargetResults into table cells and JSON.
 */
import { EdgefitError } from '../analyzer/errors.ts';
import type { Analysis } from '../analyzer/layer.ts';
import { formatBytes, formatCount } from '../cli/format/numbers.ts';
import { analyzeForTargets } from './analyze-model.ts';
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

/** Analysis of `path`, optionally re-inferred at resolution `res` (no new file needed). */
export function analyzeAt(path: string, res?: number): Analysis {
  const base = analyzeForTargets(path);
  if (res === undefined) return base;
  return analyzeForTargets(path, { inputShapes: resolutionOverrides(base, res) });
}

export function parseResolutions(spec: string): number[] {
  const list = spec.split(',').map((s) => s.trim());
  const out = list.map((s) => Number(s));
  if (!list.length || out.some((n, i) => !/^\d+$/.test(list[i]!) || n < 8 || n > 4096)) {
    throw new EdgefitError('USAGE', `--resolutions '${spec}': give sizes in pixels, e.g. 96,128,160 (8 … 4096)`);
  }
  return out;
}

export function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** "155 ms ±9.2%" or "12.1 ms (thin data)" */
export function latencyCell(r: TargetResult): string {
  if (r.latencyMs === null) return '— (no model)';
  const ms = `${fmtMs(r.latencyMs)} ms`;
  if (r.latencyErrorPct !== null) return `${ms} ±${r.latencyErrorPct.toFixed(1)}%`;
  return `${ms} (thin data)`;
}

export function marginCell(used: number, capacity: number, margin: number): string {
  const pct = capacity ? (100 * margin) / capacity : 0;
  return `${formatBytes(used)} / ${formatBytes(capacity)} (${margin >= 0 ? '+' : ''}${pct.toFixed(0)}%)`;
}

/** MCU/NPU: internal memory view, and where the overflow goes; MPU: DDR. */
export function roleCell(r: TargetResult, role: 'ram' | 'flash'): string {
  const s = r[role];
  const used = s.internalBytes + s.externalBytes;
  if (r.class === 'mpu' || s.internalCapacityBytes === 0) return marginCell(used, s.capacityBytes, s.marginBytes);
  if (s.externalBytes === 0) return marginCell(used, s.internalCapacityBytes, s.internalMarginBytes);
  const ext = r.placements.find((p) => p.external && (p.role === 'activations' || p.role === 'weights') && (role === 'ram' ? p.role === 'activations' : p.role === 'weights'));
  return `${formatBytes(used)}: over internal ${formatBytes(s.internalCapacityBytes)} → ${ext?.memoryName ?? 'external'} (${s.marginBytes >= 0 ? '+' : ''}${((100 * s.marginBytes) / s.capacityBytes).toFixed(0)}% left)`;
}

/** The JSON shape of `check --json` targets[] (issue 7), with a few extra fields. */
export function resultJson(r: TargetResult): Record<string, unknown> {
  const role = (s: TargetResult['ram']) => ({
    internalBytes: s.internalBytes,
    externalBytes: s.externalBytes,
    capacityBytes: s.capacityBytes,
    marginBytes: s.marginBytes,
    marginPct: Number(s.marginPct.toFixed(2)),
    internalCapacityBytes: s.internalCapacityBytes,
    internalMarginBytes: s.internalMarginBytes,
  });
  return {
    id: r.id,
    name: r.name,
    fits: r.fits,
    ram: role(r.ram),
    flash: role(r.flash),
    latencyMs: r.latencyMs === null ? null : Number(r.latencyMs.toFixed(3)),
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
    notes: r.notes,
  };
}

export { formatBytes, formatCount };
