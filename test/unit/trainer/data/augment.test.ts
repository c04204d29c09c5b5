import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAugmenter, isIdentityAugmentation } from '../../../../src/trainer/data/augment';
import type { ImageShape } from '../../../../src/trainer/data/dataset';
import { SeededRandom } from '../../../../src/trainer/random';
import type { Augmentation } from '../../../../src/shared/experiment/schema';
import { makeSet, pixelsOf } from '../../../support/dataHelpers';

const none: Augmentation = { flip: 'none', rotate: 0, shift: 0, brightness: 0 };
const shape: ImageShape = [5, 6, 3];
const size = 5 * 6 * 3;

/** 32 distinct, asymmetric RGB images. */
function batch(): Float32Array {
  return pixelsOf(makeSet(32, shape, [], (n, y, x, c) => ((n * 7 + y * 11 + x * 3 + c * 5) % 17) / 16));
}

const image = (images: Float32Array, n: number) => Array.from(images.subarray(n * size, (n + 1) * size));

function mirror(pixels: number[], horizontal: boolean, vertical: boolean): number[] {
  const [height, width, channels] = shape;
  const out = new Array<number>(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const sy = vertical ? height - 1 - y : y;
        const sx = horizontal ? width - 1 - x : x;
        out[(y * width + x) * channels + c] = pixels[(sy * width + sx) * channels + c] ?? NaN;
      }
    }
  }
  return out;
}

describe('createAugmenter', () => {
  it('does nothing, and draws nothing, when every option is off', () => {
    assert.ok(isIdentityAugmentation(none));
    const random = new SeededRandom(1);
    const images = batch();
    createAugmenter(none, random)(images, shape, 32);
    assert.deepEqual(images, batch());
    assert.equal(random.next(), new SeededRandom(1).next());
  });

  for (const flip of ['horizontal', 'vertical', 'both'] as const) {
    it(`flip ${flip}: each image is unchanged or exactly mirrored, channels kept together`, () => {
      const original = batch();
      const images = batch();
      createAugmenter({ ...none, flip }, new SeededRandom(3))(images, shape, 32);
      const seen = new Set<string>();
      for (let n = 0; n < 32; n++) {
        const before = image(original, n);
        const after = image(images, n);
        const options: [boolean, boolean][] =
          flip === 'horizontal'
            ? [
                [false, false],
                [true, false],
              ]
            : flip === 'vertical'
              ? [
                  [false, false],
                  [false, true],
                ]
              : [
                  [false, false],
                  [true, false],
                  [false, true],
                  [true, true],
                ];
        const match = options.find(([h, v]) => mirror(before, h, v).every((value, i) => value === after[i]));
        assert.ok(match, `image ${n} is not an exact flip`);
        seen.add(match.join());
      }
      // With 32 images every allowed flip shows up.
      assert.equal(seen.size, flip === 'both' ? 4 : 2);
    });
  }

  it('is deterministic by seed and differs between seeds', () => {
    const options: Augmentation = { flip: 'both', rotate: 20, shift: 0.1, brightness: 0.2 };
    const a = batch();
    const b = batch();
    const c = batch();
    createAugmenter(options, new SeededRandom(5))(a, shape, 32);
    createAugmenter(options, new SeededRandom(5))(b, shape, 32);
    createAugmenter(options, new SeededRandom(6))(c, shape, 32);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.every((value) => value >= 0 && value <= 1));
  });

  it('shift translates (a horizontal ramp moves by a constant) within ±shift × width', () => {
    const rampShape: ImageShape = [8, 16, 1];
    const ramp = pixelsOf(makeSet(16, rampShape, [], (_n, _y, x) => x / 15));
    const shifted = ramp.slice();
    createAugmenter({ ...none, shift: 0.125 }, new SeededRandom(2))(shifted, rampShape, 16);
    for (let n = 0; n < 16; n++) {
      // Middle row, columns far enough from the edges that clamping cannot reach them.
      const differences = Array.from(
        { length: 8 },
        (_, k) => (shifted[n * 128 + 4 * 16 + 4 + k] ?? 0) - (ramp[n * 128 + 4 * 16 + 4 + k] ?? 0),
      );
      const first = differences[0] ?? 0;
      assert.ok(
        differences.every((d) => Math.abs(d - first) < 1e-5),
        `image ${n}: ${differences.join(', ')}`,
      );
      // A shift of dx pixels changes the ramp by -dx/15, and |dx| ≤ 0.125 × 16 = 2.
      assert.ok(Math.abs(first) <= 2 / 15 + 1e-6);
    }
  });

  it('rotation keeps a centred disk and fills corners by edge clamp (no black corners)', () => {
    const diskShape: ImageShape = [21, 21, 1];
    const disk = pixelsOf(makeSet(8, diskShape, [], (_n, y, x) => (Math.hypot(y - 10, x - 10) < 6 ? 1 : 0.5)));
    const rotated = disk.slice();
    createAugmenter({ ...none, rotate: 90 }, new SeededRandom(4))(rotated, diskShape, 8);
    for (let n = 0; n < 8; n++) {
      const pixel = (y: number, x: number) => rotated[n * 441 + y * 21 + x] ?? NaN;
      assert.equal(pixel(10, 10), 1);
      assert.ok(Math.abs(pixel(0, 0) - 0.5) < 1e-6, 'corner comes from the clamped edge');
      assert.ok(Math.abs(pixel(10, 19) - 0.5) < 1e-6);
    }
    // An asymmetric image does change.
    const bar = pixelsOf(makeSet(1, diskShape, [], (_n, y) => (y < 10 ? 1 : 0)));
    const turned = bar.slice();
    createAugmenter({ ...none, rotate: 90 }, new SeededRandom(4))(turned, diskShape, 1);
    assert.notDeepEqual(turned, bar);
  });

  it('brightness adds one offset per image, clamped to [0, 1]', () => {
    const flat = new Float32Array(16 * 4).fill(0.5);
    createAugmenter({ ...none, brightness: 0.3 }, new SeededRandom(8))(flat, [2, 2, 1], 16);
    const offsets = new Set<number>();
    for (let n = 0; n < 16; n++) {
      const values = flat.subarray(n * 4, n * 4 + 4);
      assert.ok(values.every((value) => value === values[0]));
      assert.ok(Math.abs((values[0] ?? 0) - 0.5) <= 0.3 + 1e-6);
      offsets.add(values[0] ?? 0);
    }
    assert.ok(offsets.size > 10);
    const white = new Float32Array(16 * 4).fill(1);
    createAugmenter({ ...none, brightness: 1 }, new SeededRandom(8))(white, [2, 2, 1], 16);
    assert.ok(white.every((value) => value >= 0 && value <= 1));
  });

  it('touches only the first `count` images', () => {
    const images = batch();
    createAugmenter({ ...none, brightness: 0.5 }, new SeededRandom(1))(images, shape, 4);
    assert.deepEqual(images.subarray(4 * size), batch().subarray(4 * size));
    assert.throws(
      () => createAugmenter({ ...none, flip: 'both' }, new SeededRandom(1))(new Float32Array(10), shape, 1),
      RangeError,
    );
  });
});
