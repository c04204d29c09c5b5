// The frozen part's outputs, one row of float32 values per image: in memory when they fit the
// budget, otherwise in a file read a batch at a time. Float32 because the cached values must be
// exactly what the frozen layers give the trainable ones: training on them matches training
// without the cache (within the float tolerance of batched arithmetic).
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

export interface FeatureStore {
  readonly count: number;
  /** Values per image. */
  readonly size: number;
  readonly where: 'memory' | 'disk';
  /** Stores rows [start, start + rows) from `values` (rows × size). */
  write(start: number, values: Float32Array): void;
  /** Copies the rows `indices[0..count)` into `into`, one after another. */
  gather(indices: ArrayLike<number>, count: number, into: Float32Array): void;
  /** Frees the memory or removes the file. */
  dispose(): void;
}

export class MemoryFeatureStore implements FeatureStore {
  readonly where = 'memory';
  private readonly values: Float32Array;

  constructor(
    readonly count: number,
    readonly size: number,
  ) {
    this.values = new Float32Array(count * size);
  }

  write(start: number, values: Float32Array): void {
    this.values.set(values, start * this.size);
  }

  gather(indices: ArrayLike<number>, count: number, into: Float32Array): void {
    for (let row = 0; row < count; row++) {
      const index = indices[row] ?? 0;
      into.set(this.values.subarray(index * this.size, (index + 1) * this.size), row * this.size);
    }
  }

  dispose(): void {
    // Nothing to release beyond the array, which goes with the store.
  }
}

/** Rows in a file (created, or replaced, here; removed by dispose), read with one positioned read per row. */
export class DiskFeatureStore implements FeatureStore {
  readonly where = 'disk';
  private readonly descriptor: number;
  private readonly rowBytes: number;

  constructor(
    readonly file: string,
    readonly count: number,
    readonly size: number,
  ) {
    this.descriptor = openSync(file, 'w+');
    this.rowBytes = size * Float32Array.BYTES_PER_ELEMENT;
  }

  write(start: number, values: Float32Array): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    let written = 0;
    while (written < bytes.length)
      written += writeSync(this.descriptor, bytes, written, bytes.length - written, start * this.rowBytes + written);
  }

  gather(indices: ArrayLike<number>, count: number, into: Float32Array): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset, count * this.rowBytes);
    for (let row = 0; row < count; row++) {
      const position = (indices[row] ?? 0) * this.rowBytes;
      let read = 0;
      while (read < this.rowBytes) {
        const got = readSync(this.descriptor, bytes, row * this.rowBytes + read, this.rowBytes - read, position + read);
        if (got === 0) throw new Error(`${this.file} ends before row ${indices[row] ?? 0} of the cached features`);
        read += got;
      }
    }
  }

  dispose(): void {
    closeSync(this.descriptor);
    rmSync(this.file, { force: true });
  }
}
