// One entry point from an experiment's `dataset:` block to images in memory.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { datasetSchema } from '../../shared/experiment/schema';
import type { DatasetSpec, DatasetSpecInput } from '../../shared/experiment/schema';
import { loadCsv } from './csv/loadCsv';
import { DatasetError } from './dataset';
import type { ImageShape, LoadedDataset } from './dataset';
import { resolveCacheDir } from './cache/cacheDir';
import type { ProgressCallback } from './decodeEntries';
import { loadDicom } from './dicom/loadDicom';
import { loadFolder } from './folder';
import { loadIdx } from './idx';
import { loadMedmnist } from './medmnist';
import { loadNifti } from './nifti/loadNifti';
import { generateSynthetic } from './synthetic';

const EXPECTED_LAYOUT = {
  medmnist:
    'a MedMNIST .npz file (e.g. pneumoniamnist.npz from https://medmnist.com) ' +
    'holding train_images, train_labels, val_images, val_labels, test_images and test_labels',
  idx:
    'a folder with MNIST-style IDX files: train-images-idx3-ubyte, train-labels-idx1-ubyte, ' +
    't10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz)',
  folder:
    'a folder with one subfolder per class, each holding PNG or JPEG images (e.g. normal/001.png, pneumonia/002.png)',
  csv: 'a .csv or .tsv file with an image path column and a label column (paths relative to the file)',
  dicom: 'a folder of DICOM files, one subfolder per class, or any layout with a `labels` CSV',
  nifti: 'a folder of .nii or .nii.gz volumes with a `labels` CSV (volume path and label per row)',
} as const;

/** Checks that `path` exists and is a file or a folder as the type needs, with a clear error. */
async function checkPath(path: string, type: keyof typeof EXPECTED_LAYOUT): Promise<void> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch {
    throw new DatasetError(`not found; the ${type} dataset type expects ${EXPECTED_LAYOUT[type]}`, path);
  }
  const wantsFile = type === 'medmnist' || type === 'csv';
  if (wantsFile && !stats.isFile())
    throw new DatasetError(`is not a file; the ${type} dataset type expects ${EXPECTED_LAYOUT[type]}`, path);
  if (!wantsFile && !stats.isDirectory())
    throw new DatasetError(`is not a folder; the ${type} dataset type expects ${EXPECTED_LAYOUT[type]}`, path);
}

/**
 * Loads the dataset an experiment names. Paths must already be absolute (the caller resolves
 * them against the experiment file). `shape` is the model's input shape: image folders are
 * resized to it while loading (their images may all differ in size); the other formats keep
 * their native shape and prepareDataset converts them. `seed` drives the synthetic generator.
 */
export async function loadDataset(
  input: DatasetSpecInput,
  shape: ImageShape,
  seed: number,
  onProgress?: ProgressCallback,
): Promise<LoadedDataset> {
  // Defaults (resize, onError, columns…) are applied here too, so callers may pass a bare spec.
  const spec: DatasetSpec = datasetSchema.parse(input);
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
      return loadFolder(spec.path, shape, {
        resize: spec.resize,
        onError: spec.onError,
        onProgress,
        cache: await resolveCacheDir(spec.cache, spec.path),
      });
    case 'csv':
      await checkPath(spec.path, 'csv');
      return loadCsv(spec, shape, onProgress);
    case 'dicom':
      await checkPath(spec.path, 'dicom');
      return loadDicom(spec, shape, onProgress);
    case 'nifti':
      await checkPath(spec.path, 'nifti');
      return loadNifti(spec, shape, onProgress);
  }
}
