import assert from 'node:assert/strict';
import { pixelsOf } from '../../../support/dataHelpers';
import { describe, it } from 'node:test';
import type { ImageSet, ImageShape } from '../../../../src/trainer/data/dataset';
import { classCounts } from '../../../../src/trainer/data/splits';
import { SOURCE_CLASSES, TARGET_CLASSES, generateSynthetic } from '../../../../src/trainer/data/synthetic';

/** Mann–Whitney AUC of `scores` for telling label 1 (positive) from label 0. */
function auc(scores: number[], positive: boolean[]): number {
  const order = scores
    .map((score, index) => ({ score, positive: positive[index] ?? false }))
    .sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  order.forEach((item, rank) => {
    if (item.positive) {
      rankSum += rank + 1;
      positives++;
    }
  });
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Per image of a 1-channel set: a statistic of the image. */
function perImage(set: ImageSet, statistic: (image: Float32Array, height: number, width: number) => number): number[] {
  const [height, width] = set.shape;
  const size = height * width;
  const pixels = pixelsOf(set);
  return Array.from({ length: set.count }, (_, n) =>
    statistic(pixels.subarray(n * size, (n + 1) * size), height, width),
  );
}

const mean = (image: Float32Array): number => image.reduce((a, b) => a + b, 0) / image.length;

/** A crude blob detector: the brightest 3×3 average minus the median of those averages. */
function blobContrast(image: Float32Array, height: number, width: number): number {
  const averages: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      let sum = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += image[(y + dy) * width + x + dx] ?? 0;
      averages.push(sum / 9);
    }
  }
  averages.sort((a, b) => a - b);
  return (averages[averages.length - 1] ?? 0) - (averages[averages.length >> 1] ?? 0);
}

/** Median absolute difference between horizontal neighbours: the noise level, robust to the few edges. */
function noiseLevel(image: Float32Array, height: number, width: number): number {
  const differences: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x + 1 < width; x++)
      differences.push(Math.abs((image[y * width + x + 1] ?? 0) - (image[y * width + x] ?? 0)));
  }
  differences.sort((a, b) => a - b);
  return differences[differences.length >> 1] ?? 0;
}

