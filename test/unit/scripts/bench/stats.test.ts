import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FULL_PROTOCOL, fitEpoch, protocolFor, selectModels } from '../../../../scripts/bench/models';
import type { BenchRow } from '../../../../scripts/bench/results';
import { median, pairRatios, ratio } from '../../../../scripts/bench/stats';

function row(fields: Partial<BenchRow> & Pick<BenchRow, 'model' | 'backend' | 'framework'>): BenchRow {
  return { status: 'ok', threads: 1, ...fields };
}

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
  });

  it('does not reorder its input and is NaN for nothing', () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('ratio', () => {
  it('is ours over theirs', () => {
    assert.equal(ratio(250, 1000), 0.25);
  });

  it('is null where a side is missing or the reference is not positive', () => {
    assert.equal(ratio(undefined, 1000), null);
    assert.equal(ratio(250, undefined), null);
    assert.equal(ratio(250, 0), null);
    assert.equal(ratio(Number.NaN, 10), null);
  });
});

describe('pairRatios', () => {
  const rows: BenchRow[] = [
    row({
      model: 'seed-cnn-32x32x3',
      backend: 'wasm',
      framework: 'tfjs',
      trainImagesPerSecond: 800,
      inferenceImagesPerSecond: 5000,
    }),
    row({
      model: 'seed-cnn-32x32x3',
      backend: 'pytorch',
      framework: 'pytorch',
      threads: 2,
      trainImagesPerSecond: 4000,
      inferenceImagesPerSecond: 10000,
    }),
    row({
      model: 'seed-cnn-32x32x3',
      backend: 'pytorch',
      framework: 'pytorch',
      trainImagesPerSecond: 2000,
      inferenceImagesPerSecond: 6250,
    }),
    row({ model: 'resnet-small-32x32x3', backend: 'wasm', framework: 'tfjs', trainImagesPerSecond: 100 }),
    row({
      model: 'resnet-small-32x32x3',
      backend: 'pytorch',
      framework: 'pytorch',
      status: 'failed',
      trainImagesPerSecond: 1000,
    }),
  ];

  it('compares with PyTorch at the same thread count, not with its fastest row', () => {
    const [seed] = pairRatios(rows);
    assert.deepEqual(seed, { model: 'seed-cnn-32x32x3', backend: 'wasm', threads: 1, train: 0.4, inference: 0.8 });
  });

  it('skips models whose PyTorch row did not run', () => {
    assert.equal(pairRatios(rows).length, 1);
  });

  it('compares with the tuned-allocator PyTorch row where glibc-default rows come first', () => {
    const defaultMalloc = row({
      model: 'seed-cnn-32x32x3',
      backend: 'pytorch-glibc-default',
      framework: 'pytorch',
      trainImagesPerSecond: 400,
      inferenceImagesPerSecond: 1000,
    });
    const [seed] = pairRatios([defaultMalloc, ...rows]);
    assert.equal(seed?.train, 0.4);
  });
});

describe('fitEpoch', () => {
  it('keeps the protocol where it fits the budget', () => {
    assert.deepEqual(fitEpoch(FULL_PROTOCOL, 0.05), {
      imagesPerEpoch: 1280,
      warmupEpochs: 1,
      timedEpochs: 5,
      reduced: false,
    });
  });

  it('times fewer whole batches per epoch on a slow backend', () => {
    // 90 s / 6 epochs / 1 s a step: 15 batches.
    assert.deepEqual(fitEpoch(FULL_PROTOCOL, 1), {
      imagesPerEpoch: 960,
      warmupEpochs: 1,
      timedEpochs: 5,
      reduced: true,
    });
  });

  it('falls back to single-batch epochs, as many as the budget holds, at least one', () => {
    assert.deepEqual(fitEpoch(FULL_PROTOCOL, 40), {
      imagesPerEpoch: 64,
      warmupEpochs: 0,
      timedEpochs: 2,
      reduced: true,
    });
    assert.deepEqual(fitEpoch(FULL_PROTOCOL, 300), {
      imagesPerEpoch: 64,
      warmupEpochs: 0,
      timedEpochs: 1,
      reduced: true,
    });
  });
});

describe('selectModels', () => {
  it('takes ids or prefixes, in the bench order', () => {
    assert.deepEqual(
      selectModels(['seed-cnn']).map((model) => model.id),
      ['seed-cnn-32x32x3', 'seed-cnn-28x28x1'],
    );
    assert.deepEqual(
      selectModels([]).map((model) => model.id),
      [
        'seed-cnn-32x32x3',
        'seed-cnn-28x28x1',
        'resnet-small-32x32x3',
        'mobilenet-small-32x32x3',
        'resnet18-128x128x3',
        'mobilenetv2-224x224x3',
      ],
    );
    assert.deepEqual(
      selectModels(['resnet18', 'mobilenetv2']).map((model) => [model.id, model.large]),
      [
        ['resnet18-128x128x3', true],
        ['mobilenetv2-224x224x3', true],
      ],
    );
  });

  it('gives torchvision backbones batch 32 and 128-image epochs, the others the protocol', () => {
    const [small] = selectModels(['seed-cnn-32']);
    const [resnet] = selectModels(['resnet18']);
    const [large] = selectModels(['mobilenetv2']);
    assert.ok(small && resnet && large);
    assert.deepEqual(protocolFor(small, FULL_PROTOCOL), FULL_PROTOCOL);
    assert.equal(protocolFor(resnet, FULL_PROTOCOL).batchSize, 32);
    const protocol = protocolFor(large, FULL_PROTOCOL);
    assert.equal(protocol.batchSize, 32);
    assert.equal(protocol.imagesPerEpoch, 128);
    assert.equal(protocol.budgetSeconds, FULL_PROTOCOL.budgetSeconds * 3);
  });

  it('names what it does not know', () => {
    assert.throws(() => selectModels(['vgg']), /unknown model vgg/);
  });
});
