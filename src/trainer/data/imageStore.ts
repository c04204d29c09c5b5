// Decoded images held as compact as their source: 8-bit pixels as uint8, deeper ones (16-bit PNG,
// DICOM, NIfTI, uint16 arrays) as uint16, float arrays and generated images as float32. Training
// sees float32 in [0, 1] only a batch at a time (readInto), so 224×224×3 data costs 1 byte a value
// in memory instead of 4. Every store, in memory or streamed from a file, has this one interface.
import type { ImageShape } from './dataset';

export type PixelType = 'uint8' | 'uint16' | 'float32';
export type PixelArray = Uint8Array | Uint16Array | Float32Array;

export interface ImageStore {
  readonly count: number;
  readonly shape: ImageShape;
  /** How each value is stored; a stored value ÷ divisor is the model's value in [0, 1]. */
  readonly pixelType: PixelType;
  readonly divisor: number;
  /** Bytes of pixels this store holds in memory (0 when it reads them from a file). */
  readonly residentBytes: number;
  /** Image `index` as float32 values in [0, 1], written at `target[offset…]`. */
  readInto(index: number, target: Float32Array, offset: number): void;
  /** Image `index`'s stored values (its pixel type), written at `target[offset…]`. */
  readStored(index: number, target: PixelArray, offset: number): void;
  /** The images at `indices`, in that order (a copy in memory, or a view of the same file). */
  select(indices: ArrayLike<number>): ImageStore;
}

export const BYTES_PER_VALUE: Record<PixelType, number> = { uint8: 1, uint16: 2, float32: 4 };

/** The full-scale value of a compact type (what 1.0 is stored as after fitting or resizing). */
export const FULL_SCALE: Record<PixelType, number> = { uint8: 255, uint16: 65535, float32: 1 };

export function valuesPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

export function newPixelArray(type: PixelType, length: number): PixelArray {
  if (type === 'uint8') return new Uint8Array(length);
  return type === 'uint16' ? new Uint16Array(length) : new Float32Array(length);
}

/** Bytes the pixels of `count` images of `shape` take stored as `type`. */
export function storedBytes(type: PixelType, count: number, shape: ImageShape): number {
  return count * valuesPerImage(shape) * BYTES_PER_VALUE[type];
}

/**
 * Float values in [0, 1] to a compact type, rounded to nearest and clamped: 8-bit pixels that
 * went through no resize come back exactly as they were stored.
 */
export function quantise(values: Float32Array, type: PixelType, target: PixelArray, offset: number): void {
  if (type === 'float32') {
    target.set(values, offset);
    return;
  }
  const full = FULL_SCALE[type];
  for (let i = 0; i < values.length; i++) {
    const scaled = Math.round((values[i] ?? 0) * full);
    target[offset + i] = scaled < 0 ? 0 : scaled > full ? full : scaled;
  }
}

/** stored ÷ divisor for every value an integer type can hold, so conversion is one lookup a value. */
function lookupTable(type: PixelType, divisor: number): Float32Array | null {
  if (type === 'float32') return null;
  const table = new Float32Array(type === 'uint8' ? 256 : 65536);
  for (let value = 0; value < table.length; value++) table[value] = value / divisor;
  return table;
}

const tables = new Map<string, Float32Array | null>();

/** Converts stored values to float32 in [0, 1] (`source` and `target` of the same length). */
export function toUnit(
  source: PixelArray,
  type: PixelType,
  divisor: number,
  target: Float32Array,
  offset: number,
): void {
  const key = `${type}/${divisor}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = lookupTable(type, divisor);
    tables.set(key, table);
  }
  if (!table) {
    if (divisor === 1) target.set(source, offset);
    else for (let i = 0; i < source.length; i++) target[offset + i] = (source[i] ?? 0) / divisor;
    return;
  }
  for (let i = 0; i < source.length; i++) target[offset + i] = table[source[i] ?? 0] ?? 0;
}

function checkIndex(index: number, count: number): void {
  if (!(index >= 0 && index < count)) throw new RangeError(`image index ${index} outside 0..${count - 1}`);
}

/** Images held in one typed array, NHWC. */
export class MemoryImageStore implements ImageStore {
  readonly pixelType: PixelType;
  private readonly size: number;

  constructor(
    readonly pixels: PixelArray,
    readonly count: number,
    readonly shape: ImageShape,
    readonly divisor: number = FULL_SCALE[pixelTypeOf(pixels)],
  ) {
    this.pixelType = pixelTypeOf(pixels);
    this.size = valuesPerImage(shape);
    if (pixels.length < count * this.size)
      throw new RangeError(
        `${count} images of ${shape.join('×')} need ${count * this.size} values, got ${pixels.length}`,
      );
  }

  get residentBytes(): number {
    return this.count * this.size * BYTES_PER_VALUE[this.pixelType];
  }

  readInto(index: number, target: Float32Array, offset: number): void {
    checkIndex(index, this.count);
    toUnit(this.stored(index), this.pixelType, this.divisor, target, offset);
  }

  readStored(index: number, target: PixelArray, offset: number): void {
    checkIndex(index, this.count);
    target.set(this.stored(index), offset);
  }

  select(indices: ArrayLike<number>): ImageStore {
    const out = newPixelArray(this.pixelType, indices.length * this.size);
    for (let k = 0; k < indices.length; k++) this.readStored(indices[k] ?? -1, out, k * this.size);
    return new MemoryImageStore(out, indices.length, [...this.shape], this.divisor);
  }

  private stored(index: number): PixelArray {
    return this.pixels.subarray(index * this.size, (index + 1) * this.size);
  }
}

export function pixelTypeOf(pixels: PixelArray): PixelType {
  if (pixels instanceof Uint8Array) return 'uint8';
  return pixels instanceof Uint16Array ? 'uint16' : 'float32';
}

/** Float32 images in [0, 1] as a store (generated data, tests). */
export function floatStore(pixels: Float32Array, count: number, shape: ImageShape): MemoryImageStore {
  return new MemoryImageStore(pixels, count, shape, 1);
}

/** Images `start`…`start + count − 1` as float32 NHWC (a batch, or a whole small set). */
export function readImages(store: ImageStore, start = 0, count = store.count - start): Float32Array {
  const size = valuesPerImage(store.shape);
  const out = new Float32Array(count * size);
  for (let n = 0; n < count; n++) store.readInto(start + n, out, n * size);
  return out;
}

/** The images at `indices` as float32 NHWC. */
export function readImagesAt(store: ImageStore, indices: readonly number[]): Float32Array {
  const size = valuesPerImage(store.shape);
  const out = new Float32Array(indices.length * size);
  indices.forEach((index, n) => store.readInto(index, out, n * size));
  return out;
}
