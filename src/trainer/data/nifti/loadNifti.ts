// `nifti` datasets: volumes listed with their labels in a CSV; each gives the slices asked for.
import { basename, isAbsolute, resolve } from 'node:path';
import type { DatasetSpec } from '../../../shared/experiment/schema';
import { resolveCacheDir } from '../cache/cacheDir';
import { loadTable } from '../csv/loadTable';
import type { ImageShape, LoadedDataset } from '../dataset';
import type { ProgressCallback } from '../decodeEntries';
import { readNiftiSlices } from './readNifti';

type NiftiSpec = Extract<DatasetSpec, { type: 'nifti' }>;

export async function loadNifti(
  spec: NiftiSpec,
  shape: ImageShape,
  onProgress?: ProgressCallback,
): Promise<LoadedDataset> {
  const cacheFolder = await resolveCacheDir(spec.cache, spec.path);
  const table = isAbsolute(spec.labels) ? spec.labels : resolve(spec.path, spec.labels);
  // Slices of one volume are near-duplicates: they are grouped so no volume spans two splits.
  return loadTable(table, spec, (bytes) => ({ images: readNiftiSlices(bytes, spec.slices, spec.window) }), {
    shape,
    resize: spec.resize,
    onError: spec.onError,
    onProgress,
    cache: cacheFolder ? { ...cacheFolder, settings: { slices: spec.slices, window: spec.window ?? null } } : null,
    format: 'nifti',
    name: basename(spec.path),
    volumes: true,
  });
}
