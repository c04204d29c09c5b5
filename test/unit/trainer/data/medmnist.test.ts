import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { loadMedmnist, parseMedmnist } from '../../../../src/trainer/data/medmnist';
import { parseNpy } from '../../../../src/trainer/data/npy';
import { classCounts } from '../../../../src/trainer/data/splits';
import { bytesOf, int64Bytes, npyBytes, sharedData, temporaryFolder } from '../../../support/dataHelpers';

describe('parseNpy', () => {
  it('reads v1, v2 and v3 headers', () => {
    for (const version of [1, 2, 3] as const) {
      const array = parseNpy(npyBytes('|u1', [2, 3], Uint8Array.from([1, 2, 3, 4, 5, 255]), { version }), 'a.npy');
      assert.equal(array.dtype, '|u1');
      assert.deepEqual(array.shape, [2, 3]);
      assert.deepEqual(Array.from(array.values), [1, 2, 3, 4, 5, 255]);
    }
  });

  it('reads <i8, <i4, <f4, <f8 and big-endian >i2', () => {
    assert.deepEqual(Array.from(parseNpy(npyBytes('<i8', [3], int64Bytes([0, 7, -2])), 'a.npy').values), [0, 7, -2]);
    assert.deepEqual(
      Array.from(parseNpy(npyBytes('<i4', [2], bytesOf(Int32Array.from([5, -9]))), 'a.npy').values),
      [5, -9],
    );
    assert.deepEqual(
      Array.from(parseNpy(npyBytes('<f4', [2], bytesOf(Float32Array.from([0.5, 0.25]))), 'a.npy').values),
      [0.5, 0.25],
    );
    assert.deepEqual(
      Array.from(parseNpy(npyBytes('<f8', [1], bytesOf(Float64Array.from([0.1]))), 'a.npy').values),
      [0.1],
    );
    assert.deepEqual(
      Array.from(parseNpy(npyBytes('>i2', [2], Uint8Array.from([0x01, 0x02, 0xff, 0xfe])), 'a.npy').values),
      [258, -2],
    );
  });

  it('reads a scalar shape () and 1-D shapes written as (n,)', () => {
    assert.deepEqual(parseNpy(npyBytes('|u1', [], Uint8Array.from([9])), 'a.npy').shape, []);
    assert.deepEqual(parseNpy(npyBytes('|u1', [4], Uint8Array.from([1, 2, 3, 4])), 'a.npy').shape, [4]);
  });

  it('refuses Fortran order, unknown dtypes, bad magic and truncated data with the file named', () => {
    assert.throws(
      () => parseNpy(npyBytes('|u1', [2, 2], new Uint8Array(4), { fortranOrder: true }), 'x.npz/a.npy'),
      (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.match(error.message, /^x\.npz\/a\.npy: Fortran-ordered/);
        return true;
      },
    );
    assert.throws(() => parseNpy(npyBytes('<c16', [1], new Uint8Array(16)), 'a.npy'), /unsupported dtype '<c16'/);
    assert.throws(() => parseNpy(npyBytes('<U5', [1], new Uint8Array(20)), 'a.npy'), /unsupported dtype/);
    assert.throws(() => parseNpy(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'a.npy'), /magic/);
    assert.throws(() => parseNpy(npyBytes('|u1', [10], new Uint8Array(4)), 'a.npy'), /truncated .npy data/);
    const version4 = npyBytes('|u1', [1], new Uint8Array(1));
    version4[6] = 4;
    assert.throws(() => parseNpy(version4, 'a.npy'), /unsupported .npy format version 4/);
  });
});

