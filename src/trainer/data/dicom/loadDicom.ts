// `dicom` datasets: a folder of DICOM files, one subfolder per class or listed in `labels`.
import { basename, isAbsolute, resolve } from 'node:path';
import type { DatasetSpec } from '../../../shared/experiment/schema';
import { resolveCacheDir } from '../cache/cacheDir';
import { loadTable } from '../csv/loadTable';
import type { ImageShape, LoadedDataset } from '../dataset';
import { decodeEntries } from '../decodeEntries';
import type { Decoded, Entry, ProgressCallback } from '../decodeEntries';
import { listClassFolders } from '../folder';
import { readDicom } from './readDicom';

type DicomSpec = Extract<DatasetSpec, { type: 'dicom' }>;

const LAYOUT = 'expected one subfolder per class holding DICOM files (e.g. normal/IM0001.dcm), or a `labels` CSV';

export async function loadDicom(
  spec: DicomSpec,
  shape: ImageShape,
  onProgress?: ProgressCallback,
): Promise<LoadedDataset> {
  const decode = (bytes: Uint8Array): Decoded => {
    const image = readDicom(bytes, { frame: spec.frame, ...(spec.window ? { window: spec.window } : {}) });
    return { images: [image], hasIdentifiers: image.hasIdentifiers };
  };
  const cacheFolder = await resolveCacheDir(spec.cache, spec.path);
  const cache = cacheFolder
    ? { ...cacheFolder, settings: { frame: spec.frame, window: spec.window ?? null, labels: spec.labels ?? null } }
    : null;
  const common = { shape, resize: spec.resize, onError: spec.onError, onProgress, format: 'dicom', cache };
  if (spec.labels) {
    const table = isAbsolute(spec.labels) ? spec.labels : resolve(spec.path, spec.labels);
    return loadTable(table, spec, decode, { ...common, name: basename(spec.path) });
  }
  // DICOM files often have no extension (IM0001) or .dcm; hidden files are skipped by the lister.
  const classes = await listClassFolders(spec.path, () => true, 'files', LAYOUT);
  const entries: Entry[] = classes.flatMap((entry, label) => entry.files.map((path) => ({ path, label })));
  return decodeEntries(entries, decode, {
    ...common,
    root: spec.path,
    name: basename(spec.path),
    classes: classes.map((entry) => entry.name),
  });
}
