// Builders for the data tests' tiny fixtures: .npy arrays, IDX files and temporary folders,
// written the way numpy and the MNIST tools write them, so the loaders meet real layouts.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageSet, ImageShape } from '../../src/trainer/data/dataset';
import { floatStore, readImages } from '../../src/trainer/data/imageStore';
import { repoRoot } from './paths';

/** Every image of a set (none for a missing one) as float32 NHWC in [0, 1], as training reads them. */
export function pixelsOf(set: Pick<ImageSet, 'images'> | null | undefined): Float32Array {
  return set ? readImages(set.images) : new Float32Array();
}

/** Shared read-only data next to the repository (always present in CI). */
export const sharedData = (name: string): string => join(repoRoot, '..', 'shared', 'data', name);

/** Asserts that each value is within `tolerance` of the expected one, naming the first that is not. */
export function assertClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, index) =>
    assert.ok(Math.abs((actual[index] ?? NaN) - value) <= tolerance, `[${index}] ${actual[index]} ≠ ${value}`),
  );
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function temporaryFolder(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `medtransfer-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A .npy file as numpy.save writes it: magic, version, header length, a dict literal padded
 * with spaces and ended with a newline so the data starts on a 64-byte boundary.
 */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { version?: 1 | 2 | 3; fortranOrder?: boolean } = {},
): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(data, total);
  return out;
}

/** The bytes of a typed array (little-endian on every machine these tests run on). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** int64 little-endian bytes of integer values. */
export function int64Bytes(values: number[]): Uint8Array {
  return bytesOf(BigInt64Array.from(values.map((value) => BigInt(value))));
}

/** An IDX file of unsigned bytes with the given dimensions. */
export function idxBytes(shape: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((size, index) => view.setUint32(4 + 4 * index, size, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** A set of `count` images of `shape` filled by `value(n, y, x, c)`. */
export function makeSet(
  count: number,
  shape: ImageShape,
  labels: number[],
  value: (n: number, y: number, x: number, c: number) => number,
): ImageSet {
  const [height, width, channels] = shape;
  const images = new Float32Array(count * height * width * channels);
  let i = 0;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) images[i++] = value(n, y, x, c);
      }
    }
  }
  return { images: floatStore(images, count, shape), labels: Int32Array.from(labels), count, shape };
}

/** A set where every image is filled with its own index (so a selection can be traced back). */
export function indexedSet(labels: number[], shape: ImageShape = [2, 2, 1]): ImageSet {
  return makeSet(labels.length, shape, labels, (n) => n);
}

/** The image indices of an indexedSet subset (read back from the pixel values). */
export function indicesOf(set: ImageSet): number[] {
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  const values = pixelsOf(set);
  return Array.from({ length: set.count }, (_, n) => values[n * size] ?? -1);
}

/** Maximum absolute difference between two arrays of the same length. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}
