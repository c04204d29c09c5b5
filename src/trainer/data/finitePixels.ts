// One NaN pixel is enough to make every weight NaN: its gradient reaches each filter that sees it,
// while the clipped cross-entropy and max-pooling can keep the loss itself finite, so nothing else
// notices until the model answers 0.5 for everything. Every decoded image is checked here.
import type { ImageShape } from './dataset';
import { MemoryImageStore, valuesPerImage } from './imageStore';
import type { ImageStore } from './imageStore';

/** The first non-finite value in a run of images, and how many there are in all. */
export interface NonFinitePixels {
  /** Index of the first image holding one. */
  image: number;
  row: number;
  column: number;
  channel: number;
  value: number;
  /** Non-finite values in all the images, and the images holding them. */
  values: number;
  images: number;
}

/** Scans `count` images of `shape`; null when every value is finite. */
export function findNonFinite(values: Float32Array, count: number, shape: ImageShape): NonFinitePixels | null {
  const [, width, channels] = shape;
  const size = shape[0] * width * channels;
  let found: NonFinitePixels | null = null;
  let lastImage = -1;
  for (let i = 0; i < count * size; i++) {
    const value = values[i] ?? 0;
    // v − v is 0 for every finite v, NaN for NaN and ±Infinity: one subtraction, no call.
    if (value - value === 0) continue;
    const image = Math.floor(i / size);
    if (!found) {
      const offset = i - image * size;
      const pixel = Math.floor(offset / channels);
      found = {
        image,
        row: Math.floor(pixel / width),
        column: pixel % width,
        channel: offset % channels,
        value,
        values: 0,
        images: 0,
      };
    }
    found.values++;
    if (image !== lastImage) found.images++;
    lastImage = image;
  }
  return found;
}

/**
 * findNonFinite for a store: integer pixels are finite by their type; float ones are scanned in
 * place when held in memory, else image by image.
 */
export function findNonFiniteInStore(store: ImageStore): NonFinitePixels | null {
  if (store.pixelType !== 'float32') return null;
  if (store instanceof MemoryImageStore && store.pixels instanceof Float32Array)
    return findNonFinite(store.pixels, store.count, store.shape);
  const image = new Float32Array(valuesPerImage(store.shape));
  let found: NonFinitePixels | null = null;
  for (let n = 0; n < store.count; n++) {
    store.readInto(n, image, 0);
    const inImage = findNonFinite(image, 1, store.shape);
    if (!inImage) continue;
    if (found) {
      found.values += inImage.values;
      found.images++;
    } else found = { ...inImage, image: n };
  }
  return found;
}

/** `image 3 holds NaN at row 2, column 5 (4 non-finite values in 2 images)` */
export function describeNonFinite(
  found: NonFinitePixels,
  channels: number,
  imageName = `image ${found.image}`,
): string {
  const where = `row ${found.row}, column ${found.column}${channels > 1 ? `, channel ${found.channel}` : ''}`;
  const total =
    found.values === 1
      ? ''
      : ` (${found.values.toLocaleString('en')} non-finite values in ` +
        `${found.images.toLocaleString('en')} image${found.images === 1 ? '' : 's'})`;
  return `${imageName} holds ${String(found.value)} at ${where}${total}`;
}

/** What to do about it, for every format. */
export const NON_FINITE_ADVICE =
  'a model trained on it would get NaN weights: replace NaN and infinite values ' +
  '(numpy: np.nan_to_num; NIfTI: fslmaths IN -nan OUT) or leave those images out';
