import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataProgress } from '../../../../../src/trainer/data/decodeEntries';
import { loadDataset } from '../../../../../src/trainer/data/loadDataset';
import { temporaryFolder, pixelsOf } from '../../../../support/dataHelpers';
import { dicomBytes } from '../../../../support/medicalFixtures';

describe('dataset cache', () => {
  const root = temporaryFolder('cache');
  after(root.remove);
  const data = join(root.path, 'data');
  const cacheDir = join(root.path, 'my-cache');
  before(() => {
    for (const name of ['a', 'b']) {
      mkdirSync(join(data, name), { recursive: true });
      for (let i = 0; i < 3; i++)
        writeFileSync(
          join(data, name, `${i}.dcm`),
          dicomBytes({
            rows: 5,
            columns: 5,
            pixels: new Array(25).fill(0).map((_, p) => p * (name === 'a' ? 1 : 3) + i),
          }),
        );
    }
  });

  const load = async (
    extra: Record<string, unknown> = {},
  ): Promise<{ stages: string[]; images: Float32Array; info: string[] }> => {
    const stages: DataProgress[] = [];
    const loaded = await loadDataset(
      { type: 'dicom', path: data, cache: { dir: cacheDir }, ...extra },
      [4, 4, 1],
      1,
      (progress) => stages.push(progress),
    );
    return {
      stages: [...new Set(stages.map((progress) => progress.stage))],
      images: pixelsOf(loaded.train),
      info: loaded.info ?? [],
    };
  };

  it('decodes once, then reads the same images from the cache', async () => {
    const first = await load();
    assert.deepEqual(first.stages, ['decoding']);
    assert.match(first.info[0] ?? '', new RegExp(`cache miss at ${cacheDir}: decoded 6 files and stored them`));
    const second = await load();
    assert.deepEqual(second.stages, ['cache']);
    assert.match(second.info[0] ?? '', /cache hit at .*my-cache: 6 files not decoded again/);
    assert.deepEqual(second.images, first.images);
    assert.equal(readdirSync(cacheDir).filter((name) => name.includes('.tmp-')).length, 0);
  });

  it('misses when a file, a setting or the shape changes, and when caching is off', async () => {
    assert.deepEqual((await load({ window: { center: 10, width: 20 } })).stages, ['decoding']);
    assert.deepEqual((await load({ resize: 'crop' })).stages, ['decoding']);
    utimesSync(join(data, 'a', '0.dcm'), new Date(), new Date(Date.now() + 5000));
    assert.deepEqual((await load()).stages, ['decoding']);
    assert.deepEqual((await load()).stages, ['cache']);
    assert.deepEqual((await load({ cache: { enabled: false } })).stages, ['decoding']);
  });

  it('defaults to .medtransfer-cache beside the dataset', async () => {
    await loadDataset({ type: 'dicom', path: data }, [4, 4, 1], 1);
    assert.ok(existsSync(join(root.path, '.medtransfer-cache')));
  });

  it('makes the second load much faster', async () => {
    const big = join(root.path, 'big');
    for (const name of ['a', 'b']) {
      mkdirSync(join(big, name), { recursive: true });
      for (let i = 0; i < 40; i++)
        writeFileSync(
          join(big, name, `${i}.dcm`),
          dicomBytes({
            rows: 128,
            columns: 128,
            pixels: new Array(128 * 128).fill(0).map((_, p) => (p * (i + 1)) % 4096),
          }),
        );
    }
    const timed = async (): Promise<{ ms: number; stage: string | undefined }> => {
      const stages: string[] = [];
      const start = performance.now();
      await loadDataset(
        { type: 'dicom', path: big, cache: { dir: join(root.path, 'big-cache') } },
        [28, 28, 1],
        1,
        (progress) => stages.push(progress.stage),
      );
      return { ms: performance.now() - start, stage: stages.at(-1) };
    };
    const first = await timed();
    const second = await timed();
    assert.equal(first.stage, 'decoding');
    assert.equal(second.stage, 'cache');
    assert.ok(second.ms < first.ms / 2, `cache read ${second.ms.toFixed(1)} ms vs decoding ${first.ms.toFixed(1)} ms`);
  });
});
