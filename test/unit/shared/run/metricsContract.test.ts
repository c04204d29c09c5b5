// The evaluation contract in src/shared: runs recorded before intervals, curves and the comparison
// existed still parse; a full evaluation and comparison parse and fold into the run state; the
// experiment file's evaluation settings get their defaults and their errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { clinicalMetricsSchema } from '../../../../src/shared/run/metrics';
import type { ClinicalMetrics, ModelComparison } from '../../../../src/shared/run/metrics';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { fixturesDir } from '../../../support/paths';

const fixtureRun = join(fixturesDir, 'runs', 'demo', '20261124-101500', 'events.jsonl');

const interval = (estimate: number) => ({ estimate, low: estimate - 0.05, high: estimate + 0.04 });

const fullMetrics: ClinicalMetrics = {
  count: 4,
  accuracy: 0.75,
  balancedAccuracy: 0.75,
  auc: 0.75,
  positiveClass: 1,
  sensitivity: 0.5,
  specificity: 1,
  perClass: [
    { className: 'normal', support: 2, sensitivity: 1, specificity: 0.5, precision: 0.667, npv: 1, f1: 0.8, auc: 0.75 },
    {
      className: 'lesion',
      support: 2,
      sensitivity: 0.5,
      specificity: 1,
      precision: 1,
      npv: 0.667,
      f1: 0.667,
      auc: 0.75,
    },
  ],
  confusion: [
    [2, 0],
    [1, 1],
  ],
  loss: 0.5,
  intervals: {
    bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 7 },
    threshold: 0.4,
    auc: interval(0.75),
    sensitivity: interval(0.5),
    specificity: null,
    balancedAccuracy: interval(0.75),
    perClass: [{ className: 'lesion', auc: interval(0.75), sensitivity: interval(0.5), specificity: interval(0.9) }],
  },
  roc: [
    {
      classIndex: 1,
      className: 'lesion',
      auc: 0.75,
      points: [
        { fpr: 0, tpr: 0, threshold: null },
        { fpr: 0, tpr: 0.5, threshold: 0.8 },
        { fpr: 1, tpr: 1, threshold: 0.1 },
      ],
    },
  ],
  pr: [
    {
      classIndex: 1,
      className: 'lesion',
      averagePrecision: 0.8,
      prevalence: 0.5,
      points: [
        { recall: 0, precision: 1, threshold: null },
        { recall: 1, precision: 0.5, threshold: 0.1 },
      ],
    },
  ],
  calibration: {
    kind: 'positive-class',
    bins: [
      { lower: 0, upper: 0.5, meanPredicted: 0.2, fractionPositive: 0, count: 2 },
      { lower: 0.5, upper: 1, meanPredicted: null, fractionPositive: null, count: 0 },
    ],
    ece: 0.1,
    maxCalibrationError: 0.2,
    brier: 0.15,
    temperature: 1.7,
    eceBeforeScaling: 0.2,
  },
  operatingPoint: {
    threshold: 0.4,
    rule: 'youden',
    target: null,
    chosenOn: 'val',
    sensitivity: 0.5,
    specificity: 1,
    balancedAccuracy: 0.75,
    precision: 1,
    npv: 0.667,
    confusion: [
      [2, 0],
      [1, 1],
    ],
    validation: { sensitivity: 0.8, specificity: 0.9 },
  },
};

const comparison: ModelComparison = {
  split: 'test',
  bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 7 },
  gain: { auc: interval(0.2), sensitivity: interval(0.1), specificity: null, balancedAccuracy: interval(0.05) },
  delong: {
    className: 'lesion',
    fineTunedAuc: 0.9,
    scratchAuc: 0.7,
    aucDifference: 0.2,
    standardError: 0.05,
    z: 4,
    pValue: 0.0001,
    ci: { low: 0.1, high: 0.3 },
  },
};

