// Bad data through the real CLI, in one place: truncated or corrupt .npz, PNG, JPEG, DICOM and IDX
// files, empty datasets, a class with no images, labels outside the class list, splits of
// different image sizes, and a pretrained model with another channel count. Each run fails (or,
// for the adapter, says in its log what it did) with a message that names the file and says what
// to do, and leaves a readable run folder.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { idxBytes, int64Bytes, npyBytes } from '../../../support/dataHelpers';
import { dicomBytes } from '../../../support/medicalFixtures';
import type { DatasetSpecInput } from '../../../../src/shared/experiment/schema';
import { errorKindLabel } from '../../../../src/shared/run/errorKind';
import type { ErrorKind } from '../../../../src/shared/run/errorKind';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const SIZE = 20;

function pngBytes(value: number, size = SIZE): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let p = 0; p < size * size; p++) png.data.set([value, value, value, 255], p * 4);
  return PNG.sync.write(png);
}

function jpegBytes(value: number, size = SIZE): Buffer {
  return Buffer.from(encodeJpeg({ data: Buffer.alloc(size * size * 4, value), width: size, height: size }, 90).data);
}

/** A MedMNIST-like .npz: `count` gray images per split, labels cycling through `classes`. */
function npzBytes(
  options: { count?: number; classes?: number; valSize?: number; dropTrainLabels?: boolean } = {},
): Uint8Array {
  const count = options.count ?? 30;
  const classes = options.classes ?? 2;
  const split = (size: number) => ({
    images: npyBytes(
      '|u1',
      [count, size, size],
      new Uint8Array(count * size * size).map((_, i) => (i * 37) % 256),
    ),
    labels: npyBytes('<i8', [count, 1], int64Bytes(Array.from({ length: count }, (_, i) => i % classes))),
  });
  const train = split(SIZE);
  const val = split(options.valSize ?? SIZE);
  const test = split(SIZE);
  return zipSync({
    'train_images.npy': train.images,
    ...(options.dropTrainLabels ? {} : { 'train_labels.npy': train.labels }),
    'val_images.npy': val.images,
    'val_labels.npy': val.labels,
    'test_images.npy': test.images,
    'test_labels.npy': test.labels,
  });
}

function experiment(name: string, dataset: DatasetSpecInput, classes?: string[]): string {
  return tinyExperiment({
    name,
    seed: 1,
    backend: 'cpu',
    model: { inputShape: [SIZE, SIZE, 1] },
    source: { dataset: synthetic('source', 100) },
    target: { dataset, classes, labelsPerClass: undefined },
    baseline: { scratch: false },
    evaluation: { positiveClass: undefined, bootstrap: { resamples: 0 } },
  });
}

/** Runs the experiment; asserts exit 3, the message on stderr and in the run's run-ended event, and its kind. */
function assertRunFails(
  folder: string,
  name: string,
  text: string,
  message: RegExp,
  errorKind: ErrorKind = 'data',
): void {
  const result = runCli(['run', writeExperiment(folder, name, text), '--run-id', 'r', '--quiet']);
  assert.equal(result.status, 3, `${name}: exit ${result.status}\n${result.stderr}`);
  assert.match(result.stderr, message, name);
  assert.ok(result.stderr.includes(`medtransfer: run failed (${errorKindLabel(errorKind)}): `), name);
  const events = readEvents(join(folder, 'runs', name, 'r'));
  const [ended] = eventsOf(events, 'run-ended');
  assert.equal(ended?.status, 'failed', name);
  assert.equal(ended?.errorKind, errorKind, name);
  assert.match(ended?.error ?? '', message, name);
}

/** A folder dataset: one subfolder per class with `count` PNGs each (0 for an empty class). */
function classFolders(root: string, counts: Record<string, number>): string {
  for (const [name, count] of Object.entries(counts)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < count; i++) writeFileSync(join(root, name, `img${i}.png`), pngBytes(40 + 10 * i));
  }
  return root;
}

