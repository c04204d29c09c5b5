import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sampleExamples } from '../../../../src/trainer/explain/sampleExamples';
import { SeededRandom } from '../../../../src/trainer/random';

describe('sampleExamples', () => {
  const labels = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
  const fineTuned = { predicted: [0, 0, 0, 1, 1, 1, 1, 1, 0, 0] };
  const scratch = { predicted: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1] };

  it('takes up to n per class and outcome of each model, seeded, in index order', () => {
    const chosen = sampleExamples(labels, [fineTuned, scratch], 2, 1, new SeededRandom(4));
    assert.deepEqual(
      chosen,
      [...chosen].sort((a, b) => a - b),
    );
    const has = (predicate: (index: number) => boolean) => chosen.some(predicate);
    assert.ok(has((i) => labels[i] === 0 && fineTuned.predicted[i] === 0));
    assert.ok(has((i) => labels[i] === 0 && fineTuned.predicted[i] === 1));
    assert.ok(has((i) => labels[i] === 1 && fineTuned.predicted[i] === 1));
    assert.ok(has((i) => labels[i] === 1 && fineTuned.predicted[i] === 0));
    assert.ok(has((i) => labels[i] === 0 && scratch.predicted[i] === 1));
    // Scratch is never wrong on class 1 and never right on class 0: nothing to add for those.
    assert.ok(chosen.length <= 5);
    assert.deepEqual(sampleExamples(labels, [fineTuned, scratch], 2, 1, new SeededRandom(4)), chosen);
  });

  it('takes nothing for n = 0 and everything for a large n', () => {
    assert.deepEqual(sampleExamples(labels, [fineTuned], 2, 0, new SeededRandom(1)), []);
    assert.deepEqual(
      sampleExamples(labels, [fineTuned, scratch], 2, 20, new SeededRandom(1)),
      labels.map((_, i) => i),
    );
  });
});
