// Image folders in the torchvision ImageFolder / Keras image_dataset_from_directory layout:
// <root>/<class name>/<image>.png|.jpg. Class names are the subfolder names, sorted, so the
// label order is the same on every machine and matches what those libraries would give.
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { convertPixels } from './convertImages';
import { DatasetError } from './dataset';
import type { ImageShape, LoadedDataset } from './dataset';
import { decodeImage } from './decodeImage';

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const LAYOUT = 'expected one subfolder per class, each holding PNG or JPEG images (e.g. normal/001.png, pneumonia/002.png)';

interface ClassFiles {
  name: string;
  files: string[];
}

// Hidden entries (.DS_Store, .ipynb_checkpoints, .git) are never classes or images.
const visible = (name: string): boolean => !name.startsWith('.');

async function listClasses(root: string): Promise<ClassFiles[]> {
  const entries = await readdir(root, { withFileTypes: true });
  // Code-unit order rather than localeCompare: the label order must not depend on the locale.
  const folders = entries
    .filter((entry) => entry.isDirectory() && visible(entry.name))
    .map((entry) => entry.name)
    .sort();
  if (folders.length === 0) throw new DatasetError(`no class subfolders; ${LAYOUT}`, root);
  if (folders.length < 2) throw new DatasetError(`only one class subfolder (${folders[0]}); a classifier needs at least two; ${LAYOUT}`, root);
  const classes: ClassFiles[] = [];
  for (const name of folders) {
    const folder = join(root, name);
    const files = (await readdir(folder, { withFileTypes: true }))
      .filter((entry) => entry.isFile() && visible(entry.name) && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
    if (files.length === 0) throw new DatasetError(`class folder "${name}" has no PNG or JPEG images; ${LAYOUT}`, folder);
    classes.push({ name, files: files.map((file) => join(folder, file)) });
  }
  return classes;
}

/**
 * Loads every image, each resized and converted to `targetShape` as it is decoded (so a folder
 * of large scans never sits in memory at full size). The folder has no splits: val and test
 * are null and prepareDataset makes them.
 */
export async function loadFolder(root: string, targetShape: ImageShape): Promise<LoadedDataset> {
  const classes = await listClasses(root);
  const files = classes.flatMap((entry, label) => entry.files.map((path) => ({ path, label })));
  const size = targetShape[0] * targetShape[1] * targetShape[2];
  const images = new Float32Array(files.length * size);
  const labels = new Int32Array(files.length);
  // Reading a few files ahead overlaps disk I/O with decoding, which is the slow part.
  const readAhead = 8;
  const pending: Promise<Buffer>[] = [];
  const startRead = (index: number): void => {
    const file = files[index];
    if (file) pending[index] = readFile(file.path);
  };
  for (let index = 0; index < Math.min(readAhead, files.length); index++) startRead(index);
  try {
    for (let index = 0; index < files.length; index++) {
      const file = files[index];
      const read = pending[index];
      if (!file || !read) continue;
      startRead(index + readAhead);
      let bytes: Buffer;
      try {
        bytes = await read;
      } catch (error) {
        throw new DatasetError(`cannot read the image: ${error instanceof Error ? error.message : String(error)}`, file.path);
      }
      delete pending[index];
      const decoded = decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file.path);
      images.set(convertPixels(decoded.pixels, 1, decoded.shape, targetShape), index * size);
      labels[index] = file.label;
    }
  } catch (error) {
    // Let the reads already started settle, so none is left rejecting unobserved.
    await Promise.allSettled(pending.filter(Boolean));
    throw error;
  }
  return {
    description: `${basename(root)} (folder, ${files.length} images)`,
    classes: classes.map((entry) => entry.name),
    train: { images, labels, count: files.length, shape: [targetShape[0], targetShape[1], targetShape[2]] },
    val: null,
    test: null,
  };
}
