import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../../../src/trainer/random';
import { classCounts, fewShotSample, selectImages, stratifiedSplit } from '../../../../src/trainer/data/splits';
import { indexedSet, indicesOf } from '../../../support/dataHelpers';

// 90 of class 0, 10 of class 1, 3 of class 2: imbalanced like the pneumonia data.
const labels = [...Array<number>(90).fill(0), ...Array<number>(10).fill(1), ...Array<number>(3).fill(2)];
const set = indexedSet(labels);

describe('classCounts', () => {
  it('counts each class and ignores labels outside the range', () => {
    assert.deepEqual(classCounts(Int32Array.from([0, 2, 2, 1, 5, -1]), 3), [1, 1, 2]);
    assert.deepEqual(classCounts(set.labels, 4), [90, 10, 3, 0]);
  });
});

describe('selectImages', () => {
  it('copies the chosen images and labels in the given order', () => {
    const picked = selectImages(set, [95, 3]);
    assert.deepEqual(indicesOf(picked), [95, 3]);
    assert.deepEqual(Array.from(picked.labels), [1, 0]);
    assert.throws(() => selectImages(set, [103]), RangeError);
  });
});

describe('stratifiedSplit', () => {
  it('keeps class proportions in every part and uses every image exactly once', () => {
    const parts = stratifiedSplit(set, [0.7, 0.15, 0.15], new SeededRandom(1));
    assert.equal(parts.length, 3);
    const [train, val, test] = parts;
    assert.ok(train && val && test);
    assert.deepEqual(classCounts(train.labels, 3), [63, 7, 1]);
    assert.deepEqual(classCounts(val.labels, 3), [14, 2, 1]);
    assert.deepEqual(classCounts(test.labels, 3), [13, 1, 1]);
    const all = [...indicesOf(train), ...indicesOf(val), ...indicesOf(test)].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      labels.map((_, index) => index),
    );
    // Labels travel with their images.
    for (const part of parts) indicesOf(part).forEach((index, k) => assert.equal(part.labels[k], labels[index]));
  });

  it('gives a class as small as the number of parts one image in each part', () => {
    const [a, b, c] = stratifiedSplit(
      indexedSet([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1]),
      [0.8, 0.1, 0.1],
      new SeededRandom(3),
    );
    for (const part of [a, b, c]) assert.ok(part && (classCounts(part.labels, 2)[1] ?? 0) >= 1);
  });

  it('is deterministic by seed and differs between seeds', () => {
    const first = stratifiedSplit(set, [0.8, 0.2], new SeededRandom(7)).map(indicesOf);
    const again = stratifiedSplit(set, [0.8, 0.2], new SeededRandom(7)).map(indicesOf);
    const other = stratifiedSplit(set, [0.8, 0.2], new SeededRandom(8)).map(indicesOf);
    assert.deepEqual(first, again);
    assert.notDeepEqual(first, other);
  });

  it('keeps the original order within a part', () => {
    for (const part of stratifiedSplit(set, [0.5, 0.5], new SeededRandom(2))) {
      const indices = indicesOf(part);
      assert.deepEqual(
        indices,
        [...indices].sort((a, b) => a - b),
      );
    }
  });

  it('rejects bad fractions', () => {
    assert.throws(() => stratifiedSplit(set, [], new SeededRandom(1)), RangeError);
    assert.throws(() => stratifiedSplit(set, [0.5, -0.1], new SeededRandom(1)), RangeError);
    assert.throws(() => stratifiedSplit(set, [0, 0], new SeededRandom(1)), RangeError);
  });
});

describe('fewShotSample', () => {
  it('keeps a rounded fraction of each class, at least one', () => {
    const sample = fewShotSample(set, { fraction: 0.05 }, new SeededRandom(1));
    // 90 × 5% = 4.5 → 5 (rounded), 10 × 5% = 0.5 → 1, 3 × 5% = 0.15 → 1 (at least one).
    assert.deepEqual(classCounts(sample.set.labels, 3), [5, 1, 1]);
    assert.equal(sample.set.count, 7);
    assert.deepEqual(sample.shortfalls, []);
    assert.deepEqual(
      [...sample.kept.entries()],
      [
        [0, 5],
        [1, 1],
        [2, 1],
      ],
    );
    assert.deepEqual(indicesOf(sample.set), sample.indices);
  });

  it('takes labelsPerClass from each class and reports the classes that are too small', () => {
    const sample = fewShotSample(set, { labelsPerClass: 5 }, new SeededRandom(1));
    assert.deepEqual(classCounts(sample.set.labels, 3), [5, 5, 3]);
    assert.deepEqual(sample.shortfalls, [{ label: 2, requested: 5, available: 3 }]);
  });

  it('samples distinct images, deterministically by seed', () => {
    const first = fewShotSample(set, { labelsPerClass: 8 }, new SeededRandom(11)).indices;
    assert.equal(new Set(first).size, first.length);
    assert.deepEqual(fewShotSample(set, { labelsPerClass: 8 }, new SeededRandom(11)).indices, first);
    assert.notDeepEqual(fewShotSample(set, { labelsPerClass: 8 }, new SeededRandom(12)).indices, first);
  });

  it('keeps everything when neither option is given', () => {
    const sample = fewShotSample(set, {}, new SeededRandom(1));
    assert.equal(sample.set, set);
    assert.equal(sample.indices.length, 103);
  });

  it('rejects both options at once and invalid values', () => {
    assert.throws(() => fewShotSample(set, { fraction: 0.5, labelsPerClass: 2 }, new SeededRandom(1)), /either/);
    assert.throws(() => fewShotSample(set, { fraction: 0 }, new SeededRandom(1)), RangeError);
    assert.throws(() => fewShotSample(set, { fraction: 1.5 }, new SeededRandom(1)), RangeError);
    assert.throws(() => fewShotSample(set, { labelsPerClass: 2.5 }, new SeededRandom(1)), RangeError);
  });
});
