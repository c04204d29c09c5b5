// The CLI's tables and the seed summary, from metrics with intervals and a comparison.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClinicalMetrics, ModelComparison } from '../../../../src/shared/run/metrics';
import { formatComparison, formatSeedSummary } from '../../../../src/trainer/cli/summaryTable';
import { meanSd, summarizeSeeds } from '../../../../src/trainer/evaluation/summarizeSeeds';

function metrics(auc: number, sensitivity: number, specificity: number): ClinicalMetrics {
  return {
    count: 100,
    accuracy: 0.6,
    balancedAccuracy: 0.5,
    auc,
    positiveClass: 1,
    sensitivity: 1,
    specificity: 0,
    perClass: [
      { className: 'normal', support: 40, sensitivity: 0, specificity: 1, precision: null, npv: 0.6, f1: 0, auc },
      { className: 'pneumonia', support: 60, sensitivity: 1, specificity: 0, precision: 0.6, npv: null, f1: 0.75, auc },
    ],
    confusion: [
      [0, 40],
      [0, 60],
    ],
    loss: 0.6,
    intervals: {
      bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 7 },
      threshold: 0.9,
      auc: { estimate: auc, low: auc - 0.03, high: auc + 0.03 },
      sensitivity: { estimate: sensitivity, low: sensitivity - 0.05, high: sensitivity + 0.05 },
      specificity: { estimate: specificity, low: specificity - 0.05, high: specificity + 0.05 },
      balancedAccuracy: { estimate: (sensitivity + specificity) / 2, low: 0.7, high: 0.8 },
    },
    operatingPoint: {
      threshold: 0.9,
      rule: 'youden',
      target: null,
      chosenOn: 'val',
      sensitivity,
      specificity,
      balancedAccuracy: (sensitivity + specificity) / 2,
      precision: 0.9,
      npv: 0.7,
      confusion: [
        [34, 6],
        [12, 48],
      ],
      validation: { sensitivity: 0.8, specificity: 0.8 },
    },
  };
}

const comparison: ModelComparison = {
  split: 'test',
  bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 7 },
  gain: { auc: { estimate: 0.2, low: 0.15, high: 0.25 }, sensitivity: null, specificity: null, balancedAccuracy: null },
  delong: {
    className: 'pneumonia',
    fineTunedAuc: 0.87,
    scratchAuc: 0.67,
    aucDifference: 0.2,
    standardError: 0.02,
    z: 10,
    pValue: 1e-9,
    ci: { low: 0.16, high: 0.24 },
  },
};

describe('CLI comparison table', () => {
  it('shows AUC with CIs for both models, the gain with its CI, the operating point and DeLong’s p', () => {
    const text = formatComparison(
      { 'fine-tuned': metrics(0.87, 0.8, 0.85), scratch: metrics(0.67, 0.6, 0.7) },
      'test',
      comparison,
    );
    assert.match(text, /95% CIs from 1,000 stratified bootstrap resamples/);
    assert.match(
      text,
      /ROC AUC\s+0\.870 \(0\.840 to 0\.900\)\s+0\.670 \(0\.640 to 0\.700\)\s+\+0\.200 \(\+0\.150 to \+0\.250\)/,
    );
    // At the operating point, not the argmax's 1 and 0.
    assert.match(text, /Sensitivity \(pneumonia\)\*\s+0\.800 \(0\.750 to 0\.850\)/);
    assert.match(
      text,
      /\* at each model's threshold .* chosen on the validation split by Youden’s J: fine-tuned 0\.900, scratch 0\.900/,
    );
    assert.match(
      text,
      /DeLong's test, AUC fine-tuned vs scratch: difference \+0\.200 \(95% CI \+0\.160 to \+0\.240\), z 10\.00, p < 0\.001/,
    );
  });

  it('still prints runs without intervals', () => {
    const plain = { ...metrics(0.8, 0.7, 0.7) };
    delete plain.intervals;
    delete plain.operatingPoint;
    const text = formatComparison({ 'fine-tuned': plain }, 'test');
    assert.match(text, /ROC AUC\s+0\.800\n/);
    assert.doesNotMatch(text, /DeLong/);
  });
});

describe('seed summary', () => {
  it('takes mean and sample sd over the defined values', () => {
    const entry = meanSd([0.8, null, 0.9]);
    assert.ok(entry);
    assert.equal(entry.n, 2);
    assert.ok(Math.abs(entry.mean - 0.85) < 1e-12);
    assert.ok(Math.abs((entry.sd ?? 0) - Math.sqrt(0.005)) < 1e-12);
    assert.equal(meanSd([0.7])?.sd, null);
    assert.equal(meanSd([null]), null);
  });

  it('summarises the seeds, a failed one left out of the means, and prints mean ± sd', () => {
    const summary = summarizeSeeds('x', '20261124-101500', 'test', [
      {
        seed: 1,
        runId: '20261124-101500',
        status: 'completed',
        evaluations: { 'fine-tuned': metrics(0.85, 0.8, 0.8), scratch: metrics(0.65, 0.6, 0.6) },
      },
      {
        seed: 2,
        runId: '20261124-101600',
        status: 'completed',
        evaluations: { 'fine-tuned': metrics(0.89, 0.8, 0.8), scratch: metrics(0.67, 0.6, 0.6) },
      },
      { seed: 3, runId: '20261124-101700', status: 'failed', evaluations: {} },
    ]);
    assert.deepEqual(summary.models['fine-tuned']?.auc?.values, [0.85, 0.89, null]);
    assert.ok(Math.abs((summary.models['fine-tuned']?.auc?.mean ?? 0) - 0.87) < 1e-12);
    assert.ok(Math.abs((summary.gain?.auc?.mean ?? 0) - 0.21) < 1e-12);
    assert.equal(summary.models.scratch?.sensitivity?.mean, 0.6, 'at the operating point');
    const text = formatSeedSummary(summary);
    assert.match(text, /Across 3 seeds \(1, 2, 3; 2 completed\)/);
    assert.match(text, /ROC AUC\s+0\.870 ± 0\.028\s+0\.660 ± 0\.014\s+\+0\.210 ± 0\.014/);
  });
});
