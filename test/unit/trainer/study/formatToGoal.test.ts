// The labels each model needs to reach the goal, as the terminal and the report say them: an
// estimate outside the label counts measured is called an extrapolation, on either side.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatToGoal } from '../../../../src/trainer/study/studySummary';

describe('formatToGoal', () => {
  const toGoal = { estimate: 226, low: 18, high: 2821, beyondData: false };

  test('inside the data: the estimate and its interval', () => {
    assert.equal(formatToGoal(toGoal, 1941, 5), '226 [18, 2821]');
  });

  test('past the largest count, or under the smallest: said to be outside the data', () => {
    assert.equal(
      formatToGoal({ ...toGoal, estimate: 3000, beyondData: true }, 1941, 5),
      'beyond the data (> 1941; the curve says 3000 [18, 2821])',
    );
    assert.equal(
      formatToGoal({ estimate: 1.43, low: 0, high: 56, beyondData: false }, 1941, 5),
      'below the data (< 5; the curve says 1.4 [0, 56])',
    );
  });

  test('a curve that levels off under the goal never reaches it', () => {
    assert.equal(
      formatToGoal({ estimate: null, low: null, high: null, beyondData: true }, 80, 5),
      'never on the fitted curve (its plateau is below the goal)',
    );
  });
});
