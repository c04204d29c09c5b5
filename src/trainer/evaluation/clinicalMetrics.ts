// Clinical metrics of a classifier on one split, from its softmax outputs: the numbers every view
// shows (see src/shared/run/metrics.ts). Pure TypeScript so it is testable without tfjs and runs
// on whatever backend produced the probabilities.
import type { ClassMetrics, ClinicalMetrics } from '../../shared/run/metrics';
import { argmaxRows, confusionMatrix } from './confusion';
import { rocAuc } from './rocAuc';

export interface ClinicalMetricsInput {
  /** N×K row-major softmax outputs. */
  probabilities: Float32Array;
  /** N labels in [0, K). */
  labels: Int32Array;
  /** K class names, in label order. */
  classes: string[];
  /**
   * Binary tasks: index of the positive class (null → class 1). Ignored for K ≠ 2, where the
   * output's positiveClass is null: "positive" has no meaning there, and a config that names one
   * should not crash evaluation mid-run.
   */
  positiveClass: number | null;
  /** Passed through; a non-finite value becomes null (the schema, and JSON, cannot carry NaN). */
  loss?: number | null;
}

/** a / b, or null when b is 0 (the metric is undefined, not 0 and not NaN). */
function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Mean of the non-null values, or null when there are none. */
function meanDefined(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let n = 0;
  for (const value of values) {
    if (value !== null) {
      sum += value;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

export function computeClinicalMetrics(input: ClinicalMetricsInput): ClinicalMetrics {
  const { probabilities, labels, classes } = input;
  const classCount = classes.length;
  const count = labels.length;
  if (classCount === 0) throw new RangeError('computeClinicalMetrics: no classes');
  if (probabilities.length !== count * classCount) {
    throw new RangeError(
      `computeClinicalMetrics: ${probabilities.length} probabilities for ${count} cases × ${classCount} classes`,
    );
  }
  const binary = classCount === 2;
  const positiveClass = binary ? (input.positiveClass ?? 1) : null;
  if (positiveClass !== null && positiveClass !== 0 && positiveClass !== 1) {
    throw new RangeError(`computeClinicalMetrics: positive class ${positiveClass} is not 0 or 1 in a binary task`);
  }

  const predicted = argmaxRows(probabilities, count, classCount);
  // Validates the labels' range too.
  const confusion = confusionMatrix(labels, predicted, classCount);

  let correct = 0;
  for (let k = 0; k < classCount; k++) correct += confusion[k]?.[k] ?? 0;

  const scores = new Float32Array(count);
  const isClass: boolean[] = new Array<boolean>(count);
  const perClass: ClassMetrics[] = classes.map((className, k) => {
    // One-vs-rest counts for class k.
    const support = (confusion[k] ?? []).reduce((sum, n) => sum + n, 0);
    const truePositives = confusion[k]?.[k] ?? 0;
    let predictedAsK = 0;
    for (const row of confusion) predictedAsK += row[k] ?? 0;
    const falseNegatives = support - truePositives;
    const falsePositives = predictedAsK - truePositives;
    const trueNegatives = count - support - falsePositives;

    for (let i = 0; i < count; i++) {
      scores[i] = probabilities[i * classCount + k] as number;
      isClass[i] = labels[i] === k;
    }
    return {
      className,
      support,
      sensitivity: ratio(truePositives, support),
      specificity: ratio(trueNegatives, trueNegatives + falsePositives),
      precision: ratio(truePositives, predictedAsK),
      npv: ratio(trueNegatives, trueNegatives + falseNegatives),
      // 2TP / (2TP + FP + FN), defined whenever the class has cases. A class with cases that is
      // never predicted scores 0 (as in scikit-learn), not null: hiding that failure behind a
      // dash would flatter the model. Null only when the class has no cases, like sensitivity.
      f1: support === 0 ? null : (2 * truePositives) / (2 * truePositives + falsePositives + falseNegatives),
      auc: rocAuc(scores, isClass),
    };
  });

  const positive = positiveClass === null ? undefined : perClass[positiveClass];
  const loss = input.loss ?? null;
  return {
    count,
    accuracy: ratio(correct, count),
    // Mean recall over the classes present: a class with no cases has no recall to average.
    balancedAccuracy: meanDefined(perClass.map((c) => c.sensitivity)),
    auc: positive ? positive.auc : meanDefined(perClass.map((c) => c.auc)),
    positiveClass,
    sensitivity: positive ? positive.sensitivity : null,
    specificity: positive ? positive.specificity : null,
    perClass,
    confusion,
    loss: loss !== null && Number.isFinite(loss) ? loss : null,
  };
}
