import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  boxReduce,
  convertChannels,
  convertImageSet,
  convertPixels,
  resizeBilinear,
  resizeImages,
} from '../../../../src/trainer/data/convertImages';
import { makeSet, maxDifference, pixelsOf } from '../../../support/dataHelpers';

describe('resizeBilinear', () => {
  it('upsamples a 2×2 image with half-pixel centres (as tf.image.resize / PyTorch align_corners=False)', () => {
    // Output pixel x maps to source (x + 0.5) / 2 - 0.5: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
    const out = resizeBilinear(Float32Array.from([0, 1, 2, 3]), 1, [2, 2, 1], 4, 4);
    const row0 = [0, 0.25, 0.75, 1];
    const row = (offset: number) => row0.map((value) => value + offset);
    // Rows blend the source rows (value +2) with the same weights.
    const expected = [...row(0), ...row(0.5), ...row(1.5), ...row(2)];
    assert.ok(maxDifference(out, expected) < 1e-6, `got ${Array.from(out).join(', ')}`);
  });

  it('halving averages each pair of pixels exactly', () => {
    const input = Float32Array.from({ length: 16 }, (_, i) => i); // 4×4, value = 4y + x
    const out = resizeBilinear(input, 1, [4, 4, 1], 2, 2);
    // Each output is the mean of a 2×2 block: (0+1+4+5)/4 = 2.5, …
    assert.deepEqual(Array.from(out), [2.5, 4.5, 10.5, 12.5]);
  });

  it('is the identity at the same size and keeps a constant image constant', () => {
    const set = makeSet(3, [5, 7, 3], [0, 1, 0], (n, y, x, c) => (n + y + x + c) / 20);
    assert.deepEqual(Array.from(resizeBilinear(pixelsOf(set), 3, [5, 7, 3], 5, 7)), Array.from(pixelsOf(set)));
    const constant = new Float32Array(5 * 7 * 3).fill(0.4);
    const resized = resizeBilinear(constant, 1, [5, 7, 3], 13, 4);
    assert.equal(resized.length, 13 * 4 * 3);
    assert.ok(resized.every((value) => Math.abs(value - 0.4) < 1e-6));
  });

  it('keeps channels apart', () => {
    const set = makeSet(1, [3, 3, 3], [0], (_n, _y, _x, c) => c / 2);
    const out = resizeBilinear(pixelsOf(set), 1, [3, 3, 3], 6, 5);
    for (let i = 0; i < out.length; i++) assert.ok(Math.abs((out[i] ?? 0) - (i % 3) / 2) < 1e-6);
  });
});

describe('resizeImages (antialiased)', () => {
  it('box-filters large reductions instead of sampling 4 pixels', () => {
    // A 1-pixel checkerboard: plain bilinear from 64 to 8 picks pixels of one colour; the mean is 0.5.
    const checker = makeSet(1, [64, 64, 1], [0], (_n, y, x) => (x + y) % 2);
    const out = resizeImages(pixelsOf(checker), 1, [64, 64, 1], 8, 8);
    assert.ok(
      out.every((value) => Math.abs(value - 0.5) < 1e-6),
      `got ${Array.from(out).slice(0, 8).join(', ')}`,
    );
  });

  it('boxReduce averages the last partial block over what it has', () => {
    const { pixels, shape } = boxReduce(Float32Array.from([1, 2, 3, 4, 5]), 1, [1, 5, 1], 1, 2);
    assert.deepEqual(shape, [1, 3, 1]);
    assert.deepEqual(Array.from(pixels), [1.5, 3.5, 5]);
  });
});

describe('convertChannels', () => {
  it('replicates gray to RGB and RGBA (opaque)', () => {
    assert.deepEqual(
      Array.from(convertChannels(Float32Array.from([0.25, 0.5]), 2, 1, 3)),
      [0.25, 0.25, 0.25, 0.5, 0.5, 0.5],
    );
    assert.deepEqual(Array.from(convertChannels(Float32Array.from([0.25]), 1, 1, 4)), [0.25, 0.25, 0.25, 1]);
  });

  it('takes the BT.601 luma of RGB and drops alpha', () => {
    const gray = convertChannels(Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5]), 4, 3, 1);
    assert.ok(maxDifference(gray, [0.299, 0.587, 0.114, 0.5]) < 1e-6);
    assert.deepEqual(
      Array.from(convertChannels(Float32Array.from([0.1, 0.2, 0.3, 0.9]), 1, 4, 3)).map((v) => +v.toFixed(6)),
      [0.1, 0.2, 0.3],
    );
    const fromRgba = convertChannels(Float32Array.from([1, 1, 1, 0]), 1, 4, 1);
    assert.ok(Math.abs((fromRgba[0] ?? 0) - 1) < 1e-6);
  });
});

describe('convertImageSet / convertPixels', () => {
  it('resizes and converts in one go and keeps labels', () => {
    const set = makeSet(2, [4, 6, 1], [1, 0], (n) => (n === 0 ? 0.2 : 0.8));
    const out = convertImageSet(set, [8, 8, 3]);
    assert.deepEqual(out.shape, [8, 8, 3]);
    assert.equal(pixelsOf(out).length, 2 * 8 * 8 * 3);
    assert.deepEqual(Array.from(out.labels), [1, 0]);
    assert.ok(
      pixelsOf(out)
        .subarray(0, 192)
        .every((value) => Math.abs(value - 0.2) < 1e-6),
    );
    assert.ok(
      pixelsOf(out)
        .subarray(192)
        .every((value) => Math.abs(value - 0.8) < 1e-6),
    );
  });

  it('returns the same set when the shape already matches', () => {
    const set = makeSet(1, [4, 4, 1], [0], () => 0.5);
    assert.equal(convertImageSet(set, [4, 4, 1]), set);
  });

  it('refuses a buffer too short for the shape', () => {
    assert.throws(() => convertPixels(new Float32Array(10), 1, [4, 4, 1], [2, 2, 1]), /expected 1 images of 4×4×1/);
  });
});