describe('evaluation contract', () => {
  it('parses runs recorded before the new fields existed', () => {
    // The fixture run's events as an older trainer wrote them: no comparison event, and
    // evaluations without intervals, curves, calibration or operating point.
    const oldFields = ['intervals', 'roc', 'pr', 'calibration', 'operatingPoint'];
    const lines = readFileSync(fixtureRun, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((event) => event.type !== 'comparison')
      .map((event) =>
        event.type === 'evaluation'
          ? {
              ...event,
              metrics: Object.fromEntries(
                Object.entries(event.metrics as object).filter(([key]) => !oldFields.includes(key)),
              ),
            }
          : event,
      );
    const parsed = parseEventLines(`${lines.map((event) => JSON.stringify(event)).join('\n')}\n`);
    assert.deepEqual(parsed.invalidLines, []);
    const evaluation = parsed.events.find((event) => event.type === 'evaluation');
    assert.ok(evaluation && evaluation.type === 'evaluation' && evaluation.metrics.roc === undefined);
    const state = replayRunEvents(parsed.events);
    assert.equal(state.comparison, null);
    assert.ok(state.evaluations['fine-tuned']);
  });

  it('accepts intervals, curves, calibration and the operating point', () => {
    assert.deepEqual(clinicalMetricsSchema.parse(fullMetrics), fullMetrics);
    assert.equal(
      clinicalMetricsSchema.safeParse({ ...fullMetrics, operatingPoint: { ...fullMetrics.operatingPoint, rule: 'f1' } })
        .success,
      false,
    );
  });

  it('folds the comparison event into the run state', () => {
    const events: TrainerEvent[] = [
      {
        type: 'evaluation',
        seq: 0,
        time: '2026-11-24T10:00:00.000Z',
        model: 'fine-tuned',
        split: 'test',
        metrics: fullMetrics,
      },
      { type: 'comparison', seq: 1, time: '2026-11-24T10:00:01.000Z', comparison },
    ];
    for (const event of events) assert.ok(isTrainerEvent(JSON.parse(JSON.stringify(event))));
    assert.equal(
      isTrainerEvent({ ...events[1], comparison: { ...comparison, delong: { ...comparison.delong, pValue: 2 } } }),
      false,
    );
    const state = replayRunEvents(events);
    assert.deepEqual(state.comparison, comparison);
    assert.equal(state.evaluations['fine-tuned']?.operatingPoint?.threshold, 0.4);
  });
});

const base = `name: t
model: { architecture: seed-cnn }
source: { dataset: { type: synthetic, task: source } }
target: { dataset: { type: synthetic, task: target } }
`;

describe('evaluation settings in the experiment file', () => {
  it('defaults to 1,000 resamples, 95%, Youden on val, 15 bins, no temperature', () => {
    const parsed = parseExperiment(base);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.experiment.evaluation.bootstrap, { resamples: 1000, level: 0.95 });
    assert.deepEqual(parsed.experiment.evaluation.operatingPoint, { rule: 'youden' });
    assert.deepEqual(parsed.experiment.evaluation.calibration, { bins: 15, temperatureScaling: false });
    assert.equal(parsed.experiment.seeds, undefined);
  });

  it('takes a target sensitivity and seeds', () => {
    const parsed = parseExperiment(
      `${base}seeds: [1, 2, 3]\nevaluation: { operatingPoint: { rule: sensitivity, target: 0.9 }, calibration: { temperatureScaling: true } }\n`,
    );
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.experiment.seeds, [1, 2, 3]);
    assert.deepEqual(parsed.experiment.evaluation.operatingPoint, { rule: 'sensitivity', target: 0.9 });
  });

  it('names the line of a rule without its target, a target without its rule, and a repeated seed', () => {
    const messages = (text: string) => {
      const parsed = parseExperiment(text);
      assert.equal(parsed.ok, false);
      return parsed.ok ? [] : parsed.diagnostics.map((d) => `${d.start.line}: ${d.message}`);
    };
    assert.deepEqual(messages(`${base}evaluation:\n  operatingPoint: { rule: specificity }\n`), [
      '6: `evaluation.operatingPoint.rule`: rule `specificity` needs a `target` specificity between 0 and 1, e.g. 0.9',
    ]);
    assert.match(
      messages(`${base}evaluation: { operatingPoint: { target: 0.9 } }\n`).join(),
      /^5: .*`target` applies to rule `sensitivity` or `specificity`, not `youden`/,
    );
    assert.match(messages(`${base}seeds: [1, 1]\n`).join(), /^5: `seeds`: each seed once/);
  });
});
