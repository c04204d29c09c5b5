// Decoded, resized datasets on disk, so a second run starts training in seconds: one folder
// per key with a JSON header and the raw arrays: images as compact as they were decoded (uint8,
// uint16 or float32), labels and groups as int32 (no parsing, one read each). An entry whose images
// pass the memory budget is not read whole: its image files are read a batch at a time (streamed).
// Entries are written to a temporary folder and renamed into place, so a crash or a run
// racing another never leaves a half-written entry that a later run would read.
// A hit skips the files, so an entry must be exactly what this user decoded: its header carries a
// SHA-256 of everything else in it (checked before it counts), and an entry (or a file in it)
// owned by another user is never read, even with a matching hash, since its writer chose what the
// hash covers. Either is a miss with the reason, and the entry is written again. A streamed entry's
// images are hashed once, read through the very file descriptor later reads use, before any is used.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFolderAtomically, writeFileDurably } from '../../../shared/host/atomicFiles';
import { errorMessage } from '../../../shared/errors/errorMessage';
import type { ImageSet, LoadedDataset } from '../dataset';
import { FileImageStore } from '../fileImageStore';
import { BYTES_PER_VALUE, MemoryImageStore, storedBytes } from '../imageStore';
import type { PixelArray, PixelType } from '../imageStore';
import { memoryBudget } from '../memoryBudget';
import type { IntensityScaling } from '../../../shared/run/intensityScaling';

interface SplitHeader {
  count: number;
  groups: boolean;
  /** How the images are stored, and the stored value that is 1.0. */
  pixels: PixelType;
  divisor: number;
}

/** The entry format; entries of another are a miss (version 2 held float32 images). */
const VERSION = 3;
const EXTENSION: Record<PixelType, string> = { uint8: 'u8', uint16: 'u16', float32: 'f32' };

/** What the hash covers besides the arrays: every field of the header but the hash. */
interface CacheContents {
  version: typeof VERSION;
  /** The key the entry was written under, so an entry copied to another key's folder is no hit. */
  key: string;
  description: string;
  classes: string[];
  shape: [number, number, number];
  splits: { train: SplitHeader; val: SplitHeader | null; test: SplitHeader | null };
  notes: string[];
  groupedBy: 'patient' | 'volume' | null;
  scaling: IntensityScaling[];
}

interface CacheHeader extends CacheContents {
  /** SHA-256 (hex) of the other fields (as JSON) and of each array file's name, length and bytes. */
  sha256: string;
}

/** A hit, or a miss with the reason when there was an entry that could not be used (null: none). */
/** A hit says whether its images are streamed from the entry (imageBytes over the memory budget). */
export type CacheLookup =
  | { kind: 'hit'; dataset: LoadedDataset; streamed: boolean; imageBytes: number }
  | { kind: 'miss'; reason: string | null };

const SPLITS = ['train', 'val', 'test'] as const;
const HEADER = 'header.json';

