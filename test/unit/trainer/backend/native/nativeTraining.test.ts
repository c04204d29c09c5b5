// Training on the native kernels leaks nothing: the trainer's own step (trainStep, Adam) on
// mobilenet-small (convolutions, depthwise convolutions, their fused forms and gradients) for
// 150 steps keeps the tensor count and the wasm heap's bytes flat, and lowers the loss.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { buildClassifier } from '../../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../../src/trainer/random';
import { createOptimizer } from '../../../../../src/trainer/training/optimizers';
import { trainStep } from '../../../../../src/trainer/training/trainStep';
import type { StepContext } from '../../../../../src/trainer/training/trainStep';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const STEPS = 150;
const SHAPE = [12, 12, 3] as const;
const BATCH = 8;

describe('training on the native kernels', { skip: skipIfMissing('reason' in found ? found.reason : false) }, () => {
  it(`keeps tensors and wasm memory flat over ${STEPS} steps, and the loss falls`, async () => {
    if (!('addon' in found)) return;
    await useNativeKernels(found.addon);
    // IS_TEST's per-kernel check counts the tape's clones in custom gradients as leaks; the counts below hold.
    tf.env().set('IS_TEST', false);
    const { model } = buildClassifier('mobilenet-small', [...SHAPE], 2, 0, new SeededRandom(3));
    const context: StepContext = {
      model,
      shape: SHAPE,
      variables: model.trainableWeights.map((weight) => weight.read() as Variable),
      classCount: 2,
      classWeights: null,
      optimizer: createOptimizer('adam', 3e-3),
    };
    // Two classes told apart by brightness.
    const noise = values(BATCH * 12 * 12 * 3, 7);
    const labels = Int32Array.from({ length: BATCH }, (_, i) => i % 2);
    const images = noise.map((value, i) => value + ((labels[Math.floor(i / (12 * 12 * 3))] ?? 0) === 1 ? 0.5 : -0.5));
    const batch = { images, labels, count: BATCH };
    const first = trainStep(context, batch).loss;
    trainStep(context, batch); // Adam makes its slots in the first steps
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    let last = first;
    for (let step = 0; step < STEPS; step++) last = trainStep(context, batch).loss;
    assert.equal(tf.memory().numTensors, tensors, 'tensors leaked');
    assert.equal(tf.memory().numBytes, bytes, 'bytes leaked');
    assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
    context.optimizer.dispose();
    model.dispose();
  });
});
