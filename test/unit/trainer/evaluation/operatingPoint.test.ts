// The operating point is chosen on validation scores and applied to the evaluated split; with a
// temperature, the threshold written for the raw model output makes the same decisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExperiment } from '../../../../src/shared/experiment/parseExperiment';
import type { EvaluationSpec } from '../../../../src/shared/experiment/schema';
import { decisionRuleOf, evaluateScores } from '../../../../src/trainer/evaluation/clinicalEvaluation';
import { downsampleRoc, rocCurvePoints, trapezoidArea } from '../../../../src/trainer/evaluation/curves';
import { chooseThreshold, operatingPointOf } from '../../../../src/trainer/evaluation/operatingPoint';
import { SeededRandom } from '../../../../src/trainer/random';

//                 negatives ─────────────┐  positives ──────────────────┐
const scores = [0.1, 0.2, 0.3, 0.55, 0.7, 0.4, 0.6, 0.65, 0.8, 0.9];
const positives = scores.map((_, i) => i >= 5);

describe('choosing the threshold', () => {
  it('Youden’s J: the ROC point maximising sensitivity + specificity − 1, halfway to the next score', () => {
    const choice = chooseThreshold(scores, positives, 'youden', null);
    // At ≥ 0.6: sensitivity 4/5, specificity 4/5 (J 0.6), the best; the next lower score is 0.55.
    assert.equal(choice.rule, 'youden');
    assert.equal(choice.chosenOn, 'val');
    assert.ok(Math.abs(choice.threshold - 0.575) < 1e-12);
    assert.deepEqual(choice.validation, { sensitivity: 0.8, specificity: 0.8 });
  });

  it('a target sensitivity: the highest threshold that reaches it', () => {
    const choice = chooseThreshold(scores, positives, 'sensitivity', 1);
    assert.deepEqual(choice.validation, { sensitivity: 1, specificity: 0.6 });
    assert.ok(Math.abs(choice.threshold - 0.35) < 1e-12);
  });

  it('a target specificity: the lowest threshold that keeps it', () => {
    const choice = chooseThreshold(scores, positives, 'specificity', 0.8);
    assert.deepEqual(choice.validation, { sensitivity: 0.8, specificity: 0.8 });
    assert.ok(Math.abs(choice.threshold - 0.575) < 1e-12);
  });

  it('default, or validation data without both classes: 0.5, chosen on nothing', () => {
    assert.deepEqual(chooseThreshold(scores, positives, 'default', null), {
      threshold: 0.5,
      rule: 'default',
      target: null,
      chosenOn: null,
      validation: null,
    });
    assert.equal(chooseThreshold([0.2, 0.3], [true, true], 'youden', null).threshold, 0.5);
  });

  it('applies it to other cases with the confusion matrix in class order', () => {
    const choice = chooseThreshold(scores, positives, 'youden', null);
    const point = operatingPointOf([0.9, 0.58, 0.2, 0.6, 0.1], [1, 1, 1, 0, 0], 1, choice);
    assert.deepEqual(point.confusion, [
      [1, 1],
      [1, 2],
    ]);
    assert.equal(point.sensitivity, 2 / 3);
    assert.equal(point.specificity, 0.5);
    const flipped = operatingPointOf([0.9, 0.58, 0.2, 0.6, 0.1], [0, 0, 0, 1, 1], 0, choice);
    assert.deepEqual(flipped.confusion, [
      [2, 1],
      [1, 1],
    ]);
  });
});

describe('ROC downsampling', () => {
  it('keeps at most ~200 points, the hull’s corners and (nearly) the area', () => {
    const random = new SeededRandom(4);
    const isPositive = Array.from({ length: 2000 }, () => random.next() < 0.5);
    const values = isPositive.map((p) => random.normal() + (p ? 1 : 0));
    const full = rocCurvePoints(values, isPositive);
    const small = downsampleRoc(full);
    assert.ok(full.length > 1000);
    assert.ok(small.length <= 260, `${small.length} points`);
    assert.deepEqual(small[0], full[0]);
    assert.deepEqual(small[small.length - 1], full[full.length - 1]);
    assert.ok(Math.abs((trapezoidArea(small) as number) - (trapezoidArea(full) as number)) < 0.005);
  });
});

