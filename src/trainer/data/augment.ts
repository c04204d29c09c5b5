// Training-time augmentation of a batch, in place, on the CPU before the batch becomes a
// tensor: the batch buffer is already in JavaScript (training/batches.ts), and doing it here
// keeps every backend (wasm has few image kernels) and every seed reproducible.
import type { ImageShape } from './dataset';
import type { Augmentation } from '../../shared/experiment/schema';
import type { SeededRandom } from '../random';

/** Augments the first `count` images of an NHWC batch in place. */
export type Augmenter = (images: Float32Array, shape: Readonly<ImageShape>, count: number) => void;

/** True when the options change nothing (the trainer can skip augmentation entirely). */
export function isIdentityAugmentation(options: Augmentation): boolean {
  return options.flip === 'none' && options.rotate === 0 && options.shift === 0 && options.brightness === 0;
}

/** Reverses the columns (horizontal) and/or rows (vertical) of one image, exactly. */
function flipImage(
  images: Float32Array,
  base: number,
  shape: Readonly<ImageShape>,
  horizontal: boolean,
  vertical: boolean,
): void {
  const [height, width, channels] = shape;
  const row = width * channels;
  if (vertical) {
    for (let y = 0; y < height >> 1; y++) {
      const top = base + y * row;
      const bottom = base + (height - 1 - y) * row;
      for (let k = 0; k < row; k++) {
        const swap = images[top + k] ?? 0;
        images[top + k] = images[bottom + k] ?? 0;
        images[bottom + k] = swap;
      }
    }
  }
  if (horizontal) {
    for (let y = 0; y < height; y++) {
      const start = base + y * row;
      for (let x = 0; x < width >> 1; x++) {
        const left = start + x * channels;
        const right = start + (width - 1 - x) * channels;
        for (let c = 0; c < channels; c++) {
          const swap = images[left + c] ?? 0;
          images[left + c] = images[right + c] ?? 0;
          images[right + c] = swap;
        }
      }
    }
  }
}

/**
 * Rotates by `angle` (radians, about the centre) and shifts by (shiftX, shiftY) pixels, by
 * inverse mapping with bilinear sampling. Outside the image the nearest edge pixel is used
 * (edge clamp, Keras's fill_mode='nearest'), so no black corners appear that a network could
 * learn to read as "this image was augmented".
 */
function warpImage(
  images: Float32Array,
  base: number,
  scratch: Float32Array,
  shape: Readonly<ImageShape>,
  angle: number,
  shiftX: number,
  shiftY: number,
): void {
  const [height, width, channels] = shape;
  const size = height * width * channels;
  scratch.set(images.subarray(base, base + size));
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const centreX = (width - 1) / 2;
  const centreY = (height - 1) / 2;
  for (let y = 0, o = base; y < height; y++) {
    const dy = y - centreY - shiftY;
    for (let x = 0; x < width; x++) {
      const dx = x - centreX - shiftX;
      // Where the output pixel comes from: the inverse rotation of its offset from the centre.
      const sourceX = Math.min(width - 1, Math.max(0, cos * dx + sin * dy + centreX));
      const sourceY = Math.min(height - 1, Math.max(0, -sin * dx + cos * dy + centreY));
      const x0 = Math.floor(sourceX);
      const y0 = Math.floor(sourceY);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const wx = sourceX - x0;
      const wy = sourceY - y0;
      const topLeft = (y0 * width + x0) * channels;
      const topRight = (y0 * width + x1) * channels;
      const bottomLeft = (y1 * width + x0) * channels;
      const bottomRight = (y1 * width + x1) * channels;
      for (let c = 0; c < channels; c++, o++) {
        const upper = (scratch[topLeft + c] ?? 0) + ((scratch[topRight + c] ?? 0) - (scratch[topLeft + c] ?? 0)) * wx;
        const lower =
          (scratch[bottomLeft + c] ?? 0) + ((scratch[bottomRight + c] ?? 0) - (scratch[bottomLeft + c] ?? 0)) * wx;
        images[o] = upper + (lower - upper) * wy;
      }
    }
  }
}

/** Adds `delta` to every value of one image, clamped to [0, 1]. */
function shiftBrightness(images: Float32Array, base: number, size: number, delta: number): void {
  for (let i = base; i < base + size; i++) images[i] = Math.min(1, Math.max(0, (images[i] ?? 0) + delta));
}

/**
 * Creates an augmenter drawing from `random`: per image, a random flip (each allowed axis with
 * probability ½), a rotation in ±rotate°, a shift in ±shift × the image size, and a brightness
 * change in ±brightness. Give it its own stream (`random.fork('augmentation')`) so the augmentation does not
 * change the batch order of the same seed.
 */
export function createAugmenter(options: Augmentation, random: SeededRandom): Augmenter {
  if (isIdentityAugmentation(options)) return () => undefined;
  const flipHorizontal = options.flip === 'horizontal' || options.flip === 'both';
  const flipVertical = options.flip === 'vertical' || options.flip === 'both';
  const maxAngle = (options.rotate * Math.PI) / 180;
  let scratch = new Float32Array(0);
  return (images, shape, count) => {
    const [height, width, channels] = shape;
    const size = height * width * channels;
    if (images.length < count * size)
      throw new RangeError(
        `batch of ${count} images of ${shape.join('×')} needs ${count * size} values, got ${images.length}`,
      );
    if (scratch.length < size) scratch = new Float32Array(size);
    for (let n = 0; n < count; n++) {
      const base = n * size;
      // Draws happen in a fixed order whatever is enabled, per option, so a given seed and
      // options always give the same transform for the n-th image.
      const horizontal = flipHorizontal && random.next() < 0.5;
      const vertical = flipVertical && random.next() < 0.5;
      const angle = maxAngle > 0 ? random.uniform(-maxAngle, maxAngle) : 0;
      const shiftX = options.shift > 0 ? random.uniform(-options.shift, options.shift) * width : 0;
      const shiftY = options.shift > 0 ? random.uniform(-options.shift, options.shift) * height : 0;
      const delta = options.brightness > 0 ? random.uniform(-options.brightness, options.brightness) : 0;
      // Flips first, by swapping (exact); the resampling step only runs when it has to.
      if (horizontal || vertical) flipImage(images, base, shape, horizontal, vertical);
      if (angle !== 0 || shiftX !== 0 || shiftY !== 0) warpImage(images, base, scratch, shape, angle, shiftX, shiftY);
      if (delta !== 0) shiftBrightness(images, base, size, delta);
    }
  };
}
