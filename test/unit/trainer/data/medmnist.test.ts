import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { loadMedmnist, parseMedmnist } from '../../../../src/trainer/data/medmnist';
import { parseNpy } from '../../../../src/trainer/data/npy';
import { prepareDataset } from '../../../../src/trainer/data/prepareDataset';
import { classCounts } from '../../../../src/trainer/data/splits';
import {
  assertClose,
  bytesOf,
  int64Bytes,
  npyBytes,
  sharedData,
  temporaryFolder,
  pixelsOf,
} from '../../../support/dataHelpers';

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
    assert.equal(pixelsOf(dataset.train).length, 6 * 20);
    assert.ok(Math.abs((pixelsOf(dataset.train)[1] ?? 0) - 7 / 255) < 1e-7);
    assert.ok(pixelsOf(dataset.train).every((value) => value >= 0 && value <= 1));
  });

  it('reads RGB images and flat int64 labels', () => {
    const dataset = parseMedmnist(tinyNpz({ rgb: true, labels: 'flat', labelDtype: '<i8' }), 'rgb.npz');
    assert.deepEqual(dataset.train.shape, [4, 5, 3]);
    assert.equal(pixelsOf(dataset.train).length, 6 * 60);
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
      'train_labels.npy': npyBytes('|u1', [2], Uint8Array.from([0, 1])),
    });
    const dataset = parseMedmnist(trainOnly, 't.npz');
    assert.equal(dataset.val, null);
    assert.equal(dataset.test, null);
    assert.deepEqual(dataset.classes, ['class 0', 'class 1']);
  });
});

/** An .npz of 2×2 gray images, one array per split, with the given dtype and values (labels alternate 0, 1). */
function typedNpz(descr: '<u2' | '<f4', splits: Record<string, number[]>): Uint8Array {
  const arrays: Record<string, Uint8Array> = {};
  for (const [split, values] of Object.entries(splits)) {
    const count = values.length / 4;
    const data = descr === '<u2' ? bytesOf(Uint16Array.from(values)) : bytesOf(Float32Array.from(values));
    arrays[`${split}_images.npy`] = npyBytes(descr, [count, 2, 2], data);
    arrays[`${split}_labels.npy`] = npyBytes(
      '|u1',
      [count],
      Uint8Array.from({ length: count }, (_, i) => i % 2),
    );
  }
  return zipSync(arrays);
}

describe('parseMedmnist: the range of stored values', () => {
  it('reads uint16 images that never pass 4095 as 12-bit data, for every split alike, and says so', () => {
    const dataset = parseMedmnist(
      typedNpz('<u2', { train: [0, 4000, 100, 200, 300, 400, 500, 600], test: [4095, 0, 0, 0, 2048, 0, 0, 0] }),
      'xray.npz',
    );
    assertClose(pixelsOf(dataset.train).subarray(0, 2), [0, 4000 / 4095]);
    assertClose(pixelsOf(dataset.test).subarray(0, 1) ?? [], [1]);
    assert.deepEqual(dataset.scaling, [
      { storedAs: 'uint16', implied: [0, 65535], found: [0, 4095], assumed: [0, 4095], reason: '12-bit data' },
    ]);
    // Full 16-bit data is left as it was.
    const full = parseMedmnist(typedNpz('<u2', { train: [0, 65535, 0, 30000, 1, 2, 3, 4] }), 'full.npz');
    assertClose(pixelsOf(full.train).subarray(0, 2), [0, 1]);
    assert.equal(full.scaling, undefined);
  });

  it('reads float images as 0–255 when any split passes 1, and refuses floats with no evident scale', () => {
    const dataset = parseMedmnist(
      typedNpz('<f4', { train: [0, 200, 51, 0, 0, 0, 0, 0], val: [0.5, 0, 0, 0, 0, 0, 0, 0] }),
      'float.npz',
    );
    assertClose(pixelsOf(dataset.train).subarray(1, 3), [200 / 255, 0.2]);
    assertClose(pixelsOf(dataset.val).subarray(0, 1) ?? [], [0.5 / 255]);
    assert.equal(dataset.scaling?.[0]?.reason, '0–255 intensities');
    const unit = parseMedmnist(typedNpz('<f4', { train: [0, 1, 0.5, 0, 0, 0, 0, 0] }), 'unit.npz');
    assert.equal(unit.scaling, undefined);
    assert.throws(
      () => parseMedmnist(typedNpz('<f4', { train: [0, 4095, 0, 0, 0, 0, 0, 0] }), 'ct.npz'),
      /ct\.npz: float32 images must lie in 0\.\.1 or 0\.\.255; train_images\.npy hold values 0\.\.4095: scale them to 0\.\.1 before saving/,
    );
  });

  it('leaves NaN and infinite pixels for prepareDataset to name, with the array they are in', () => {
    const dataset = parseMedmnist(
      typedNpz('<f4', { train: [0, 0.5, 0, 0, 0, 0, Number.NaN, Number.POSITIVE_INFINITY] }),
      '/d/nan.npz',
    );
    assert.equal(dataset.train.source, '/d/nan.npz/train_images.npy');
    assert.deepEqual(dataset.scaling, undefined, 'the range is that of the finite values');
    assert.throws(
      () => prepareDataset(dataset, { shape: [2, 2, 1], seed: 1, validationFraction: 0.5 }),
      /^DatasetError: \/d\/nan\.npz\/train_images\.npy: image 1 holds NaN at row 1, column 0 \(2 non-finite values in 1 image\): a model trained on it would get NaN weights: replace NaN and infinite values/,
    );
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
    assert.equal(sum(pixelsOf(dataset.train), 0), 120758);
    assert.equal(sum(pixelsOf(dataset.test) ?? new Float32Array(), 623), 118026);
    // train_images[0, 14, 10:14] = [167, 180, 197, 209]
    const row = Array.from(pixelsOf(dataset.train).subarray(14 * 28 + 10, 14 * 28 + 14)).map((value) =>
      Math.round(value * 255),
    );
    assert.deepEqual(row, [167, 180, 197, 209]);
  });
});
