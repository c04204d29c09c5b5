// The evaluation statistics against values computed independently in Python (numpy, scipy,
// scikit-learn; test/fixtures/metrics/generate_evaluation_fixture.py), and DeLong's fast midrank
// form against the textbook O(m·n) structural components written out here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { brierScore, reliability } from '../../../../src/trainer/evaluation/calibration';
import {
  averagePrecision,
  prCurvePoints,
  rocCurvePoints,
  trapezoidArea,
} from '../../../../src/trainer/evaluation/curves';
import { delongPairedTest, midranks } from '../../../../src/trainer/evaluation/delong';
import { normalQuantile, normalUpperTail, twoSidedP } from '../../../../src/trainer/evaluation/normalDistribution';
import { fitTemperature } from '../../../../src/trainer/evaluation/temperature';
import { SeededRandom } from '../../../../src/trainer/random';
import { fixturesDir } from '../../../support/paths';

interface Reference {
  labels: number[];
  fineTuned: number[];
  scratch: number[];
  delong: {
    aucA: number;
    aucB: number;
    varianceA: number;
    varianceB: number;
    covariance: number;
    standardError: number;
    z: number;
    pValue: number;
    ci: [number, number];
  };
  curves: {
    auc: number;
    roc: { fpr: number[]; tpr: number[]; thresholds: number[] };
    pr: { precision: number[]; recall: number[]; thresholds: number[] };
    averagePrecision: number;
  };
  calibration: {
    fractionPositive: number[];
    meanPredicted: number[];
    counts: number[];
    ece: number;
    mce: number;
    brier: number;
  };
  temperature: { labels: number[]; probabilities: number[]; temperature: number };
}

