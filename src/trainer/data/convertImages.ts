// Brings images to the model's input shape: bilinear resize and channel conversion on flat
// NHWC Float32Arrays (one image at a time for a whole store, whose result is stored compact again). Every loader and prepareDataset go through here, so a dataset of any
// size or colour model can feed any architecture.
import type { ImageSet, ImageShape } from './dataset';
import { FULL_SCALE, MemoryImageStore, newPixelArray, quantise, storedBytes, toUnit } from './imageStore';
import type { ImageStore, PixelArray, PixelType } from './imageStore';
import { memoryBudget } from './memoryBudget';

// ITU-R BT.601 luma, the weights PIL's convert('L') and OpenCV's cvtColor use, so a grayscale
// model sees the same values it would after the usual Python preprocessing.
const LUMA_RED = 0.299;
const LUMA_GREEN = 0.587;
const LUMA_BLUE = 0.114;

/** Values per image of a shape. */
export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

/**
 * Converts `count` images from `from` channels to `to` channels (1 gray, 2 gray+alpha, 3 RGB,
 * 4 RGBA): gray→colour replicates, colour→gray takes the luma, alpha is dropped or set opaque.
 */
export function convertChannels(pixels: Float32Array, pixelCount: number, from: number, to: number): Float32Array {
  if (from === to) return pixels.slice(0, pixelCount * from);
  const out = new Float32Array(pixelCount * to);
  const fromColour = from >= 3;
  for (let p = 0, i = 0, o = 0; p < pixelCount; p++, i += from, o += to) {
    const first = pixels[i] ?? 0;
    const gray = fromColour
      ? LUMA_RED * first + LUMA_GREEN * (pixels[i + 1] ?? 0) + LUMA_BLUE * (pixels[i + 2] ?? 0)
      : first;
    if (to === 1) {
      out[o] = gray;
    } else if (to === 2) {
      out[o] = gray;
      // Keep an existing alpha; a source without one is opaque.
      out[o + 1] = from === 2 || from === 4 ? (pixels[i + from - 1] ?? 1) : 1;
    } else {
      out[o] = fromColour ? first : gray;
      out[o + 1] = fromColour ? (pixels[i + 1] ?? 0) : gray;
      out[o + 2] = fromColour ? (pixels[i + 2] ?? 0) : gray;
      if (to === 4) out[o + 3] = from === 2 || from === 4 ? (pixels[i + from - 1] ?? 1) : 1;
    }
  }
  return out;
}

/** For one axis: the two source indices and the weight of the second, per output index. */
interface AxisTaps {
  low: Int32Array;
  high: Int32Array;
  weight: Float32Array;
}

// Half-pixel centres (align_corners=false), as in tf.image.resize(half_pixel_centers=True),
// PyTorch's interpolate(align_corners=False) and PIL: a resized image is not shifted by half a
// pixel, and resizing to the same size is the identity.
function axisTaps(inSize: number, outSize: number): AxisTaps {
  const low = new Int32Array(outSize);
  const high = new Int32Array(outSize);
  const weight = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const source = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), inSize - 1);
    const lowIndex = Math.floor(source);
    low[o] = lowIndex;
    high[o] = Math.min(lowIndex + 1, inSize - 1);
    weight[o] = source - lowIndex;
  }
  return { low, high, weight };
}

/**
 * Bilinear resize of `count` images of [inHeight, inWidth, channels] to [outHeight, outWidth].
 * Pure bilinear: for large reductions use resizeImages, which box-filters first.
 */
