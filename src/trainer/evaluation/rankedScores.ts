// Scores sorted once, with their groups of tied values, so the bootstrap can recompute an AUC on
// every resample in one O(N) walk (weights = how often each case was drawn) instead of sorting
// again: 1,000 resamples of a 624-case test set take milliseconds.

export interface RankedScores {
  /** Case indices, ascending by score. */
  order: Int32Array;
  /** groupEnds[g] is the end (exclusive, into `order`) of the g-th group of equal scores. */
  groupEnds: Int32Array;
  /** False when a score is NaN: NaN has no order, so no AUC is defined. */
  ordered: boolean;
}

export function rankScores(scores: ArrayLike<number>): RankedScores {
  const count = scores.length;
  let ordered = true;
  for (let i = 0; i < count; i++) if (Number.isNaN(scores[i])) ordered = false;
  const order = Int32Array.from({ length: count }, (_, i) => i);
  // A comparator on values (not a subtraction) keeps ±Infinity well ordered.
  order.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
  const ends: number[] = [];
  for (let i = 1; i <= count; i++) {
    if (i === count || scores[order[i] as number] !== scores[order[i - 1] as number]) ends.push(i);
  }
  return { order, groupEnds: Int32Array.from(ends), ordered };
}

/**
 * ROC AUC with case weights (a bootstrap resample's draw counts; all ones for the plain AUC):
 * the weighted share of positive–negative pairs the positive wins, ties counting half. Null
 * when the weighted positives or negatives are none, or a score is NaN.
 */
export function weightedAuc(
  ranked: RankedScores,
  positives: Uint8Array,
  weights: ArrayLike<number> | null,
): number | null {
  if (!ranked.ordered) return null;
  const { order, groupEnds } = ranked;
  let wins = 0;
  let negativesBelow = 0;
  let positiveTotal = 0;
  let start = 0;
  for (let g = 0; g < groupEnds.length; g++) {
    const end = groupEnds[g] as number;
    let groupPositives = 0;
    let groupNegatives = 0;
    for (let i = start; i < end; i++) {
      const index = order[i] as number;
      const weight = weights === null ? 1 : (weights[index] as number);
      if (positives[index] === 1) groupPositives += weight;
      else groupNegatives += weight;
    }
    wins += groupPositives * negativesBelow + (groupPositives * groupNegatives) / 2;
    negativesBelow += groupNegatives;
    positiveTotal += groupPositives;
    start = end;
  }
  if (positiveTotal === 0 || negativesBelow === 0) return null;
  return wins / (positiveTotal * negativesBelow);
}
