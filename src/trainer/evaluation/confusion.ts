// Predicted classes and the confusion matrix, from row-major N×K class probabilities.

/**
 * The predicted class of each of `count` rows of `classCount` probabilities: the argmax, ties going
 * to the lowest index (so a binary 0.5/0.5 is class 0, matching numpy's argmax and a "> 0.5"
 * threshold on class 1). NaN never wins; an all-NaN row predicts class 0.
 */
export function argmaxRows(probabilities: ArrayLike<number>, count: number, classCount: number): Int32Array {
  if (!Number.isInteger(count) || count < 0 || !Number.isInteger(classCount) || classCount < 1) {
    throw new RangeError(`argmaxRows: need count ≥ 0 and classCount ≥ 1 integers, got ${count} and ${classCount}`);
  }
  if (probabilities.length !== count * classCount) {
    throw new RangeError(`argmaxRows: ${probabilities.length} probabilities for ${count} rows × ${classCount} classes`);
  }
  const predicted = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const offset = row * classCount;
    let best = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < classCount; k++) {
      const value = probabilities[offset + k] as number;
      // Strictly greater: an equal later value does not replace an earlier one; NaN compares false.
      if (value > bestValue) {
        bestValue = value;
        best = k;
      }
    }
    predicted[row] = best;
  }
  return predicted;
}

/** confusion[actual][predicted] counts over `classCount` classes. Labels must be in range. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classCount: number,
): number[][] {
  if (labels.length !== predicted.length) {
    throw new RangeError(`confusionMatrix: ${labels.length} labels but ${predicted.length} predictions`);
  }
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const actual = labels[i] as number;
    const guess = predicted[i] as number;
    const row = matrix[actual];
    if (
      row === undefined ||
      !Number.isInteger(actual) ||
      guess < 0 ||
      guess >= classCount ||
      !Number.isInteger(guess)
    ) {
      throw new RangeError(
        `confusionMatrix: case ${i} has label ${actual} / prediction ${guess}, outside 0…${classCount - 1}`,
      );
    }
    row[guess] = (row[guess] as number) + 1;
  }
  return matrix;
}