function settings(text: string): EvaluationSpec {
  const parsed = parseExperiment(
    `name: t\nmodel: { architecture: seed-cnn }\nsource: { dataset: { type: synthetic, task: source } }\ntarget: { dataset: { type: synthetic, task: target } }\nevaluation: ${text}\n`,
  );
  assert.ok(parsed.ok);
  return parsed.experiment.evaluation;
}

/** An overconfident binary model: sharp probabilities that are often wrong. */
function overconfident(count: number, seed: number) {
  const random = new SeededRandom(seed);
  const labels = Int32Array.from({ length: count }, () => (random.next() < 0.4 ? 1 : 0));
  const probabilities = new Float32Array(count * 2);
  labels.forEach((label, i) => {
    const logit = 4 * (random.normal() + (label === 1 ? 0.9 : -0.9));
    const p = 1 / (1 + Math.exp(-logit));
    probabilities[2 * i] = 1 - p;
    probabilities[2 * i + 1] = p;
  });
  return { labels, probabilities };
}

describe('a model’s whole evaluation', () => {
  const evaluated = overconfident(400, 1);
  const validation = overconfident(300, 2);
  const classes = ['normal', 'lesion'];

  it('chooses the threshold on validation and reports the test split at it, with CIs around the estimates', () => {
    const result = evaluateScores({
      evaluated,
      validation,
      classes,
      positiveClass: 1,
      settings: settings('{ bootstrap: { resamples: 200 } }'),
      seed: 3,
    });
    const { metrics } = result;
    const chosen = chooseThreshold(
      Array.from({ length: 300 }, (_, i) => validation.probabilities[2 * i + 1] as number),
      Array.from(validation.labels, (l) => l === 1),
      'youden',
      null,
    );
    assert.equal(metrics.operatingPoint?.threshold, chosen.threshold);
    assert.equal(metrics.intervals?.threshold, chosen.threshold);
    assert.equal(metrics.intervals?.sensitivity?.estimate, metrics.operatingPoint?.sensitivity);
    assert.equal(metrics.intervals?.auc?.estimate, metrics.auc);
    assert.ok(Math.abs((metrics.roc?.[0]?.auc ?? 0) - (metrics.auc ?? 1)) < 1e-12);
    assert.equal(metrics.calibration?.temperature, null);
    assert.equal(metrics.calibration?.bins.length, 15);
    const auc = metrics.intervals?.auc;
    assert.ok(auc && auc.low < auc.estimate && auc.estimate < auc.high);
  });

  it('temperature scaling lowers the ECE of an overconfident model and its raw-output threshold decides alike', () => {
    const result = evaluateScores({
      evaluated,
      validation,
      classes,
      positiveClass: 1,
      settings: settings('{ bootstrap: { resamples: 0 }, calibration: { temperatureScaling: true } }'),
      seed: 3,
    });
    const calibration = result.metrics.calibration;
    assert.ok(calibration?.temperature && calibration.temperature > 1.5, `T ${calibration?.temperature}`);
    assert.ok(
      (calibration.ece ?? 1) < (calibration.eceBeforeScaling ?? 0),
      `ECE ${calibration.ece} vs ${calibration.eceBeforeScaling}`,
    );
    assert.equal(result.metrics.intervals, undefined);
    const decision = decisionRuleOf(result);
    assert.ok(decision && result.choice);
    for (let i = 0; i < 400; i++) {
      const raw = evaluated.probabilities[2 * i + 1] as number;
      const scaled = result.probabilities[2 * i + 1] as number;
      // Away from float32 rounding at the threshold itself, the two rules agree.
      if (Math.abs(scaled - result.choice.threshold) > 1e-5)
        assert.equal(raw >= decision.threshold, scaled >= result.choice.threshold, `case ${i}`);
    }
  });
});
