// Images read from a file a batch at a time, for datasets larger than the memory budget: each image
// is one positioned read (fs.readSync at its offset) into a buffer allocated once, so memory holds
// one image, whatever the order the batches ask for (Node has no memory-mapping).
import { readSync } from 'node:fs';
import type { ImageShape } from './dataset';
import { BYTES_PER_VALUE, newPixelArray, toUnit, valuesPerImage } from './imageStore';
import type { ImageStore, PixelArray, PixelType } from './imageStore';

/** Where the pixels lie: an open file, the offset of image 0, images stored back to back, little-endian. */
export interface PixelFile {
  fd: number;
  /** For errors: the path the file was opened from. */
  path: string;
  offset: number;
}

export class FileImageStore implements ImageStore {
  readonly residentBytes = 0;
  private readonly size: number;
  private readonly imageBytes: number;
  private readonly scratch: PixelArray;
  private readonly scratchBytes: Uint8Array;

  /** `indices`: which stored image each of this store's images is (null: all, in order). */
  constructor(
    private readonly file: PixelFile,
    readonly pixelType: PixelType,
    readonly divisor: number,
    private readonly stored: number,
    readonly shape: ImageShape,
    private readonly indices: Int32Array | null = null,
  ) {
    this.size = valuesPerImage(shape);
    this.imageBytes = this.size * BYTES_PER_VALUE[pixelType];
    this.scratch = newPixelArray(pixelType, this.size);
    this.scratchBytes = new Uint8Array(this.scratch.buffer);
  }

  get count(): number {
    return this.indices ? this.indices.length : this.stored;
  }

  readInto(index: number, target: Float32Array, offset: number): void {
    this.read(index);
    toUnit(this.scratch, this.pixelType, this.divisor, target, offset);
  }

  readStored(index: number, target: PixelArray, offset: number): void {
    this.read(index);
    target.set(this.scratch, offset);
  }

  select(indices: ArrayLike<number>): ImageStore {
    const chosen = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const index = indices[k] ?? -1;
      if (!(index >= 0 && index < this.count))
        throw new RangeError(`image index ${index} outside 0..${this.count - 1}`);
      chosen[k] = this.indices ? (this.indices[index] ?? 0) : index;
    }
    return new FileImageStore(this.file, this.pixelType, this.divisor, this.stored, this.shape, chosen);
  }

  private read(index: number): void {
    if (!(index >= 0 && index < this.count)) throw new RangeError(`image index ${index} outside 0..${this.count - 1}`);
    const image = this.indices ? (this.indices[index] ?? 0) : index;
    const position = this.file.offset + image * this.imageBytes;
    let done = 0;
    while (done < this.imageBytes) {
      const read = readSync(this.file.fd, this.scratchBytes, done, this.imageBytes - done, position + done);
      if (read === 0)
        throw new Error(
          `${this.file.path} ends before image ${image} (byte ${position + done}): the file was cut short while in use`,
        );
      done += read;
    }
  }
}
