// Exact ROC AUC: the Mann–Whitney U statistic with tied scores counted as half a win, which is
// what the trapezoidal ROC curve integrates to. No thresholds are sampled, so small validation
// sets (where the UI reports AUC to three decimals) get the exact value, not an approximation.

/**
 * ROC AUC of `scores` for the cases flagged in `positives` against the rest: the probability that
 * a random positive scores above a random negative, ties counting 1/2. O(N log N).
 *
 * Null when it is undefined: no positives, no negatives, or a NaN score (NaN has no order, so any
 * number would be made up; a diverged model produces them). ±Infinity is ordered and allowed.
 */
export function rocAuc(scores: ArrayLike<number>, positives: ArrayLike<boolean>): number | null {
  const count = scores.length;
  if (positives.length !== count) {
    throw new RangeError(`rocAuc: ${count} scores but ${positives.length} positive flags`);
  }
  let positiveCount = 0;
  for (let i = 0; i < count; i++) {
    if (Number.isNaN(scores[i])) return null;
    if (positives[i]) positiveCount++;
  }
  const negativeCount = count - positiveCount;
  if (positiveCount === 0 || negativeCount === 0) return null;

  // Ascending by score. A comparator on values (not a subtraction) keeps ±Infinity well ordered.
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => {
    const sa = scores[a] as number;
    const sb = scores[b] as number;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });

  // Walk groups of equal scores. Each positive in a group beats every negative strictly below it
  // and ties with each negative inside the group (half a win). This equals the rank-sum form
  // U = R₊ − n₊(n₊+1)/2 with average ranks, but stays in small integers / halves, so it is exact
  // in doubles for any realistic N (no rank sums of order N²).
  let wins = 0;
  let negativesBelow = 0;
  let start = 0;
  while (start < count) {
    const value = scores[order[start] as number] as number;
    let end = start;
    let groupPositives = 0;
    let groupNegatives = 0;
    while (end < count && scores[order[end] as number] === value) {
      if (positives[order[end] as number]) groupPositives++;
      else groupNegatives++;
      end++;
    }
    wins += groupPositives * negativesBelow + (groupPositives * groupNegatives) / 2;
    negativesBelow += groupNegatives;
    start = end;
  }
  return wins / (positiveCount * negativeCount);
}