const reference = JSON.parse(
  readFileSync(join(fixturesDir, 'metrics', 'evaluation_reference.json'), 'utf8'),
) as Reference;
const positives = reference.labels.map((label) => label === 1);

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs ${expected}`,
  );
}

/** DeLong, DeLong & Clarke-Pearson (1988) as written: ψ over every positive–negative pair. */
function bruteForceDelong(a: number[], b: number[], isPositive: boolean[]) {
  const components = (scores: number[]) => {
    const x = scores.filter((_, i) => isPositive[i]);
    const y = scores.filter((_, i) => !isPositive[i]);
    const psi = (p: number, q: number) => (p > q ? 1 : p === q ? 0.5 : 0);
    const v10 = x.map((p) => y.reduce((sum, q) => sum + psi(p, q), 0) / y.length);
    const v01 = y.map((q) => x.reduce((sum, p) => sum + psi(p, q), 0) / x.length);
    return { auc: v10.reduce((s, v) => s + v, 0) / x.length, v10, v01 };
  };
  const cov = (u: number[], v: number[]) => {
    const mu = u.reduce((s, x) => s + x, 0) / u.length;
    const mv = v.reduce((s, x) => s + x, 0) / v.length;
    return u.reduce((s, x, i) => s + (x - mu) * ((v[i] as number) - mv), 0) / (u.length - 1);
  };
  const ca = components(a);
  const cb = components(b);
  const m = ca.v10.length;
  const n = ca.v01.length;
  const variance =
    cov(ca.v10, ca.v10) / m +
    cov(ca.v01, ca.v01) / n +
    cov(cb.v10, cb.v10) / m +
    cov(cb.v01, cb.v01) / n -
    2 * (cov(ca.v10, cb.v10) / m + cov(ca.v01, cb.v01) / n);
  return { difference: ca.auc - cb.auc, standardError: Math.sqrt(variance) };
}

describe('DeLong’s paired test', () => {
  it('matches the O(m·n) structural components and scipy’s normal tail on the reference data', () => {
    const test = delongPairedTest(reference.fineTuned, reference.scratch, positives);
    assert.ok(test);
    const expected = reference.delong;
    close(test.aucA, expected.aucA, 1e-12, 'AUC fine-tuned');
    close(test.aucB, expected.aucB, 1e-12, 'AUC scratch');
    close(test.varianceA, expected.varianceA, 1e-9, 'variance A');
    close(test.varianceB, expected.varianceB, 1e-9, 'variance B');
    close(test.covariance, expected.covariance, 1e-9, 'covariance');
    close(test.standardError, expected.standardError, 1e-9, 'standard error');
    close(test.z ?? Number.NaN, expected.z, 1e-9, 'z');
    // erfc approximation: relative error < 1.2e-7.
    assert.ok(
      Math.abs(test.pValue - expected.pValue) / expected.pValue < 1e-6,
      `p ${test.pValue} vs ${expected.pValue}`,
    );
    close(test.ci.low, expected.ci[0], 1e-8, 'CI low');
    close(test.ci.high, expected.ci[1], 1e-8, 'CI high');
  });

  it('matches the brute-force version on random data with heavy ties', () => {
    const random = new SeededRandom(3);
    for (let trial = 0; trial < 5; trial++) {
      const n = 30 + trial * 17;
      const isPositive = Array.from({ length: n }, () => random.next() < 0.4);
      const a = isPositive.map((p) => Math.round((random.next() + (p ? 0.4 : 0)) * 10) / 10);
      const b = isPositive.map((p) => Math.round((random.next() + (p ? 0.2 : 0)) * 5) / 5);
      const fast = delongPairedTest(a, b, isPositive);
      const slow = bruteForceDelong(a, b, isPositive);
      assert.ok(fast);
      close(fast.difference, slow.difference, 1e-12, 'difference');
      close(fast.standardError, slow.standardError, 1e-10, 'standard error');
    }
  });

  it('gives p = 1 for identical models and null without both classes', () => {
    const test = delongPairedTest([0.1, 0.4, 0.35, 0.8], [0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    assert.equal(test?.pValue, 1);
    assert.equal(test?.z, null);
    assert.equal(delongPairedTest([0.1, 0.2], [0.3, 0.4], [true, true]), null);
  });

  it('takes midranks with ties', () => {
    assert.deepEqual([...midranks([3, 1, 3, 2])], [3.5, 1, 3.5, 2]);
  });
});

describe('normal distribution', () => {
  it('matches known tail areas and quantiles', () => {
    close(normalUpperTail(1.959963984540054), 0.025, 1e-7, 'upper tail at 1.96');
    close(twoSidedP(3.290526731491926), 0.001, 1e-6, 'two-sided p at 3.29');
    close(normalUpperTail(-1), 0.8413447460685429, 1e-7, 'upper tail at −1');
    close(normalQuantile(0.975), 1.959963984540054, 1e-8, 'quantile 0.975');
    close(normalQuantile(0.005), -2.5758293035489004, 1e-8, 'quantile 0.005');
  });
});

describe('curves against scikit-learn', () => {
  const scores = reference.fineTuned;

  it('ROC points are roc_curve(drop_intermediate=False), and their area is roc_auc_score', () => {
    const points = rocCurvePoints(scores, positives);
    const expected = reference.curves.roc;
    assert.equal(points.length, expected.fpr.length);
    points.forEach((point, k) => {
      close(point.fpr, expected.fpr[k] as number, 1e-12, `fpr ${k}`);
      close(point.tpr, expected.tpr[k] as number, 1e-12, `tpr ${k}`);
      if (k > 0) close(point.threshold ?? Number.NaN, expected.thresholds[k - 1] as number, 1e-12, `threshold ${k}`);
    });
    assert.equal(points[0]?.threshold, null);
    close(trapezoidArea(points) ?? Number.NaN, reference.curves.auc, 1e-12, 'AUC');
  });

  it('PR points are precision_recall_curve reversed, and average precision matches', () => {
    const points = prCurvePoints(scores, positives);
    const { precision, recall } = reference.curves.pr;
    // scikit-learn: decreasing recall, ending at (0, 1); ours: increasing recall, starting there.
    assert.equal(points.length, recall.length);
    points.forEach((point, k) => {
      const j = recall.length - 1 - k;
      close(point.recall, recall[j] as number, 1e-12, `recall ${k}`);
      close(point.precision, precision[j] as number, 1e-12, `precision ${k}`);
    });
    close(averagePrecision(points) ?? Number.NaN, reference.curves.averagePrecision, 1e-12, 'average precision');
  });

  it('reliability bins, ECE, MCE and Brier match calibration_curve and brier_score_loss', () => {
    const result = reliability(scores, positives, 15);
    const expected = reference.calibration;
    assert.deepEqual(
      result.bins.map((bin) => bin.count),
      expected.counts,
    );
    const nonEmpty = result.bins.filter((bin) => bin.count > 0);
    nonEmpty.forEach((bin, k) => {
      close(bin.meanPredicted ?? Number.NaN, expected.meanPredicted[k] as number, 1e-12, `mean predicted ${k}`);
      close(
        bin.fractionPositive ?? Number.NaN,
        expected.fractionPositive[k] as number,
        1e-12,
        `fraction positive ${k}`,
      );
    });
    close(result.ece ?? Number.NaN, expected.ece, 1e-12, 'ECE');
    close(result.maxCalibrationError ?? Number.NaN, expected.mce, 1e-12, 'MCE');
    const probabilities = new Float32Array(scores.flatMap((p) => [1 - p, p]));
    // Float32 two-column probabilities: the positive column holds the same float32 values.
    close(
      brierScore(probabilities, Int32Array.from(reference.labels), 2, 1) ?? Number.NaN,
      expected.brier,
      1e-7,
      'Brier',
    );
  });

  it('fits the temperature scipy’s bounded minimiser finds', () => {
    const { probabilities, labels, temperature } = reference.temperature;
    const fitted = fitTemperature(new Float32Array(probabilities), Int32Array.from(labels), 3);
    assert.ok(fitted !== null && Math.abs(fitted - temperature) < 1e-4, `T ${fitted} vs ${temperature}`);
    assert.ok(temperature > 1.5, 'the reference model is overconfident, so T > 1');
  });
});
