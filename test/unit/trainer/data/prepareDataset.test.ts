import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { IntensityScaling } from '../../../../src/shared/run/intensityScaling';
import type { LoadedDataset } from '../../../../src/trainer/data/dataset';
import { loadMedmnist } from '../../../../src/trainer/data/medmnist';
import { prepareDataset } from '../../../../src/trainer/data/prepareDataset';
import { floatStore } from '../../../../src/trainer/data/imageStore';
import { classCounts } from '../../../../src/trainer/data/splits';
import { indexedSet, indicesOf, sharedData, pixelsOf } from '../../../support/dataHelpers';

/** 100 images (60 of class 0, 40 of class 1), each filled with its own index, no splits. */
function folderLike(): LoadedDataset {
  const labels = Array.from({ length: 100 }, (_, index) => (index % 5 < 3 ? 0 : 1));
  return {
    description: 'folder-like',
    classes: ['a', 'b'],
    train: indexedSet(labels, [4, 4, 1]),
    val: null,
    test: null,
  };
}

describe('prepareDataset on a dataset without splits', () => {
  it('holds out test, then val from the rest, stratified and disjoint (64 / 16 / 20)', () => {
    const prepared = prepareDataset(folderLike(), { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 });
    assert.equal(prepared.test.count, 20);
    assert.equal(prepared.val.count, 16);
    assert.equal(prepared.train.count, 64);
    assert.deepEqual(classCounts(prepared.test.labels, 2), [12, 8]);
    assert.deepEqual(classCounts(prepared.val.labels, 2), [10, 6]);
    const all = [prepared.train, prepared.val, prepared.test].flatMap(indicesOf).sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 100 }, (_, index) => index),
    );
    assert.equal(prepared.report.valSource, 'held out');
    assert.equal(prepared.report.testSource, 'held out');
    assert.deepEqual(prepared.report.warnings, []);
  });

  it('samples only the training split, and the sampling does not move val or test', () => {
    const full = prepareDataset(folderLike(), { shape: [4, 4, 1], seed: 3, validationFraction: 0.2 });
    const few = prepareDataset(folderLike(), { shape: [4, 4, 1], seed: 3, validationFraction: 0.2, labelsPerClass: 5 });
    assert.deepEqual(classCounts(few.train.labels, 2), [5, 5]);
    assert.deepEqual(indicesOf(few.val), indicesOf(full.val));
    assert.deepEqual(indicesOf(few.test), indicesOf(full.test));
    const trainImages = new Set(indicesOf(full.train));
    assert.ok(indicesOf(few.train).every((index) => trainImages.has(index)));
    assert.equal(few.report.trainAvailable, 64);
    assert.deepEqual(few.report.trainCounts, [5, 5]);
  });

  it('is deterministic by seed', () => {
    const options = { shape: [4, 4, 1] as [number, number, number], validationFraction: 0.25, fraction: 0.5 };
    const first = prepareDataset(folderLike(), { ...options, seed: 9 });
    const again = prepareDataset(folderLike(), { ...options, seed: 9 });
    const other = prepareDataset(folderLike(), { ...options, seed: 10 });
    assert.deepEqual(
      [first.train, first.val, first.test].map(indicesOf),
      [again.train, again.val, again.test].map(indicesOf),
    );
    assert.notDeepEqual(indicesOf(first.test), indicesOf(other.test));
  });

  it('converts every split to the requested shape', () => {
    const prepared = prepareDataset(folderLike(), { shape: [8, 6, 3], seed: 1, validationFraction: 0.2 });
    for (const set of [prepared.train, prepared.val, prepared.test]) {
      assert.deepEqual(set.shape, [8, 6, 3]);
      assert.equal(pixelsOf(set).length, set.count * 8 * 6 * 3);
    }
    // Image values survive conversion (each image is constant: its index).
    assert.deepEqual(
      indicesOf(prepared.test),
      indicesOf(prepareDataset(folderLike(), { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 }).test),
    );
  });

  it('makes only val when the dataset has a test split (IDX)', () => {
    const loaded = folderLike();
    const test = indexedSet([0, 1, 0, 1], [4, 4, 1]);
    const prepared = prepareDataset({ ...loaded, test }, { shape: [4, 4, 1], seed: 1, validationFraction: 0.1 });
    assert.equal(prepared.test.count, 4);
    assert.equal(prepared.val.count, 10);
    assert.equal(prepared.train.count, 90);
    assert.equal(prepared.report.testSource, 'dataset');
    assert.equal(prepared.report.valSource, 'held out');
  });

  it('refuses a single class, out-of-range labels and a bad validationFraction', () => {
    const loaded = folderLike();
    assert.throws(
      () => prepareDataset({ ...loaded, classes: ['a'] }, { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 }),
      /at least two/,
    );
    assert.throws(
      () =>
        prepareDataset(
          { ...loaded, train: indexedSet([0, 1, 2]) },
          { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 },
        ),
      /label 2 at index 2 is outside the 2 classes/,
    );
    assert.throws(() => prepareDataset(loaded, { shape: [4, 4, 1], seed: 1, validationFraction: 1 }), RangeError);
  });
});

