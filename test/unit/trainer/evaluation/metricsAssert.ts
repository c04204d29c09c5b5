// Shared assertions for the evaluation tests: compares metrics to expected values within a float
// tolerance, with null (undefined metric) required to match exactly.
import assert from 'node:assert/strict';
import type { ClassMetrics, ClinicalMetrics } from '../../../../src/shared/run/metrics';

export const TOLERANCE = 1e-12;

export function assertClose(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, `${what}: ${actual} vs ${expected}`);
    return;
  }
  assert.ok(Math.abs(actual - expected) <= TOLERANCE, `${what}: ${actual} vs ${expected}`);
}

export type ExpectedClass = Omit<ClassMetrics, 'className'>;

export function assertClass(actual: ClassMetrics | undefined, expected: ExpectedClass, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.equal(actual.support, expected.support, `${what}.support`);
  for (const key of ['sensitivity', 'specificity', 'precision', 'npv', 'f1', 'auc'] as const) {
    assertClose(actual[key], expected[key], `${what}.${key}`);
  }
}

export function assertClasses(metrics: ClinicalMetrics, expected: readonly ExpectedClass[]): void {
  assert.equal(metrics.perClass.length, expected.length);
  expected.forEach((e, k) => assertClass(metrics.perClass[k], e, `perClass[${k}]`));
}