describe('bad data input, through the CLI', () => {
  it('a truncated .npz, and an .npz without train labels', () => {
    const folder = temporaryFolder('bad-npz');
    const whole = npzBytes();
    writeFileSync(join(folder, 'cut.npz'), whole.subarray(0, Math.floor(whole.length / 2)));
    assertRunFails(
      folder,
      'cutnpz',
      experiment('cutnpz', { type: 'medmnist', path: 'cut.npz' }),
      /cut\.npz: not a readable \.npz \(zip\) file \(.+\): it is truncated or damaged; download it again/,
    );
    writeFileSync(join(folder, 'nolabels.npz'), npzBytes({ dropTrainLabels: true }));
    assertRunFails(
      folder,
      'nolabels',
      experiment('nolabels', { type: 'medmnist', path: 'nolabels.npz' }),
      /nolabels\.npz: has train_images but not train_labels/,
    );
  });

  it('a truncated PNG, a truncated JPEG and a truncated DICOM name the file and offer onError: skip', () => {
    const folder = temporaryFolder('bad-image');
    const pngRoot = classFolders(join(folder, 'png'), { normal: 6, lesion: 6 });
    writeFileSync(join(pngRoot, 'lesion', 'broken.png'), pngBytes(99).subarray(0, 40));
    assertRunFails(
      folder,
      'badpng',
      experiment('badpng', { type: 'folder', path: 'png' }),
      /lesion\/broken\.png: the PNG file is truncated: it ends after 40 bytes, before its image does \(set `onError: skip`/,
    );
    const jpegRoot = join(folder, 'jpeg');
    for (const name of ['normal', 'lesion']) {
      mkdirSync(join(jpegRoot, name), { recursive: true });
      for (let i = 0; i < 6; i++) writeFileSync(join(jpegRoot, name, `img${i}.jpg`), jpegBytes(30 + 20 * i));
    }
    const jpeg = jpegBytes(99);
    writeFileSync(join(jpegRoot, 'normal', 'cut.jpg'), jpeg.subarray(0, jpeg.length - 60));
    assertRunFails(
      folder,
      'badjpeg',
      experiment('badjpeg', { type: 'folder', path: 'jpeg' }),
      new RegExp(
        `normal/cut\\.jpg: the JPEG file is truncated: it ends after ${jpeg.length - 60} bytes, before its image does`,
      ),
    );

    const dicomRoot = join(folder, 'dicom');
    for (const name of ['normal', 'lesion']) {
      mkdirSync(join(dicomRoot, name), { recursive: true });
      for (let i = 0; i < 6; i++)
        writeFileSync(
          join(dicomRoot, name, `im${i}.dcm`),
          dicomBytes({ rows: SIZE, columns: SIZE, pixels: new Uint16Array(SIZE * SIZE).fill(100 * (i + 1)) }),
        );
    }
    const cut = dicomBytes({ rows: SIZE, columns: SIZE, pixels: new Uint16Array(SIZE * SIZE).fill(7) });
    writeFileSync(join(dicomRoot, 'normal', 'cut.dcm'), cut.subarray(0, cut.length - 200));
    assertRunFails(
      folder,
      'baddicom',
      experiment('baddicom', { type: 'dicom', path: 'dicom' }),
      /normal\/cut\.dcm: cannot parse the DICOM file \(truncated, or not DICOM\): (?!\[object)\S.*onError: skip/,
    );
  });

  it('a truncated IDX file', () => {
    const folder = temporaryFolder('bad-idx');
    const root = join(folder, 'idx');
    mkdirSync(root);
    const images = (count: number) => idxBytes([count, SIZE, SIZE], new Uint8Array(count * SIZE * SIZE).fill(128));
    const labels = (count: number) =>
      idxBytes(
        [count],
        new Uint8Array(count).map((_, i) => i % 2),
      );
    writeFileSync(join(root, 'train-images-idx3-ubyte'), images(40).subarray(0, 1000));
    writeFileSync(join(root, 'train-labels-idx1-ubyte'), labels(40));
    writeFileSync(join(root, 't10k-images-idx3-ubyte'), images(20));
    writeFileSync(join(root, 't10k-labels-idx1-ubyte'), labels(20));
    assertRunFails(
      folder,
      'cutidx',
      experiment('cutidx', { type: 'idx', path: 'idx' }),
      /idx\/train-images-idx3-ubyte: IDX size mismatch: the header says 40×20×20 \(16000 bytes of data\), the file has 984: it is truncated or damaged; download it again/,
    );
  });

  it('an empty dataset folder and a class folder with no images', () => {
    const folder = temporaryFolder('empty');
    mkdirSync(join(folder, 'nothing'));
    assertRunFails(
      folder,
      'empty',
      experiment('empty', { type: 'folder', path: 'nothing' }),
      /nothing: no class subfolders; expected one subfolder per class, each holding PNG or JPEG images/,
    );
    classFolders(join(folder, 'oneempty'), { normal: 6, lesion: 0 });
    assertRunFails(
      folder,
      'emptyclass',
      experiment('emptyclass', { type: 'folder', path: 'oneempty' }),
      /oneempty\/lesion: class folder "lesion" has no PNG or JPEG images; expected one subfolder per class/,
    );
  });

  it('labels outside the class list (an experiment problem: target.classes), and splits of different image sizes', () => {
    const folder = temporaryFolder('labels');
    writeFileSync(join(folder, 'three.npz'), npzBytes({ classes: 3 }));
    assertRunFails(
      folder,
      'labels',
      experiment('labels', { type: 'medmnist', path: 'three.npz' }, ['normal', 'lesion']),
      /three\.npz: the target data has 3 classes \(class 0, class 1, class 2\) but target\.classes names 2 \(normal, lesion\): give one name per class, in label order, or remove target\.classes/,
      'experiment',
    );
    writeFileSync(join(folder, 'sizes.npz'), npzBytes({ valSize: 12 }));
    assertRunFails(
      folder,
      'sizes',
      experiment('sizes', { type: 'medmnist', path: 'sizes.npz' }),
      /sizes\.npz: val images are 12×12×1 but train images are 20×20×1/,
    );
  });

  it('says in the log how a pretrained gray model meets RGB images (a trained channel adapter)', () => {
    const folder = temporaryFolder('adapter');
    const gray = runCli([
      'run',
      writeExperiment(folder, 'gray', experiment('gray', { type: 'synthetic', task: 'target', samples: 100 })),
      '--run-id',
      'r',
      '--quiet',
    ]);
    assert.equal(gray.status, 0, gray.stderr);
    classFolders(join(folder, 'rgb'), { normal: 8, lesion: 8 });
    const rgb = `name: rgb
seed: 1
backend: cpu
model: { architecture: seed-cnn, inputShape: [${SIZE}, ${SIZE}, 3] }
pretrained: runs/gray/r/model
target: { dataset: { type: folder, path: rgb } }
fineTune: { headEpochs: 1, epochs: 0, strategy: feature-extraction }
baseline: { scratch: false }
training: { batchSize: 8 }
evaluation: { bootstrap: { resamples: 0 } }
`;
    const result = runCli(['run', writeExperiment(folder, 'rgb', rgb), '--run-id', 'r', '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stderr,
      /the pretrained model takes 1-channel images and the target has 3: a 1×1 convolution \(`adapter`\) maps 3 → 1 channels, starting as the channels' average, and trains with the head; set model\.inputShape's channels to 1/,
    );
  });
});
