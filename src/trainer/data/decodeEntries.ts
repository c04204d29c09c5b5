// The shared loop of the file formats that decode image by image (folder, csv, dicom, nifti):
// read ahead, decode, fit to the model's input, report progress, and either fail on a bad file
// (naming it and why) or skip it and count it.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ResizeMode } from '../../shared/experiment/schema';
import type { SplitName } from './csv/readLabelTable';
import { DatasetError } from './dataset';
import type { ImageSet, ImageShape, LoadedDataset } from './dataset';
import type { DecodedImage } from './decodeImage';
import { fitImage } from './fitImage';
import { MemoryImageStore, newPixelArray, quantise, storedBytes } from './imageStore';
import { MEMORY_BUDGET_ENV, describeBytes, memoryBudget } from './memoryBudget';
import { NON_FINITE_ADVICE, describeNonFinite, findNonFinite } from './finitePixels';
import { integerScale } from './intensityRange';
import type { IntensityScaling } from '../../shared/run/intensityScaling';
import { cacheKey } from './cache/cacheKey';
import type { CacheFolder } from './cache/cacheDir';
import { readCachedDataset, writeCachedDataset } from './cache/datasetCache';
import { errorMessage } from '../../shared/errors/errorMessage';
import { counted, plural } from '../../shared/text/plural';

export interface DataProgress {
  stage: 'decoding' | 'cache';
  done: number;
  total: number;
  /** Path relative to the dataset folder (never a value read from a file). */
  file?: string;
}

export type ProgressCallback = (progress: DataProgress) => void;

export interface Entry {
  path: string;
  label: number;
  split?: SplitName;
  /** Images sharing a group (a patient, or one volume's slices) never go to different splits. */
  group?: string;
}

export interface Decoded {
  images: DecodedImage[];
  hasIdentifiers?: boolean;
}

export interface DecodeOptions {
  /** Paths in errors and progress are relative to it. */
  root: string;
  shape: ImageShape;
  resize: ResizeMode;
  onError: 'fail' | 'skip';
  onProgress?: ProgressCallback;
  /** Names the format in the description: `chest (dicom, 40 images)`. */
  format: string;
  name: string;
  classes: string[];
  /** Cache folder (resolveCacheDir) and every setting that changes what the files turn into; null: no cache. */
  cache?: (CacheFolder & { settings: unknown }) | null;
  /** What the entries' groups are, for the log; undefined when each file stands alone. */
  groupedBy?: 'patient' | 'volume';
}

/** Progress at most every 250 ms (≤4 a second), plus the final count. */
export function throttledProgress(
  callback: ProgressCallback | undefined,
  stage: DataProgress['stage'],
  total: number,
): (done: number, file?: string) => void {
  let last = 0;
  return (done, file) => {
    if (!callback) return;
    const now = Date.now();
    if (done < total && now - last < 250) return;
    last = now;
    callback(file === undefined ? { stage, done, total } : { stage, done, total, file });
  };
}

interface Collected {
  /** Each image fitted to the input shape and kept at its source's depth (uint8 or uint16). */
  pixels: (Uint8Array | Uint16Array)[];
  labels: number[];
  groups: number[];
  /** Per image, its deep samples (16-bit PNG) when it has them, to rescale once all are decoded. */
  deep: (DecodedImage['deepSamples'] | undefined)[];
}

/** Throws (naming the image of a multi-image file) when a decoded image holds NaN or ±Infinity. */
function checkFinite(image: DecodedImage): void {
  const found = findNonFinite(image.pixels, 1, image.shape);
  if (found)
    throw new Error(`${describeNonFinite(found, image.shape[2], image.part ?? 'the image')}: ${NON_FINITE_ADVICE}`);
}

/**
 * Deep integer samples were read as value ÷ (2^bits − 1); when no image of the dataset uses all of
 * those bits (12-bit data in 16-bit PNGs), every such image is rescaled by the bits the data
 * evidently has. Fitting to the input shape is linear (resize, pad with 0, luma), so rescaling the
 * fitted pixels equals rescaling the decoded ones.
 */
function rescaleDeepSamples(collected: Collected[]): IntensityScaling[] {
  const byType = new Map<string, { bits: number; found: [number, number] }>();
  for (const { deep } of collected)
    for (const samples of deep) {
      if (!samples) continue;
      const seen = byType.get(samples.storedAs);
      byType.set(samples.storedAs, {
        bits: samples.bits,
        found: seen
          ? [Math.min(seen.found[0], samples.found[0]), Math.max(seen.found[1], samples.found[1])]
          : samples.found,
      });
    }
  const scaling: IntensityScaling[] = [];
  for (const [storedAs, { bits, found }] of byType) {
    const scale = integerScale(storedAs, bits, found);
    if (!scale.scaling) continue;
    scaling.push(scale.scaling);
    const factor = (2 ** bits - 1) / scale.divisor;
    for (const { pixels, deep } of collected)
      deep.forEach((samples, index) => {
        const image = pixels[index];
        if (samples?.storedAs !== storedAs || !image) return;
        // Rounded again in 16 bits: the data has at most `bits` of them, so nothing is lost.
        for (let i = 0; i < image.length; i++) image[i] = Math.min(65535, Math.round((image[i] ?? 0) * factor));
      });
  }
  return scaling;
}

