/**
 * Leave-one-MODEL-out: every architecture group (all its resolutions, datasets, boards and tool versions)
 * is predicted by a fit that never saw any of its rows. Grouping by model, not by row, keeps a 128 px row
 * from being predicted by a fit that saw the same network at 224 px.
 */

export interface LooOutcome<T> {
  item: T;
  predicted: number;
  actual: number;
  /** 100 × (predicted − actual) / actual */
  errorPct: number;
}

/** A prediction beside the published figure it is scored on. */
export function outcomeOf<T>(item: T, predicted: number, actual: number): LooOutcome<T> {
  return { item, predicted, actual, errorPct: (100 * (predicted - actual)) / actual };
}

export function looByGroup<T, M>(
  items: T[],
  groupOf: (t: T) => string,
  fit: (train: T[], heldOut: string) => M | undefined,
  predict: (model: M, t: T) => number | undefined,
  actual: (t: T) => number,
): LooOutcome<T>[] {
  const out: LooOutcome<T>[] = [];
  const groups = [...new Set(items.map(groupOf))].sort();
  for (const g of groups) {
    const train = items.filter((t) => groupOf(t) !== g);
    const model = fit(train, g);
    if (model === undefined) continue;
    for (const t of items.filter((u) => groupOf(u) === g)) {
      const p = predict(model, t);
      const a = actual(t);
      if (p === undefined || !Number.isFinite(p) || !(a > 0)) continue;
      out.push(outcomeOf(t, p, a));
    }
  }
  return out;
}

export interface ErrorSummary {
  rows: number;
  models: number;
  /** Mean absolute percentage error. */
  mapePct: number;
  /** Largest absolute percentage error, signed. */
  worstPct: number;
  worstModel: string;
}

export function summarizeErrors<T>(outcomes: LooOutcome<T>[], modelOf: (t: T) => string): ErrorSummary | undefined {
  if (!outcomes.length) return undefined;
  let worst = outcomes[0]!;
  for (const o of outcomes) if (Math.abs(o.errorPct) > Math.abs(worst.errorPct)) worst = o;
  return {
    rows: outcomes.length,
    models: new Set(outcomes.map((o) => modelOf(o.item))).size,
    mapePct: outcomes.reduce((s, o) => s + Math.abs(o.errorPct), 0) / outcomes.length,
    worstPct: worst.errorPct,
    worstModel: modelOf(worst.item),
  };
}
