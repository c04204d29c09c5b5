import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { loadDataset } from '../../../../src/trainer/data/loadDataset';
import { idxBytes, sharedData, temporaryFolder } from '../../../support/dataHelpers';

describe('loadDataset', () => {
  const root = temporaryFolder('load');
  after(root.remove);

  it('generates synthetic data at the requested shape', async () => {
    const loaded = await loadDataset({ type: 'synthetic', task: 'target', samples: 40 }, [32, 32, 3], 7);
    assert.deepEqual(loaded.classes, ['normal', 'lesion']);
    assert.deepEqual(loaded.train.shape, [32, 32, 3]);
    assert.ok(loaded.val && loaded.test);
  });

  it('reads a MedMNIST file', async () => {
    const loaded = await loadDataset(
      { type: 'medmnist', path: sharedData('pneumoniamnist-subset.npz') },
      [28, 28, 1],
      1,
    );
    assert.equal(loaded.train.count, 3882);
  });

  it('reads an IDX folder', async () => {
    const folder = join(root.path, 'idx');
    mkdirSync(folder);
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), idxBytes([2, 2, 2], new Uint8Array(8)));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idxBytes([2], Uint8Array.from([0, 1])));
    const loaded = await loadDataset({ type: 'idx', path: folder }, [28, 28, 1], 1);
    assert.equal(loaded.train.count, 2);
    assert.deepEqual(loaded.train.shape, [2, 2, 1]);
  });

  it('reads an image folder resized to the shape', async () => {
    const folder = join(root.path, 'images');
    for (const name of ['x', 'y']) {
      mkdirSync(join(folder, name), { recursive: true });
      writeFileSync(join(folder, name, '1.png'), PNG.sync.write(new PNG({ width: 5, height: 3 }), { colorType: 0 }));
    }
    const loaded = await loadDataset({ type: 'folder', path: folder }, [8, 8, 1], 1);
    assert.deepEqual(loaded.classes, ['x', 'y']);
    assert.deepEqual(loaded.train.shape, [8, 8, 1]);
  });

  it('names a missing path and the expected layout', async () => {
    const missing = join(root.path, 'nowhere');
    for (const [type, layout] of [
      ['medmnist', /MedMNIST \.npz file/],
      ['idx', /train-images-idx3-ubyte/],
      ['folder', /one subfolder per class/],
    ] as const) {
      await assert.rejects(loadDataset({ type, path: missing }, [28, 28, 1], 1), (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.equal(error.file, missing);
        assert.match(error.message, /nowhere: not found; the \w+ dataset type expects/);
        assert.match(error.message, layout);
        return true;
      });
    }
  });

  it('says when a file is given for a folder type and the reverse', async () => {
    await assert.rejects(
      loadDataset({ type: 'idx', path: sharedData('pneumoniamnist-subset.npz') }, [28, 28, 1], 1),
      /is not a folder; the idx dataset type expects/,
    );
    await assert.rejects(
      loadDataset({ type: 'medmnist', path: root.path }, [28, 28, 1], 1),
      /is not a file; the medmnist dataset type expects/,
    );
  });
});
