// One rule turns a model's outputs into its answer, and one set of texts says how it was reached.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  argmaxOf,
  argmaxText,
  decideClass,
  decisionText,
  formatThreshold,
  operatingPointSchema,
  operatingPointText,
  scoreText,
} from '../../../../src/shared/run/modelDecision';
import type { OperatingPointDecision } from '../../../../src/shared/run/modelDecision';

const point: OperatingPointDecision = { positiveClassIndex: 1, threshold: 0.93, rule: 'youden' };
const classes = ['normal', 'pneumonia'];
const className = (index: number) => classes[index] ?? `class ${index}`;

describe('decideClass', () => {
  it('calls the positive class when its output reaches the threshold, whatever the argmax says', () => {
    assert.deepEqual(decideClass([0.4, 0.6], point), { predicted: 0, argmax: 1 });
    assert.deepEqual(decideClass([0.07, 0.93], point), { predicted: 1, argmax: 1 });
    const low = { ...point, threshold: 0.2 };
    assert.deepEqual(decideClass([0.7, 0.3], low), { predicted: 1, argmax: 0 });
    // Class 0 positive: the threshold applies to output 0.
    assert.deepEqual(decideClass([0.3, 0.7], { ...low, positiveClassIndex: 0 }), { predicted: 0, argmax: 1 });
  });

  it('is the argmax without an operating point (ties: the lowest index; NaN never wins)', () => {
    assert.deepEqual(decideClass([0.1, 0.7, 0.2], null), { predicted: 1, argmax: 1 });
    assert.equal(argmaxOf([0.5, 0.5]), 0);
    assert.equal(argmaxOf([Number.NaN, 0.2, 0.1]), 1);
    assert.equal(argmaxOf([Number.NaN, Number.NaN]), 0);
    assert.throws(() => decideClass([0.2, 0.3, 0.5], point), /decides between 2 classes, but the model has 3 outputs/);
  });

  it('takes only a well-formed binary operating point', () => {
    assert.ok(operatingPointSchema.safeParse(point).success);
    for (const bad of [
      { ...point, threshold: 1.5 },
      { ...point, positiveClassIndex: 2 },
      { ...point, rule: 'guess' },
      { positiveClassIndex: 1 },
    ])
      assert.ok(!operatingPointSchema.safeParse(bad).success, JSON.stringify(bad));
  });
});

describe('decision texts', () => {
  const thresholded = { predicted: 0, argmax: 1, decision: point, probabilities: [0.4, 0.6], confidence: 0.4 };
  const byArgmax = { predicted: 1, argmax: 1, decision: null, probabilities: [0.2, 0.8], confidence: 0.8 };

  it('say the answer at the operating point, the positive class’s score, and the argmax where it differs', () => {
    assert.equal(decisionText(thresholded, className), 'normal at the operating point 0.93');
    assert.equal(scoreText(thresholded, className), 'p(pneumonia) 60.0%');
    assert.equal(argmaxText(thresholded, className), 'argmax: pneumonia');
    assert.equal(
      operatingPointText(point, className),
      'pneumonia when p(pneumonia) ≥ 0.93, chosen on the validation split (Youden’s J)',
    );
  });

  it('say "at the argmax" without an operating point, and for files written before decisions were kept', () => {
    assert.equal(decisionText(byArgmax, className), 'pneumonia at the argmax');
    assert.equal(scoreText(byArgmax, className), 'confidence 80.0%');
    assert.equal(argmaxText(byArgmax, className), null);
    const older = { predicted: 1, probabilities: [0.2, 0.8], confidence: 0.8 };
    assert.equal(decisionText(older, className), 'pneumonia at the argmax');
    assert.equal(argmaxText(older, className), null);
  });

  it('print thresholds with 3 significant digits', () => {
    assert.deepEqual([0.93, 0.931249, 0.5, 1, 0.004213].map(formatThreshold), ['0.93', '0.931', '0.5', '1', '0.00421']);
  });
});
