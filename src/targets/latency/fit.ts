/**
 * Fits an engine's cost model to published inference times:
 *   ms = versionFactor[tool] × Σ_j coef_j × x_j / (clockMHz × 1000)        (coef in cycles per unit)
 * Coefficients by non-negative least squares on relative error (each row divided by its published time,
 * so a 3 ms and a 3 s model weigh alike); the per-tool-version factors (STM32Cube.AI 7.3/8.1, STEdgeAI
 * 3.0/4.0, X-LINUX-AI 5/6) by alternating closed-form updates, the newest version fixed at 1.
 */
import { nnls } from './nnls.ts';

export interface FitRow {
  x: number[];
  /** Published time, ms. */
  y: number;
  version: string;
  clockMHz: number;
}

export interface ScaledFit {
  coef: number[];
  versionFactor: Record<string, number>;
  referenceVersion: string;
  rows: number;
}

/** Newer tool versions rank higher; the highest present is the reference (factor 1). */
export function versionRank(v: string): number {
  const m = /(stedgeai|cubeai|x-linux-ai)-(\d+)\.(\d+)/.exec(v);
  if (!m) return -1;
  const family = m[1] === 'cubeai' ? 0 : 1; // STEdgeAI Core succeeded STM32Cube.AI; X-LINUX-AI ranks by its own numbers
  return family * 1000 + Number(m[2]) * 10 + Number(m[3]);
}

export function referenceVersionOf(versions: Iterable<string>): string {
  let best = '';
  let rank = -Infinity;
  for (const v of versions) if (versionRank(v) > rank) (rank = versionRank(v)), (best = v);
  return best;
}

const base = (r: FitRow, coef: number[]): number => r.x.reduce((s, v, j) => s + v * coef[j]!, 0) / (r.clockMHz * 1000);

export function fitScaled(rows: FitRow[], opts: { iterations?: number; ridge?: number; fixedVersions?: boolean } = {}): ScaledFit {
  if (!rows.length) throw new Error('fitScaled: no rows');
  const nf = rows[0]!.x.length;
  const versions = [...new Set(rows.map((r) => r.version))];
  const ref = referenceVersionOf(versions);
  const factor: Record<string, number> = Object.fromEntries(versions.map((v) => [v, 1]));
  let coef = new Array<number>(nf).fill(0);
  const ridge = opts.ridge ?? 0;
  const iterations = opts.fixedVersions ? 1 : (opts.iterations ?? 12);
  for (let it = 0; it < iterations; it++) {
    const a = rows.map((r) => r.x.map((v) => (v * factor[r.version]!) / (r.clockMHz * 1000) / r.y));
    const b = rows.map(() => 1);
    if (ridge > 0) {
      // ridge in column-normalised units, so it shrinks every feature alike
      const norms = Array.from({ length: nf }, (_, j) => Math.sqrt(a.reduce((s, row) => s + row[j]! ** 2, 0)) || 1);
      for (let j = 0; j < nf; j++) {
        const row = new Array<number>(nf).fill(0);
        row[j] = Math.sqrt(ridge) * norms[j]!;
        a.push(row);
        b.push(0);
      }
    }
    coef = nnls(a, b).x;
    if (opts.fixedVersions) break;
    for (const v of versions) {
      if (v === ref) continue;
      let num = 0;
      let den = 0;
      for (const r of rows) {
        if (r.version !== v) continue;
        const q = base(r, coef) / r.y;
        num += q;
        den += q * q;
      }
      factor[v] = den > 0 ? num / den : 1;
    }
  }
  return { coef, versionFactor: factor, referenceVersion: ref, rows: rows.length };
}

/** Predicted ms; an unseen version uses the reference factor. */
export function predictScaled(fit: ScaledFit, x: number[], clockMHz: number, version?: string): number {
  const f = (version !== undefined ? fit.versionFactor[version] : undefined) ?? 1;
  return (f * x.reduce((s, v, j) => s + v * fit.coef[j]!, 0)) / (clockMHz * 1000);
}