/** A small MedMNIST-like .npz: 6 train, 2 val, 3 test images of 4×5. */
function tinyNpz(
  options: { rgb?: boolean; labels?: 'column' | 'flat' | 'multi'; labelDtype?: '|u1' | '<i8' } = {},
): Uint8Array {
  const channels = options.rgb ? 3 : 1;
  const arrays: Record<string, Uint8Array> = {};
  const splits = { train: [0, 1, 1, 0, 1, 1], val: [0, 1], test: [1, 0, 1] };
  for (const [split, labels] of Object.entries(splits)) {
    const count = labels.length;
    const pixels = Uint8Array.from({ length: count * 4 * 5 * channels }, (_, i) => (i * 7) % 256);
    arrays[`${split}_images.npy`] = npyBytes('|u1', options.rgb ? [count, 4, 5, 3] : [count, 4, 5], pixels);
    const kind = options.labels ?? 'column';
    const values = kind === 'multi' ? labels.flatMap((label) => [label, 1 - label]) : labels;
    const shape = kind === 'multi' ? [count, 2] : kind === 'column' ? [count, 1] : [count];
    const data = options.labelDtype === '<i8' ? int64Bytes(values) : Uint8Array.from(values);
    arrays[`${split}_labels.npy`] = npyBytes(options.labelDtype ?? '|u1', shape, data);
  }
  return zipSync(arrays);
}

describe('parseMedmnist', () => {
  it('reads gray images to [0, 1] with (N, 1) labels and all three splits', () => {
    const dataset = parseMedmnist(tinyNpz(), '/data/tiny.npz');
    assert.equal(dataset.description, 'tiny.npz (medmnist)');
    assert.deepEqual(dataset.classes, ['class 0', 'class 1']);
    assert.equal(dataset.train.count, 6);
    assert.deepEqual(dataset.train.shape, [4, 5, 1]);
    assert.deepEqual(Array.from(dataset.train.labels), [0, 1, 1, 0, 1, 1]);
    assert.equal(dataset.val?.count, 2);
    assert.equal(dataset.test?.count, 3);
    assert.equal(dataset.train.images.length, 6 * 20);
    assert.ok(Math.abs((dataset.train.images[1] ?? 0) - 7 / 255) < 1e-7);
    assert.ok(dataset.train.images.every((value) => value >= 0 && value <= 1));
  });

  it('reads RGB images and flat int64 labels', () => {
    const dataset = parseMedmnist(tinyNpz({ rgb: true, labels: 'flat', labelDtype: '<i8' }), 'rgb.npz');
    assert.deepEqual(dataset.train.shape, [4, 5, 3]);
    assert.equal(dataset.train.images.length, 6 * 60);
    assert.deepEqual(Array.from(dataset.test?.labels ?? []), [1, 0, 1]);
  });

  it('reads MedMNIST+ sizes (64×64 here) and refuses ChestMNIST’s 14 findings per image', () => {
    const count = 4;
    const arrays: Record<string, Uint8Array> = {
      'train_images.npy': npyBytes(
        '|u1',
        [count, 64, 64],
        Uint8Array.from({ length: count * 64 * 64 }, (_, i) => i % 251),
      ),
      'train_labels.npy': npyBytes('|u1', [count, 1], Uint8Array.from([0, 1, 0, 1])),
    };
    const dataset = parseMedmnist(zipSync(arrays), 'pneumoniamnist_64.npz');
    assert.deepEqual(dataset.train.shape, [64, 64, 1]);
    arrays['train_labels.npy'] = npyBytes('|u1', [count, 14], new Uint8Array(count * 14));
    assert.throws(
      () => parseMedmnist(zipSync(arrays), 'chestmnist_64.npz'),
      /labels have shape \(4, 14\): multi-label datasets .* are not supported yet/,
    );
  });

  it('refuses multi-label data with a clear error', () => {
    assert.throws(
      () => parseMedmnist(tinyNpz({ labels: 'multi' }), 'chest.npz'),
      (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.match(error.message, /multi-label .* not supported yet/);
        assert.match(error.message, /chest\.npz\/train_labels\.npy/);
        return true;
      },
    );
  });

  it('explains a zip without MedMNIST arrays, a non-zip file and mismatched counts', () => {
    assert.throws(
      () => parseMedmnist(zipSync({ 'x.npy': npyBytes('|u1', [1], new Uint8Array(1)) }), 'other.npz'),
      /expected a MedMNIST .npz with train_images and train_labels.*found x\.npy/,
    );
    assert.throws(() => parseMedmnist(Uint8Array.from([1, 2, 3]), 'junk.npz'), /junk\.npz: not a readable .npz/);
    const mismatched = zipSync({
      'train_images.npy': npyBytes('|u1', [2, 2, 2], new Uint8Array(8)),
      'train_labels.npy': npyBytes('|u1', [3, 1], new Uint8Array(3)),
    });
    assert.throws(() => parseMedmnist(mismatched, 'm.npz'), /3 labels for 2 images/);
    const noLabels = zipSync({ 'train_images.npy': npyBytes('|u1', [2, 2, 2], new Uint8Array(8)) });
    assert.throws(() => parseMedmnist(noLabels, 'n.npz'), /has train_images but not train_labels/);
    const volume = zipSync({
      'train_images.npy': npyBytes('|u1', [1, 4, 4, 4], new Uint8Array(64)),
      'train_labels.npy': npyBytes('|u1', [1, 1], new Uint8Array(1)),
    });
    assert.throws(() => parseMedmnist(volume, 'v.npz'), /3-D MedMNIST volumes are not supported/);
  });

  it('leaves val and test null when the file has only train arrays', () => {
    const trainOnly = zipSync({
      'train_images.npy': npyBytes('|u1', [2, 2, 2], new Uint8Array(8)),
      'train_labels.npy': npyBytes('|u1', [2], Uint8Array.from([0, 2])),
    });
    const dataset = parseMedmnist(trainOnly, 't.npz');
    assert.equal(dataset.val, null);
    assert.equal(dataset.test, null);
    assert.deepEqual(dataset.classes, ['class 0', 'class 1', 'class 2']);
  });
});

