// One entry point from an experiment's `dataset:` block to images in memory.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { DatasetSpec } from '../../shared/experiment/schema';
import { DatasetError } from './dataset';
import type { ImageShape, LoadedDataset } from './dataset';
import { loadFolder } from './folder';
import { loadIdx } from './idx';
import { loadMedmnist } from './medmnist';
import { generateSynthetic } from './synthetic';

const EXPECTED_LAYOUT = {
  medmnist: 'a MedMNIST .npz file (e.g. pneumoniamnist.npz from https://medmnist.com) holding train_images, train_labels, val_images, val_labels, test_images and test_labels',
  idx: 'a folder with MNIST-style IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz)',
  folder: 'a folder with one subfolder per class, each holding PNG or JPEG images (e.g. normal/001.png, pneumonia/002.png)',
} as const;

/** Checks that `path` exists and is a file or a folder as the type needs, with a clear error. */
async function checkPath(path: string, type: keyof typeof EXPECTED_LAYOUT): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch {
    throw new DatasetError(`not found; the ${type} dataset type expects ${EXPECTED_LAYOUT[type]}`, path);
  }
  const wantsFile = type === 'medmnist';
  if (wantsFile && !stats.isFile()) throw new DatasetError(`is not a file; the medmnist dataset type expects ${EXPECTED_LAYOUT.medmnist}`, path);
  if (!wantsFile && !stats.isDirectory()) throw new DatasetError(`is not a folder; the ${type} dataset type expects ${EXPECTED_LAYOUT[type]}`, path);
}

/**
 * Loads the dataset an experiment names. Paths must already be absolute (the caller resolves
 * them against the experiment file). `shape` is the model's input shape: image folders are
 * resized to it while loading (their images may all differ in size); the other formats keep
 * their native shape and prepareDataset converts them. `seed` drives the synthetic generator.
 */
export async function loadDataset(spec: DatasetSpec, shape: ImageShape, seed: number): Promise<LoadedDataset> {
  switch (spec.type) {
    case 'synthetic':
      return generateSynthetic(spec.task, spec.samples, shape, seed);
    case 'medmnist':
      await checkPath(spec.path, 'medmnist');
      return loadMedmnist(spec.path);
    case 'idx':
      await checkPath(spec.path, 'idx');
      return loadIdx(spec.path);
    case 'folder':
      await checkPath(spec.path, 'folder');
      return loadFolder(spec.path, shape);
  }
}
