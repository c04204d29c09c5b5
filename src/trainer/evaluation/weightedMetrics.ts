// The headline metrics as functions of case weights, for the bootstrap: prepared once per model
// (scores sorted, predictions fixed), then evaluated in O(N·K) per resample. With weights null
// they give the plain values on the split.
import type { WeightedStatistic } from './bootstrap';
import { argmaxRows } from './confusion';
import { rankScores, weightedAuc } from './rankedScores';
import type { RankedScores } from './rankedScores';

/** Which metric sits at which index of a statistic's vector. */
export const HEADLINE = { auc: 0, sensitivity: 1, specificity: 2, balancedAccuracy: 3 } as const;
const HEADLINE_COUNT = 4;
/** After the headline: per class k, its AUC, sensitivity and specificity at 3 + … */
const PER_CLASS = 3;

export interface EvaluatedScores {
  /** N×K row-major probabilities. */
  probabilities: Float32Array;
  labels: Int32Array;
  classCount: number;
  /** Binary tasks: positive class index and the threshold on its probability (≥ is positive). */
  positiveClass: number | null;
  threshold: number | null;
}

interface ClassView {
  ranked: RankedScores;
  isClass: Uint8Array;
  predictedAs: Uint8Array;
}

const valueOrNaN = (value: number | null): number => (value === null ? Number.NaN : value);

/**
 * A statistic giving [auc, sensitivity, specificity, balancedAccuracy, then per class auc, sensitivity, specificity].
 */
export function headlineStatistic(input: EvaluatedScores): WeightedStatistic {
  const { probabilities, labels, classCount } = input;
  const count = labels.length;
  const argmax = argmaxRows(probabilities, count, classCount);
  const classes: ClassView[] = Array.from({ length: classCount }, (_, k) => {
    const scores = new Float64Array(count);
    const isClass = new Uint8Array(count);
    const predictedAs = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      scores[i] = probabilities[i * classCount + k] as number;
      isClass[i] = labels[i] === k ? 1 : 0;
      predictedAs[i] = argmax[i] === k ? 1 : 0;
    }
    return { ranked: rankScores(scores), isClass, predictedAs };
  });
  const binary = classCount === 2 && input.positiveClass !== null;
  const positive = binary ? (classes[input.positiveClass as number] as ClassView) : null;
  const atThreshold = new Uint8Array(count);
  if (binary) {
    const threshold = input.threshold ?? 0.5;
    for (let i = 0; i < count; i++)
      atThreshold[i] = (probabilities[i * classCount + (input.positiveClass as number)] as number) >= threshold ? 1 : 0;
  }

  return (weights) => {
    const out = new Float64Array(HEADLINE_COUNT + PER_CLASS * classCount).fill(Number.NaN);
    // One pass for every class's weighted one-vs-rest counts at the argmax.
    const support = new Float64Array(classCount);
    const truePositive = new Float64Array(classCount);
    const predicted = new Float64Array(classCount);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const weight = weights === null ? 1 : (weights[i] as number);
      if (weight === 0) continue;
      total += weight;
      const label = labels[i] as number;
      const guess = argmax[i] as number;
      support[label] = (support[label] as number) + weight;
      predicted[guess] = (predicted[guess] as number) + weight;
      if (label === guess) truePositive[label] = (truePositive[label] as number) + weight;
    }
    let aucSum = 0;
    let aucCount = 0;
    let recallSum = 0;
    let recallCount = 0;
    for (let k = 0; k < classCount; k++) {
      const view = classes[k] as ClassView;
      const auc = weightedAuc(view.ranked, view.isClass, weights);
      const tp = truePositive[k] as number;
      const positives = support[k] as number;
      const negatives = total - positives;
      const falsePositives = (predicted[k] as number) - tp;
      const sensitivity = positives === 0 ? null : tp / positives;
      const specificity = negatives === 0 ? null : (negatives - falsePositives) / negatives;
      out[HEADLINE_COUNT + PER_CLASS * k] = valueOrNaN(auc);
      out[HEADLINE_COUNT + PER_CLASS * k + 1] = valueOrNaN(sensitivity);
      out[HEADLINE_COUNT + PER_CLASS * k + 2] = valueOrNaN(specificity);
      if (auc !== null) {
        aucSum += auc;
        aucCount++;
      }
      if (sensitivity !== null) {
        recallSum += sensitivity;
        recallCount++;
      }
    }
    if (positive) {
      let positives = 0;
      let caught = 0;
      let negatives = 0;
      let cleared = 0;
      for (let i = 0; i < count; i++) {
        const weight = weights === null ? 1 : (weights[i] as number);
        if (positive.isClass[i] === 1) {
          positives += weight;
          if (atThreshold[i] === 1) caught += weight;
        } else {
          negatives += weight;
          if (atThreshold[i] === 0) cleared += weight;
        }
      }
      const sensitivity = positives === 0 ? Number.NaN : caught / positives;
      const specificity = negatives === 0 ? Number.NaN : cleared / negatives;
      // The positive class's one-vs-rest AUC, computed above.
      out[HEADLINE.auc] = out[HEADLINE_COUNT + PER_CLASS * (input.positiveClass as number)] as number;
      out[HEADLINE.sensitivity] = sensitivity;
      out[HEADLINE.specificity] = specificity;
      out[HEADLINE.balancedAccuracy] = (sensitivity + specificity) / 2;
    } else {
      out[HEADLINE.auc] = aucCount === 0 ? Number.NaN : aucSum / aucCount;
      out[HEADLINE.balancedAccuracy] = recallCount === 0 ? Number.NaN : recallSum / recallCount;
    }
    return out;
  };
}

/** Index of class k's metric (0 auc, 1 sensitivity, 2 specificity) in a headline statistic's vector. */
export function perClassIndex(classIndex: number, metric: 0 | 1 | 2): number {
  return HEADLINE_COUNT + PER_CLASS * classIndex + metric;
}

/** a(weights) − b(weights), element by element: the paired difference of two models on the same resample. */
export function differenceStatistic(a: WeightedStatistic, b: WeightedStatistic): WeightedStatistic {
  return (weights) => {
    const first = a(weights);
    const second = b(weights);
    return first.map((value, index) => value - (second[index] as number));
  };
}
