import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argmaxRows, confusionMatrix } from '../../../../src/trainer/evaluation/confusion';

describe('argmaxRows', () => {
  it('picks the largest probability per row, ties going to the lowest index', () => {
    const probabilities = new Float32Array([
      0.1,
      0.7,
      0.2, // → 1
      0.4,
      0.2,
      0.4, // tie 0/2 → 0
      0.2,
      0.4,
      0.4, // tie 1/2 → 1
      0.0,
      0.0,
      1.0, // → 2
    ]);
    assert.deepEqual([...argmaxRows(probabilities, 4, 3)], [1, 0, 1, 2]);
  });

  it('gives a binary 0.5/0.5 row to class 0', () => {
    assert.deepEqual([...argmaxRows(new Float32Array([0.5, 0.5, 0.4, 0.6]), 2, 2)], [0, 1]);
  });

  it('never lets NaN win, and sends an all-NaN row to class 0', () => {
    const n = Number.NaN;
    assert.deepEqual([...argmaxRows([n, 0.2, 0.1, 0.3, n, 0.6, n, n, n], 3, 3)], [1, 2, 0]);
  });

  it('handles no rows and rejects inconsistent sizes', () => {
    assert.equal(argmaxRows(new Float32Array(0), 0, 3).length, 0);
    assert.throws(() => argmaxRows(new Float32Array(5), 2, 3), RangeError);
    assert.throws(() => argmaxRows(new Float32Array(0), 0, 0), RangeError);
  });
});

describe('confusionMatrix', () => {
  it('counts confusion[actual][predicted]', () => {
    // actual 0 → predicted 0, 1; actual 1 → 1; actual 2 → 0, 0.
    assert.deepEqual(confusionMatrix([0, 0, 1, 2, 2], [0, 1, 1, 0, 0], 3), [
      [1, 1, 0],
      [0, 1, 0],
      [2, 0, 0],
    ]);
  });

  it('rejects labels or predictions outside the classes, and length mismatches', () => {
    assert.throws(() => confusionMatrix([3], [0], 3), RangeError);
    assert.throws(() => confusionMatrix([-1], [0], 3), RangeError);
    assert.throws(() => confusionMatrix([0], [3], 3), RangeError);
    assert.throws(() => confusionMatrix([0, 1], [0], 3), RangeError);
  });
});
