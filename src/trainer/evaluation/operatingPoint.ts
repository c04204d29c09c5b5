// The binary operating point: a threshold on the positive class's probability, chosen on the
// validation split and applied unchanged to the evaluated split (choosing it on the test split
// would flatter the reported sensitivity and specificity).
import type { OperatingPoint, OperatingPointRule } from '../../shared/run/metrics';
import { rocCurvePoints } from './curves';

export interface ThresholdChoice {
  threshold: number;
  rule: OperatingPointRule;
  target: number | null;
  chosenOn: 'val' | null;
  /** Sensitivity and specificity the threshold gave where it was chosen. */
  validation: { sensitivity: number; specificity: number } | null;
}

/**
 * Youden's J (the ROC point maximising sensitivity + specificity − 1; the highest threshold among
 * ties), the highest threshold with sensitivity ≥ target (the most specific one that catches
 * enough), or the lowest with specificity ≥ target. The threshold lies halfway between the chosen
 * score and the next lower one, as pROC reports it, so it does not sit on a validation case.
 * `default`, and validation data without both classes, give 0.5.
 */
export function chooseThreshold(
  scores: ArrayLike<number>,
  positives: ArrayLike<boolean>,
  rule: OperatingPointRule,
  target: number | null,
): ThresholdChoice {
  const fallback: ThresholdChoice = { threshold: 0.5, rule: 'default', target: null, chosenOn: null, validation: null };
  if (rule === 'default') return fallback;
  const points = rocCurvePoints(scores, positives).slice(1); // without (0, 0): every threshold is a score
  if (points.length === 0) return fallback;
  let chosen = -1;
  if (rule === 'youden') {
    let best = -Infinity;
    points.forEach((point, k) => {
      const j = point.tpr - point.fpr;
      if (j > best) {
        best = j;
        chosen = k;
      }
    });
  } else if (rule === 'sensitivity') {
    chosen = points.findIndex((point) => point.tpr >= (target ?? 1));
  } else {
    for (let k = 0; k < points.length; k++) if (1 - (points[k]?.fpr ?? 1) >= (target ?? 1)) chosen = k;
  }
  // A specificity target no threshold reaches: call nothing positive above the highest score.
  if (chosen < 0) chosen = 0;
  const point = points[chosen];
  if (!point || point.threshold === null) return fallback;
  const below = points[chosen + 1]?.threshold;
  const threshold = below === undefined || below === null ? point.threshold : (point.threshold + below) / 2;
  return {
    threshold,
    rule,
    target,
    chosenOn: 'val',
    validation: { sensitivity: point.tpr, specificity: 1 - point.fpr },
  };
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/** The evaluated split's numbers at a chosen threshold (≥ threshold is positive). */
export function operatingPointOf(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  positiveClass: number,
  choice: ThresholdChoice,
): OperatingPoint {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const positive = labels[i] === positiveClass;
    const called = (scores[i] as number) >= choice.threshold;
    if (positive && called) tp++;
    else if (positive) fn++;
    else if (called) fp++;
    else tn++;
  }
  const sensitivity = ratio(tp, tp + fn);
  const specificity = ratio(tn, tn + fp);
  // confusion[actual][predicted], in class order.
  const positiveRow = positiveClass === 1 ? [fn, tp] : [tp, fn];
  const negativeRow = positiveClass === 1 ? [tn, fp] : [fp, tn];
  const confusion = positiveClass === 1 ? [negativeRow, positiveRow] : [positiveRow, negativeRow];
  return {
    threshold: choice.threshold,
    rule: choice.rule,
    target: choice.target,
    chosenOn: choice.chosenOn,
    sensitivity,
    specificity,
    balancedAccuracy: sensitivity === null || specificity === null ? null : (sensitivity + specificity) / 2,
    precision: ratio(tp, tp + fp),
    npv: ratio(tn, tn + fn),
    confusion,
    validation: choice.validation,
  };
}
