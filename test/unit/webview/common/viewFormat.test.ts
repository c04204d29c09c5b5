import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  formatDuration,
  formatLearningRate,
  formatPercent,
  formatRate,
  formatRatio,
  formatSetting,
  formatDifference,
  MISSING,
  signOf,
} from '../../../../webview/src/common/viewFormat';

test('missing values show as a dash', () => {
  for (const value of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.equal(formatRatio(value), MISSING);
    assert.equal(formatPercent(value), MISSING);
    assert.equal(formatDifference(value, 2), MISSING);
  }
  assert.equal(MISSING, '–');
});

test('signed differences use a real minus sign and call rounding-to-zero neutral', () => {
  assert.equal(formatDifference(0.1893, 2), '+0.19');
  assert.equal(formatDifference(-0.05, 2), '−0.05');
  assert.equal(formatDifference(0.001, 2), '±0.00');
  assert.equal(signOf(0.001), 'neutral');
  assert.equal(signOf(-0.2), 'negative');
  assert.equal(signOf(null), null);
});

test('durations, rates, learning rates and settings', () => {
  assert.equal(formatDuration(45), '45s');
  assert.equal(formatDuration(125), '2m 05s');
  assert.equal(formatDuration(3720), '1h 02m');
  assert.equal(formatDuration(-1), MISSING);
  assert.equal(formatRate(131.6), '132 img/s');
  assert.equal(formatRate(2.04), '2.0 img/s');
  assert.equal(formatLearningRate(0.0001), '1e−4');
  assert.equal(formatLearningRate(0.001), '0.001');
  assert.equal(formatSetting(undefined), MISSING);
  assert.equal(formatSetting(null), 'null');
  assert.equal(formatSetting(false), 'false');
  assert.equal(formatPercent(0.8833), '88.3%');
});
