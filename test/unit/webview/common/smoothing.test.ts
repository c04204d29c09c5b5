import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_SMOOTHING, smooth } from '../../../../webview/src/common/smoothing';

test('weight 0 returns the values unchanged', () => {
  assert.deepEqual(smooth([1, null, 3], 0), [1, null, 3]);
});

test('the debiased EMA starts at the first value and follows TensorBoard', () => {
  const w = 0.6;
  const values = [1, 2, 4];
  // Independent computation: weighted average of the points seen, weights w^(age), normalised.
  const expected = values.map((_, index) => {
    let numerator = 0;
    let denominator = 0;
    for (let k = 0; k <= index; k += 1) {
      const weight = (1 - w) * w ** (index - k);
      numerator += weight * (values[k] ?? 0);
      denominator += weight;
    }
    return numerator / denominator;
  });
  const smoothed = smooth(values, w);
  smoothed.forEach((value, index) =>
    assert.ok(Math.abs((value ?? NaN) - (expected[index] ?? NaN)) < 1e-12, `${value} vs ${expected[index]}`),
  );
  assert.equal(smoothed[0], 1);
});

test('nulls stay null and do not move the average', () => {
  const smoothed = smooth([2, null, 2, Number.NaN, 2], 0.9);
  assert.equal(smoothed[1], null);
  assert.equal(smoothed[3], null);
  assert.ok(Math.abs((smoothed[4] ?? 0) - 2) < 1e-12);
});

test('weights beyond the maximum are clamped, so the curve never freezes', () => {
  const smoothed = smooth([0, 10], 5);
  assert.ok((smoothed[1] ?? 0) > 0);
  assert.deepEqual(smooth([0, 10], 5), smooth([0, 10], MAX_SMOOTHING));
});