/** One store for a split: uint8 when every image came from 8-bit samples, else uint16 (v/255 = 257v/65535). */
function toSet(collected: Collected, shape: ImageShape): ImageSet {
  const size = shape[0] * shape[1] * shape[2];
  const deep = collected.pixels.some((pixels) => pixels instanceof Uint16Array);
  const images = deep
    ? new Uint16Array(collected.pixels.length * size)
    : new Uint8Array(collected.pixels.length * size);
  collected.pixels.forEach((pixels, index) => {
    if (deep && pixels instanceof Uint8Array)
      for (let i = 0; i < size; i++) images[index * size + i] = (pixels[i] ?? 0) * 257;
    else images.set(pixels, index * size);
  });
  return {
    images: new MemoryImageStore(images, collected.labels.length, [shape[0], shape[1], shape[2]]),
    labels: Int32Array.from(collected.labels),
    count: collected.labels.length,
    shape: [shape[0], shape[1], shape[2]],
    groups: Int32Array.from(collected.groups),
  };
}

/**
 * decodeFiles with a cache in front: the key covers the files (path, size, mtime), their
 * labels, splits and groups (hashed: patient ids are never stored), the shape and the settings.
 */
export async function decodeEntries(
  entries: Entry[],
  decode: (bytes: Uint8Array, path: string) => Decoded | Promise<Decoded>,
  options: DecodeOptions,
): Promise<LoadedDataset> {
  const cache = options.cache;
  if (!cache) return decodeFiles(entries, decode, options);
  if (cache.dir === null) return { ...(await decodeFiles(entries, decode, options)), info: cache.notes };
  const key = await cacheKey(
    entries.map((entry) => entry.path),
    {
      ...(cache.settings as object),
      format: options.format,
      shape: options.shape,
      resize: options.resize,
      onError: options.onError,
      classes: options.classes,
      entries: entries.map((entry) => [entry.label, entry.split ?? null, entry.group ?? null]),
    },
  );
  const lookup = await readCachedDataset(cache.dir, key);
  if (lookup.kind === 'hit') {
    options.onProgress?.({ stage: 'cache', done: entries.length, total: entries.length });
    const hit = `cache hit at ${cache.dir}: ${counted(entries.length, 'file')} not decoded again`;
    return {
      ...lookup.dataset,
      info: [...cache.notes, hit + (lookup.streamed ? streamedNote(lookup.imageBytes) : '')],
    };
  }
  let loaded = await decodeFiles(entries, decode, options);
  const failure = await writeCachedDataset(cache.dir, key, loaded);
  const stored = failure === null ? 'stored them' : `could not store them (${failure})`;
  let miss = `cache miss at ${cache.dir}: decoded ${counted(entries.length, 'file')} and ${stored}`;
  // Over the budget, the decoded images are let go and read back from the entry a batch at a time.
  if (failure === null && datasetBytes(loaded) > memoryBudget()) {
    const stored = await readCachedDataset(cache.dir, key);
    if (stored.kind === 'hit') {
      loaded = stored.dataset;
      miss += streamedNote(stored.imageBytes);
    }
  }
  if (lookup.reason === null) return { ...loaded, info: [...cache.notes, miss] };
  // An entry that was there and not used: altered, foreign or broken, which someone should know.
  return {
    ...loaded,
    notes: [
      ...(loaded.notes ?? []),
      `the cached entry ${key.slice(0, 12)}… at ${cache.dir} was not used: ${lookup.reason}`,
    ],
    info: [...cache.notes, miss],
  };
}

/** Bytes of compact pixels a loaded dataset holds. */
function datasetBytes(dataset: LoadedDataset): number {
  return [dataset.train, dataset.val, dataset.test].reduce(
    (sum, set) => sum + (set ? storedBytes(set.images.pixelType, set.count, set.shape) : 0),
    0,
  );
}

function streamedNote(imageBytes: number): string {
  return (
    `; its images (${describeBytes(imageBytes)}) pass the memory budget ` +
    `(${describeBytes(memoryBudget())}, ${MEMORY_BUDGET_ENV}) and are read from the cache a batch at a time`
  );
}

