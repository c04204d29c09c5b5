// MNIST-style IDX folders (MNIST, Fashion-MNIST, KMNIST…): train-images-idx3-ubyte,
// train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each plain or .gz.
// Format: http://yann.lecun.com/exdb/mnist/ (big-endian header: 0, 0, type, dimensions, sizes).
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { MemoryImageStore } from './imageStore';
import { DatasetError } from './dataset';
import type { ImageSet, LoadedDataset } from './dataset';
import { classCountOfLabels } from './labelClasses';
import { errorMessage } from '../../shared/errors/errorMessage';
import { counted } from '../../shared/text/plural';

const UNSIGNED_BYTE = 0x08;

/** Fashion-MNIST's label names (https://github.com/zalandoresearch/fashion-mnist#labels). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

export interface IdxArray {
  shape: number[];
  values: Uint8Array;
}

/** Parses one IDX file of unsigned bytes with `dimensions` dimensions (3 for images, 1 for labels). */
export function parseIdx(bytes: Uint8Array, dimensions: number, file: string): IdxArray {
  const magic = (bytes[0] ?? 0) * 0x1000000 + (bytes[1] ?? 0) * 0x10000 + (bytes[2] ?? 0) * 0x100 + (bytes[3] ?? 0);
  const expected = UNSIGNED_BYTE * 0x100 + dimensions;
  if (bytes.length < 4 || magic !== expected) {
    const hex = (value: number): string => `0x${value.toString(16).padStart(8, '0')}`;
    throw new DatasetError(
      `bad IDX magic number ${hex(magic)}, expected ${hex(expected)} ` +
        `(unsigned bytes, ${counted(dimensions, 'dimension')}); ` +
        'is this an IDX file, and is a .gz file really gzipped?',
      file,
    );
  }
  const headerLength = 4 + 4 * dimensions;
  if (bytes.length < headerLength) throw new DatasetError(`truncated IDX header (${bytes.length} bytes)`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: dimensions }, (_, index) => view.getUint32(4 + 4 * index, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - headerLength !== size) {
    throw new DatasetError(
      `IDX size mismatch: the header says ${shape.join('×')} (${size} bytes of data), ` +
        `the file has ${bytes.length - headerLength}: it is truncated or damaged; download it again`,
      file,
    );
  }
  return { shape, values: bytes.subarray(headerLength) };
}

// Names vary between mirrors: train-images-idx3-ubyte, train-images.idx3-ubyte (Kaggle),
// with or without .gz.
const FILE_PATTERN = /^(train|t10k)-(images|labels)[.-]idx([13])-ubyte(\.gz)?$/i;

async function findFiles(folder: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const entry of (await readdir(folder)).sort()) {
    const match = FILE_PATTERN.exec(entry);
    if (!match) continue;
    const key = `${(match[1] ?? '').toLowerCase()}-${(match[2] ?? '').toLowerCase()}`;
    // Prefer the uncompressed file when both are there (someone unpacked it next to the .gz).
    if (!found.has(key) || !match[4]) found.set(key, join(folder, entry));
  }
  return found;
}

async function readIdxFile(path: string, dimensions: number): Promise<IdxArray> {
  let bytes: Uint8Array = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // Detected by content rather than by name: some mirrors serve gunzipped files as .gz.
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new DatasetError(`corrupt gzip data: ${errorMessage(error)}`, path);
    }
  }
  return parseIdx(bytes, dimensions, path);
}

async function readSplit(imagesPath: string, labelsPath: string): Promise<ImageSet> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath, 3), readIdxFile(labelsPath, 1)]);
  const [count = 0, height = 0, width = 0] = images.shape;
  if (labels.shape[0] !== count) {
    throw new DatasetError(
      `${counted(labels.shape[0] ?? 0, 'label')} in ${basename(labelsPath)} ` +
        `but ${counted(count, 'image')} in ${basename(imagesPath)}`,
      labelsPath,
    );
  }
  return {
    // The file's bytes are the store: 8-bit pixels are kept as they are.
    images: new MemoryImageStore(images.values, count, [height, width, 1], 255),
    labels: Int32Array.from(labels.values),
    count,
    shape: [height, width, 1],
    source: imagesPath,
  };
}

/** Loads an IDX folder: train split from train-*, test split from t10k-* (when present), no val. */
export async function loadIdx(folder: string): Promise<LoadedDataset> {
  const files = await findFiles(folder);
  const trainImages = files.get('train-images');
  const trainLabels = files.get('train-labels');
  if (!trainImages || !trainLabels) {
    const missing = [
      trainImages ? null : 'train-images-idx3-ubyte[.gz]',
      trainLabels ? null : 'train-labels-idx1-ubyte[.gz]',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new DatasetError(
      `missing ${missing}; an IDX dataset folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, ` +
        't10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz)',
      folder,
    );
  }
  const train = await readSplit(trainImages, trainLabels);
  const testImages = files.get('t10k-images');
  const testLabels = files.get('t10k-labels');
  if (Boolean(testImages) !== Boolean(testLabels)) {
    throw new DatasetError(
      `has ${testImages ? 't10k images but no t10k labels' : 't10k labels but no t10k images'}`,
      folder,
    );
  }
  const test = testImages && testLabels ? await readSplit(testImages, testLabels) : null;
  if (test && test.shape.join() !== train.shape.join()) {
    throw new DatasetError(
      `t10k images are ${test.shape.join('×')} but train images are ${train.shape.join('×')}`,
      folder,
    );
  }
  const classCount = classCountOfLabels([
    { file: trainLabels, labels: train.labels },
    ...(test && testLabels ? [{ file: testLabels, labels: test.labels }] : []),
  ]);
  // IDX files carry no class names: Fashion-MNIST is recognised by its folder name (as Debian's
  // dataset-fashion-mnist and torchvision's FashionMNIST/raw name it: the last two path parts),
  // anything else with at most 10 classes is taken for digits.
  const isFashion = /fashion/i.test(
    folder
      .split(/[\\/]+/)
      .filter(Boolean)
      .slice(-2)
      .join('/'),
  );
  const classes =
    isFashion && classCount <= FASHION_MNIST_CLASSES.length
      ? FASHION_MNIST_CLASSES.slice(0, classCount)
      : Array.from({ length: classCount }, (_, index) => (classCount <= 10 ? String(index) : `class ${index}`));
  return { description: `${basename(folder)} (idx)`, classes, train, val: null, test };
}
