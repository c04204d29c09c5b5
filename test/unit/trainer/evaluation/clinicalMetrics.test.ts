// computeClinicalMetrics against hand-worked examples (arithmetic in the comments) and the
// degenerate cases the views must show as "undefined" rather than 0 or NaN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clinicalMetricsSchema } from '../../../../src/shared/run/metrics';
import type { ClinicalMetrics } from '../../../../src/shared/run/metrics';
import { computeClinicalMetrics } from '../../../../src/trainer/evaluation/clinicalMetrics';
import { assertClasses, assertClose } from './metricsAssert';

/** Binary rows [1 − p, p] from the probabilities of class 1. */
function binaryRows(p1: readonly number[]): Float32Array {
  return new Float32Array(p1.flatMap((p) => [1 - p, p]));
}

/** Computes and checks the result against the shared zod schema every view parses with. */
function compute(input: Parameters<typeof computeClinicalMetrics>[0]): ClinicalMetrics {
  const metrics = computeClinicalMetrics(input);
  assert.deepEqual(clinicalMetricsSchema.parse(metrics), metrics);
  return metrics;
}

describe('computeClinicalMetrics, binary', () => {
  // labels:        1    1    1    1    0    0    0    0    0    0
  // p(class 1):   0.9  0.8  0.3  0.6  0.7  0.2  0.1  0.4  0.6  0.3
  // predicted:     1    1    0    1    1    0    0    0    1    0
  // Class 1: TP = 3 (cases 0, 1, 3), FN = 1 (case 2), FP = 2 (cases 4, 8), TN = 4 (5, 6, 7, 9).
  //   sensitivity 3/4, specificity 4/6, precision 3/5, NPV 4/5, F1 = 2·3 / (2·3 + 2 + 1) = 6/9.
  // Class 0 is the mirror: TP = 4, FN = 2, FP = 1, TN = 3.
  //   sensitivity 4/6, specificity 3/4, precision 4/5, NPV 3/5, F1 = 8 / (8 + 1 + 2) = 8/11.
  // Accuracy (3 + 4)/10; balanced accuracy (3/4 + 4/6)/2 = 17/24.
  // AUC, positives {0.9, 0.8, 0.3, 0.6} vs negatives {0.7, 0.2, 0.1, 0.4, 0.6, 0.3}:
  //   0.9 → 6, 0.8 → 6, 0.3 → 2 (0.2, 0.1) + ½ (tie 0.3), 0.6 → 4 + ½ (tie 0.6) = 19 of 24 pairs.
  //   Class 0's score 1 − p orders the cases in reverse, so its AUC is 19/24 as well.
  const probabilities = binaryRows([0.9, 0.8, 0.3, 0.6, 0.7, 0.2, 0.1, 0.4, 0.6, 0.3]);
  const labels = new Int32Array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  const classes = ['normal', 'pneumonia'];
  const class0 = {
    support: 6,
    sensitivity: 4 / 6,
    specificity: 3 / 4,
    precision: 4 / 5,
    npv: 3 / 5,
    f1: 8 / 11,
    auc: 19 / 24,
  };
  const class1 = {
    support: 4,
    sensitivity: 3 / 4,
    specificity: 4 / 6,
    precision: 3 / 5,
    npv: 4 / 5,
    f1: 6 / 9,
    auc: 19 / 24,
  };

  it('matches the hand-worked example, class 1 positive by default', () => {
    const m = compute({ probabilities, labels, classes, positiveClass: null, loss: 0.42 });
    assert.equal(m.count, 10);
    assert.deepEqual(m.confusion, [
      [4, 2],
      [1, 3],
    ]);
    assertClose(m.accuracy, 7 / 10, 'accuracy');
    assertClose(m.balancedAccuracy, 17 / 24, 'balancedAccuracy');
    assert.equal(m.positiveClass, 1);
    assertClose(m.auc, 19 / 24, 'auc');
    assertClose(m.sensitivity, 3 / 4, 'sensitivity');
    assertClose(m.specificity, 4 / 6, 'specificity');
    assert.equal(m.loss, 0.42);
    assert.deepEqual(
      m.perClass.map((c) => c.className),
      classes,
    );
    assertClasses(m, [class0, class1]);
  });

  it('reports the named positive class at top level', () => {
    const m = compute({ probabilities, labels, classes, positiveClass: 0 });
    assert.equal(m.positiveClass, 0);
    assertClose(m.sensitivity, 4 / 6, 'sensitivity');
    assertClose(m.specificity, 3 / 4, 'specificity');
    assertClose(m.auc, 19 / 24, 'auc');
    assertClasses(m, [class0, class1]);
  });

  it('scores a class that is never predicted: sensitivity 0, F1 0, precision undefined', () => {
    // labels 0 1 0 1, p(1) 0.1 0.4 0.2 0.3 → everything predicted 0.
    // Class 1: TP 0, FN 2, FP 0, TN 2 → sensitivity 0, specificity 1, precision null (never
    //   predicted), NPV 2/4, F1 0 / (0 + 0 + 2) = 0. AUC: {0.4, 0.3} both beat {0.1, 0.2} → 1.
    // Class 0: TP 2, FN 0, FP 2, TN 0 → sensitivity 1, specificity 0/2 = 0, precision 2/4,
    //   NPV null (never predicted negative), F1 4 / (4 + 2 + 0) = 2/3, AUC 1.
    const m = compute({
      probabilities: binaryRows([0.1, 0.4, 0.2, 0.3]),
      labels: new Int32Array([0, 1, 0, 1]),
      classes,
      positiveClass: 1,
    });
    assert.deepEqual(m.confusion, [
      [2, 0],
      [2, 0],
    ]);
    assertClose(m.accuracy, 1 / 2, 'accuracy');
    assertClose(m.balancedAccuracy, 1 / 2, 'balancedAccuracy');
    assertClose(m.sensitivity, 0, 'sensitivity');
    assertClose(m.specificity, 1, 'specificity');
    assertClose(m.auc, 1, 'auc');
    assertClasses(m, [
      { support: 2, sensitivity: 1, specificity: 0, precision: 2 / 4, npv: null, f1: 2 / 3, auc: 1 },
      { support: 2, sensitivity: 0, specificity: 1, precision: null, npv: 2 / 4, f1: 0, auc: 1 },
    ]);
  });

  it('leaves specificity and AUC undefined when every case is of one class', () => {
    // labels 1 1 1, p(1) 0.8 0.3 0.6 → predicted 1 0 1.
    // Class 1: TP 2, FN 1, FP 0, TN 0 → sensitivity 2/3, specificity null (no negatives),
    //   precision 2/2, NPV 0 / (0 + 1) = 0, F1 4 / (4 + 0 + 1) = 4/5, AUC null (no negatives).
    // Class 0: no cases → sensitivity, F1, AUC null; predicted once → precision 0/1 = 0;
    //   TN 2, FP 1 → specificity 2/3; FN 0 → NPV 2/2.
    const m = compute({
      probabilities: binaryRows([0.8, 0.3, 0.6]),
      labels: new Int32Array([1, 1, 1]),
      classes,
      positiveClass: null,
    });
    assertClose(m.accuracy, 2 / 3, 'accuracy');
    assertClose(m.balancedAccuracy, 2 / 3, 'balancedAccuracy');
    assert.equal(m.auc, null);
    assertClose(m.sensitivity, 2 / 3, 'sensitivity');
    assert.equal(m.specificity, null);
    assertClasses(m, [
      { support: 0, sensitivity: null, specificity: 2 / 3, precision: 0, npv: 1, f1: null, auc: null },
      { support: 3, sensitivity: 2 / 3, specificity: null, precision: 1, npv: 0, f1: 4 / 5, auc: null },
    ]);
  });

  it('returns nulls, not NaN, for no cases', () => {
    const m = compute({ probabilities: new Float32Array(0), labels: new Int32Array(0), classes, positiveClass: null });
    assert.deepEqual(m, {
      count: 0,
      accuracy: null,
      balancedAccuracy: null,
      auc: null,
      positiveClass: 1,
      sensitivity: null,
      specificity: null,
      perClass: classes.map((className) => ({
        className,
        support: 0,
        sensitivity: null,
        specificity: null,
        precision: null,
        npv: null,
        f1: null,
        auc: null,
      })),
      confusion: [
        [0, 0],
        [0, 0],
      ],
      loss: null,
    });
  });

  it('turns a non-finite loss into null and leaves a missing one null', () => {
    const base = { probabilities, labels, classes, positiveClass: null };
    assert.equal(compute({ ...base, loss: Number.NaN }).loss, null);
    assert.equal(compute({ ...base, loss: Number.POSITIVE_INFINITY }).loss, null);
    assert.equal(compute(base).loss, null);
    assert.equal(compute({ ...base, loss: 0 }).loss, 0);
  });

  it('gives a 0.5/0.5 case to class 0 (argmax ties go to the lowest index)', () => {
    const m = compute({ probabilities: binaryRows([0.5]), labels: new Int32Array([1]), classes, positiveClass: 1 });
    assert.deepEqual(m.confusion, [
      [0, 0],
      [1, 0],
    ]);
  });

  it('rejects a positive class outside a binary task, mismatched sizes and labels out of range', () => {
    assert.throws(() => computeClinicalMetrics({ probabilities, labels, classes, positiveClass: 2 }), RangeError);
    assert.throws(
      () => computeClinicalMetrics({ probabilities: probabilities.subarray(2), labels, classes, positiveClass: null }),
      RangeError,
    );
    assert.throws(
      () =>
        computeClinicalMetrics({
          probabilities: binaryRows([0.2]),
          labels: new Int32Array([2]),
          classes,
          positiveClass: null,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        computeClinicalMetrics({
          probabilities: binaryRows([0.2]),
          labels: new Int32Array([-1]),
          classes,
          positiveClass: null,
        }),
      RangeError,
    );
    assert.throws(
      () =>
        computeClinicalMetrics({
          probabilities: new Float32Array(0),
          labels: new Int32Array(0),
          classes: [],
          positiveClass: null,
        }),
      RangeError,
    );
  });
});

describe('computeClinicalMetrics, three classes', () => {
  // case  p(A) p(B) p(C)  label  predicted
  //  0    0.7  0.2  0.1    A       A
  //  1    0.2  0.5  0.3    A       B
  //  2    0.1  0.8  0.1    B       B
  //  3    0.3  0.3  0.4    B       C
  //  4    0.2  0.6  0.2    B       B
  //  5    0.1  0.2  0.7    C       C
  //  6    0.4  0.4  0.2    C       A   (tie A/B → lowest index)
  //  7    0.5  0.1  0.4    A       A
  // confusion rows (actual A, B, C): [2 1 0], [0 2 1], [1 0 1]; accuracy 5/8.
  // A: support 3, TP 2, FN 1, predicted 3 → FP 1, TN 8 − 3 − 1 = 4:
  //    sensitivity 2/3, specificity 4/5, precision 2/3, NPV 4/5, F1 4/6.
  // B: support 3, TP 2, FN 1, predicted 3 → FP 1, TN 4: same ratios as A.
  // C: support 2, TP 1, FN 1, predicted 2 → FP 1, TN 5: 1/2, 5/6, 1/2, 5/6, F1 2/4.
  // Balanced accuracy (2/3 + 2/3 + 1/2)/3 = 11/18.
  // AUC A: pos {0.7, 0.2, 0.5} vs neg {0.1, 0.3, 0.2, 0.1, 0.4}: 5 + (2 + ½) + 5 = 12.5/15 = 5/6.
  // AUC B: pos {0.8, 0.3, 0.6} vs neg {0.2, 0.5, 0.2, 0.4, 0.1}: 5 + 3 + 5 = 13/15.
  // AUC C: pos {0.7, 0.2} vs neg {0.1, 0.3, 0.1, 0.4, 0.2, 0.4}: 6 + (2 + ½) = 8.5/12 = 17/24.
  // Macro AUC (5/6 + 13/15 + 17/24)/3 = (100 + 104 + 85)/120/3 = 289/360.
  const probabilities = new Float32Array([
    0.7, 0.2, 0.1, 0.2, 0.5, 0.3, 0.1, 0.8, 0.1, 0.3, 0.3, 0.4, 0.2, 0.6, 0.2, 0.1, 0.2, 0.7, 0.4, 0.4, 0.2, 0.5, 0.1,
    0.4,
  ]);
  const labels = new Int32Array([0, 0, 1, 1, 1, 2, 2, 0]);
  const classes = ['A', 'B', 'C'];

  it('matches the hand-worked example', () => {
    const m = compute({ probabilities, labels, classes, positiveClass: null });
    assert.deepEqual(m.confusion, [
      [2, 1, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    assertClose(m.accuracy, 5 / 8, 'accuracy');
    assertClose(m.balancedAccuracy, 11 / 18, 'balancedAccuracy');
    assertClose(m.auc, 289 / 360, 'auc');
    assert.equal(m.positiveClass, null);
    assert.equal(m.sensitivity, null);
    assert.equal(m.specificity, null);
    assertClasses(m, [
      { support: 3, sensitivity: 2 / 3, specificity: 4 / 5, precision: 2 / 3, npv: 4 / 5, f1: 4 / 6, auc: 5 / 6 },
      { support: 3, sensitivity: 2 / 3, specificity: 4 / 5, precision: 2 / 3, npv: 4 / 5, f1: 4 / 6, auc: 13 / 15 },
      { support: 2, sensitivity: 1 / 2, specificity: 5 / 6, precision: 1 / 2, npv: 5 / 6, f1: 2 / 4, auc: 17 / 24 },
    ]);
  });

  it('ignores a positive class when there are more than two classes', () => {
    const m = compute({ probabilities, labels, classes, positiveClass: 0 });
    assert.equal(m.positiveClass, null);
    assert.equal(m.sensitivity, null);
    assertClose(m.auc, 289 / 360, 'auc');
  });

  it('averages balanced accuracy and macro AUC over the classes that have cases', () => {
    // case  p(A) p(B) p(C)  label  predicted
    //  0    0.6  0.3  0.1    A       A
    //  1    0.2  0.3  0.5    A       C
    //  2    0.1  0.7  0.2    B       B
    //  3    0.3  0.6  0.1    B       B
    // A: support 2, TP 1, FN 1, FP 0, TN 2 → 1/2, 1, 1, NPV 2/3, F1 2/3;
    //    AUC pos {0.6, 0.2} vs neg {0.1, 0.3}: 2 + 1 = 3/4.
    // B: support 2, TP 2, FN 0, FP 0, TN 2 → all 1; AUC pos {0.7, 0.6} vs neg {0.3, 0.3} = 1.
    // C: no cases, predicted once: TP 0, FP 1, TN 3, FN 0 → sensitivity/F1/AUC null,
    //    specificity 3/4, precision 0, NPV 1.
    // Accuracy 3/4; balanced (1/2 + 1)/2 = 3/4 (C has no recall); macro AUC (3/4 + 1)/2 = 7/8.
    const m = compute({
      probabilities: new Float32Array([0.6, 0.3, 0.1, 0.2, 0.3, 0.5, 0.1, 0.7, 0.2, 0.3, 0.6, 0.1]),
      labels: new Int32Array([0, 0, 1, 1]),
      classes,
      positiveClass: null,
    });
    assertClose(m.accuracy, 3 / 4, 'accuracy');
    assertClose(m.balancedAccuracy, 3 / 4, 'balancedAccuracy');
    assertClose(m.auc, 7 / 8, 'auc');
    assertClasses(m, [
      { support: 2, sensitivity: 1 / 2, specificity: 1, precision: 1, npv: 2 / 3, f1: 2 / 3, auc: 3 / 4 },
      { support: 2, sensitivity: 1, specificity: 1, precision: 1, npv: 1, f1: 1, auc: 1 },
      { support: 0, sensitivity: null, specificity: 3 / 4, precision: 0, npv: 1, f1: null, auc: null },
    ]);
  });

  it('leaves the macro AUC undefined when every case is of one class', () => {
    const m = compute({
      probabilities: probabilities.subarray(0, 6),
      labels: new Int32Array([0, 0]),
      classes,
      positiveClass: null,
    });
    assert.equal(m.auc, null);
    assertClose(m.balancedAccuracy, 1 / 2, 'balancedAccuracy');
  });
});
