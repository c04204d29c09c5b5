// `csv` datasets: a table of image paths (PNG, JPEG or DICOM, told apart by their bytes) and labels.
import type { DatasetSpec } from '../../../shared/experiment/schema';
import type { ImageShape, LoadedDataset } from '../dataset';
import { resolveCacheDir } from '../cache/cacheDir';
import { decodeImage } from '../decodeImage';
import type { Decoded, ProgressCallback } from '../decodeEntries';
import { isDicom, readDicom } from '../dicom/readDicom';
import { loadTable } from './loadTable';

type CsvSpec = Extract<DatasetSpec, { type: 'csv' }>;

export async function loadCsv(spec: CsvSpec, shape: ImageShape, onProgress?: ProgressCallback): Promise<LoadedDataset> {
  const decode = (bytes: Uint8Array, name: string): Decoded => {
    if (isDicom(bytes)) {
      const image = readDicom(bytes, { frame: spec.frame, ...(spec.window ? { window: spec.window } : {}) });
      return { images: [image], hasIdentifiers: image.hasIdentifiers };
    }
    return { images: [decodeImage(bytes, name)] };
  };
  const cacheFolder = await resolveCacheDir(spec.cache, spec.path);
  const cache = cacheFolder ? { ...cacheFolder, settings: { frame: spec.frame, window: spec.window ?? null } } : null;
  return loadTable(spec.path, spec, decode, {
    shape,
    resize: spec.resize,
    onError: spec.onError,
    onProgress,
    format: 'csv',
    cache,
  });
}