async function decodeFiles(
  entries: Entry[],
  decode: (bytes: Uint8Array, path: string) => Decoded | Promise<Decoded>,
  options: DecodeOptions,
): Promise<LoadedDataset> {
  const { root, shape } = options;
  const progress = throttledProgress(options.onProgress, 'decoding', entries.length);
  const splits: Record<SplitName, Collected> = {
    train: { pixels: [], labels: [], groups: [], deep: [] },
    val: { pixels: [], labels: [], groups: [], deep: [] },
    test: { pixels: [], labels: [], groups: [], deep: [] },
  };
  const groupIds = new Map<string, number>();
  const skipped: string[] = [];
  let withIdentifiers = 0;
  const readAhead = 8;
  const pending: (Promise<Buffer> | undefined)[] = [];
  const startRead = (index: number): void => {
    const entry = entries[index];
    if (!entry) return;
    const read = readFile(entry.path);
    // The rejection is handled where the read is awaited; this keeps it from counting as unhandled meanwhile.
    read.catch(() => undefined);
    pending[index] = read;
  };
  for (let index = 0; index < Math.min(readAhead, entries.length); index++) startRead(index);
  progress(0);
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (!entry) continue;
    startRead(index + readAhead);
    const name = relative(root, entry.path) || entry.path;
    let decoded: Decoded;
    try {
      const bytes = await pending[index];
      pending[index] = undefined;
      if (!bytes) throw new Error('not read');
      decoded = await decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), entry.path);
      if (decoded.images.length === 0) throw new Error('no images in the file');
      decoded.images.forEach(checkFinite);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Decoders that already name the file (decodeImage) are not named twice.
      const reason =
        error instanceof DatasetError && error.file === entry.path
          ? error.message.slice(entry.path.length + 2)
          : code === 'ENOENT'
            ? 'no such file'
            : errorMessage(error);
      if (options.onError === 'fail') {
        await Promise.allSettled(pending.filter((read): read is Promise<Buffer> => read !== undefined));
        // Named relative to the dataset folder, like the progress events: folder names above it stay out of the run.
        throw new DatasetError(
          `${reason} (set \`onError: skip\` in the dataset to skip unreadable files)`,
          entry.path,
          name,
        );
      }
      const message = `${name}: ${reason}`;
      skipped.push(message);
      progress(index + 1, name);
      continue;
    }
    if (decoded.hasIdentifiers) withIdentifiers++;
    const target = splits[entry.split ?? 'train'];
    const groupKey = entry.group ?? `file:${entry.path}`;
    let group = groupIds.get(groupKey);
    if (group === undefined) {
      group = groupIds.size;
      groupIds.set(groupKey, group);
    }
    for (const image of decoded.images) {
      const type = image.depth === 8 ? 'uint8' : 'uint16';
      const fitted = fitImage(image, shape, options.resize);
      const compact = newPixelArray(type, fitted.length) as Uint8Array | Uint16Array;
      quantise(fitted, type, compact, 0);
      target.pixels.push(compact);
      target.labels.push(entry.label);
      target.groups.push(group);
      target.deep.push(image.deepSamples);
    }
    progress(index + 1, name);
  }
  const notes: string[] = [];
  if (skipped.length > 0) {
    notes.push(
      `skipped ${skipped.length} of ${counted(entries.length, 'file')} as unreadable (onError: skip): ` +
        `${skipped.slice(0, 5).join('; ')}${skipped.length > 5 ? '; …' : ''}`,
    );
  }
  if (withIdentifiers > 0) {
    notes.push(
      `${withIdentifiers} of ${counted(entries.length, 'DICOM file')} ` +
        `${plural(withIdentifiers, 'carries', 'carry')} patient or staff identifiers ` +
        '(names, IDs, dates of birth…): this data is not de-identified; their values are never copied into the run',
    );
  }
  const scaling = rescaleDeepSamples([splits.train, splits.val, splits.test]);
  const train = toSet(splits.train, shape);
  if (train.count === 0)
    throw new DatasetError(
      `no training images could be read${skipped.length > 0 ? ` (${skipped.length} skipped)` : ''}`,
      root,
    );
  const hasSplit = entries.some((entry) => entry.split !== undefined);
  const images = train.count + splits.val.labels.length + splits.test.labels.length;
  return {
    description: `${options.name} (${options.format}, ${counted(images, 'image')})`,
    classes: options.classes,
    train,
    val: hasSplit && splits.val.labels.length > 0 ? toSet(splits.val, shape) : null,
    test: hasSplit && splits.test.labels.length > 0 ? toSet(splits.test, shape) : null,
    notes,
    groupedBy: options.groupedBy,
    ...(scaling.length > 0 ? { scaling } : {}),
  };
}
