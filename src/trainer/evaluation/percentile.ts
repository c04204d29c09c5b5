// Percentiles the way numpy's default (linear interpolation between order statistics) takes them.

/** The q-quantile (q in [0, 1]) of values sorted ascending; NaN for none. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = (n - 1) * Math.min(1, Math.max(0, q));
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const fraction = position - below;
  const low = sorted[below] as number;
  return fraction === 0 ? low : low + ((sorted[above] as number) - low) * fraction;
}

/** The two-sided percentile interval at `level` (e.g. 0.95 → 2.5th and 97.5th percentiles). */
export function percentileInterval(values: Float64Array, level: number): { low: number; high: number } | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const tail = (1 - level) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}
