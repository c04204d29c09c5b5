import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DatasetError } from '../../../../src/trainer/data/dataset';
import { FASHION_MNIST_CLASSES, loadIdx, parseIdx } from '../../../../src/trainer/data/idx';
import { classCounts } from '../../../../src/trainer/data/splits';
import { idxBytes, temporaryFolder, pixelsOf } from '../../../support/dataHelpers';
import { skipIfMissing } from '../../../support/prerequisites';

const FASHION = '/usr/share/datasets/fashion-mnist';

/** Writes an IDX folder of 3×2 images: by default 9 train and 2 test images, every digit once or twice. */
function writeIdxFolder(
  folder: string,
  options: { gzip: boolean; test?: boolean; labels?: number[]; testLabels?: number[] },
): void {
  mkdirSync(folder, { recursive: true });
  const write = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(folder, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
  const trainLabels = options.labels ?? [3, 0, 9, 1, 3, 4, 5, 6, 8];
  const testLabels = options.testLabels ?? [2, 7];
  write(
    'train-images-idx3-ubyte',
    idxBytes(
      [trainLabels.length, 3, 2],
      Uint8Array.from({ length: trainLabels.length * 6 }, (_, i) => (i * 8) % 256),
    ),
  );
  write('train-labels-idx1-ubyte', idxBytes([trainLabels.length], Uint8Array.from(trainLabels)));
  if (options.test !== false) {
    write(
      't10k-images-idx3-ubyte',
      idxBytes([testLabels.length, 3, 2], new Uint8Array(testLabels.length * 6).fill(255)),
    );
    write('t10k-labels-idx1-ubyte', idxBytes([testLabels.length], Uint8Array.from(testLabels)));
  }
}

describe('parseIdx', () => {
  it('reads the header dimensions and data', () => {
    const array = parseIdx(idxBytes([2, 1, 2], Uint8Array.from([1, 2, 3, 4])), 3, 'f');
    assert.deepEqual(array.shape, [2, 1, 2]);
    assert.deepEqual(Array.from(array.values), [1, 2, 3, 4]);
  });

  it('names the file on a bad magic number or a size mismatch', () => {
    assert.throws(
      () => parseIdx(idxBytes([4], new Uint8Array(4)), 3, 'train-images-idx3-ubyte'),
      (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        assert.equal(error.file, 'train-images-idx3-ubyte');
        assert.match(error.message, /bad IDX magic number 0x00000801, expected 0x00000803/);
        return true;
      },
    );
    assert.throws(
      () => parseIdx(idxBytes([2, 2, 2], new Uint8Array(7)), 3, 'x'),
      /x: IDX size mismatch: the header says 2×2×2 \(8 bytes of data\), the file has 7/,
    );
    assert.throws(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0]), 3, 'x'), /truncated IDX header/);
  });
});

describe('loadIdx', () => {
  const root = temporaryFolder('idx');
  after(root.remove);

  it('reads plain and gzipped folders identically, train and test, no val', async () => {
    writeIdxFolder(join(root.path, 'plain'), { gzip: false });
    writeIdxFolder(join(root.path, 'gz'), { gzip: true });
    const plain = await loadIdx(join(root.path, 'plain'));
    const gz = await loadIdx(join(root.path, 'gz'));
    for (const dataset of [plain, gz]) {
      assert.equal(dataset.train.count, 9);
      assert.deepEqual(dataset.train.shape, [3, 2, 1]);
      assert.deepEqual(Array.from(dataset.train.labels), [3, 0, 9, 1, 3, 4, 5, 6, 8]);
      assert.equal(dataset.val, null);
      assert.equal(dataset.test?.count, 2);
      assert.ok(Math.abs((pixelsOf(dataset.train)[1] ?? 0) - 8 / 255) < 1e-7);
      assert.ok(pixelsOf(dataset.test).every((value) => value === 1));
      assert.deepEqual(dataset.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    }
    assert.deepEqual(Array.from(pixelsOf(plain.train)), Array.from(pixelsOf(gz.train)));
  });

  it('names Fashion-MNIST classes from the folder name', async () => {
    writeIdxFolder(join(root.path, 'my-fashion-mnist'), { gzip: true });
    const dataset = await loadIdx(join(root.path, 'my-fashion-mnist'));
    assert.deepEqual(dataset.classes, FASHION_MNIST_CLASSES);
  });

  it('has a null test split when there are no t10k files', async () => {
    writeIdxFolder(join(root.path, 'train-only'), { gzip: false, test: false, labels: [0, 1, 1, 0, 2] });
    const dataset = await loadIdx(join(root.path, 'train-only'));
    assert.equal(dataset.test, null);
    assert.deepEqual(dataset.classes, ['0', '1', '2']);
  });

  it('refuses a label that leaves classes without images, naming it, instead of making those classes', async () => {
    writeIdxFolder(join(root.path, 'gap'), { gzip: false, labels: [0, 1, 1, 0, 1], testLabels: [1, 200] });
    await assert.rejects(
      loadIdx(join(root.path, 'gap')),
      /gap\/t10k-labels-idx1-ubyte: label 200 \(image 1\) is outside the classes the other labels use: no image has label 2\.\.199, so 198 classes would have no images/,
    );
  });

  it('explains missing files, label/image count mismatches and corrupt gzip', async () => {
    const empty = join(root.path, 'empty');
    mkdirSync(empty);
    await assert.rejects(loadIdx(empty), /missing train-images-idx3-ubyte\[\.gz\] and train-labels-idx1-ubyte\[\.gz\]/);
    const mismatch = join(root.path, 'mismatch');
    writeIdxFolder(mismatch, { gzip: false, test: false });
    writeFileSync(join(mismatch, 'train-labels-idx1-ubyte'), idxBytes([4], new Uint8Array(4)));
    await assert.rejects(
      loadIdx(mismatch),
      /4 labels in train-labels-idx1-ubyte but 9 images in train-images-idx3-ubyte/,
    );
    const corrupt = join(root.path, 'corrupt');
    writeIdxFolder(corrupt, { gzip: true, test: false });
    writeFileSync(join(corrupt, 'train-images-idx3-ubyte.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await assert.rejects(loadIdx(corrupt), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.match(error.message, /train-images-idx3-ubyte\.gz: corrupt gzip data/);
      return true;
    });
  });

  it(
    'reads the real Fashion-MNIST (60000 / 10000)',
    {
      skip: skipIfMissing(
        !existsSync(FASHION) && `${FASHION} is not installed (apt-get install dataset-fashion-mnist)`,
      ),
    },
    async () => {
      const dataset = await loadIdx(FASHION);
      assert.equal(dataset.train.count, 60000);
      assert.equal(dataset.test?.count, 10000);
      assert.deepEqual(dataset.train.shape, [28, 28, 1]);
      assert.deepEqual(dataset.classes, FASHION_MNIST_CLASSES);
      assert.deepEqual(classCounts(dataset.train.labels, 10), Array<number>(10).fill(6000));
      assert.deepEqual(classCounts(dataset.test?.labels ?? new Int32Array(), 10), Array<number>(10).fill(1000));
      assert.deepEqual(Array.from(dataset.train.labels.subarray(0, 10)), [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
      // Pixel sum of the first training image, computed independently with numpy.
      const first = pixelsOf(dataset.train)
        .subarray(0, 784)
        .reduce((a, b) => a + Math.round(b * 255), 0);
      assert.equal(first, 76247);
    },
  );
});
