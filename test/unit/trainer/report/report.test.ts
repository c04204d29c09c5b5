// The report's document from run data that carries the evaluation contract's optional fields
// (intervals, DeLong, ROC, calibration, operating point), and the limitations it derives.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentSchema } from '../../../../src/shared/experiment/schema';
import type { ClinicalMetrics, ModelComparison } from '../../../../src/shared/run/metrics';
import { emptyRunState } from '../../../../src/shared/run/runState';
import { buildReport } from '../../../../src/trainer/report/buildReport';
import { escapeMarkdown } from '../../../../src/trainer/report/reportFormat';
import type { ReportData } from '../../../../src/trainer/report/reportData';
import { renderHtml } from '../../../../src/trainer/report/renderHtml';
import { renderMarkdown } from '../../../../src/trainer/report/renderMarkdown';
import { limitations } from '../../../../src/trainer/report/sections/modelCard';
import { errorKindAdvice } from '../../../../src/shared/run/errorKind';
import type { ErrorKind } from '../../../../src/shared/run/errorKind';

const interval = (estimate: number, low: number, high: number) => ({ estimate, low, high });

function metrics(auc: number, ece: number): ClinicalMetrics {
  return {
    count: 60,
    accuracy: 0.8,
    balancedAccuracy: 0.78,
    auc,
    positiveClass: 1,
    sensitivity: 0.7,
    specificity: 0.86,
    perClass: [
      {
        className: 'normal',
        support: 30,
        sensitivity: 0.86,
        specificity: 0.7,
        precision: 0.74,
        npv: 0.84,
        f1: 0.8,
        auc,
      },
      {
        className: 'lesion',
        support: 30,
        sensitivity: 0.7,
        specificity: 0.86,
        precision: 0.84,
        npv: 0.74,
        f1: 0.76,
        auc,
      },
    ],
    confusion: [
      [26, 4],
      [9, 21],
    ],
    loss: 0.4,
    intervals: {
      bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 1 },
      threshold: 0.42,
      auc: interval(auc, auc - 0.08, Math.min(1, auc + 0.05)),
      sensitivity: interval(0.73, 0.6, 0.86),
      specificity: interval(0.83, 0.7, 0.93),
      balancedAccuracy: interval(0.78, 0.7, 0.86),
    },
    roc: [
      {
        classIndex: 1,
        className: 'lesion',
        auc,
        points: [
          { fpr: 0, tpr: 0, threshold: null },
          { fpr: 0.1, tpr: 0.7, threshold: 0.6 },
          { fpr: 1, tpr: 1, threshold: 0 },
        ],
      },
    ],
    calibration: {
      kind: 'positive-class',
      bins: [
        { lower: 0, upper: 0.5, meanPredicted: 0.2, fractionPositive: 0.1, count: 30 },
        { lower: 0.5, upper: 1, meanPredicted: 0.8, fractionPositive: 0.6, count: 30 },
      ],
      ece,
      maxCalibrationError: 0.2,
      brier: 0.15,
      temperature: null,
    },
    operatingPoint: {
      threshold: 0.42,
      rule: 'youden',
      target: null,
      chosenOn: 'val',
      sensitivity: 0.73,
      specificity: 0.83,
      balancedAccuracy: 0.78,
      precision: 0.81,
      npv: 0.76,
      confusion: [
        [25, 5],
        [8, 22],
      ],
      validation: { sensitivity: 0.8, specificity: 0.8 },
    },
  };
}

const comparison: ModelComparison = {
  split: 'test',
  bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 1 },
  gain: {
    auc: interval(0.12, -0.02, 0.25),
    sensitivity: null,
    specificity: null,
    balancedAccuracy: interval(0.1, 0.01, 0.2),
  },
  delong: {
    className: 'lesion',
    fineTunedAuc: 0.9,
    scratchAuc: 0.78,
    aucDifference: 0.12,
    standardError: 0.06,
    z: 2,
    pValue: 0.0456,
    ci: { low: 0.002, high: 0.238 },
  },
};

function reportData(): ReportData {
  const experiment = experimentSchema.parse({
    name: 'card',
    model: { architecture: 'seed-cnn', inputShape: [28, 28, 1] },
    source: { dataset: { type: 'synthetic', task: 'source' } },
    target: { dataset: { type: 'medmnist', path: '/data/secret-site/pneumonia.npz' }, labelsPerClass: 20 },
  });
  const state = {
    ...emptyRunState(),
    runId: '20261124-101500',
    experimentName: 'card',
    status: 'completed' as const,
    target: {
      description: 'pneumonia.npz (medmnist)',
      classes: ['normal', 'lesion'],
      imageShape: [28, 28, 1] as [number, number, number],
      sizes: { train: [5, 20], val: [10, 10], test: [30, 30] },
    },
  };
  return {
    state,
    experiment,
    metrics: {
      experimentName: 'card',
      runId: state.runId,
      status: 'completed',
      backend: 'wasm',
      evaluationSplit: 'test',
      classes: ['normal', 'lesion'],
      models: { 'fine-tuned': metrics(0.9, 0.05), scratch: metrics(0.78, 0.16) },
      transferGain: { auc: 0.12, balancedAccuracy: 0.1, sensitivity: 0 },
      comparison,
    },
    saliency: null,
    weightsSources: [],
  };
}

