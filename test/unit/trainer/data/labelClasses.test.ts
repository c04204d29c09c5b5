import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classCountOfLabels } from '../../../../src/trainer/data/labelClasses';

const labels = (...values: number[]): Int32Array => Int32Array.from(values);

describe('classCountOfLabels', () => {
  it('counts the classes of labels 0..K−1 across every split', () => {
    assert.equal(classCountOfLabels([{ file: 'train', labels: labels(0, 1, 1, 0) }]), 2);
    assert.equal(
      classCountOfLabels([
        { file: 'train', labels: labels(0, 1) },
        { file: 'test', labels: labels(2, 2) },
      ]),
      3,
    );
  });

  it('names a label far above the others, where it is, and the classes it would leave empty', () => {
    assert.throws(
      () =>
        classCountOfLabels([
          { file: 'a.npz/train_labels.npy', labels: labels(0, 1, 0, 1) },
          { file: 'a.npz/val_labels.npy', labels: labels(1, 0, 1_000_000_000) },
        ]),
      /^DatasetError: a\.npz\/val_labels\.npy: label 1000000000 \(image 2\) is outside the classes the other labels use: no image has label 2\.\.999999999, so 999,999,998 classes would have no images\. Labels are class indices 0, 1, …, K−1 with images in every class: fix that label or renumber the classes$/,
    );
  });

  it('lists gaps between labels, at most three', () => {
    assert.throws(
      () => classCountOfLabels([{ file: 'f', labels: labels(0, 1, 3) }]),
      /no image has label 2, so 1 class would/,
    );
    assert.throws(
      () => classCountOfLabels([{ file: 'f', labels: labels(0, 2, 4, 6, 9) }]),
      /no image has label 1, 3, 5, …, so 5 classes would/,
    );
  });

  it('says when the labels count from 1', () => {
    assert.throws(
      () => classCountOfLabels([{ file: 'f', labels: labels(1, 2, 3, 2) }]),
      /f: the labels run from 1 to 3 and no image has label 0: labels are class indices counted from 0; subtract 1 from every label/,
    );
  });
});
