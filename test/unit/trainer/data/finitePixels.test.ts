import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeNonFinite, findNonFinite } from '../../../../src/trainer/data/finitePixels';

describe('findNonFinite', () => {
  it('finds the first NaN or infinity by image, row, column and channel, and counts them all', () => {
    // 3 images of 2×3×2.
    const values = new Float32Array(3 * 12).fill(0.5);
    assert.equal(findNonFinite(values, 3, [2, 3, 2]), null);
    values[12 + 2 * 3 + 1] = Number.NaN; // image 1, row 1, column 0, channel 1
    values[12 + 11] = Number.POSITIVE_INFINITY;
    values[24] = Number.NEGATIVE_INFINITY;
    const found = findNonFinite(values, 3, [2, 3, 2]);
    assert.deepEqual(found, { image: 1, row: 1, column: 0, channel: 1, value: Number.NaN, values: 3, images: 2 });
    assert.equal(
      describeNonFinite(found ?? assert.fail(), 2),
      'image 1 holds NaN at row 1, column 0, channel 1 (3 non-finite values in 2 images)',
    );
  });

  it('looks only at the images it is told of, and names one value without a count', () => {
    const values = Float32Array.from([0, 1, Number.POSITIVE_INFINITY, 0]);
    assert.equal(findNonFinite(values, 1, [1, 2, 1]), null);
    const found = findNonFinite(values, 2, [1, 2, 1]) ?? assert.fail();
    assert.equal(describeNonFinite(found, 1, 'train image 1'), 'train image 1 holds Infinity at row 0, column 0');
  });
});
