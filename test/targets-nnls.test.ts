import { describe, expect, it } from 'vitest';
import { leastSquares, nnls } from '../src/targets/latency/nnls.ts';

describe('nnls (Lawson–Hanson)', () => {
  it('clamps a negative unconstrained solution to the constrained optimum', () => {
    // unconstrained LS gives x2 < 0; with x2 = 0 the optimum of (x1-2)^2 + 1 + (x1-1)^2 is x1 = 1.5
    const r = nnls(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [2, -1, 1],
    );
    expect(r.x[0]).toBeCloseTo(1.5, 10);
    expect(r.x[1]).toBe(0);
    expect(r.residualNorm).toBeCloseTo(Math.sqrt(0.25 + 1 + 0.25), 10);
  });

  it('recovers exact non-negative coefficients of a consistent system with badly scaled columns', () => {
    const truth = [2.5, 0, 7e-3, 40];
    const a: number[][] = [];
    for (let i = 0; i < 12; i++) {
      a.push([1e8 * ((i * 7) % 5 + 1), (i % 3) + 0.5, 1e4 * ((i * 3) % 7), (i % 4) + 1]);
    }
    const b = a.map((r) => r.reduce((s, v, j) => s + v * truth[j]!, 0));
    const r = nnls(a, b);
    r.x.forEach((v, j) => expect(v).toBeCloseTo(truth[j]!, 6));
    expect(r.residualNorm / Math.hypot(...b)).toBeLessThan(1e-9);
  });

  it('satisfies the KKT conditions on a random problem', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    const a = Array.from({ length: 20 }, () => Array.from({ length: 6 }, rnd));
    const b = Array.from({ length: 20 }, rnd);
    const { x } = nnls(a, b);
    const r = b.map((bi, i) => bi - a[i]!.reduce((s, v, j) => s + v * x[j]!, 0));
    const w = x.map((_, j) => a.reduce((s, row, i) => s + row[j]! * r[i]!, 0));
    x.forEach((xj, j) => {
      expect(xj).toBeGreaterThanOrEqual(0);
      if (xj > 0) expect(Math.abs(w[j]!)).toBeLessThan(1e-9); // stationarity on the passive set
      else expect(w[j]!).toBeLessThanOrEqual(1e-9); // no descent direction into the feasible set
    });
  });

  it('least squares matches the closed form on a 2-parameter line fit', () => {
    const xs = [0, 1, 2, 3];
    const ys = [1, 3, 4, 8];
    const [c, m] = leastSquares(xs.map((x) => [1, x]), ys);
    // closed form: m = cov/var = 2.2, c = mean(y) - m mean(x) = 4 - 3.3 = 0.7
    expect(m).toBeCloseTo(2.2, 10);
    expect(c).toBeCloseTo(0.7, 10);
  });
});
