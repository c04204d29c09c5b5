// The mean of a metric over seeds with an interval that accounts for both sources of uncertainty.
// Every seed is evaluated on the same test set, so the test-set sampling error is shared by the
// seeds and does not shrink as seeds are added, while the seed-to-seed variation does:
//   Var(mean) = s²/k + mean(SE²),
// s² the sample variance across the k seeds, SE each seed's test-set standard error (from its
// bootstrap percentile interval: width / (2·z)). The interval is mean ± t·√Var with the
// Welch–Satterthwaite degrees of freedom (the bootstrap term counted as known exactly), so that
// with few seeds and little sampling error it widens towards Student's t with k − 1.
import type { SeedInterval } from '../studyAnalysis';
import { normalQuantile, tQuantile } from './distributions';

export interface SeedValue {
  /** The seed's estimate; null when its run has none (did not complete, metric undefined). */
  value: number | null;
  /** Its bootstrap interval and level, when the run computed one. */
  interval: { low: number; high: number; level: number } | null;
}

/** `bounds`: where the metric lives ([0, 1] for a rate, [−1, 1] for a gain); the interval is clipped to it. */
export function combineSeeds(
  seeds: readonly SeedValue[],
  level: number,
  bounds: [number, number] = [-Infinity, Infinity],
): SeedInterval | null {
  const present = seeds.filter((seed): seed is SeedValue & { value: number } => seed.value !== null);
  const k = present.length;
  if (k === 0) return null;
  const mean = present.reduce((sum, seed) => sum + seed.value, 0) / k;
  const variance = k > 1 ? present.reduce((sum, seed) => sum + (seed.value - mean) ** 2, 0) / (k - 1) : null;
  const errors = present.flatMap((seed) =>
    seed.interval === null
      ? []
      : [(seed.interval.high - seed.interval.low) / (2 * normalQuantile((1 + seed.interval.level) / 2))],
  );
  const samplingVariance = errors.length > 0 ? errors.reduce((sum, se) => sum + se * se, 0) / errors.length : null;
  const seedTerm = variance === null ? 0 : variance / k;
  const total = seedTerm + (samplingVariance ?? 0);
  const df = seedTerm > 0 ? (total * total * (k - 1)) / (seedTerm * seedTerm) : Infinity;
  const half = total > 0 ? tQuantile((1 + level) / 2, df) * Math.sqrt(total) : 0;
  return {
    mean,
    low: Math.max(bounds[0], mean - half),
    high: Math.min(bounds[1], mean + half),
    n: k,
    values: seeds.map((seed) => seed.value),
    seedSd: variance === null ? null : Math.sqrt(variance),
    samplingSe: samplingVariance === null ? null : Math.sqrt(samplingVariance),
  };
}
