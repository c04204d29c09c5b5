// 20,000 colour images at 224×224 (3.0 GB as uint8; as float32 they would need 12 GB) train through
// the real CLI with a peak resident memory under 4 GB: over the memory budget the images stay in the
// .npz and are read a batch at a time. The .npz is written here the way np.savez writes one (stored
// members with zip64 fields), by Debian's numpy, in chunks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath, repoRoot } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const PYTHON = '/usr/bin/python3';
const COUNT = 20_000;
const SIZE = 224;
const FOUR_GB = 4 * 2 ** 30;

// Class 1 has a bright square on a grey that varies by image; chunks of 500 images (75 MB) keep numpy small.
const WRITE_NPZ = `
import sys, zipfile, numpy as np
path, counts = sys.argv[1], [int(c) for c in sys.argv[2:5]]
size = ${SIZE}
with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED, allowZip64=True) as zf:
    for split, count in zip(['train', 'val', 'test'], counts):
        labels = (np.arange(count) % 2).astype('<i8').reshape(count, 1)
        with zf.open(split + '_images.npy', 'w', force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(
                f, {'descr': '|u1', 'fortran_order': False, 'shape': (count, size, size, 3)})
            for start in range(0, count, 500):
                n = min(500, count - start)
                block = np.empty((n, size, size, 3), dtype=np.uint8)
                block[:] = (np.arange(start, start + n) % 97 + 20).astype(np.uint8)[:, None, None, None]
                bright = labels[start:start + n, 0] == 1
                block[bright, 80:144, 80:144, :] += 120
                f.write(block.tobytes())
        with zf.open(split + '_labels.npy', 'w') as f:
            np.lib.format.write_array(f, labels)
`;

// One epoch of every training image through BatchIterator, shuffled, as training reads them.
const READ_EPOCH = `
const { readFileSync } = require('node:fs');
const { loadDataset } = require('./src/trainer/data/loadDataset');
const { prepareDataset } = require('./src/trainer/data/prepareDataset');
const { BatchIterator } = require('./src/trainer/training/batches');
const { SeededRandom } = require('./src/trainer/random');
(async () => {
  const loaded = await loadDataset({ type: 'medmnist', path: process.argv[1] }, [${SIZE}, ${SIZE}, 3], 1);
  const data = prepareDataset(loaded, { shape: [${SIZE}, ${SIZE}, 3], seed: 1, validationFraction: 0.1 });
  let images = 0, sum = 0;
  for (const batch of new BatchIterator(data.train, 32).epoch(new SeededRandom(1))) {
    images += batch.count;
    sum += batch.images[0];
  }
  const peak = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1];
  console.log(JSON.stringify({ images, sum, peakKb: Number(peak) }));
})();
`;

/** Peak resident memory of a command, from GNU time's "Maximum resident set size (kbytes)". */
function peakBytes(stderr: string): number {
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  if (!match) throw new Error(`no peak memory in /usr/bin/time's output: ${stderr.slice(-2000)}`);
  return Number(match[1]) * 1024;
}

describe('20,000 images at 224×224×3', () => {
  const folder = temporaryFolder('large-dataset');
  const npz = join(folder, 'large_224.npz');
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('are written as an uncompressed .npz of 3 GB', () => {
    const written = spawnSync(PYTHON, ['-c', WRITE_NPZ, npz, String(COUNT), '64', '64'], { encoding: 'utf8' });
    assert.equal(written.status, 0, written.stderr);
  });

  it('are all read in a shuffled epoch with a peak resident memory far under their 3 GB', () => {
    const read = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', READ_EPOCH, npz], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 600_000,
    });
    assert.equal(read.status, 0, read.stderr);
    const result = JSON.parse(read.stdout.trim().split('\n').at(-1) ?? '{}') as { images: number; peakKb: number };
    assert.equal(result.images, COUNT);
    assert.ok(result.peakKb * 1024 < 2 ** 30, `peak ${(result.peakKb / 2 ** 20).toFixed(2)} GiB`);
    console.log(`# peak resident memory of the epoch: ${(result.peakKb / 1024).toFixed(0)} MiB`);
  });

  it('train a seed-cnn through the CLI with a peak resident memory under 4 GB', () => {
    const text = tinyExperiment({
      name: 'large',
      seed: 1,
      backend: 'wasm',
      model: { architecture: 'seed-cnn', inputShape: [SIZE, SIZE, 3] },
      source: { dataset: synthetic('source', 16), epochs: 1 },
      // A few labels a class keep the epoch to 4 batches; all 20,000 images are loaded and sampled from.
      target: { dataset: { type: 'medmnist', path: npz }, classes: ['a', 'b'], labelsPerClass: 16 },
      fineTune: { strategy: 'feature-extraction', headEpochs: 1, epochs: 0 },
      training: { batchSize: 8 },
      baseline: { scratch: false },
      evaluation: { positiveClass: 'b', bootstrap: { resamples: 0 }, saliency: { samplesPerClass: 0 } },
    });
    const experiment = writeExperiment(folder, 'large', text);
    const timed = spawnSync(
      '/usr/bin/time',
      ['-v', process.execPath, cliPath, 'run', experiment, '--run-id', 'r', '--quiet'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 900_000 },
    );
    assert.equal(timed.status, 0, timed.stderr.slice(-3000));
    const peak = peakBytes(timed.stderr);
    assert.ok(peak < FOUR_GB, `peak resident memory ${(peak / 2 ** 30).toFixed(2)} GiB`);
    const log = readFileSync(join(folder, 'runs', 'large', 'r', 'log.txt'), 'utf8');
    assert.match(
      log,
      /its images \(3\.0 GB\) pass the memory budget .*: they are read from the \.npz a batch at a time/,
    );
    console.log(`# peak resident memory of the run: ${(peak / 2 ** 20).toFixed(0)} MiB`);
  });
});
