// Image folders in the torchvision ImageFolder / Keras image_dataset_from_directory layout:
// <root>/<class name>/<image>.png|.jpg. Class names are the subfolder names, sorted, so the
// label order is the same on every machine and matches what those libraries would give.
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ResizeMode } from '../../shared/experiment/schema';
import { DatasetError } from './dataset';
import type { ImageShape, LoadedDataset } from './dataset';
import { decodeImage } from './decodeImage';
import { decodeEntries } from './decodeEntries';
import type { Entry, ProgressCallback } from './decodeEntries';
import type { CacheFolder } from './cache/cacheDir';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const LAYOUT =
  'expected one subfolder per class, each holding PNG or JPEG images (e.g. normal/001.png, pneumonia/002.png)';

export interface ClassFiles {
  name: string;
  files: string[];
}

// Hidden entries (.DS_Store, .ipynb_checkpoints, .git) are never classes or images.
const visible = (name: string): boolean => !name.startsWith('.');

/**
 * The class subfolders of `root` and their files that `accept` takes, sorted. `what` and
 * `layout` word the errors (`PNG or JPEG images`).
 */
export async function listClassFolders(
  root: string,
  accept: (name: string) => boolean,
  what: string,
  layout: string,
): Promise<ClassFiles[]> {
  const entries = await readdir(root, { withFileTypes: true });
  // Code-unit order rather than localeCompare: the label order must not depend on the locale.
  const folders = entries
    .filter((entry) => entry.isDirectory() && visible(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (folders.length === 0) throw new DatasetError(`no class subfolders; ${layout}`, root);
  if (folders.length < 2)
    throw new DatasetError(
      `only one class subfolder (${folders[0]}); a classifier needs at least two; ${layout}`,
      root,
    );
  const classes: ClassFiles[] = [];
  for (const name of folders) {
    const folder = join(root, name);
    const files = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && visible(entry.name) && accept(entry.name))
      .map((entry) => entry.name)
      .sort();
    if (files.length === 0) throw new DatasetError(`class folder "${name}" has no ${what}; ${layout}`, folder);
    classes.push({ name, files: files.map((file) => join(folder, file)) });
  }
  return classes;
}

export interface FolderOptions {
  /** Default stretch, as before `resize` existed; experiments default to pad (schema). */
  resize?: ResizeMode;
  onError?: 'fail' | 'skip';
  onProgress?: ProgressCallback;
  /** Cache folder (resolveCacheDir; null or absent: no cache). */
  cache?: CacheFolder | null;
}

/**
 * Loads every image, each resized and converted to `targetShape` as it is decoded (so a folder
 * of large scans never sits in memory at full size). The folder has no splits: val and test
 * are null and prepareDataset makes them.
 */
export async function loadFolder(
  root: string,
  targetShape: ImageShape,
  options: FolderOptions = {},
): Promise<LoadedDataset> {
  const classes = await listClassFolders(
    root,
    (name) => IMAGE_EXTENSIONS.has(extname(name).toLowerCase()),
    'PNG or JPEG images',
    LAYOUT,
  );
  const entries: Entry[] = classes.flatMap((entry, label) => entry.files.map((path) => ({ path, label })));
  return decodeEntries(entries, (bytes, name) => ({ images: [decodeImage(bytes, name)] }), {
    root,
    shape: targetShape,
    resize: options.resize ?? 'stretch',
    onError: options.onError ?? 'fail',
    onProgress: options.onProgress,
    cache: options.cache ? { ...options.cache, settings: {} } : null,
    format: 'folder',
    name: basename(root),
    classes: classes.map((entry) => entry.name),
  });
}
