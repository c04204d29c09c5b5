// Decoded, resized datasets on disk, so a second run starts training in seconds: one folder
// per key with a JSON header and the raw Float32/Int32 arrays (no parsing, one read each).
// Entries are written to a temporary folder and renamed into place, so a crash or a run
// racing another never leaves a half-written entry that a later run would read.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageSet, LoadedDataset } from '../dataset';
import type { IntensityScaling } from '../../../shared/run/intensityScaling';

interface SplitHeader {
  count: number;
  groups: boolean;
}

interface CacheHeader {
  version: 1;
  description: string;
  classes: string[];
  shape: [number, number, number];
  splits: { train: SplitHeader; val: SplitHeader | null; test: SplitHeader | null };
  notes: string[];
  groupedBy: 'patient' | 'volume' | null;
  scaling: IntensityScaling[];
}

const SPLITS = ['train', 'val', 'test'] as const;

function arrayBytes(array: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Copies into a fresh, aligned buffer (a Node Buffer's offset may not be a multiple of 4). */
function aligned(bytes: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

/** The cached dataset, or null when there is none (or it cannot be read: it is then rebuilt). */
export async function readCachedDataset(dir: string, key: string): Promise<LoadedDataset | null> {
  const folder = join(dir, key);
  try {
    const header = JSON.parse(await readFile(join(folder, 'header.json'), 'utf8')) as CacheHeader;
    if (header.version !== 1) return null;
    const sets: Record<(typeof SPLITS)[number], ImageSet | null> = { train: null, val: null, test: null };
    for (const split of SPLITS) {
      const info = header.splits[split];
      if (!info) continue;
      const images = new Float32Array(aligned(await readFile(join(folder, `${split}.images.f32`))));
      const labels = new Int32Array(aligned(await readFile(join(folder, `${split}.labels.i32`))));
      const size = header.shape[0] * header.shape[1] * header.shape[2];
      if (images.length !== info.count * size || labels.length !== info.count) return null;
      const set: ImageSet = { images, labels, count: info.count, shape: header.shape };
      if (info.groups) set.groups = new Int32Array(aligned(await readFile(join(folder, `${split}.groups.i32`))));
      sets[split] = set;
    }
    if (!sets.train) return null;
    return {
      description: header.description,
      classes: header.classes,
      train: sets.train,
      val: sets.val,
      test: sets.test,
      notes: header.notes,
      ...(header.groupedBy ? { groupedBy: header.groupedBy } : {}),
      ...(header.scaling.length > 0 ? { scaling: header.scaling } : {}),
    };
  } catch {
    return null;
  }
}

/** Stores `dataset` under `key`; failures (read-only disk, full disk) only cost the cache. */
export async function writeCachedDataset(dir: string, key: string, dataset: LoadedDataset): Promise<boolean> {
  const temporary = join(dir, `${key}.tmp-${process.pid}-${Date.now()}`);
  try {
    await mkdir(temporary, { recursive: true });
    const header: CacheHeader = {
      version: 1,
      description: dataset.description,
      classes: dataset.classes,
      shape: dataset.train.shape,
      splits: { train: { count: 0, groups: false }, val: null, test: null },
      notes: dataset.notes ?? [],
      groupedBy: dataset.groupedBy ?? null,
      scaling: dataset.scaling ?? [],
    };
    for (const split of SPLITS) {
      const set = dataset[split];
      if (!set) continue;
      header.splits[split] = { count: set.count, groups: set.groups !== undefined };
      await writeFile(join(temporary, `${split}.images.f32`), arrayBytes(set.images));
      await writeFile(join(temporary, `${split}.labels.i32`), arrayBytes(set.labels));
      if (set.groups) await writeFile(join(temporary, `${split}.groups.i32`), arrayBytes(set.groups));
    }
    // The header last: an entry without one is never read.
    await writeFile(join(temporary, 'header.json'), JSON.stringify(header));
    await rename(temporary, join(dir, key));
    return true;
  } catch {
    await rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    return false;
  }
}
