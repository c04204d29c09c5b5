// Each medical data format trains a tiny model end to end through the CLI, and no identifying
// DICOM tag value ever reaches the run directory.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { PLANTED, dcmtk, dicomBytes, hasDcmtk, niftiBytes } from '../../../support/medicalFixtures';
import { skipMissing } from '../../../support/prerequisites';
import type { DatasetSpecInput } from '../../../../src/shared/experiment/schema';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

/** Each image: a bright disc for class 1 on a dim background, noisy, so a tiny CNN can learn it. */
function scan(size: number, positive: boolean, index: number): number[] {
  const values: number[] = [];
  const c = size / 2 + ((index % 3) - 1);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inside = (x - c) ** 2 + (y - c) ** 2 < (size / 4) ** 2;
      const noise = ((index * 7919 + y * 31 + x * 17) % 13) / 13;
      values.push((positive && inside ? 0.8 : 0.2) + 0.1 * noise);
    }
  }
  return values;
}

function png16(size: number, values: number[]): Buffer {
  const samples = new Uint16Array(size * size * 4);
  values.forEach((v, p) => samples.set([v * 65535, v * 65535, v * 65535, 65535], p * 4));
  const png = new PNG({ width: size, height: size });
  png.data = Buffer.from(samples.buffer);
  return PNG.sync.write(png, { colorType: 0, inputColorType: 6, inputHasAlpha: true, bitDepth: 16 });
}

