// A cache entry counts as a hit only when it is whole, unchanged since it was written (the SHA-256
// in its header) and written by this user.
import assert from 'node:assert/strict';
import { chownSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCachedDataset, writeCachedDataset } from '../../../../../src/trainer/data/cache/datasetCache';
import type { LoadedDataset } from '../../../../../src/trainer/data/dataset';
import { floatStore } from '../../../../../src/trainer/data/imageStore';
import { temporaryFolder } from '../../../../support/dataHelpers';
import { skipIfMissing } from '../../../../support/prerequisites';

const KEY = 'a'.repeat(64);

function dataset(): LoadedDataset {
  return {
    description: 'scans (folder, 3 images)',
    classes: ['normal', 'lesion'],
    train: {
      images: floatStore(
        Float32Array.from({ length: 2 * 4 }, (_, i) => i / 8),
        2,
        [2, 2, 1],
      ),
      labels: Int32Array.from([0, 1]),
      count: 2,
      shape: [2, 2, 1],
      groups: Int32Array.from([0, 1]),
    },
    val: null,
    test: {
      images: floatStore(new Float32Array(4).fill(0.5), 1, [2, 2, 1]),
      labels: Int32Array.from([1]),
      count: 1,
      shape: [2, 2, 1],
    },
    notes: ['skipped 1 of 4 files'],
  };
}

describe('dataset cache entries', () => {
  const root = temporaryFolder('cache-entries');
  after(root.remove);
  let count = 0;
  const stored = async (): Promise<{ dir: string; entry: string }> => {
    const dir = join(root.path, `cache${count++}`);
    assert.equal(await writeCachedDataset(dir, KEY, dataset()), null);
    return { dir, entry: join(dir, KEY) };
  };
  const header = (entry: string) =>
    JSON.parse(readFileSync(join(entry, 'header.json'), 'utf8')) as Record<string, unknown>;

  it('reads back what was written, with a SHA-256 of it in the header', async () => {
    const { dir, entry } = await stored();
    assert.match(String(header(entry).sha256), /^[0-9a-f]{64}$/);
    const lookup = await readCachedDataset(dir, KEY);
    assert.equal(lookup.kind, 'hit');
    assert.deepEqual(lookup.kind === 'hit' ? lookup.dataset : null, dataset());
    assert.deepEqual(await readCachedDataset(dir, 'b'.repeat(64)), { kind: 'miss', reason: null });
  });

  it('misses, saying why, when a byte of an array or a field of the header changed', async () => {
    const { dir, entry } = await stored();
    const labels = readFileSync(join(entry, 'train.labels.i32'));
    labels[0] = 1;
    writeFileSync(join(entry, 'train.labels.i32'), labels);
    assert.deepEqual(await readCachedDataset(dir, KEY), {
      kind: 'miss',
      reason: 'its contents do not match the SHA-256 in its header (they changed after it was written)',
    });
    // Rewritten in place, it is a hit again.
    assert.equal(await writeCachedDataset(dir, KEY, dataset()), null);
    assert.equal((await readCachedDataset(dir, KEY)).kind, 'hit');
    assert.deepEqual(readdirSync(dir), [KEY]);

    // The class names swapped: every label would mean the other class.
    writeFileSync(join(entry, 'header.json'), JSON.stringify({ ...header(entry), classes: ['lesion', 'normal'] }));
    const swapped = await readCachedDataset(dir, KEY);
    assert.match(swapped.kind === 'miss' ? (swapped.reason ?? '') : 'hit', /do not match the SHA-256/);
  });

  it('misses on an entry of the older format, copied under another key, or with a file missing', async () => {
    const { dir, entry } = await stored();
    const { sha256: _hash, key: _key, ...older } = header(entry);
    writeFileSync(join(entry, 'header.json'), JSON.stringify({ ...older, version: 1 }));
    const lookup = await readCachedDataset(dir, KEY);
    assert.match(
      lookup.kind === 'miss' ? (lookup.reason ?? '') : '',
      /older version of MedTransfer, without an integrity hash/,
    );
    // Format 2 held float32 images: a miss that says so, and the entry is written again.
    writeFileSync(join(entry, 'header.json'), JSON.stringify({ ...header(entry), version: 2 }));
    const floatEntry = await readCachedDataset(dir, KEY);
    assert.match(
      floatEntry.kind === 'miss' ? (floatEntry.reason ?? '') : '',
      /^it is in cache format 2 \(float32 images\), written by an older version of MedTransfer; this version reads format 3/,
    );

    const copied = await stored();
    const other = 'c'.repeat(64);
    assert.equal(await writeCachedDataset(copied.dir, other, dataset()), null);
    writeFileSync(join(copied.dir, KEY, 'header.json'), readFileSync(join(copied.dir, other, 'header.json')));
    const copiedLookup = await readCachedDataset(copied.dir, KEY);
    assert.match(copiedLookup.kind === 'miss' ? (copiedLookup.reason ?? '') : '', /written for another key/);

    const broken = await stored();
    writeFileSync(join(broken.entry, 'test.images.f32'), '');
    assert.equal((await readCachedDataset(broken.dir, KEY)).kind, 'miss');
  });

  it(
    'does not trust an entry or a file in it owned by another user, even with a matching hash',
    { skip: skipIfMissing(process.getuid?.() !== 0 && 'giving files to another user needs root') },
    async () => {
      const { dir, entry } = await stored();
      chownSync(join(entry, 'test.labels.i32'), 65534, 65534);
      assert.deepEqual(await readCachedDataset(dir, KEY), {
        kind: 'miss',
        reason: 'it was written by another user (uid 65534), so it is not trusted',
      });
      chownSync(join(entry, 'test.labels.i32'), 0, 0);
      assert.equal((await readCachedDataset(dir, KEY)).kind, 'hit');
      chownSync(entry, 65534, 65534);
      assert.equal((await readCachedDataset(dir, KEY)).kind, 'miss');
    },
  );
});
