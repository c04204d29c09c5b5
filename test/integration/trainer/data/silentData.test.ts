// Data that used to train without a word, through the real CLI: a NaN pixel (the model came out with
// NaN weights, AUC 0.500, exit 0), labels outside the classes (a 1,001-class model; V8 aborting
// with exit 134 and no run-ended), a class with no training images, float images holding 0–255
// (scaled without a word) and 12-bit data in uint16 arrays and 16-bit PNGs (divided by 65535, they
// trained at 6% brightness). Each now fails as a data problem naming the file and the image, or
// trains on what the data holds and says so.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import type { DatasetSpecInput } from '../../../../src/shared/experiment/schema';
import { intensityScalingText } from '../../../../src/shared/run/intensityScaling';
import { errorKindLabel } from '../../../../src/shared/run/errorKind';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { bytesOf, int64Bytes, npyBytes } from '../../../support/dataHelpers';
import { niftiBytes } from '../../../support/medicalFixtures';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const SIZE = 20;

/** A learnable image in [0, 1]: a bright disc for class 1 on a dim, noisy background. */
function scan(positive: boolean, index: number): Float32Array {
  const values = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++)
    for (let x = 0; x < SIZE; x++) {
      const inside = (x - 10) ** 2 + (y - 10) ** 2 < 20;
      const noise = ((index * 7919 + y * 31 + x * 17) % 13) / 13;
      values[y * SIZE + x] = (positive && inside ? 0.8 : 0.2) + 0.1 * noise;
    }
  return values;
}

/** A MedMNIST-format .npz: 40 / 12 / 12 images, labels alternating 0, 1; `edit` changes a split's arrays. */
function npz(
  dtype: '<f4' | '<u2',
  edit: (split: string, images: Float32Array, labels: number[]) => void = () => undefined,
): Uint8Array {
  const arrays: Record<string, Uint8Array> = {};
  for (const [split, count] of [
    ['train', 40],
    ['val', 12],
    ['test', 12],
  ] as const) {
    const labels = Array.from({ length: count }, (_, n) => n % 2);
    const images = new Float32Array(count * SIZE * SIZE);
    labels.forEach((label, n) => images.set(scan(label === 1, n), n * SIZE * SIZE));
    edit(split, images, labels);
    const data = dtype === '<f4' ? bytesOf(images) : bytesOf(Uint16Array.from(images, (v) => Math.round(v * 4095)));
    arrays[`${split}_images.npy`] = npyBytes(dtype, [count, SIZE, SIZE], data);
    arrays[`${split}_labels.npy`] = npyBytes('<i8', [count, 1], int64Bytes(labels));
  }
  return zipSync(arrays);
}

/** A gray 16-bit PNG of `values` (0..1) stored as 12-bit numbers, as numpy and OpenCV write DICOM exports. */
function png12(values: Float32Array): Buffer {
  const samples = new Uint16Array(SIZE * SIZE * 4);
  values.forEach((v, p) => samples.set([v * 4095, v * 4095, v * 4095, 65535], p * 4));
  const png = new PNG({ width: SIZE, height: SIZE });
  png.data = Buffer.from(samples.buffer);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6, inputHasAlpha: true, bitDepth: 16 });
}

function experiment(
  name: string,
  target: DatasetSpecInput,
  source: DatasetSpecInput = synthetic('source', 100),
): string {
  return tinyExperiment({
    name,
    seed: 1,
    backend: 'wasm',
    model: { inputShape: [SIZE, SIZE, 1] },
    source: { dataset: source },
    target: { dataset: target, classes: undefined, labelsPerClass: undefined },
    fineTune: { strategy: 'feature-extraction', headEpochs: 1, epochs: 0 },
    baseline: { scratch: false },
    evaluation: { positiveClass: undefined, bootstrap: { resamples: 0 } },
  });
}

/** Runs the experiment and asserts a data failure: exit 3, the message on stderr and in run-ended. */
function assertDataFailure(folder: string, name: string, text: string, message: RegExp): void {
  const result = runCli(['run', writeExperiment(folder, name, text), '--run-id', 'r', '--quiet']);
  assert.equal(result.status, 3, `${name}: exit ${result.status}\n${result.stderr}`);
  assert.ok(result.stderr.includes(`medtransfer: run failed (${errorKindLabel('data')}): `), result.stderr);
  assert.match(result.stderr, message);
  const [ended] = eventsOf(readEvents(join(folder, 'runs', name, 'r')), 'run-ended');
  assert.equal(ended?.status, 'failed');
  assert.equal(ended?.errorKind, 'data');
  assert.match(ended?.error ?? '', message);
}

