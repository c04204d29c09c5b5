// MedMNIST .npz files (https://medmnist.com): a zip of .npy arrays train_images, train_labels,
// val_images, val_labels, test_images, test_labels. Images are (N, H, W) gray or (N, H, W, 3)
// RGB uint8; labels are (N, 1) (or (N,)) class indices.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { DatasetError } from './dataset';
import type { ImageSet, LoadedDataset } from './dataset';
import { parseNpy } from './npy';
import type { NpyArray } from './npy';
import { errorMessage } from '../../shared/errors/errorMessage';

type SplitName = 'train' | 'val' | 'test';

function toUnitRange(array: NpyArray, file: string): Float32Array {
  const { values, dtype } = array;
  const out = new Float32Array(values.length);
  if (values instanceof Uint8Array) {
    for (let i = 0; i < values.length; i++) out[i] = (values[i] ?? 0) / 255;
    return out;
  }
  if (values instanceof Uint16Array) {
    for (let i = 0; i < values.length; i++) out[i] = (values[i] ?? 0) / 65535;
    return out;
  }
  if (values instanceof Float32Array || values instanceof Float64Array) {
    // Float images come either already scaled to [0, 1] or as 0..255 intensities.
    let min = Infinity;
    let max = -Infinity;
    for (const value of values) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
    if (min < 0 || max > 255 || Number.isNaN(min + max)) {
      throw new DatasetError(`float images must lie in [0, 1] or [0, 255]; found values in [${min}, ${max}]`, file);
    }
    const scale = max > 1 ? 1 / 255 : 1;
    for (let i = 0; i < values.length; i++) out[i] = (values[i] ?? 0) * scale;
    return out;
  }
  throw new DatasetError(`unsupported image dtype '${dtype}' (uint8, uint16 or float images are read)`, file);
}

function readImages(
  array: NpyArray,
  file: string,
): { images: Float32Array; count: number; shape: [number, number, number] } {
  const [count, height, width, channels, ...rest] = array.shape;
  if (count === undefined || height === undefined || width === undefined || rest.length > 0) {
    throw new DatasetError(`images must have shape (N, H, W) or (N, H, W, C); got (${array.shape.join(', ')})`, file);
  }
  if (channels !== undefined && channels !== 1 && channels !== 3) {
    // MedMNIST's 3-D sets (organmnist3d…) are (N, 28, 28, 28) volumes, not 2-D images.
    throw new DatasetError(
      `images must have 1 or 3 channels; got shape (${array.shape.join(', ')}) ` +
        '(3-D MedMNIST volumes are not supported)',
      file,
    );
  }
  return { images: toUnitRange(array, file), count, shape: [height, width, channels ?? 1] };
}

function readLabels(array: NpyArray, count: number, file: string): Int32Array {
  const [rows, columns, ...rest] = array.shape;
  if (rows === undefined || rest.length > 0)
    throw new DatasetError(`labels must have shape (N,) or (N, 1); got (${array.shape.join(', ')})`, file);
  if (columns !== undefined && columns > 1) {
    // chestmnist (14 findings) is multi-label: each image has a 0/1 vector, not one class.
    throw new DatasetError(
      `labels have shape (${array.shape.join(', ')}): ` +
        'multi-label datasets (one 0/1 column per finding) are not supported yet; use a single-label MedMNIST set',
      file,
    );
  }
  if (rows !== count) throw new DatasetError(`${rows} labels for ${count} images`, file);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const value = array.values[i] ?? -1;
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff)
      throw new DatasetError(`label ${value} at index ${i} is not a non-negative integer class index`, file);
    labels[i] = value;
  }
  return labels;
}

/** Parses the bytes of a MedMNIST .npz. `name` (the file's path) appears in descriptions and errors. */
export function parseMedmnist(zipBytes: Uint8Array, name: string): LoadedDataset {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(zipBytes, { filter: (entry) => entry.name.endsWith('.npy') });
  } catch (error) {
    throw new DatasetError(
      `not a readable .npz (zip) file (${errorMessage(error)}): it is truncated or damaged; download it again`,
      name,
    );
  }
  const array = (key: string): NpyArray | null => {
    const bytes = members[`${key}.npy`];
    return bytes ? parseNpy(bytes, `${name}/${key}.npy`) : null;
  };
  const readSplit = (split: SplitName): ImageSet | null => {
    const images = array(`${split}_images`);
    const labels = array(`${split}_labels`);
    if (!images && !labels) return null;
    if (!images || !labels) {
      throw new DatasetError(
        `has ${images ? `${split}_images` : `${split}_labels`} ` +
          `but not ${images ? `${split}_labels` : `${split}_images`}`,
        name,
      );
    }
    const decoded = readImages(images, `${name}/${split}_images.npy`);
    return {
      images: decoded.images,
      labels: readLabels(labels, decoded.count, `${name}/${split}_labels.npy`),
      count: decoded.count,
      shape: decoded.shape,
    };
  };
  const train = readSplit('train');
  if (!train) {
    const found = Object.keys(members).join(', ') || 'no .npy arrays';
    throw new DatasetError(
      `expected a MedMNIST .npz with train_images and train_labels (and val_/test_); found ${found}`,
      name,
    );
  }
  const val = readSplit('val');
  const test = readSplit('test');
  for (const [split, set] of [
    ['val', val],
    ['test', test],
  ] as const) {
    if (set && set.shape.join() !== train.shape.join()) {
      throw new DatasetError(
        `${split} images are ${set.shape.join('×')} but train images are ${train.shape.join('×')}`,
        name,
      );
    }
  }
  let maxLabel = 0;
  for (const set of [train, val, test]) set?.labels.forEach((label) => (maxLabel = Math.max(maxLabel, label)));
  // The .npz carries no class names (MedMNIST keeps them in its Python INFO table); the
  // experiment's `target.classes` gives display names.
  const classes = Array.from({ length: maxLabel + 1 }, (_, index) => `class ${index}`);
  return { description: `${basename(name)} (medmnist)`, classes, train, val, test };
}

/** Reads a MedMNIST .npz from disk. */
export async function loadMedmnist(path: string): Promise<LoadedDataset> {
  const bytes = await readFile(path);
  return parseMedmnist(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
