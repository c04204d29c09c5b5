// Decoded, resized datasets on disk, so a second run starts training in seconds: one folder
// per key with a JSON header and the raw Float32/Int32 arrays (no parsing, one read each).
// Entries are written to a temporary folder and renamed into place, so a crash or a run
// racing another never leaves a half-written entry that a later run would read.
// A hit skips the files, so an entry must be exactly what this user decoded: its header carries a
// SHA-256 of everything else in it (checked before it counts), and an entry (or a file in it)
// owned by another user is never read, even with a matching hash, since its writer chose what the
// hash covers. Either is a miss with the reason, and the entry is written again.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFolderAtomically, writeFileDurably } from '../../../shared/host/atomicFiles';
import { errorMessage } from '../../../shared/errors/errorMessage';
import type { ImageSet, LoadedDataset } from '../dataset';
import type { IntensityScaling } from '../../../shared/run/intensityScaling';

interface SplitHeader {
  count: number;
  groups: boolean;
}

/** What the hash covers besides the arrays: every field of the header but the hash. */
interface CacheContents {
  version: 2;
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
export type CacheLookup = { kind: 'hit'; dataset: LoadedDataset } | { kind: 'miss'; reason: string | null };

const SPLITS = ['train', 'val', 'test'] as const;
const HEADER = 'header.json';

function arrayBytes(array: Float32Array | Int32Array): Uint8Array {
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
    return [`${split}.images.f32`, `${split}.labels.i32`, ...(info.groups ? [`${split}.groups.i32`] : [])];
  });
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
  if (header === null || typeof header !== 'object' || !('version' in header) || header.version !== 2)
    throw new Untrusted('it was written by an older version of MedTransfer, without an integrity hash');
  const { sha256: _hash, ...contents } = header as CacheHeader;
  if (contents.key !== key) throw new Untrusted(`it was written for another key (${String(contents.key)})`);
  return contents;
}

/** The cached dataset, or a miss with the reason (an unreadable, foreign or altered entry is then rebuilt). */
export async function readCachedDataset(
  dir: string,
  key: string,
  uid: number | null = process.getuid?.() ?? null,
): Promise<CacheLookup> {
  const folder = join(dir, key);
  try {
    await lstat(folder);
  } catch {
    return { kind: 'miss', reason: null };
  }
  try {
    await checkOwned(folder, uid, 'folder');
    await checkOwned(join(folder, HEADER), uid, 'file');
    const header = JSON.parse(await readFile(join(folder, HEADER), 'utf8')) as CacheHeader;
    const contents = contentsOf(header, key);
    const hash = startHash(contents);
    const arrays = new Map<string, ArrayBuffer>();
    for (const name of arrayFiles(contents.splits)) {
      const path = join(folder, name);
      await checkOwned(path, uid, 'file');
      const data = await readFile(path);
      hashFile(hash, name, data);
      arrays.set(name, aligned(data));
    }
    if (hash.digest('hex') !== header.sha256)
      throw new Untrusted('its contents do not match the SHA-256 in its header (they changed after it was written)');
    const sets: Record<(typeof SPLITS)[number], ImageSet | null> = { train: null, val: null, test: null };
    const size = contents.shape[0] * contents.shape[1] * contents.shape[2];
    for (const split of SPLITS) {
      const info = contents.splits[split];
      if (!info) continue;
      const array = (kind: string) => arrays.get(`${split}.${kind}`) ?? new ArrayBuffer(0);
      const images = new Float32Array(array('images.f32'));
      const labels = new Int32Array(array('labels.i32'));
      if (images.length !== info.count * size || labels.length !== info.count)
        throw new Untrusted(`its ${split} arrays do not have the size its header gives`);
      const set: ImageSet = { images, labels, count: info.count, shape: contents.shape };
      if (info.groups) set.groups = new Int32Array(array('groups.i32'));
      sets[split] = set;
    }
    if (!sets.train) throw new Untrusted('it has no training images');
    return {
      kind: 'hit',
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
    const reason = error instanceof Untrusted ? error.message : `it cannot be read (${errorMessage(error)})`;
    return { kind: 'miss', reason };
  }
}

/**
 * Stores `dataset` under `key`, replacing whatever entry was there; failures (read-only disk,
 * full disk, another user's entry that cannot be removed) only cost the cache: the reason is returned.
 */
export async function writeCachedDataset(dir: string, key: string, dataset: LoadedDataset): Promise<string | null> {
  const contents: CacheContents = {
    version: 2,
    key,
    description: dataset.description,
    classes: dataset.classes,
    shape: dataset.train.shape,
    splits: {
      train: { count: dataset.train.count, groups: dataset.train.groups !== undefined },
      val: dataset.val ? { count: dataset.val.count, groups: dataset.val.groups !== undefined } : null,
      test: dataset.test ? { count: dataset.test.count, groups: dataset.test.groups !== undefined } : null,
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
        if (!set) continue;
        const arrays: [string, Float32Array | Int32Array | undefined][] = [
          [`${split}.images.f32`, set.images],
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
