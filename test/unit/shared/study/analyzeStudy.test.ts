// The study analysis end to end on made-up runs whose truth is known: curves that follow an
// inverse power law exactly (up to small seed noise), a gain that shrinks with the labels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClinicalMetrics } from '../../../../src/shared/run/metrics';
import type { MetricsFile } from '../../../../src/shared/run/metricsFile';
import { analyzeStudy } from '../../../../src/shared/study/analysis/analyzeStudy';
import type { StudyRunResult } from '../../../../src/shared/study/analysis/analyzeStudy';
import { learningCurveSvg } from '../../../../src/shared/study/learningCurveSvg';
import { expandGrid } from '../../../../src/shared/study/studyPoints';

const LABELS = [5, 20, 80, 320];
const SEEDS = [1, 2, 3];
const NOISE = [0.004, -0.003, -0.001];
const fineTunedError = (n: number) => 0.3 * n ** -0.5 + 0.05;
const scratchError = (n: number) => 0.9 * n ** -0.4 + 0.05;

function model(auc: number, halfWidth: number): ClinicalMetrics {
  return {
    count: 200,
    accuracy: auc,
    balancedAccuracy: auc,
    auc,
    positiveClass: 1,
    sensitivity: auc,
    specificity: auc,
    perClass: [],
    confusion: [],
    loss: null,
    intervals: {
      bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 1 },
      threshold: 0.5,
      auc: { estimate: auc, low: auc - halfWidth, high: auc + halfWidth },
      sensitivity: null,
      specificity: null,
      balancedAccuracy: null,
    },
  };
}

function run(point: string, n: number, seedIndex: number, gainHalfWidth: number): StudyRunResult {
  const noise = NOISE[seedIndex] ?? 0;
  const fineTuned = 1 - fineTunedError(n) + noise;
  const scratch = 1 - scratchError(n) - noise;
  const metrics: MetricsFile = {
    experimentName: 'x',
    runId: `${point}-${seedIndex}`,
    status: 'completed',
    backend: 'cpu',
    evaluationSplit: 'test',
    classes: ['normal', 'pneumonia'],
    models: { 'fine-tuned': model(fineTuned, 0.02), scratch: model(scratch, 0.02) },
    transferGain: null,
    comparison: {
      split: 'test',
      bootstrap: { method: 'stratified-percentile-bootstrap', resamples: 1000, level: 0.95, seed: 1 },
      gain: {
        auc: {
          estimate: fineTuned - scratch,
          low: fineTuned - scratch - gainHalfWidth,
          high: fineTuned - scratch + gainHalfWidth,
        },
        sensitivity: null,
        specificity: null,
        balancedAccuracy: null,
      },
      delong: {
        className: 'pneumonia',
        fineTunedAuc: fineTuned,
        scratchAuc: scratch,
        aucDifference: fineTuned - scratch,
        standardError: 0.02,
        z: null,
        pValue: 0.01 * (seedIndex + 1),
        ci: { low: 0, high: 0 },
      },
    },
  };
  return { point, seed: SEEDS[seedIndex] ?? 0, labelsPerClass: n, metrics };
}

describe('analyzeStudy', () => {
  const points = expandGrid({ 'target.labelsPerClass': LABELS });
  const results = points.flatMap((point, index) =>
    SEEDS.map((_, seedIndex) => run(point.id, LABELS[index] ?? 0, seedIndex, 0.03)),
  );
  const analysis = analyzeStudy(
    { points, seeds: SEEDS, varied: ['target.labelsPerClass'], goal: { metric: 'auc', value: 0.85 } },
    results,
  );

  it('summarizes each point: the mean over seeds within its interval, DeLong’s p per seed', () => {
    const first = analysis.points[0];
    assert.equal(first?.completed, 3);
    const auc = first?.models['fine-tuned']?.auc;
    assert.ok(auc);
    assert.ok(Math.abs(auc.mean - (1 - fineTunedError(5))) < 1e-12);
    assert.ok(auc.low < auc.mean && auc.mean < auc.high);
    assert.ok(Math.abs((auc.samplingSe ?? 0) - 0.02 / 1.959963984540054) < 1e-9);
    assert.deepEqual(first?.delongP, [0.01, 0.02, 0.03]);
  });

  it('recovers the power laws, the labels to the goal and the label-saving factor', () => {
    const [series] = analysis.series;
    const fineTuned = series?.fits['fine-tuned'];
    const scratch = series?.fits.scratch;
    assert.ok(fineTuned && scratch);
    assert.ok(Math.abs(fineTuned.b - 0.5) < 0.05, `b ${fineTuned.b}`);
    assert.ok(Math.abs(scratch.b - 0.4) < 0.05, `b ${scratch.b}`);
    // Truth: fine-tuned reaches 0.85 at 9 labels per class, scratch at 9^2.5 = 243.
    const fineTunedN = fineTuned.toGoal?.estimate ?? NaN;
    const scratchN = scratch.toGoal?.estimate ?? NaN;
    assert.ok(Math.abs(fineTunedN / 9 - 1) < 0.1, `fine-tuned ${fineTunedN}`);
    assert.ok(Math.abs(scratchN / 243 - 1) < 0.1, `scratch ${scratchN}`);
    assert.ok((fineTuned.toGoal?.low ?? Infinity) < fineTunedN && fineTunedN < (fineTuned.toGoal?.high ?? 0));
    assert.equal(scratch.toGoal?.beyondData, false);
    assert.ok(Math.abs((series?.savingFactor?.factor ?? 0) / 27 - 1) < 0.2, `factor ${series?.savingFactor?.factor}`);
  });

  it('finds the crossover: the smallest label count from which the gain’s interval includes 0', () => {
    // Gains: 5 → 0.22, 20 → 0.16, 80 → 0.09, 320 → 0.05; with ±0.15 intervals only the last two include 0.
    const wide = analyzeStudy(
      { points, seeds: SEEDS, varied: ['target.labelsPerClass'], goal: null },
      points.flatMap((point, index) =>
        SEEDS.map((_, seedIndex) => run(point.id, LABELS[index] ?? 0, seedIndex, index >= 2 ? 0.15 : 0.03)),
      ),
    );
    assert.equal(wide.series[0]?.crossover, 80);
    assert.equal(
      wide.series[0]?.crossoverNote,
      'transfer helps up to about 20 labels per class; from 80 the gain’s interval includes 0',
    );
    assert.equal(analysis.series[0]?.crossover, null);
    assert.match(analysis.series[0]?.crossoverNote ?? '', /transfer helps at every label count measured up to 320/);
  });

  it('draws the chart: a dot and an interval per model and label count, both fitted curves, the goal', () => {
    const svg = learningCurveSvg(analysis, analysis.series[0] ?? assert.fail('no series'));
    assert.doesNotMatch(svg, /NaN|Infinity|undefined/);
    assert.equal(svg.match(/<circle /g)?.length, 2 * LABELS.length + 2, 'the dots, and the legend’s two');
    assert.equal(svg.match(/<path /g)?.length, 2, 'two fitted curves');
    assert.match(svg, />goal AUC 0\.85</);
    assert.doesNotMatch(svg, />crossover</, 'transfer helps at every count: no crossover to mark');
  });

  it('has no learning curves when the label count does not vary', () => {
    const strategies = expandGrid({ 'fineTune.strategy': ['full', 'partial'] });
    const none = analyzeStudy({ points: strategies, seeds: SEEDS, varied: ['fineTune.strategy'], goal: null }, []);
    assert.deepEqual(none.series, []);
    assert.equal(none.points[0]?.models['fine-tuned'], null);
  });
});