describe('report document', () => {
  const data = reportData();
  const html = renderHtml(buildReport(data));
  const markdown = renderMarkdown(buildReport(data));

  it('prints intervals, the gain with its interval, and DeLong’s test', () => {
    assert.ok(html.includes('<td>0.900 (0.820 to 0.950)</td>'));
    assert.ok(html.includes('<td>+0.120 (−0.020 to +0.250)</td>'));
    assert.ok(html.includes('p = 0.046'));
    assert.ok(markdown.includes('| Fine-tuned | 60 | 0.900 (0.820 to 0.950) |'));
    assert.ok(markdown.includes('95% confidence intervals from a stratified bootstrap (1000 resamples)'));
  });

  it('draws ROC and reliability charts and tables the calibration and the operating point', () => {
    assert.match(html, /<svg[^>]+aria-label="ROC curves"/);
    assert.match(html, /<svg[^>]+aria-label="Reliability diagram"/);
    assert.ok(html.includes('<th scope="row">From scratch</th><td>positive-class</td><td>0.160</td>'));
    assert.ok(html.includes('<td>0.420</td><td>youden</td><td>validation split</td>'));
  });

  it('derives the limitations from the run', () => {
    const found = limitations(data).join('\n');
    assert.match(found, /one dataset \(pneumonia\.npz \(medmnist\)\)/);
    assert.match(found, /Few labels: 25 training images \(20 per class\)/);
    assert.match(
      found,
      /Small evaluation set \(n = 60 < 100\): the confidence intervals are wide \(AUC 0\.820 to 0\.950\)/,
    );
    assert.match(found, /Class imbalance in training: normal 5, lesion 20 \(4\.0:1\)/);
    assert.match(found, /interval that includes zero \(-0\.020 to 0\.250\)/);
    assert.match(found, /scratch model's probabilities are poorly calibrated \(ECE 0\.160\)/);
    assert.match(found, /downsampled to 28×28/);
    assert.doesNotMatch(found, /synthetic/);
  });

  it('shortens dataset paths to their last part and has no script or remote resource', () => {
    assert.ok(!html.includes('secret-site'));
    assert.ok(html.includes('<td>pneumonia.npz</td>'));
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    assert.match(
      html,
      /Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"/,
    );
  });

  it('escapes Markdown syntax in untrusted text', () => {
    assert.equal(
      escapeMarkdown('a|b *c* [x](javascript:y) <img> _d_'),
      'a\\|b \\*c\\* \\[x\\](javascript:y) &lt;img&gt; \\_d\\_',
    );
    assert.equal(escapeMarkdown('# title\nnext'), '\\# title next');
  });
});

describe('report of a run that did not complete', () => {
  const failed = (errorKind: ErrorKind | null): ReportData => {
    const data = reportData();
    const error = 'the loss diverged at epoch 1 of head: lower the learning rate (now 10)';
    return {
      ...data,
      state: { ...data.state, status: 'failed', error, errorKind },
      metrics: data.metrics ? { ...data.metrics, status: 'failed' } : null,
    };
  };

  it('says how it failed and what to do, in the subtitle, the summary and the limitations', () => {
    const data = failed('diverged');
    const document = buildReport(data);
    assert.equal(document.subtitle, 'run 20261124-101500 · failed (training diverged)');
    const html = renderHtml(document);
    const markdown = renderMarkdown(document);
    const advice = errorKindAdvice('diverged');
    assert.ok(
      html.includes(
        '<div class="warning" role="note"><strong>The run failed (training diverged):</strong> ' +
          `the loss diverged at epoch 1 of head: lower the learning rate (now 10) ${advice}</div>`,
      ),
      html,
    );
    assert.ok(markdown.includes('**The run failed (training diverged):**'), markdown);
    assert.ok(markdown.includes(advice));
    assert.match(limitations(data).join('\n'), /did not complete \(status failed \(training diverged\)\)/);
  });

  it('shows the message alone for a run recorded before errorKind, and nothing for a completed run', () => {
    const markdown = renderMarkdown(buildReport(failed(null)));
    assert.ok(markdown.includes('**The run failed:** the loss diverged at epoch 1 of head'), markdown);
    assert.ok(!markdown.includes(errorKindAdvice('diverged')));
    assert.ok(!renderMarkdown(buildReport(reportData())).includes('The run failed'));
  });
});
