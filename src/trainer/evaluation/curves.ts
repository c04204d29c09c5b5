// ROC and precision–recall curves of one class against the rest, at every distinct score (as
// scikit-learn's roc_curve with drop_intermediate=False and precision_recall_curve), then
// downsampled for the run files and the dashboard.
import type { PrPoint, RocPoint } from '../../shared/run/metrics';

/** Cases with score ≥ each distinct score, from the highest down: the curves' shared counts. */
interface ThresholdCounts {
  thresholds: Float64Array;
  truePositives: Float64Array;
  falsePositives: Float64Array;
  positives: number;
  negatives: number;
}

function countsAtThresholds(scores: ArrayLike<number>, positives: ArrayLike<boolean>): ThresholdCounts {
  const count = scores.length;
  const order = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number),
  );
  const thresholds: number[] = [];
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < count; i++) {
    const index = order[i] as number;
    if (positives[index]) tp++;
    else fp++;
    const next = order[i + 1];
    if (next === undefined || scores[next] !== scores[index]) {
      thresholds.push(scores[index] as number);
      tps.push(tp);
      fps.push(fp);
    }
  }
  return {
    thresholds: Float64Array.from(thresholds),
    truePositives: Float64Array.from(tps),
    falsePositives: Float64Array.from(fps),
    positives: tp,
    negatives: fp,
  };
}

/** Every ROC point from (0, 0) to (1, 1); empty when the class has no cases or every case is of it. */
export function rocCurvePoints(scores: ArrayLike<number>, positives: ArrayLike<boolean>): RocPoint[] {
  const counts = countsAtThresholds(scores, positives);
  if (counts.positives === 0 || counts.negatives === 0) return [];
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  counts.thresholds.forEach((threshold, k) => {
    points.push({
      fpr: (counts.falsePositives[k] as number) / counts.negatives,
      tpr: (counts.truePositives[k] as number) / counts.positives,
      threshold,
    });
  });
  return points;
}

/** Trapezoidal area under ROC points (the exact AUC when every point is there). */
export function trapezoidArea(points: readonly RocPoint[]): number | null {
  if (points.length < 2) return null;
  let area = 0;
  for (let k = 1; k < points.length; k++) {
    const a = points[k - 1] as RocPoint;
    const b = points[k] as RocPoint;
    area += ((b.fpr - a.fpr) * (a.tpr + b.tpr)) / 2;
  }
  return area;
}

/**
 * Precision–recall points by increasing recall: (recall 0, precision 1) first, then one point per
 * distinct score from the highest down. Empty when the class has no cases.
 */
export function prCurvePoints(scores: ArrayLike<number>, positives: ArrayLike<boolean>): PrPoint[] {
  const counts = countsAtThresholds(scores, positives);
  if (counts.positives === 0) return [];
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: null }];
  counts.thresholds.forEach((threshold, k) => {
    const tp = counts.truePositives[k] as number;
    points.push({
      recall: tp / counts.positives,
      precision: tp / (tp + (counts.falsePositives[k] as number)),
      threshold,
    });
  });
  return points;
}

/** Average precision: Σ (Rₖ − Rₖ₋₁)·Pₖ, the step-wise area scikit-learn's average_precision_score takes. */
export function averagePrecision(points: readonly PrPoint[]): number | null {
  if (points.length < 2) return null;
  let sum = 0;
  for (let k = 1; k < points.length; k++)
    sum += ((points[k] as PrPoint).recall - (points[k - 1] as PrPoint).recall) * (points[k] as PrPoint).precision;
  return sum;
}

/** Indices of the upper-left convex hull of ROC points (monotone chain): the corners a drawing must keep. */
function rocHullIndices(points: readonly RocPoint[]): number[] {
  const hull: number[] = [];
  const cross = (o: RocPoint, a: RocPoint, b: RocPoint) =>
    (a.fpr - o.fpr) * (b.tpr - o.tpr) - (a.tpr - o.tpr) * (b.fpr - o.fpr);
  for (let k = 0; k < points.length; k++) {
    // Keep a clockwise (upper) chain: drop the last vertex while it turns left or is collinear.
    while (
      hull.length >= 2 &&
      cross(
        points[hull[hull.length - 2] as number] as RocPoint,
        points[hull[hull.length - 1] as number] as RocPoint,
        points[k] as RocPoint,
      ) >= 0
    )
      hull.pop();
    hull.push(k);
  }
  return hull;
}

/**
 * At most about `maxPoints` of the points, in order: the first and last, `keep` (e.g. the ROC
 * hull's corners), and evenly spaced others. Short curves come back whole.
 */
export function downsample<T>(points: readonly T[], maxPoints = 200, keep: readonly number[] = []): T[] {
  if (points.length <= maxPoints) return [...points];
  const chosen = new Set<number>([0, points.length - 1, ...keep]);
  const room = Math.max(0, maxPoints - chosen.size);
  const stride = (points.length - 1) / Math.max(1, room + 1);
  for (let k = 1; k <= room; k++) chosen.add(Math.round(k * stride));
  return [...chosen].sort((a, b) => a - b).map((index) => points[index] as T);
}

/** A ROC curve small enough for the run files, drawn the same: the hull's corners are kept. */
export function downsampleRoc(points: readonly RocPoint[], maxPoints = 200): RocPoint[] {
  return downsample(points, maxPoints, rocHullIndices(points));
}
