// training.microBatchSize on the real wasm backend: a batch computed in parts makes the same update
// as the whole batch (a network without batch norm, so that the parts see nothing different), with
// or without class weights, frees each part's activations before the next (a lower tensor peak),
// and leaves no tensor behind.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { memory, profile, tensor1d } from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import type { ImageShape } from '../../../../src/trainer/data/dataset';
import { selectTrainable } from '../../../../src/trainer/models/blocks';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { BatchIterator } from '../../../../src/trainer/training/batches';
import type { Batch } from '../../../../src/trainer/training/batches';
import { createOptimizer } from '../../../../src/trainer/training/optimizers';
import { trainStep } from '../../../../src/trainer/training/trainStep';
import type { StepContext, StepResult } from '../../../../src/trainer/training/trainStep';
import { makeSet, maxDifference } from '../../../support/dataHelpers';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

interface Stepped {
  result: StepResult;
  weights: Float32Array[];
}

function batchOf(count: number, shape: ImageShape): Batch {
  const labels = Array.from({ length: count }, (_, n) => ((n * 7) % 3 === 0 ? 1 : 0));
  const set = makeSet(count, shape, labels, (n, y, x, c) => ((n * 13 + y * 5 + x * 3 + c) % 11) / 11);
  const batch = new BatchIterator(set, count).epoch(null).next();
  assert.ok(!batch.done);
  return batch.value;
}

function context(architecture: Architecture, shape: ImageShape, classWeights: Tensor | null): StepContext {
  const built = buildClassifier(architecture, shape, 2, 0, new SeededRandom(5));
  selectTrainable(built, { kind: 'all' });
  return {
    model: built.model,
    shape,
    variables: built.model.trainableWeights.map((weight) => weight.read() as Variable),
    classCount: 2,
    classWeights,
    optimizer: createOptimizer('sgd', 0.05),
  };
}

function step(microBatchSize: number | undefined, classWeights: Tensor | null): Stepped {
  const shape: ImageShape = [20, 20, 1];
  const stepContext = { ...context('seed-cnn', shape, classWeights), microBatchSize };
  const result = trainStep(stepContext, batchOf(8, shape));
  return { result, weights: stepContext.variables.map((variable) => Float32Array.from(variable.dataSync())) };
}

function assertSameStep(whole: Stepped, parts: Stepped): void {
  assert.ok(
    Math.abs(whole.result.loss - parts.result.loss) < 1e-6,
    `loss ${whole.result.loss} vs ${parts.result.loss}`,
  );
  assert.equal(parts.result.correct, whole.result.correct);
  assert.ok(parts.result.gradientsFinite);
  whole.weights.forEach((weights, index) => {
    const difference = maxDifference(weights, parts.weights[index] ?? new Float32Array());
    assert.ok(difference < 1e-6, `weight ${index} differs by ${difference}`);
  });
}

describe('micro-batches', () => {
  it('make the update of the whole batch: parts of 3, 3 and 2 images of 8', () => {
    const whole = step(undefined, null);
    assertSameStep(whole, step(3, null));
    assertSameStep(whole, step(8, null));
    assertSameStep(whole, step(64, null));
    // The step changed the weights, so the comparison above compares something.
    const untouched = context('seed-cnn', [20, 20, 1], null).variables.map((variable) => variable.dataSync());
    assert.ok(maxDifference(untouched[0] ?? [], whole.weights[0] ?? []) > 1e-4);
  });

  it('weight the classes as the whole batch does', () => {
    const classWeights = tensor1d([0.6, 2.5]);
    assertSameStep(step(undefined, classWeights), step(3, classWeights));
    assertSameStep(step(undefined, classWeights), step(1, classWeights));
    classWeights.dispose();
  });

  it('hold a part of the activations at a time and leave no tensor behind', async () => {
    const shape: ImageShape = [32, 32, 3];
    const batch = batchOf(32, shape);
    const peak = async (microBatchSize: number | undefined): Promise<number> => {
      const stepContext = { ...context('resnet-small', shape, null), microBatchSize };
      trainStep(stepContext, batch); // the optimizer's slots, outside the measure
      const tensorsBefore = memory().numTensors;
      const measured = await profile(() => {
        trainStep(stepContext, batch);
      });
      assert.equal(memory().numTensors, tensorsBefore, 'tensors left by a step');
      return measured.peakBytes;
    };
    const whole = await peak(undefined);
    const parts = await peak(4);
    assert.ok(
      parts < whole / 3,
      `peak ${(parts / 2 ** 20).toFixed(1)} MiB in parts of 4, ${(whole / 2 ** 20).toFixed(1)} whole`,
    );
  });
});
