// MedMNIST+ files (the v2 .npz format at 64, 128 and 224 pixels, pneumoniamnist_224.npz…; uint8
// images (N, H, W) or (N, H, W, 3), compressed as MedMNIST ships them) train through the real CLI
// as the 28-pixel files do. The images are held as uint8 (1 byte a value), and over the memory budget
// they are read from disk a batch at a time: the same seed then gives the very same metrics.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { metricsFileSchema } from '../../../../src/shared/run/metricsFile';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { int64Bytes, npyBytes } from '../../../support/dataHelpers';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

/** A MedMNIST+ .npz: 24 / 8 / 8 uint8 images of `size`², class 1 with a bright disc, deflated like MedMNIST's. */
function medmnistPlus(size: number, channels: 1 | 3): Uint8Array {
  const arrays: Record<string, Uint8Array> = {};
  for (const [split, count] of [
    ['train', 24],
    ['val', 8],
    ['test', 8],
  ] as const) {
    const labels = Array.from({ length: count }, (_, n) => n % 2);
    const images = new Uint8Array(count * size * size * channels);
    labels.forEach((label, n) => {
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++) {
          const inside = (x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 4) ** 2;
          const base = (label === 1 && inside ? 200 : 50) + ((n * 31 + y * 7 + x * 3) % 40);
          for (let c = 0; c < channels; c++) images[((n * size + y) * size + x) * channels + c] = base - 10 * c;
        }
    });
    const shape = channels === 1 ? [count, size, size] : [count, size, size, 3];
    arrays[`${split}_images.npy`] = npyBytes('|u1', shape, images);
    arrays[`${split}_labels.npy`] = npyBytes('<i8', [count, 1], int64Bytes(labels));
  }
  return zipSync(arrays, { level: 6 });
}

function experiment(name: string, file: string, size: number, channels: 1 | 3): string {
  return tinyExperiment({
    name,
    seed: 2,
    backend: 'wasm',
    model: { inputShape: [size, size, channels] },
    source: { dataset: synthetic('source', 24), epochs: 1 },
    target: { dataset: { type: 'medmnist', path: file }, classes: ['normal', 'pneumonia'], labelsPerClass: undefined },
    fineTune: { strategy: 'feature-extraction', headEpochs: 1, epochs: 0 },
    training: { batchSize: 8 },
    baseline: { scratch: false },
    evaluation: { positiveClass: 'pneumonia', bootstrap: { resamples: 0 } },
  });
}

/** Runs the experiment; returns its models' metrics, the data-loaded event and the log. */
function train(folder: string, name: string, text: string, env: NodeJS.ProcessEnv = process.env) {
  const result = runCli(['run', writeExperiment(folder, name, text), '--run-id', 'r', '--quiet'], {
    env,
    timeoutMs: 480_000,
  });
  assert.equal(result.status, 0, `${name}: exit ${result.status}\n${result.stderr}`);
  const runDir = join(folder, 'runs', name, 'r');
  const [loaded] = eventsOf(readEvents(runDir), 'data-loaded');
  const metrics = metricsFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8'))).models;
  return { metrics, loaded, log: readFileSync(join(runDir, 'log.txt'), 'utf8') };
}

describe('MedMNIST+ files at 64, 128 and 224 pixels, through the CLI', () => {
  for (const [size, channels] of [
    [64, 1],
    [128, 3],
    [224, 1],
  ] as const) {
    it(`pneumoniamnist_${size}.npz (${channels === 1 ? 'grey' : 'colour'}) trains at ${size}×${size}×${channels}`, () => {
      const folder = temporaryFolder(`medmnist-plus-${size}`);
      const file = `pneumoniamnist_${size}.npz`;
      writeFileSync(join(folder, file), medmnistPlus(size, channels));
      const run = train(folder, `plus${size}`, experiment(`plus${size}`, file, size, channels));
      assert.match(JSON.stringify(run.loaded), new RegExp(`pneumoniamnist_${size}\\.npz \\(medmnist\\)`));
      assert.equal(typeof run.metrics['fine-tuned']?.auc, 'number');
    });
  }

  it('over the memory budget, a colour 64-pixel file is read from disk a batch at a time, with the same metrics', () => {
    const folder = temporaryFolder('medmnist-plus-streamed');
    const file = 'bloodmnist_64.npz';
    writeFileSync(join(folder, file), medmnistPlus(64, 3));
    const held = train(folder, 'held', experiment('held', file, 64, 3));
    const streamed = train(folder, 'streamed', experiment('streamed', file, 64, 3), {
      ...process.env,
      MEDTRANSFER_MEMORY_BUDGET: '100K',
    });
    assert.doesNotMatch(held.log, /pass the memory budget/);
    assert.match(
      streamed.log,
      /its images \(\d+ kB\) pass the memory budget \(103 kB, MEDTRANSFER_MEMORY_BUDGET\): they are read from disk \(inflated to a temporary file\) a batch at a time/,
    );
    assert.deepEqual(streamed.metrics, held.metrics, 'the same seed on the same pixels gives the same model');
  });
});
