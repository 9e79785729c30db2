/**
 * Non-negative least squares, min ‖Ax − b‖₂ subject to x ≥ 0, by Lawson & Hanson's active-set algorithm
 * ("Solving Least Squares Problems", 1974, ch. 23). Columns are scaled to unit norm internally so features
 * in MACs (1e8) and in layers (1e1) are treated alike; the returned x is in the caller's units.
 * The unconstrained sub-problems use Householder QR (no normal equations).
 */

export interface NnlsResult {
  x: number[];
  /** ‖Ax − b‖₂ at the solution. */
  residualNorm: number;
  iterations: number;
}

/** Least squares min ‖Mx − b‖ for a tall matrix (rows ≥ cols) by Householder QR; rank-deficient columns get 0. */
export function leastSquares(m: number[][], b: number[]): number[] {
  const rows = m.length;
  const cols = rows ? m[0]!.length : 0;
  const a = m.map((r) => r.slice());
  const y = b.slice();
  const diag: number[] = new Array(cols).fill(0);
  for (let k = 0; k < cols && k < rows; k++) {
    let norm = 0;
    for (let i = k; i < rows; i++) norm += a[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = a[k]![k]! > 0 ? -norm : norm;
    const v: number[] = new Array(rows).fill(0);
    for (let i = k; i < rows; i++) v[i] = a[i]![k]!;
    v[k]! -= alpha;
    let vv = 0;
    for (let i = k; i < rows; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    for (let j = k; j < cols; j++) {
      let s = 0;
      for (let i = k; i < rows; i++) s += v[i]! * a[i]![j]!;
      const f = (2 * s) / vv;
      for (let i = k; i < rows; i++) a[i]![j]! -= f * v[i]!;
    }
    let s = 0;
    for (let i = k; i < rows; i++) s += v[i]! * y[i]!;
    const f = (2 * s) / vv;
    for (let i = k; i < rows; i++) y[i]! -= f * v[i]!;
    diag[k] = a[k]![k]!;
  }
  const x: number[] = new Array(cols).fill(0);
  const scale = Math.max(1e-300, ...diag.map(Math.abs));
  for (let k = Math.min(cols, rows) - 1; k >= 0; k--) {
    if (Math.abs(a[k]![k]!) <= 1e-12 * scale) {
      x[k] = 0;
      continue;
    }
    let s = y[k]!;
    for (let j = k + 1; j < cols; j++) s -= a[k]![j]! * x[j]!;
    x[k] = s / a[k]![k]!;
  }
  return x;
}

export function nnls(a: number[][], b: number[], maxIterations = 500): NnlsResult {
  const rows = a.length;
  if (rows !== b.length) throw new Error(`nnls: ${rows} rows but ${b.length} targets`);
  const cols = rows ? a[0]!.length : 0;
  // column scaling
  const colNorm = new Array<number>(cols).fill(0);
  for (const r of a) r.forEach((v, j) => (colNorm[j]! += v * v));
  for (let j = 0; j < cols; j++) colNorm[j] = Math.sqrt(colNorm[j]!) || 1;
  const as = a.map((r) => r.map((v, j) => v / colNorm[j]!));

  const x = new Array<number>(cols).fill(0);
  const passive = new Array<boolean>(cols).fill(false);
  const tol = 1e-10 * Math.max(1, Math.sqrt(b.reduce((s, v) => s + v * v, 0)));
  const gradient = (): number[] => {
    const r = b.map((bi, i) => bi - as[i]!.reduce((s, v, j) => s + v * x[j]!, 0));
    return Array.from({ length: cols }, (_, j) => as.reduce((s, row, i) => s + row[j]! * r[i]!, 0));
  };
  const solvePassive = (): number[] => {
    const idx = passive.flatMap((p, j) => (p ? [j] : []));
    const sub = leastSquares(
      as.map((r) => idx.map((j) => r[j]!)),
      b,
    );
    const s = new Array<number>(cols).fill(0);
    idx.forEach((j, k) => (s[j] = sub[k]!));
    return s;
  };

  let iterations = 0;
  let w = gradient();
  while (iterations < maxIterations) {
    let best = -1;
    let bestW = tol;
    for (let j = 0; j < cols; j++) if (!passive[j] && w[j]! > bestW) (bestW = w[j]!), (best = j);
    if (best < 0) break;
    passive[best] = true;
    for (;;) {
      iterations++;
      const s = solvePassive();
      const bad = passive.some((p, j) => p && s[j]! <= 0);
      if (!bad) {
        for (let j = 0; j < cols; j++) x[j] = s[j]!;
        break;
      }
      let alpha = Infinity;
      for (let j = 0; j < cols; j++) {
        if (passive[j] && s[j]! <= 0) alpha = Math.min(alpha, x[j]! / (x[j]! - s[j]!));
      }
      for (let j = 0; j < cols; j++) x[j]! += alpha * (s[j]! - x[j]!);
      for (let j = 0; j < cols; j++) if (passive[j] && x[j]! <= 1e-14) (passive[j] = false), (x[j] = 0);
      if (!passive.some(Boolean) || iterations >= maxIterations) break;
    }
    w = gradient();
  }
  const xs = x.map((v, j) => Math.max(0, v) / colNorm[j]!);
  const residualNorm = Math.sqrt(b.reduce((s, bi, i) => s + (bi - a[i]!.reduce((t, v, j) => t + v * xs[j]!, 0)) ** 2, 0));
  return { x: xs, residualNorm, iterations };
}
