// computeClinicalMetrics against scikit-learn's numbers for seeded random softmax outputs with many
// tied scores. The fixture was generated once by test/fixtures/metrics/generate_sklearn_fixture.py
// and is committed, so this test needs no python.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { clinicalMetricsSchema } from '../../../../src/shared/run/metrics';
import { computeClinicalMetrics } from '../../../../src/trainer/evaluation/clinicalMetrics';
import { assertClasses, assertClose } from './metricsAssert';
import { fixturesDir } from '../../../support/paths';

const classSchema = z.object({
  support: z.number(),
  sensitivity: z.number(),
  specificity: z.number(),
  precision: z.number(),
  npv: z.number(),
  f1: z.number(),
  auc: z.number(),
});

const fixtureSchema = z.object({
  sklearn: z.string(),
  cases: z.array(
    z.object({
      name: z.string(),
      classes: z.array(z.string()),
      positiveClass: z.number().nullable(),
      labels: z.array(z.number().int()),
      probabilities: z.array(z.number()),
      expected: z.object({
        count: z.number(),
        accuracy: z.number(),
        balancedAccuracy: z.number(),
        auc: z.number(),
        confusion: z.array(z.array(z.number())),
        perClass: z.array(classSchema),
      }),
    }),
  ),
});

const fixture = fixtureSchema.parse(
  JSON.parse(readFileSync(join(fixturesDir, 'metrics', 'sklearn_metrics.json'), 'utf8')),
);

describe(`computeClinicalMetrics vs scikit-learn ${fixture.sklearn}`, () => {
  it('covers a binary and a 4-class problem', () => {
    assert.deepEqual(fixture.cases.map((c) => c.classes.length).sort(), [2, 2, 4]);
  });

  for (const testCase of fixture.cases) {
    it(testCase.name, () => {
      const metrics = computeClinicalMetrics({
        probabilities: Float32Array.from(testCase.probabilities),
        labels: Int32Array.from(testCase.labels),
        classes: testCase.classes,
        positiveClass: testCase.positiveClass,
      });
      assert.deepEqual(clinicalMetricsSchema.parse(metrics), metrics);
      const expected = testCase.expected;
      assert.equal(metrics.count, expected.count);
      assert.deepEqual(metrics.confusion, expected.confusion);
      assertClose(metrics.accuracy, expected.accuracy, 'accuracy');
      assertClose(metrics.balancedAccuracy, expected.balancedAccuracy, 'balancedAccuracy');
      assertClose(metrics.auc, expected.auc, 'auc');
      assertClasses(metrics, expected.perClass);
      if (testCase.positiveClass !== null) {
        const positive = expected.perClass[testCase.positiveClass];
        assert.ok(positive);
        assertClose(metrics.sensitivity, positive.sensitivity, 'sensitivity');
        assertClose(metrics.specificity, positive.specificity, 'specificity');
      }
    });
  }
});
