// Reliability diagram, expected and maximum calibration error, and the Brier score: equal-width
// bins over [0, 1], a probability on an inner edge going to the lower bin, as scikit-learn's
// calibration_curve (strategy "uniform") bins them.
import type { Calibration, ReliabilityBin } from '../../shared/run/metrics';
import { argmaxRows } from './confusion';

export interface ReliabilityResult {
  bins: ReliabilityBin[];
  ece: number | null;
  maxCalibrationError: number | null;
}

/** `predicted[i]`: the probability given to the event; `happened[i]`: whether it happened. */
export function reliability(
  predicted: ArrayLike<number>,
  happened: ArrayLike<boolean>,
  binCount: number,
): ReliabilityResult {
  const edges = Array.from({ length: binCount + 1 }, (_, k) => (k === binCount ? 1 : k * (1 / binCount)));
  const sums = new Float64Array(binCount);
  const hits = new Float64Array(binCount);
  const counts = new Int32Array(binCount);
  let total = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i] as number;
    if (Number.isNaN(p)) continue;
    let bin = Math.min(binCount - 1, Math.max(0, Math.floor(p * binCount)));
    // searchsorted(inner edges, p, 'left'): a value on an inner edge belongs to the bin below it.
    while (bin > 0 && p <= (edges[bin] as number)) bin--;
    while (bin < binCount - 1 && p > (edges[bin + 1] as number)) bin++;
    sums[bin] = (sums[bin] as number) + p;
    if (happened[i]) hits[bin] = (hits[bin] as number) + 1;
    counts[bin] = (counts[bin] as number) + 1;
    total++;
  }
  let ece = 0;
  let mce = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < binCount; b++) {
    const n = counts[b] as number;
    const meanPredicted = n === 0 ? null : (sums[b] as number) / n;
    const fractionPositive = n === 0 ? null : (hits[b] as number) / n;
    if (meanPredicted !== null && fractionPositive !== null) {
      const gap = Math.abs(fractionPositive - meanPredicted);
      ece += (n / total) * gap;
      mce = Math.max(mce, gap);
    }
    bins.push({ lower: edges[b] as number, upper: edges[b + 1] as number, meanPredicted, fractionPositive, count: n });
  }
  return { bins, ece: total === 0 ? null : ece, maxCalibrationError: total === 0 ? null : mce };
}

/** Binary: mean (p − y)² of the positive class; more classes: mean Σₖ (pₖ − yₖ)² / K. */
export function brierScore(
  probabilities: Float32Array,
  labels: Int32Array,
  classCount: number,
  positiveClass: number | null,
): number | null {
  const count = labels.length;
  if (count === 0) return null;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    if (positiveClass !== null) {
      const p = probabilities[i * classCount + positiveClass] as number;
      sum += (p - (labels[i] === positiveClass ? 1 : 0)) ** 2;
    } else {
      for (let k = 0; k < classCount; k++)
        sum += ((probabilities[i * classCount + k] as number) - (labels[i] === k ? 1 : 0)) ** 2 / classCount;
    }
  }
  return sum / count;
}

/** What the event and outcome are: the positive class (binary) or the top label being right. */
export function calibrationInputs(
  probabilities: Float32Array,
  labels: Int32Array,
  classCount: number,
  positiveClass: number | null,
): { predicted: Float64Array; happened: boolean[] } {
  const count = labels.length;
  const predicted = new Float64Array(count);
  const happened = new Array<boolean>(count);
  const top = positiveClass === null ? argmaxRows(probabilities, count, classCount) : null;
  for (let i = 0; i < count; i++) {
    const k = top ? (top[i] as number) : (positiveClass as number);
    predicted[i] = probabilities[i * classCount + k] as number;
    happened[i] = labels[i] === k;
  }
  return { predicted, happened };
}

export function calibrationOf(
  probabilities: Float32Array,
  labels: Int32Array,
  classCount: number,
  positiveClass: number | null,
  binCount: number,
  temperature: number | null,
): Calibration {
  const { predicted, happened } = calibrationInputs(probabilities, labels, classCount, positiveClass);
  const { bins, ece, maxCalibrationError } = reliability(predicted, happened, binCount);
  return {
    kind: positiveClass === null ? 'top-label' : 'positive-class',
    bins,
    ece,
    maxCalibrationError,
    brier: brierScore(probabilities, labels, classCount, positiveClass),
    temperature,
  };
}
