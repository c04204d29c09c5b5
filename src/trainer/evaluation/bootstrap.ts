// The seeded, stratified bootstrap: each resample draws, within every class, as many cases as the
// class has (with replacement), so every resample keeps the split's class counts and a metric
// such as sensitivity is always defined. Resamples are kept as draw counts per case (weights),
// which the statistics use directly (see rankedScores.ts): no arrays are copied per resample.
import { SeededRandom } from '../random';
import { percentileInterval } from './percentile';

/** Indices of the cases of each class. */
export function casesByClass(labels: ArrayLike<number>, classCount: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const list = lists[labels[i] as number];
    if (!list) throw new RangeError(`bootstrap: case ${i} has label ${labels[i]}, outside 0…${classCount - 1}`);
    list.push(i);
  }
  return lists.map((list) => Int32Array.from(list));
}

/** Draws stratified resamples from one seed; the same seed gives the same sequence. */
export class StratifiedResampler {
  private readonly random: SeededRandom;

  constructor(
    private readonly groups: readonly Int32Array[],
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  /** The next resample's case indices (class by class, in draw order). */
  nextIndices(): Int32Array {
    const total = this.groups.reduce((sum, group) => sum + group.length, 0);
    const indices = new Int32Array(total);
    let at = 0;
    for (const group of this.groups) {
      for (let k = 0; k < group.length; k++) indices[at++] = group[this.random.integer(group.length)] as number;
    }
    return indices;
  }

  /** The next resample as draw counts per case, written into `weights` (length N). */
  nextWeights(weights: Int32Array): void {
    weights.fill(0);
    for (const group of this.groups) {
      for (let k = 0; k < group.length; k++) {
        const index = group[this.random.integer(group.length)] as number;
        weights[index] = (weights[index] as number) + 1;
      }
    }
  }
}

export interface BootstrapOptions {
  resamples: number;
  level: number;
  seed: number;
}

/** Metric values for case weights (draw counts; null: every case once). NaN where undefined. */
export type WeightedStatistic = (weights: Int32Array | null) => Float64Array;

export interface BootstrapResult {
  /** Per metric: the value on the split itself (NaN where undefined). */
  estimates: Float64Array;
  /** Per metric: the percentile interval over the resamples where it was defined, or null. */
  intervals: ({ low: number; high: number } | null)[];
}

/** Percentile intervals of every metric `statistic` returns, over stratified resamples. */
export function bootstrap(
  statistic: WeightedStatistic,
  labels: ArrayLike<number>,
  classCount: number,
  options: BootstrapOptions,
): BootstrapResult {
  const estimates = statistic(null);
  const metricCount = estimates.length;
  const samples = Array.from({ length: metricCount }, () => new Float64Array(options.resamples));
  const defined = new Int32Array(metricCount);
  const resampler = new StratifiedResampler(casesByClass(labels, classCount), options.seed);
  const weights = new Int32Array(labels.length);
  for (let r = 0; r < options.resamples; r++) {
    resampler.nextWeights(weights);
    const values = statistic(weights);
    for (let metric = 0; metric < metricCount; metric++) {
      const value = values[metric] as number;
      if (Number.isNaN(value)) continue;
      const at = defined[metric] as number;
      (samples[metric] as Float64Array)[at] = value;
      defined[metric] = at + 1;
    }
  }
  const intervals = samples.map((values, metric) =>
    percentileInterval(values.subarray(0, defined[metric] as number), options.level),
  );
  return { estimates, intervals };
}