export function resizeBilinear(
  pixels: Float32Array,
  count: number,
  inShape: ImageShape,
  outHeight: number,
  outWidth: number,
): Float32Array {
  const [inHeight, inWidth, channels] = inShape;
  if (inHeight === outHeight && inWidth === outWidth) return pixels.slice(0, count * pixelsPerImage(inShape));
  const rows = axisTaps(inHeight, outHeight);
  const columns = axisTaps(inWidth, outWidth);
  const inImage = inHeight * inWidth * channels;
  const outImage = outHeight * outWidth * channels;
  const inRow = inWidth * channels;
  const out = new Float32Array(count * outImage);
  for (let n = 0; n < count; n++) {
    const inBase = n * inImage;
    let o = n * outImage;
    for (let y = 0; y < outHeight; y++) {
      const top = inBase + (rows.low[y] ?? 0) * inRow;
      const bottom = inBase + (rows.high[y] ?? 0) * inRow;
      const wy = rows.weight[y] ?? 0;
      for (let x = 0; x < outWidth; x++) {
        const left = (columns.low[x] ?? 0) * channels;
        const right = (columns.high[x] ?? 0) * channels;
        const wx = columns.weight[x] ?? 0;
        for (let c = 0; c < channels; c++) {
          const topLeft = pixels[top + left + c] ?? 0;
          const topRight = pixels[top + right + c] ?? 0;
          const bottomLeft = pixels[bottom + left + c] ?? 0;
          const bottomRight = pixels[bottom + right + c] ?? 0;
          const upper = topLeft + (topRight - topLeft) * wx;
          const lower = bottomLeft + (bottomRight - bottomLeft) * wx;
          out[o++] = upper + (lower - upper) * wy;
        }
      }
    }
  }
  return out;
}

/** Averages factorY × factorX blocks (the last partial block averages what it has). */
export function boxReduce(
  pixels: Float32Array,
  count: number,
  inShape: ImageShape,
  factorY: number,
  factorX: number,
): { pixels: Float32Array; shape: ImageShape } {
  const [inHeight, inWidth, channels] = inShape;
  const outHeight = Math.ceil(inHeight / factorY);
  const outWidth = Math.ceil(inWidth / factorX);
  const out = new Float32Array(count * outHeight * outWidth * channels);
  const sums = new Float64Array(channels);
  for (let n = 0; n < count; n++) {
    const inBase = n * inHeight * inWidth * channels;
    let o = n * outHeight * outWidth * channels;
    for (let by = 0; by < outHeight; by++) {
      const y0 = by * factorY;
      const y1 = Math.min(y0 + factorY, inHeight);
      for (let bx = 0; bx < outWidth; bx++) {
        const x0 = bx * factorX;
        const x1 = Math.min(x0 + factorX, inWidth);
        sums.fill(0);
        for (let y = y0; y < y1; y++) {
          let i = inBase + (y * inWidth + x0) * channels;
          for (let x = x0; x < x1; x++) {
            for (let c = 0; c < channels; c++) sums[c] = (sums[c] ?? 0) + (pixels[i++] ?? 0);
          }
        }
        const area = (y1 - y0) * (x1 - x0);
        for (let c = 0; c < channels; c++) out[o++] = (sums[c] ?? 0) / area;
      }
    }
  }
  return { pixels: out, shape: [outHeight, outWidth, channels] };
}

/**
 * Resizes with antialiasing: plain bilinear reads only 4 source pixels per output pixel, so a
 * 512×512 X-ray brought to 28×28 would be mostly aliasing. Like PIL's `reducing_gap`, large
 * reductions first average whole blocks (integer factor, leaving at most 2× to bilinear).
 */
export function resizeImages(
  pixels: Float32Array,
  count: number,
  inShape: ImageShape,
  outHeight: number,
  outWidth: number,
): Float32Array {
  const factorY = Math.max(1, Math.floor(inShape[0] / outHeight / 2));
  const factorX = Math.max(1, Math.floor(inShape[1] / outWidth / 2));
  if (factorY === 1 && factorX === 1) return resizeBilinear(pixels, count, inShape, outHeight, outWidth);
  const reduced = boxReduce(pixels, count, inShape, factorY, factorX);
  return resizeBilinear(reduced.pixels, count, reduced.shape, outHeight, outWidth);
}