function arrayBytes(array: PixelArray | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Copies into a fresh, aligned buffer (a Node Buffer's offset may not be a multiple of 4). */
function aligned(bytes: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

/** The files of an entry, in the order the hash takes them. */
function arrayFiles(splits: CacheContents['splits']): string[] {
  return SPLITS.flatMap((split) => {
    const info = splits[split];
    if (!info) return [];
    return [imagesFile(split, info), `${split}.labels.i32`, ...(info.groups ? [`${split}.groups.i32`] : [])];
  });
}

function imagesFile(split: string, info: SplitHeader): string {
  return `${split}.images.${EXTENSION[info.pixels]}`;
}

function startHash(contents: CacheContents): Hash {
  return createHash('sha256').update(JSON.stringify(contents));
}

function hashFile(hash: Hash, name: string, bytes: Uint8Array): void {
  hash.update(`\n${name}\t${bytes.byteLength}\n`).update(bytes);
}

class Untrusted extends Error {}

/** A regular file or folder (no link) of this user's, or Untrusted saying why not. */
async function checkOwned(path: string, uid: number | null, kind: 'file' | 'folder'): Promise<void> {
  const stats = await lstat(path);
  if (kind === 'folder' ? !stats.isDirectory() : !stats.isFile())
    throw new Untrusted(`${path} is not a ${kind === 'folder' ? 'folder' : 'plain file'}`);
  if (uid !== null && stats.uid !== uid)
    throw new Untrusted(`it was written by another user (uid ${stats.uid}), so it is not trusted`);
}

function contentsOf(header: unknown, key: string): CacheContents {
  if (header === null || typeof header !== 'object' || !('version' in header) || header.version === 1)
    throw new Untrusted('it was written by an older version of MedTransfer, without an integrity hash');
  if (header.version !== VERSION)
    throw new Untrusted(
      `it is in cache format ${String(header.version)}` +
        (header.version === 2 ? ' (float32 images), written by an older version of MedTransfer' : '') +
        `; this version reads format ${VERSION} (compact 8- or 16-bit images)`,
    );
  const { sha256: _hash, ...contents } = header as CacheHeader;
  if (contents.key !== key) throw new Untrusted(`it was written for another key (${String(contents.key)})`);
  return contents;
}

const HASH_CHUNK = 8 * 2 ** 20;

/** An array file opened for streaming: hashed through `fd` (as hashFile would hash its bytes), then kept open. */
function openStreamed(hash: Hash, name: string, path: string, uid: number | null): { fd: number; length: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new Untrusted(`${path} is not a plain file`);
    if (uid !== null && stats.uid !== uid)
      throw new Untrusted(`it was written by another user (uid ${stats.uid}), so it is not trusted`);
    hash.update(`\n${name}\t${stats.size}\n`);
    const chunk = new Uint8Array(Math.max(1, Math.min(HASH_CHUNK, stats.size)));
    for (let position = 0; position < stats.size;) {
      const read = readSync(fd, chunk, 0, Math.min(chunk.length, stats.size - position), position);
      if (read === 0) throw new Error(`${name} ended while it was read`);
      hash.update(chunk.subarray(0, read));
      position += read;
    }
    return { fd, length: stats.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function typedPixels(type: PixelType, buffer: ArrayBuffer): PixelArray {
  if (type === 'uint8') return new Uint8Array(buffer);
  return type === 'uint16' ? new Uint16Array(buffer) : new Float32Array(buffer);
}

/**
 * The cached dataset, or a miss with the reason (an unreadable, foreign or altered entry is then
 * rebuilt). Images of more than `budget` bytes in all stay on disk, read a batch at a time.
 */
export async function readCachedDataset(
  dir: string,
  key: string,
  uid: number | null = process.getuid?.() ?? null,
  budget: number = memoryBudget(),
): Promise<CacheLookup> {
  const folder = join(dir, key);
  try {
    await lstat(folder);
  } catch {
    return { kind: 'miss', reason: null };
  }
  const opened: number[] = [];
  try {
    await checkOwned(folder, uid, 'folder');
    await checkOwned(join(folder, HEADER), uid, 'file');
    const header = JSON.parse(await readFile(join(folder, HEADER), 'utf8')) as CacheHeader;
    const contents = contentsOf(header, key);
    const shape = contents.shape;
    const imageBytes = SPLITS.reduce((sum, split) => {
      const info = contents.splits[split];
      return sum + (info ? storedBytes(info.pixels, info.count, shape) : 0);
    }, 0);
    const streamed = imageBytes > budget;
    const hash = startHash(contents);
    const arrays = new Map<string, ArrayBuffer>();
    const files = new Map<string, { fd: number; length: number }>();
    for (const name of arrayFiles(contents.splits)) {
      const path = join(folder, name);
      if (streamed && name.includes('.images.')) {
        const file = openStreamed(hash, name, path, uid);
        opened.push(file.fd);
        files.set(name, file);
        continue;
      }
      await checkOwned(path, uid, 'file');
      const data = await readFile(path);
      hashFile(hash, name, data);
      arrays.set(name, aligned(data));
    }
    if (hash.digest('hex') !== header.sha256)
      throw new Untrusted('its contents do not match the SHA-256 in its header (they changed after it was written)');
    const sets: Record<(typeof SPLITS)[number], ImageSet | null> = { train: null, val: null, test: null };
    for (const split of SPLITS) {
      const info = contents.splits[split];
      if (!info) continue;
      const array = (kind: string) => arrays.get(`${split}.${kind}`) ?? new ArrayBuffer(0);
      const name = imagesFile(split, info);
      const bytes = storedBytes(info.pixels, info.count, shape);
      const file = files.get(name);
      const length = file ? file.length : array(name.slice(split.length + 1)).byteLength;
      const labels = new Int32Array(array('labels.i32'));
      if (length !== bytes || labels.length !== info.count || !(info.divisor > 0))
        throw new Untrusted(`its ${split} arrays do not have the size its header gives`);
      const images = file
        ? new FileImageStore(
            { fd: file.fd, path: join(folder, name), offset: 0 },
            info.pixels,
            info.divisor,
            info.count,
            shape,
          )
        : new MemoryImageStore(
            typedPixels(info.pixels, array(name.slice(split.length + 1))),
            info.count,
            shape,
            info.divisor,
          );
      const set: ImageSet = { images, labels, count: info.count, shape };
      if (info.groups) set.groups = new Int32Array(array('groups.i32'));
      sets[split] = set;
    }
    if (!sets.train) throw new Untrusted('it has no training images');
    return {
      kind: 'hit',
      streamed,
      imageBytes,
      dataset: {
        description: contents.description,
        classes: contents.classes,
        train: sets.train,
        val: sets.val,
        test: sets.test,
        notes: contents.notes,
        ...(contents.groupedBy ? { groupedBy: contents.groupedBy } : {}),
        ...(contents.scaling.length > 0 ? { scaling: contents.scaling } : {}),
      },
    };
  } catch (error) {
    for (const fd of opened) closeSync(fd);
    const reason = error instanceof Untrusted ? error.message : `it cannot be read (${errorMessage(error)})`;
    return { kind: 'miss', reason };
  }
}

/**
 * Stores `dataset` under `key`, replacing whatever entry was there; failures (read-only disk,
 * full disk, another user's entry that cannot be removed) only cost the cache: the reason is returned.
 */
export async function writeCachedDataset(dir: string, key: string, dataset: LoadedDataset): Promise<string | null> {
  const splitHeader = (set: ImageSet): SplitHeader => ({
    count: set.count,
    groups: set.groups !== undefined,
    pixels: set.images.pixelType,
    divisor: set.images.divisor,
  });
  const contents: CacheContents = {
    version: VERSION,
    key,
    description: dataset.description,
    classes: dataset.classes,
    shape: dataset.train.shape,
    splits: {
      train: splitHeader(dataset.train),
      val: dataset.val ? splitHeader(dataset.val) : null,
      test: dataset.test ? splitHeader(dataset.test) : null,
    },
    notes: dataset.notes ?? [],
    groupedBy: dataset.groupedBy ?? null,
    scaling: dataset.scaling ?? [],
  };
  try {
    await replaceFolderAtomically(join(dir, key), (folder) => {
      const hash = startHash(contents);
      for (const split of SPLITS) {
        const set = dataset[split];
        const info = contents.splits[split];
        if (!set || !info) continue;
        const arrays: [string, PixelArray | Int32Array | undefined][] = [
          [imagesFile(split, info), storedPixels(set)],
          [`${split}.labels.i32`, set.labels],
          [`${split}.groups.i32`, set.groups],
        ];
        for (const [name, array] of arrays) {
          if (!array) continue;
          const bytes = arrayBytes(array);
          writeFileDurably(join(folder, name), bytes);
          hashFile(hash, name, bytes);
        }
      }
      const header: CacheHeader = { ...contents, sha256: hash.digest('hex') };
      writeFileDurably(join(folder, HEADER), JSON.stringify(header));
    });
    return null;
  } catch (error) {
    return errorMessage(error);
  }
}

/** A set's stored values, back to back (the store's own array when it holds one). */
function storedPixels(set: ImageSet): PixelArray {
  const store = set.images;
  const size = set.shape[0] * set.shape[1] * set.shape[2];
  if (store instanceof MemoryImageStore && store.pixels.length === set.count * size) return store.pixels;
  const out = typedPixels(store.pixelType, new ArrayBuffer(set.count * size * BYTES_PER_VALUE[store.pixelType]));
  for (let n = 0; n < set.count; n++) store.readStored(n, out, n * size);
  return out;
}
