// DeLong's test for two correlated ROC AUCs (two models scoring the same cases), in the fast
// midrank form of Sun & Xu (2014, IEEE Signal Processing Letters 21:1389): O(N log N) instead of
// the O(m·n) pairwise structural components of DeLong, DeLong & Clarke-Pearson (1988).
import { normalQuantile, twoSidedP } from './normalDistribution';
import { rankScores } from './rankedScores';

/** 1-based ranks with ties given their average rank. */
export function midranks(values: ArrayLike<number>): Float64Array {
  const { order, groupEnds } = rankScores(values);
  const ranks = new Float64Array(values.length);
  let start = 0;
  for (const end of groupEnds) {
    const rank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) ranks[order[i] as number] = rank;
    start = end;
  }
  return ranks;
}

export interface StructuralComponents {
  auc: number;
  /** Per positive case: the share of negatives it outscores (ties half). DeLong's V10. */
  positives: Float64Array;
  /** Per negative case: the share of positives that outscore it (ties half). DeLong's V01. */
  negatives: Float64Array;
}

/** The AUC and its structural components, from midranks. Null without positives or negatives, or with a NaN score. */
export function structuralComponents(
  scores: ArrayLike<number>,
  positives: ArrayLike<boolean>,
): StructuralComponents | null {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number;
    if (Number.isNaN(score)) return null;
    (positives[i] ? x : y).push(score);
  }
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) return null;
  const tx = midranks(x);
  const ty = midranks(y);
  const tz = midranks([...x, ...y]);
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let rankSum = 0;
  for (let i = 0; i < m; i++) {
    rankSum += tz[i] as number;
    v10[i] = ((tz[i] as number) - (tx[i] as number)) / n;
  }
  for (let j = 0; j < n; j++) v01[j] = 1 - ((tz[m + j] as number) - (ty[j] as number)) / m;
  return { auc: rankSum / (m * n) - (m + 1) / (2 * n), positives: v10, negatives: v01 };
}

/** Sample covariance (n − 1) of two equally long vectors. */
function covariance(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return 0;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i] as number;
    meanB += b[i] as number;
  }
  meanA /= n;
  meanB /= n;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((a[i] as number) - meanA) * ((b[i] as number) - meanB);
  return sum / (n - 1);
}

export interface PairedAucTest {
  aucA: number;
  aucB: number;
  /** aucA − aucB. */
  difference: number;
  varianceA: number;
  varianceB: number;
  covariance: number;
  standardError: number;
  /** Null when the standard error is 0 (e.g. identical scores). */
  z: number | null;
  pValue: number;
  ci: { low: number; high: number };
}

/**
 * DeLong's paired test of AUC(a) − AUC(b) on the same cases, with the normal-approximation CI at
 * `level`. Null when the AUCs are undefined (no positives or negatives, NaN scores).
 */
export function delongPairedTest(
  scoresA: ArrayLike<number>,
  scoresB: ArrayLike<number>,
  positives: ArrayLike<boolean>,
  level = 0.95,
): PairedAucTest | null {
  if (scoresA.length !== scoresB.length || scoresA.length !== positives.length) {
    throw new RangeError(
      `delongPairedTest: ${scoresA.length} and ${scoresB.length} scores for ${positives.length} cases`,
    );
  }
  const a = structuralComponents(scoresA, positives);
  const b = structuralComponents(scoresB, positives);
  if (!a || !b) return null;
  const m = a.positives.length;
  const n = a.negatives.length;
  const varianceA = covariance(a.positives, a.positives) / m + covariance(a.negatives, a.negatives) / n;
  const varianceB = covariance(b.positives, b.positives) / m + covariance(b.negatives, b.negatives) / n;
  const covarianceAB = covariance(a.positives, b.positives) / m + covariance(a.negatives, b.negatives) / n;
  const difference = a.auc - b.auc;
  // Rounding can leave a hair below 0 for (nearly) identical models.
  const standardError = Math.sqrt(Math.max(0, varianceA + varianceB - 2 * covarianceAB));
  const z = standardError > 0 ? difference / standardError : null;
  const pValue = z === null ? (difference === 0 ? 1 : 0) : twoSidedP(z);
  const half = normalQuantile(0.5 + level / 2) * standardError;
  return {
    aucA: a.auc,
    aucB: b.auc,
    difference,
    varianceA,
    varianceB,
    covariance: covarianceAB,
    standardError,
    z,
    pValue,
    ci: { low: difference - half, high: difference + half },
  };
}