const average = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('generateSynthetic', () => {
  it('returns balanced, stratified 70/15/15 splits with named classes', () => {
    const source = generateSynthetic('source', 400, [28, 28, 1], 1);
    assert.deepEqual(source.classes, SOURCE_CLASSES);
    assert.deepEqual(source.classes, ['normal', 'round', 'elongated', 'ring']);
    assert.match(source.description, /synthetic source/);
    assert.ok(source.val && source.test);
    assert.equal(source.train.count + source.val.count + source.test.count, 400);
    assert.deepEqual(classCounts(source.train.labels, 4), [70, 70, 70, 70]);
    assert.deepEqual(classCounts(source.val.labels, 4), [15, 15, 15, 15]);
    assert.deepEqual(classCounts(source.test.labels, 4), [15, 15, 15, 15]);
    const target = generateSynthetic('target', 200, [28, 28, 1], 1);
    assert.deepEqual(target.classes, TARGET_CLASSES);
    assert.deepEqual(classCounts(target.train.labels, 2), [70, 70]);
  });

  it('works for any shape, with values in [0, 1]', () => {
    const shapes: ImageShape[] = [
      [28, 28, 1],
      [32, 32, 3],
      [64, 64, 1],
      [20, 36, 2],
      [16, 16, 4],
      [8, 8, 1],
    ];
    for (const shape of shapes) {
      for (const task of ['source', 'target'] as const) {
        const dataset = generateSynthetic(task, 24, shape, 5);
        for (const set of [dataset.train, dataset.val, dataset.test]) {
          assert.ok(set);
          assert.deepEqual(set.shape, shape);
          assert.equal(pixelsOf(set).length, set.count * shape[0] * shape[1] * shape[2]);
          assert.ok(
            pixelsOf(set).every((value) => Number.isFinite(value) && value >= 0 && value <= 1),
            `${task} ${shape.join('×')}`,
          );
        }
      }
    }
  });

  it('tints colour images: warm for the source scanner, cool for the target one', () => {
    const channelMeans = (set: ImageSet): number[] =>
      [0, 1, 2].map((c) => {
        const pixels = pixelsOf(set);
        let sum = 0;
        for (let i = c; i < pixels.length; i += 3) sum += pixels[i] ?? 0;
        return sum / (pixels.length / 3);
      });
    const [sourceRed = 0, , sourceBlue = 0] = channelMeans(generateSynthetic('source', 40, [32, 32, 3], 2).train);
    const [targetRed = 0, , targetBlue = 0] = channelMeans(generateSynthetic('target', 40, [32, 32, 3], 2).train);
    assert.ok(sourceRed > sourceBlue * 1.1, `source red ${sourceRed} vs blue ${sourceBlue}`);
    assert.ok(targetBlue > targetRed * 1.1, `target blue ${targetBlue} vs red ${targetRed}`);
  });

  it('is deterministic by seed; seeds and tasks give different images', () => {
    const a = generateSynthetic('target', 60, [28, 28, 1], 42);
    const b = generateSynthetic('target', 60, [28, 28, 1], 42);
    assert.deepEqual(pixelsOf(a.train), pixelsOf(b.train));
    assert.deepEqual(a.train.labels, b.train.labels);
    assert.deepEqual(pixelsOf(a.test), pixelsOf(b.test));
    const otherSeed = generateSynthetic('target', 60, [28, 28, 1], 43);
    assert.notDeepEqual(pixelsOf(a.train), pixelsOf(otherSeed.train));
    const source = generateSynthetic('source', 60, [28, 28, 1], 42);
    assert.notDeepEqual(pixelsOf(a.train).subarray(0, 784), pixelsOf(source.train).subarray(0, 784));
  });

  it('source: high-contrast lesions a simple blob detector finds almost always', () => {
    const { train } = generateSynthetic('source', 600, [28, 28, 1], 3);
    const lesion = Array.from(train.labels, (label) => label !== 0);
    assert.ok(auc(perImage(train, blobContrast), lesion) > 0.97);
  });

  it('target: learnable (a blob detector beats chance well) but not trivial (global intensity says nothing)', () => {
    const { train } = generateSynthetic('target', 800, [28, 28, 1], 3);
    const lesion = Array.from(train.labels, (label) => label === 1);
    const blobAuc = auc(perImage(train, blobContrast), lesion);
    const meanAuc = auc(perImage(train, mean), lesion);
    assert.ok(blobAuc > 0.8, `blob AUC ${blobAuc}`);
    // Exposure varies more between images than a small lesion moves the mean: no shortcut.
    assert.ok(meanAuc > 0.4 && meanAuc < 0.62, `mean-intensity AUC ${meanAuc}`);
    // The class-mean images differ (lesions are brighter on average near the centre) …
    const size = 28 * 28;
    const pixels = pixelsOf(train);
    const classMean = (label: number): Float32Array => {
      const sum = new Float32Array(size);
      let count = 0;
      for (let n = 0; n < train.count; n++) {
        if (train.labels[n] !== label) continue;
        for (let i = 0; i < size; i++) sum[i] = (sum[i] ?? 0) + (pixels[n * size + i] ?? 0);
        count++;
      }
      return sum.map((value) => value / count);
    };
    const normal = classMean(0);
    const withLesion = classMean(1);
    const centre = (image: Float32Array) =>
      mean(Float32Array.from({ length: 36 }, (_, k) => image[(11 + Math.floor(k / 6)) * 28 + 11 + (k % 6)] ?? 0));
    const difference = centre(withLesion) - centre(normal);
    assert.ok(difference > 0.005, `centre difference ${difference}`);
    // … but only by a fraction of the image-to-image spread, so no single pixel decides.
    const spread = Math.sqrt(average(perImage(train, (image) => (centre(image) - centre(normal)) ** 2)));
    assert.ok(difference < spread, `difference ${difference} vs spread ${spread}`);
  });

  it('target comes from a different scanner: fainter lesions and more noise than the source', () => {
    const source = generateSynthetic('source', 400, [28, 28, 1], 4).train;
    const target = generateSynthetic('target', 400, [28, 28, 1], 4).train;
    const lesionContrast = (set: ImageSet) =>
      average(perImage(set, blobContrast).filter((_, n) => set.labels[n] !== 0));
    assert.ok(
      lesionContrast(target) < 0.6 * lesionContrast(source),
      `lesion contrast ${lesionContrast(target)} vs ${lesionContrast(source)}`,
    );
    const targetNoise = average(perImage(target, noiseLevel));
    const sourceNoise = average(perImage(source, noiseLevel));
    assert.ok(targetNoise > 1.5 * sourceNoise, `noise ${targetNoise} vs ${sourceNoise}`);
  });

  it('generates 3000 images of 28×28 quickly', () => {
    // CPU time of this process, not wall time: other processes on a busy machine do not count.
    const started = process.cpuUsage();
    generateSynthetic('target', 3000, [28, 28, 1], 9);
    const { user, system } = process.cpuUsage(started);
    const cpuMs = (user + system) / 1000;
    // About 0.35 s on the 2-core CI machines.
    assert.ok(cpuMs < 2000, `took ${cpuMs.toFixed(0)} ms of CPU`);
  });

  it('rejects a bad sample count or shape', () => {
    assert.throws(() => generateSynthetic('source', 0, [28, 28, 1], 1), /positive integer/);
    assert.throws(() => generateSynthetic('source', 10, [28, 0, 1], 1), /shape/);
  });
});