/** Every file under `folder`, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const experiment = (name: string, dataset: DatasetSpecInput): string =>
  tinyExperiment({
    name,
    seed: 5,
    source: { dataset: synthetic('source', 120) },
    target: { dataset, classes: undefined, labelsPerClass: undefined, validationFraction: 0.25 },
    fineTune: { strategy: 'feature-extraction', headEpochs: 1, epochs: 0 },
    baseline: { scratch: false },
    evaluation: undefined,
  });

describe('medical data formats through the CLI', () => {
  const root = temporaryFolder('formats');
  const runsDir = join(root, 'runs');

  before(() => {
    // dicom: class subfolders, 24×20 files (resized and padded), half with identifiers, some MONOCHROME1.
    for (const [name, positive] of [
      ['clear', false],
      ['effusion', true],
    ] as const) {
      mkdirSync(join(root, 'dicom', name), { recursive: true });
      for (let i = 0; i < 16; i++) {
        const values = scan(24, positive, i);
        const monochrome1 = i % 4 === 0;
        const stored = values.map((v) => Math.round((monochrome1 ? 1 - v : v) * 2000));
        writeFileSync(
          join(root, 'dicom', name, `IM${i}.dcm`),
          dicomBytes({
            rows: 24,
            columns: 24,
            pixels: stored,
            slope: 1,
            intercept: -1000,
            window: [0, 2000],
            photometric: monochrome1 ? 'MONOCHROME1' : 'MONOCHROME2',
            identifiers: i % 2 === 0,
          }),
        );
      }
    }
    // csv: 16-bit PNGs with patients (two images each) and one corrupt file.
    mkdirSync(join(root, 'csv', 'png'), { recursive: true });
    const rows = ['file,finding,patient'];
    for (let i = 0; i < 32; i++) {
      const positive = i % 2 === 1;
      writeFileSync(join(root, 'csv', 'png', `${i}.png`), png16(24, scan(24, positive, i)));
      rows.push(`png/${i}.png,${positive ? 'nodule' : 'normal'},P${Math.floor(i / 4) * 2 + (positive ? 1 : 0)}`);
    }
    writeFileSync(join(root, 'csv', 'png', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\nbroken', 'latin1'));
    writeFileSync(join(root, 'csv', 'labels.csv'), rows.join('\n'));
    writeFileSync(join(root, 'csv', 'with-broken.csv'), [...rows, 'png/broken.png,normal,P99'].join('\n'));
    // nifti: 16 volumes of 20×20×5, three axial slices each.
    mkdirSync(join(root, 'nifti'), { recursive: true });
    const niftiRows = ['volume,label'];
    for (let v = 0; v < 16; v++) {
      const positive = v % 2 === 1;
      const volume: number[] = [];
      for (let k = 0; k < 5; k++) volume.push(...scan(20, positive, v + k).map((x) => Math.round(x * 1000)));
      writeFileSync(join(root, 'nifti', `sub${v}.nii.gz`), niftiBytes([20, 20, 5], volume, { gzip: true }));
      niftiRows.push(`sub${v}.nii.gz,${positive ? 'lesion' : 'healthy'}`);
    }
    writeFileSync(join(root, 'nifti', 'labels.csv'), niftiRows.join('\n'));
  });

  const run = (
    name: string,
    dataset: DatasetSpecInput,
  ): { status: number | null; runDir: string; stdout: string; stderr: string } => {
    const file = writeExperiment(root, name, experiment(name, dataset));
    const result = runCli(['run', file, '--no-progress', '--runs-dir', runsDir]);
    return { ...result, runDir: result.status === 0 ? runDirFromOutput(result.stdout) : '' };
  };

  it('dicom: trains, reports decoding progress, and writes no identifier anywhere in the run', () => {
    const result = run('dicom', { type: 'dicom', path: 'dicom' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const events = readEvents(result.runDir);
    const progress = eventsOf(events, 'data-progress');
    assert.deepEqual(
      progress.at(-1) && { stage: progress.at(-1)?.stage, done: progress.at(-1)?.done, total: progress.at(-1)?.total },
      { stage: 'decoding', done: 32, total: 32 },
    );
    const loaded = eventsOf(events, 'data-loaded')[0];
    assert.deepEqual(loaded?.target.classes, ['clear', 'effusion']);
    const log = readFileSync(join(result.runDir, 'log.txt'), 'utf8');
    assert.match(log, /16 of 32 DICOM files carry patient or staff identifiers/);
    // The cache beside the data is checked too: it holds decoded pixels and counts, nothing else.
    for (const file of [...filesUnder(result.runDir), ...filesUnder(join(root, '.medtransfer-cache'))]) {
      const bytes = readFileSync(file);
      for (const value of Object.values(PLANTED)) {
        assert.equal(bytes.indexOf(value), -1, `${value} found in ${file}`);
        assert.equal(bytes.indexOf(Buffer.from(value, 'utf16le')), -1, `${value} (UTF-16) found in ${file}`);
      }
    }
  });

  it('a second run reads the decoded images from the cache', () => {
    const result = run('dicom-again', { type: 'dicom', path: 'dicom' });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const progress = eventsOf(readEvents(result.runDir), 'data-progress');
    assert.deepEqual(
      progress.map((event) => [event.stage, event.done, event.total]),
      [['cache', 32, 32]],
    );
    assert.match(
      readFileSync(join(result.runDir, 'log.txt'), 'utf8'),
      /cache hit at .*\.medtransfer-cache: 32 files not decoded again/,
    );
  });

  it('dicom deflated by dcmtk (dcmconv +td) trains exactly as the uncompressed files do', (context) => {
    if (!hasDcmtk()) {
      skipMissing(context, 'dcmtk is not installed (apt-get install dcmtk)');
      return;
    }
    for (const file of filesUnder(join(root, 'dicom'))) {
      const deflated = file.replace(join(root, 'dicom'), join(root, 'dicom-deflated'));
      mkdirSync(join(deflated, '..'), { recursive: true });
      dcmtk('dcmconv', ['+td', file, deflated]);
    }
    const noCache = { enabled: false };
    const plain = run('dicom-plain', { type: 'dicom', path: 'dicom', cache: noCache });
    const deflated = run('dicom-deflated', { type: 'dicom', path: 'dicom-deflated', cache: noCache });
    assert.equal(plain.status, 0, plain.stderr + plain.stdout);
    assert.equal(deflated.status, 0, deflated.stderr + deflated.stdout);
    const story = (runDir: string) => {
      const events = readEvents(runDir);
      return {
        epochs: eventsOf(events, 'epoch-ended').map((event) => [event.phase, event.epoch, event.metrics]),
        evaluation: eventsOf(events, 'evaluation').map((event) => event.metrics),
      };
    };
    // Same pixels, same seed, same backend: the same run, to the last digit.
    assert.deepEqual(story(deflated.runDir), story(plain.runDir));
    assert.match(
      readFileSync(join(deflated.runDir, 'log.txt'), 'utf8'),
      /16 of 32 DICOM files carry patient or staff identifiers/,
    );
  });

  it('csv: 16-bit PNGs split by patient', () => {
    const result = run('csv', {
      type: 'csv',
      path: 'csv/labels.csv',
      imageColumn: 'file',
      labelColumn: 'finding',
      patientColumn: 'patient',
    });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const loaded = eventsOf(readEvents(result.runDir), 'data-loaded')[0];
    const sizes = loaded?.target.sizes;
    assert.equal(
      [...(sizes?.train ?? []), ...(sizes?.val ?? []), ...(sizes?.test ?? [])].reduce((a, b) => a + b, 0),
      32,
    );
    assert.match(
      readFileSync(join(result.runDir, 'log.txt'), 'utf8'),
      /target: patients per split \(none shared\): train \d+, val \d+, test \d+/,
    );
  });

  it('nifti: slices of labelled volumes', () => {
    const result = run('nifti', {
      type: 'nifti',
      path: 'nifti',
      labels: 'labels.csv',
      imageColumn: 'volume',
      slices: { mode: 'range', from: 1, to: 3 },
    });
    assert.equal(result.status, 0, result.stderr + result.stdout);
    const loaded = eventsOf(readEvents(result.runDir), 'data-loaded')[0];
    assert.match(loaded?.target.description ?? '', /nifti \(nifti, 48 images\)/);
    assert.match(readFileSync(join(result.runDir, 'log.txt'), 'utf8'), /volumes per split \(none shared\)/);
  });

  it('a corrupt file fails the run naming it, or is skipped and counted', () => {
    const failed = run('broken', {
      type: 'csv',
      path: 'csv/with-broken.csv',
      imageColumn: 'file',
      labelColumn: 'finding',
    });
    assert.equal(failed.status, 3);
    assert.match(
      failed.stdout + failed.stderr,
      /broken\.png: the PNG file is truncated: it ends after 14 bytes, before its image does/,
    );
    assert.match(failed.stderr, /run failed \(data problem\): .*broken\.png/);
    const skipped = run('skipping', {
      type: 'csv',
      path: 'csv/with-broken.csv',
      imageColumn: 'file',
      labelColumn: 'finding',
      onError: 'skip',
    });
    assert.equal(skipped.status, 0, skipped.stderr + skipped.stdout);
    assert.match(
      readFileSync(join(skipped.runDir, 'log.txt'), 'utf8'),
      /skipped 1 of 33 files as unreadable \(onError: skip\): png\/broken\.png/,
    );
  });
});