describe('prepareDataset refuses what would train silently wrong', () => {
  it('a class with no training images, whatever the format, saying where its images are', () => {
    const loaded = folderLike();
    // Class "c" only in the file's own test split.
    const test = indexedSet([0, 1, 2, 2], [4, 4, 1]);
    assert.throws(
      () =>
        prepareDataset(
          { ...loaded, classes: ['a', 'b', 'c'], test },
          { shape: [4, 4, 1], seed: 1, validationFraction: 0.1 },
        ),
      /^DatasetError: folder-like: no training images of "c" \(0 in validation, 2 in test\): a classifier cannot learn a class it never sees in training; add training images of it, or leave it out of the data$/,
    );
  });

  it('a NaN or infinite pixel in any split, naming the split and the image', () => {
    const loaded = folderLike();
    const val = indexedSet([0, 1, 0, 1], [4, 4, 1]);
    const pixels = pixelsOf(val);
    pixels[2 * 16 + 5] = Number.NEGATIVE_INFINITY;
    val.images = floatStore(pixels, val.count, val.shape);
    assert.throws(
      () => prepareDataset({ ...loaded, val }, { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 }),
      /^DatasetError: folder-like: val image 2 holds -Infinity at row 1, column 1: a model trained on it would get NaN weights/,
    );
  });

  it('says in its warnings how stored values were scaled', () => {
    const scaling: IntensityScaling = {
      storedAs: 'uint16',
      implied: [0, 65535],
      found: [0, 4000],
      assumed: [0, 4095],
      reason: '12-bit data',
    };
    const prepared = prepareDataset(
      { ...folderLike(), scaling: [scaling] },
      { shape: [4, 4, 1], seed: 1, validationFraction: 0.2 },
    );
    assert.deepEqual(prepared.report.scaling, [scaling]);
    assert.match(prepared.report.warnings[0] ?? '', /^uint16 images hold values 0\.\.4000: read as 12-bit data/);
  });
});

describe('prepareDataset on the real PneumoniaMNIST subset', () => {
  let loaded: LoadedDataset;
  before(async () => {
    loaded = await loadMedmnist(sharedData('pneumoniamnist-subset.npz'));
  });

  it('5% of the labels is 194 images (19 normal, 175 pneumonia); val and test stay whole', () => {
    const prepared = prepareDataset(loaded, { shape: [28, 28, 1], seed: 42, fraction: 0.05, validationFraction: 0.2 });
    assert.deepEqual(classCounts(prepared.train.labels, 2), [19, 175]);
    assert.equal(prepared.train.count, 194);
    assert.equal(prepared.val, loaded.val);
    assert.equal(prepared.test, loaded.test);
    assert.equal(prepared.report.valSource, 'dataset');
    assert.equal(prepared.report.trainAvailable, 3882);
  });

  it('reports a class smaller than labelsPerClass and keeps all of it', () => {
    const prepared = prepareDataset(loaded, {
      shape: [28, 28, 1],
      seed: 42,
      labelsPerClass: 500,
      validationFraction: 0.2,
    });
    assert.deepEqual(classCounts(prepared.train.labels, 2), [388, 500]);
    assert.deepEqual(prepared.report.shortfalls, [{ label: 0, requested: 500, available: 388 }]);
    assert.equal(prepared.report.warnings.length, 1);
    assert.match(prepared.report.warnings[0] ?? '', /class "class 0" has only 388 training images: all 388 are used/);
  });

  it('converts to 32×32×3 for an RGB model', () => {
    const prepared = prepareDataset(loaded, {
      shape: [32, 32, 3],
      seed: 1,
      labelsPerClass: 10,
      validationFraction: 0.2,
    });
    assert.deepEqual(prepared.test.shape, [32, 32, 3]);
    assert.equal(pixelsOf(prepared.test).length, 624 * 32 * 32 * 3);
    assert.ok(pixelsOf(prepared.test).every((value) => value >= 0 && value <= 1));
  });
});
