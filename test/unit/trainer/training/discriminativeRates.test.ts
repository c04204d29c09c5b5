// Discriminative learning rates (fineTune.learningRateDecay) on the real wasm backend: one step of
// each optimizer with the scales of blockRateScales moves every base block by its scale times
// the step at one rate (the head, by the whole step), as a lower learning rate would.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Variable } from '@tensorflow/tfjs-core';
import type { ImageShape } from '../../../../src/trainer/data/dataset';
import { baseBlocks, blockRateScales, selectTrainable } from '../../../../src/trainer/models/blocks';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import type { Classifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { BatchIterator } from '../../../../src/trainer/training/batches';
import { createOptimizer } from '../../../../src/trainer/training/optimizers';
import type { OptimizerName } from '../../../../src/trainer/training/optimizers';
import { trainStep } from '../../../../src/trainer/training/trainStep';
import type { ScaledUpdate } from '../../../../src/trainer/training/trainStep';
import { makeSet } from '../../../support/dataHelpers';
import { useWasm } from '../../../support/wasmTestSetup';

const SHAPE: ImageShape = [16, 16, 1];
const DECAY = 0.5;

before(useWasm);

function classifier(): Classifier {
  const built = buildClassifier('resnet-small', SHAPE, 2, 0, new SeededRandom(4));
  selectTrainable(built, { kind: 'all' });
  return built;
}

/** Each trainable weight's change (by name) after one step, with or without the block scales. */
function stepChanges(optimizerName: OptimizerName, scaled: boolean): Map<string, Float32Array> {
  const model = classifier();
  const variables = model.model.trainableWeights.map((weight) => weight.read() as Variable);
  const scaledUpdates: ScaledUpdate[] = scaled
    ? blockRateScales(model, DECAY).flatMap(({ layer, scale }) =>
        layer.trainableWeights.map((weight) => ({ variable: weight.read() as Variable, scale })),
      )
    : [];
  const before = variables.map((variable) => Float32Array.from(variable.dataSync()));
  const set = makeSet(8, SHAPE, [0, 1, 0, 1, 0, 1, 0, 1], (n, y, x) => ((n + y * x) % 5) / 5);
  const batch = new BatchIterator(set, 8).epoch(null).next();
  assert.ok(!batch.done);
  const optimizer = createOptimizer(optimizerName, 0.01);
  const result = trainStep(
    { model: model.model, shape: SHAPE, variables, classCount: 2, classWeights: null, optimizer, scaledUpdates },
    batch.value,
  );
  assert.ok(result.gradientsFinite);
  const changes = new Map<string, Float32Array>();
  variables.forEach((variable, index) => {
    const after = Float32Array.from(variable.dataSync());
    const start = before[index] ?? new Float32Array();
    changes.set(
      model.model.trainableWeights[index]?.originalName ?? String(index),
      after.map((value, at) => value - (start[at] ?? 0)),
    );
  });
  optimizer.dispose();
  model.model.dispose();
  return changes;
}

describe('discriminative learning rates', () => {
  it('gives the top base block decay × the rate and each block below decay × the one above', () => {
    const scales = blockRateScales(classifier(), DECAY);
    const blocks = baseBlocks(classifier());
    const byLayer = new Map(scales.map(({ layer, scale }) => [layer.name, scale]));
    const top = blocks.at(-1);
    const bottom = blocks[0];
    assert.ok(top && bottom && blocks.length >= 3);
    assert.equal(byLayer.get(top.layers[0]?.name ?? ''), DECAY);
    assert.equal(byLayer.get(bottom.layers[0]?.name ?? ''), DECAY ** blocks.length);
    assert.deepEqual(blockRateScales(classifier(), 1), [], 'decay 1: one rate, nothing scaled');
  });

  for (const optimizerName of ['adam', 'sgd', 'rmsprop'] as const) {
    it(`moves each block by its scale times the one-rate step (${optimizerName})`, () => {
      const one = stepChanges(optimizerName, false);
      const discriminative = stepChanges(optimizerName, true);
      const model = classifier();
      const scaleOf = new Map<string, number>();
      for (const { layer, scale } of blockRateScales(model, DECAY))
        for (const weight of layer.trainableWeights) scaleOf.set(weight.originalName, scale);
      let compared = 0;
      let moved = 0;
      for (const [name, full] of one) {
        const scale = scaleOf.get(name) ?? 1;
        const got = discriminative.get(name);
        assert.ok(got, name);
        full.forEach((value, at) => {
          const expected = value * scale;
          assert.ok(
            Math.abs((got[at] ?? 0) - expected) <= 1e-6 + 1e-3 * Math.abs(expected),
            `${name}[${at}]: ${got[at]} moved, ${expected} expected (scale ${scale})`,
          );
          if (Math.abs(value) > 1e-5) moved++;
        });
        if (scale < 1) compared++;
      }
      assert.ok(compared > 0 && moved > 0, 'scaled weights were compared, and the step moved them');
    });
  }
});