describe('loadMedmnist', () => {
  const folder = temporaryFolder('npz');
  after(folder.remove);

  it('reads a file written to disk', async () => {
    const path = join(folder.path, 'tiny.npz');
    writeFileSync(path, tinyNpz());
    const dataset = await loadMedmnist(path);
    assert.equal(dataset.train.count, 6);
  });

  it('reads the real PneumoniaMNIST subset (3882 / 524 / 624)', async () => {
    const dataset = await loadMedmnist(sharedData('pneumoniamnist-subset.npz'));
    assert.deepEqual(dataset.classes, ['class 0', 'class 1']);
    assert.deepEqual(dataset.train.shape, [28, 28, 1]);
    assert.equal(dataset.train.count, 3882);
    assert.equal(dataset.val?.count, 524);
    assert.equal(dataset.test?.count, 624);
    assert.deepEqual(classCounts(dataset.train.labels, 2), [388, 3494]);
    assert.deepEqual(classCounts(dataset.test?.labels ?? new Int32Array(), 2), [234, 390]);
    assert.deepEqual(classCounts(dataset.val?.labels ?? new Int32Array(), 2), [135, 389]);
    // Pixel sums of images 0 (train) and 623 (test), computed independently with numpy.
    const sum = (images: Float32Array, index: number) =>
      images.subarray(index * 784, (index + 1) * 784).reduce((a, b) => a + Math.round(b * 255), 0);
    assert.equal(sum(dataset.train.images, 0), 120758);
    assert.equal(sum(dataset.test?.images ?? new Float32Array(), 623), 118026);
    // train_images[0, 14, 10:14] = [167, 180, 197, 209]
    const row = Array.from(dataset.train.images.subarray(14 * 28 + 10, 14 * 28 + 14)).map((value) =>
      Math.round(value * 255),
    );
    assert.deepEqual(row, [167, 180, 197, 209]);
  });
});
