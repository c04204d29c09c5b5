// MedMNIST .npz files (https://medmnist.com): a zip of .npy arrays train_images, train_labels,
// val_images, val_labels, test_images, test_labels. Images are (N, H, W) gray or (N, H, W, 3)
// RGB uint8; labels are (N, 1) (or (N,)) class indices.
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { unzipSync } from 'fflate';
import { DatasetError } from './dataset';
import type { ImageSet, LoadedDataset } from './dataset';
import { classCountOfLabels } from './labelClasses';
import { floatStore, MemoryImageStore } from './imageStore';
import type { ImageStore } from './imageStore';
import { imagesShape, readLabels, SPLITS } from './medmnistArrays';
import type { SplitName } from './medmnistArrays';
import { loadStreamedMedmnist } from './medmnistStream';
import { memoryBudget } from './memoryBudget';
import { parseNpy } from './npy';
import { readZipDirectory } from './zipDirectory';
import type { ZipMember } from './zipDirectory';
import type { NpyArray, NpyValues } from './npy';
import { finiteRange, floatScale, integerScale } from './intensityRange';
import type { IntensityScaling } from '../../shared/run/intensityScaling';
import { errorMessage } from '../../shared/errors/errorMessage';

/** The values of one images array, before they are scaled to 0..1. */
interface StoredImages {
  array: NpyArray;
  file: string;
  count: number;
  shape: [number, number, number];
}

interface StoredSplit {
  images: StoredImages;
  labels: Int32Array;
}

function readImages(array: NpyArray, file: string): StoredImages {
  const { count, shape } = imagesShape(array.shape, file);
  const { values, dtype } = array;
  const readable =
    values instanceof Uint8Array ||
    values instanceof Uint16Array ||
    values instanceof Float32Array ||
    values instanceof Float64Array;
  if (!readable)
    throw new DatasetError(`unsupported image dtype '${dtype}' (uint8, uint16 or float images are read)`, file);
  return { array, file, count, shape };
}

/** The element type's name, as the scaling note and errors say it. */
function typeName(values: NpyValues): string {
  if (values instanceof Uint8Array) return 'uint8';
  if (values instanceof Uint16Array) return 'uint16';
  return values instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * One divisor per element type, from the values of every split together, so that train, val and
 * test images of the same intensity stay the same after scaling.
 */
function scaleImages(splits: StoredImages[], name: string): { scaled: ImageStore[]; scaling: IntensityScaling[] } {
  const divisors = new Map<string, number>();
  const scaling: IntensityScaling[] = [];
  for (const type of new Set(splits.map((split) => typeName(split.array.values)))) {
    const ofType = splits.filter((split) => typeName(split.array.values) === type);
    if (type === 'uint8') {
      divisors.set(type, 255);
      continue;
    }
    let found: [number, number] = [Infinity, -Infinity];
    for (const split of ofType) found = finiteRange(split.array.values, found);
    if (found[0] > found[1]) found = [0, 0];
    const scale = type === 'uint16' ? integerScale(type, 16, found) : floatScale(type, found);
    if (!scale) {
      const files = ofType.map((split) => basename(split.file)).join(', ');
      throw new DatasetError(
        `${type} images must lie in 0..1 or 0..255; ${files} hold values ${found[0]}..${found[1]}: ` +
          'scale them to 0..1 before saving (e.g. divide by their maximum)',
        name,
      );
    }
    divisors.set(type, scale.divisor);
    if (scale.scaling) scaling.push(scale.scaling);
  }
  // Integer pixels are kept as stored (1 or 2 bytes a value) and divided a batch at a time; float
  // ones are divided here, once, into float32.
  const scaled = splits.map(({ array, count, shape }): ImageStore => {
    const { values } = array;
    const divisor = divisors.get(typeName(values)) ?? 1;
    if (values instanceof Uint8Array || values instanceof Uint16Array)
      return new MemoryImageStore(values, count, shape, divisor);
    const out = new Float32Array(values.length);
    for (let i = 0; i < out.length; i++) out[i] = (values[i] ?? 0) / divisor;
    return floatStore(out, count, shape);
  });
  return { scaled, scaling };
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
  const readSplit = (split: SplitName): StoredSplit | null => {
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
    const stored = readImages(images, `${name}/${split}_images.npy`);
    return { images: stored, labels: readLabels(labels, stored.count, `${name}/${split}_labels.npy`) };
  };
  const read = { train: readSplit('train'), val: readSplit('val'), test: readSplit('test') };
  const train = read.train;
  if (!train) {
    const found = Object.keys(members).join(', ') || 'no .npy arrays';
    throw new DatasetError(
      `expected a MedMNIST .npz with train_images and train_labels (and val_/test_); found ${found}`,
      name,
    );
  }
  for (const split of ['val', 'test'] as const) {
    const shape = read[split]?.images.shape;
    if (shape && shape.join() !== train.images.shape.join()) {
      throw new DatasetError(
        `${split} images are ${shape.join('×')} but train images are ${train.images.shape.join('×')}`,
        name,
      );
    }
  }
  // Labels first: a wrong label is named before anything is sized by it.
  const present = SPLITS.filter((split) => read[split] !== null);
  const classCount = classCountOfLabels(
    present.map((split) => ({ file: `${name}/${split}_labels.npy`, labels: read[split]?.labels ?? new Int32Array() })),
  );
  const { scaled, scaling } = scaleImages(
    present.flatMap((split) => read[split]?.images ?? []),
    name,
  );
  const setOf = (split: SplitName, stored: StoredSplit): ImageSet => ({
    images: scaled[present.indexOf(split)] ?? floatStore(new Float32Array(), 0, stored.images.shape),
    labels: stored.labels,
    count: stored.images.count,
    shape: stored.images.shape,
    source: stored.images.file,
  });
  // The .npz carries no class names (MedMNIST keeps them in its Python INFO table); the
  // experiment's `target.classes` gives display names.
  const classes = Array.from({ length: classCount }, (_, index) => `class ${index}`);
  return {
    description: `${basename(name)} (medmnist)`,
    classes,
    train: setOf('train', train),
    val: read.val ? setOf('val', read.val) : null,
    test: read.test ? setOf('test', read.test) : null,
    ...(scaling.length > 0 ? { scaling } : {}),
  };
}

/**
 * Reads a MedMNIST .npz from disk: whole, when its images fit the memory budget; else its zip
 * directory, and the images a batch at a time (loadStreamedMedmnist).
 */
export async function loadMedmnist(path: string, budget: number = memoryBudget()): Promise<LoadedDataset> {
  const fd = openSync(path, 'r');
  let streamed = false;
  try {
    let members: ZipMember[] | null = null;
    try {
      members = readZipDirectory(fd, fstatSync(fd).size);
    } catch {
      // Not a readable zip: parseMedmnist below says so, naming the file.
    }
    const images = members?.filter((member) => /^(train|val|test)_images\.npy$/.test(member.name)) ?? [];
    const imageBytes = images.reduce((sum, member) => sum + member.size, 0);
    if (members && imageBytes > budget) {
      const dataset = await loadStreamedMedmnist(fd, path, members, imageBytes, budget);
      streamed = true;
      return dataset;
    }
  } finally {
    if (!streamed) closeSync(fd);
  }
  const bytes = await readFile(path);
  return parseMedmnist(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
