import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatInterval,
  formatP,
  formatSignedInterval,
  operatingPointXY,
} from '../../../../webview/src/dashboard/evaluationData';
import type { ClinicalMetrics } from '../../../../src/shared/run/metrics';

describe('evaluation formatting', () => {
  it('prints intervals, signed gains and p-values', () => {
    assert.equal(formatInterval({ estimate: 0.8691, low: 0.84, high: 0.8964 }), '0.869 [0.840, 0.896]');
    assert.equal(formatInterval(null, 0.5), '0.500');
    assert.equal(formatInterval(null, null), '–');
    assert.equal(formatSignedInterval({ estimate: 0.189, low: -0.012, high: 0.23 }), '+0.189 [−0.012, +0.230]');
    assert.equal(formatP(0.0004), '< 0.001');
    assert.equal(formatP(0.0321), '0.032');
  });

  it('puts the operating point at (1 − specificity, sensitivity)', () => {
    const metrics = { operatingPoint: { sensitivity: 0.9, specificity: 0.75 } } as unknown as ClinicalMetrics;
    assert.deepEqual(operatingPointXY(metrics), { x: 0.25, y: 0.9 });
  });
});