/** Converts `count` images from `inShape` to `outShape` (size and channels). Returns a new array. */
export function convertPixels(
  pixels: Float32Array,
  count: number,
  inShape: ImageShape,
  outShape: ImageShape,
): Float32Array {
  const [inHeight, inWidth, inChannels] = inShape;
  const [outHeight, outWidth, outChannels] = outShape;
  if (pixels.length < count * pixelsPerImage(inShape)) {
    throw new RangeError(
      `expected ${count} images of ${inShape.join('×')} (${count * pixelsPerImage(inShape)} values), ` +
        `got ${pixels.length} values`,
    );
  }
  // Do the channel conversion on whichever side has fewer pixels × channels, so an RGB
  // mammogram going to 64×64×1 is reduced to gray before the (costlier) resize, and a 28×28
  // gray image going to 224×224×3 is resized before it triples.
  if (outChannels <= inChannels) {
    const converted = convertChannels(pixels, count * inHeight * inWidth, inChannels, outChannels);
    return resizeImages(converted, count, [inHeight, inWidth, outChannels], outHeight, outWidth);
  }
  const resized = resizeImages(pixels, count, inShape, outHeight, outWidth);
  return convertChannels(resized, count * outHeight * outWidth, inChannels, outChannels);
}

/**
 * A streamed store seen at another shape, each image converted when it is read: what convertStore
 * stores, without holding it (the conversion is then paid every epoch).
 */
class ConvertedImageStore implements ImageStore {
  readonly residentBytes = 0;
  readonly pixelType: PixelType;
  readonly divisor: number;
  private readonly source: Float32Array;
  private readonly stored: PixelArray;

  constructor(
    private readonly store: ImageStore,
    readonly shape: ImageShape,
  ) {
    this.pixelType = store.pixelType;
    this.divisor = FULL_SCALE[store.pixelType];
    this.source = new Float32Array(pixelsPerImage(store.shape));
    this.stored = newPixelArray(store.pixelType, pixelsPerImage(shape));
  }

  get count(): number {
    return this.store.count;
  }

  readInto(index: number, target: Float32Array, offset: number): void {
    this.readStored(index, this.stored, 0);
    toUnit(this.stored, this.pixelType, this.divisor, target, offset);
  }

  readStored(index: number, target: PixelArray, offset: number): void {
    this.store.readInto(index, this.source, 0);
    quantise(convertPixels(this.source, 1, this.store.shape, this.shape), this.pixelType, target, offset);
  }

  select(indices: ArrayLike<number>): ImageStore {
    return new ConvertedImageStore(this.store.select(indices), this.shape);
  }
}

/**
 * The images of `store` at `shape`, image by image, stored as compactly as they were: each converted
 * image is rounded to the nearest value of the store's type (1/255 for uint8, 1/65535 for uint16), so
 * a dataset is never held whole as float32.
 */
export function convertStore(store: ImageStore, shape: ImageShape): ImageStore {
  const type = store.pixelType;
  if (store.residentBytes === 0 && storedBytes(type, store.count, shape) > memoryBudget())
    return new ConvertedImageStore(store, shape);
  const outSize = pixelsPerImage(shape);
  const out = newPixelArray(type, store.count * outSize);
  const image = new Float32Array(pixelsPerImage(store.shape));
  for (let n = 0; n < store.count; n++) {
    store.readInto(n, image, 0);
    quantise(convertPixels(image, 1, store.shape, shape), type, out, n * outSize);
  }
  return new MemoryImageStore(out, store.count, [shape[0], shape[1], shape[2]], FULL_SCALE[type]);
}

/** Converts an ImageSet to `shape`; returns the same set when it already has it. */
export function convertImageSet(set: ImageSet, shape: ImageShape): ImageSet {
  if (set.shape[0] === shape[0] && set.shape[1] === shape[1] && set.shape[2] === shape[2]) return set;
  return {
    images: convertStore(set.images, shape),
    labels: set.labels,
    count: set.count,
    shape: [shape[0], shape[1], shape[2]],
  };
}