describe('data that must never train silently, through the CLI', () => {
  it('a NaN pixel in a float .npz fails naming the array, the image and the pixel', () => {
    const folder = temporaryFolder('nan-npz');
    writeFileSync(
      join(folder, 'nan.npz'),
      npz('<f4', (split, images) => {
        if (split === 'train') images[3 * SIZE * SIZE + 2 * SIZE + 5] = Number.NaN;
      }),
    );
    assertDataFailure(
      folder,
      'nan',
      experiment('nan', { type: 'medmnist', path: 'nan.npz' }),
      /nan\.npz\/train_images\.npy: image 3 holds NaN at row 2, column 5: a model trained on it would get NaN weights: replace NaN and infinite values/,
    );
  });

  it('a NaN voxel in a NIfTI volume fails naming the volume and the voxel, with onError: skip offered', () => {
    const folder = temporaryFolder('nan-nifti');
    mkdirSync(join(folder, 'mri'));
    const rows = ['image,label'];
    for (let v = 0; v < 12; v++) {
      const volume = new Float32Array(SIZE * SIZE * 3);
      for (let k = 0; k < 3; k++) volume.set(scan(v % 2 === 1, v + k), k * SIZE * SIZE);
      if (v === 7) volume[1 * SIZE * SIZE + 4 * SIZE + 9] = Number.NaN; // voxel (9, 4, 1)
      writeFileSync(join(folder, 'mri', `sub${v}.nii`), niftiBytes([SIZE, SIZE, 3], volume, { datatype: 'float32' }));
      rows.push(`sub${v}.nii,${v % 2 === 1 ? 'lesion' : 'healthy'}`);
    }
    writeFileSync(join(folder, 'mri', 'labels.csv'), rows.join('\n'));
    assertDataFailure(
      folder,
      'niftinan',
      experiment('niftinan', { type: 'nifti', path: 'mri', labels: 'labels.csv', cache: { enabled: false } }),
      /sub7\.nii: voxel \(9, 4, 1\) is NaN: a model trained on it would get NaN weights: .* \(set `onError: skip` in the dataset to skip unreadable files\)/,
    );
  });

  it('a label far outside the classes fails before anything is sized by it: 1,000, and 10^9 (V8 aborted)', () => {
    const folder = temporaryFolder('labels');
    for (const [name, label] of [
      ['thousand', 1000],
      ['billion', 1_000_000_000],
    ] as const) {
      writeFileSync(
        join(folder, `${name}.npz`),
        npz('<f4', (split, _images, labels) => {
          if (split === 'val') labels[5] = label;
        }),
      );
      assertDataFailure(
        folder,
        name,
        experiment(name, { type: 'medmnist', path: `${name}.npz` }),
        new RegExp(
          `${name}\\.npz/val_labels\\.npy: label ${label} \\(image 5\\) is outside the classes the other labels use: ` +
            `no image has label 2\\.\\.${label - 1}, so ${(label - 2).toLocaleString('en')} classes would have no images`,
        ),
      );
    }
  });

  it('a class with no training images fails, in a .npz and in a label table with a split column', () => {
    const folder = temporaryFolder('untrained');
    writeFileSync(
      join(folder, 'three.npz'),
      npz('<f4', (split, _images, labels) => {
        if (split === 'test') labels.splice(0, 3, 2, 2, 2);
      }),
    );
    assertDataFailure(
      folder,
      'npzclass',
      experiment('npzclass', { type: 'medmnist', path: 'three.npz' }),
      /three\.npz \(medmnist\): no training images of "class 2" \(0 in validation, 3 in test\): a classifier cannot learn a class it never sees in training/,
    );
    mkdirSync(join(folder, 'png'));
    const rows = ['image,label,split'];
    for (let i = 0; i < 24; i++) {
      writeFileSync(join(folder, 'png', `${i}.png`), png12(scan(i % 2 === 1, i)));
      rows.push(`png/${i}.png,${i % 2 === 1 ? 'effusion' : 'clear'},${i < 16 ? 'train' : 'test'}`);
    }
    rows.push('png/0.png,pneumothorax,test');
    writeFileSync(join(folder, 'labels.csv'), rows.join('\n'));
    assertDataFailure(
      folder,
      'csvclass',
      experiment('csvclass', { type: 'csv', path: 'labels.csv', splitColumn: 'split', cache: { enabled: false } }),
      /labels\.csv \(csv, 25 images\): no training images of "pneumothorax" \(0 in validation, 1 in test\)/,
    );
  });

  it('float images holding 0–255 intensities are read as such, and the log and data-loaded say so', () => {
    const folder = temporaryFolder('float255');
    writeFileSync(
      join(folder, 'bright.npz'),
      npz('<f4', (_split, images) => images.forEach((value, i) => (images[i] = value * 255))),
    );
    const result = runCli([
      'run',
      writeExperiment(folder, 'bright', experiment('bright', { type: 'medmnist', path: 'bright.npz' })),
      '--run-id',
      'r',
      '--no-progress',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const runDir = join(folder, 'runs', 'bright', 'r');
    const [scaling, ...more] = eventsOf(readEvents(runDir), 'data-loaded')[0]?.target.scaling ?? [];
    assert.equal(more.length, 0);
    assert.equal(scaling?.storedAs, 'float32');
    assert.deepEqual(scaling?.implied, [0, 1]);
    assert.deepEqual(scaling?.assumed, [0, 255]);
    assert.equal(scaling?.reason, '0–255 intensities');
    const line = `target: ${intensityScalingText(scaling ?? assert.fail())}`;
    assert.match(
      line,
      /^target: float32 images hold values [\d.]+\.\.[\d.]+: read as 0–255 intensities, 0\.\.255 → 0\.\.1 \(not 0\.\.1, the range float32 images are otherwise taken to hold\)$/,
    );
    assert.ok(readFileSync(join(runDir, 'log.txt'), 'utf8').includes(line));
    assert.ok(result.stderr.includes(line), result.stderr);
  });

  it('12-bit data in uint16 arrays and in 16-bit PNGs trains at its real range, and the log and data-loaded say so', () => {
    const folder = temporaryFolder('twelve-bit');
    writeFileSync(join(folder, 'xray.npz'), npz('<u2'));
    for (const name of ['normal', 'nodule']) mkdirSync(join(folder, 'png', name), { recursive: true });
    for (let i = 0; i < 30; i++)
      writeFileSync(join(folder, 'png', i % 2 === 1 ? 'nodule' : 'normal', `${i}.png`), png12(scan(i % 2 === 1, i)));
    const text = experiment(
      'twelve',
      { type: 'medmnist', path: 'xray.npz' },
      { type: 'folder', path: 'png', cache: { enabled: false } },
    );
    const result = runCli(['run', writeExperiment(folder, 'twelve', text), '--run-id', 'r', '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    const runDir = join(folder, 'runs', 'twelve', 'r');
    const [loaded] = eventsOf(readEvents(runDir), 'data-loaded');
    const [sourceScaling] = loaded?.source?.scaling ?? [];
    const [targetScaling] = loaded?.target.scaling ?? [];
    assert.equal(sourceScaling?.storedAs, '16-bit PNG');
    assert.equal(targetScaling?.storedAs, 'uint16');
    for (const scaling of [sourceScaling, targetScaling]) {
      assert.deepEqual(scaling?.implied, [0, 65535]);
      assert.deepEqual(scaling?.assumed, [0, 4095]);
      assert.equal(scaling?.reason, '12-bit data');
      assert.ok((scaling?.found[1] ?? 0) <= 4095 && (scaling?.found[1] ?? 0) > 3000, String(scaling?.found));
    }
    const log = readFileSync(join(runDir, 'log.txt'), 'utf8');
    for (const [role, scaling] of [
      ['source', sourceScaling],
      ['target', targetScaling],
    ] as const) {
      const line = `${role}: ${intensityScalingText(scaling ?? assert.fail())}`;
      assert.ok(log.includes(line), log);
      assert.ok(result.stderr.includes(line), result.stderr);
    }
    assert.match(
      result.stderr,
      /target: uint16 images hold values \d+\.\.\d+: read as 12-bit data, 0\.\.4095 → 0\.\.1 \(scaled from 0\.\.65535, the full uint16 range, they would train at 6% brightness\)/,
    );
  });
});
