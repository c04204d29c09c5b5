// The native batch normalisation kernels (oneDNN, models/batchNormKernels.ts) through
// FastBatchNormalization in training, against tfjs-layers' own BatchNormalization on the cpu
// backend: outputs, moving statistics and the gradients for the input, γ and β, at ranks 2 and 4,
// on one thread and (4 Mi values and more, against plain wasm) on all; the kernels must have run, no tensor leaked,
// plain wasm keeps composing tfjs ops, and the addon refuses arrays shorter than the shape. Then
// whole-model gradients in training mode (every layer on batch statistics) with the kernels and
// with tfjs ops composed instead, the convolutions native in both: nativeModelGradients.test.ts
// compares with plain wasm, where MobileNetV2's convolutions alone differ by 3e-3 on batch
// statistics (wasm and cpu by 4e-3), which would hide what the batch normalisation kernels do.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { BATCH_NORM_TRAINING, hasBatchNormKernels } from '../../../../../src/trainer/models/batchNormKernels';
import { buildClassifier } from '../../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../../src/trainer/random';
import { FastBatchNormalization } from '../../../../../src/trainer/models/batchNormalization';
import { skipIfMissing } from '../../../../support/prerequisites';
import type { KernelCalls } from '../../../../support/nativeTestSetup';
import { countingAddon, nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { input, relativeDifference, values } from '../../../../support/wasmTestSetup';

const TOLERANCE = 1e-4;
const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

const calls: KernelCalls = { forward: 0, backward: 0 };
function counting(addon: NativeAddon): NativeAddon {
  return countingAddon(addon, { forward: 'batchNormForward', backward: 'batchNormBackward' }, calls);
}

/** Output, moving mean and variance, and the gradients of Σ output·w for the input, γ and β. */
function trainOnce(layer: tfl.layers.Layer, shape: number[]): Float32Array[] {
  try {
    // Arrays only after tidy: tidy walks every number of a returned typed array.
    const tensors = tf.tidy(() => {
      const x = tf.tensor(input(shape, 3).data, shape);
      const channels = shape[shape.length - 1] ?? 1;
      layer.build(shape);
      layer.setWeights([
        tf.add(tf.tensor(values(channels, 5)), 1),
        tf.tensor(values(channels, 6)),
        tf.zeros([channels]),
        tf.ones([channels]),
      ]);
      const weights = tf.tensor(values(x.size, 9), shape);
      const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const loss = (xs: tf.Tensor) => tf.sum(tf.mul(layer.apply(xs, { training: true }) as tf.Tensor, weights));
      const { grads } = tf.variableGrads(() => loss(x) as tf.Scalar, variables);
      const inputGrad = tf.grad((xs: tf.Tensor) => loss(xs))(x);
      const output = layer.apply(x, { training: true }) as tf.Tensor;
      // Copies: the layer's own are disposed with it.
      const [movingMean, movingVariance] = layer
        .getWeights()
        .slice(2)
        .map((weight) => tf.clone(weight));
      return [output, movingMean, movingVariance, inputGrad, ...variables.map((v) => grads[v.name])].map(
        (tensor) => tensor ?? tf.zeros([0]),
      );
    });
    const arrays = tensors.map((tensor) => tensor.dataSync() as Float32Array);
    tf.dispose(tensors);
    return arrays;
  } finally {
    for (const weight of layer.weights) weight.dispose();
  }
}

const NAMES = ['output', 'moving mean', 'moving variance', 'input gradient', 'gamma gradient', 'beta gradient'];

describe('native batch normalisation kernels', { skip }, () => {
  for (const shape of [
    [4, 5, 6, 3],
    [8, 7],
    [2, 3, 3, 16],
    [4, 16, 16, 64],
    // The parallel pass; against plain wasm, as the cpu backend takes minutes there.
    [64, 32, 32, 64],
  ]) {
    const parallel = shape[0] === 64;
    const reference = parallel ? 'plain wasm' : 'cpu';
    it(`train like tfjs-layers' BatchNormalization on ${reference}, shape [${shape.join(',')}]`, async () => {
      if (!('addon' in found)) return;
      if (parallel) await useNativeKernels(found.addon, false);
      else await tf.setBackend('cpu');
      const expected = trainOnce(tfl.layers.batchNormalization({ momentum: 0.9 }), shape);
      unregisterNativeKernels();
      await useNativeKernels(counting(found.addon));
      assert.ok(hasBatchNormKernels());
      const before = { ...calls };
      const tensorsBefore = tf.memory().numTensors;
      const actual = trainOnce(new FastBatchNormalization({ momentum: 0.9 }), shape);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      // Three training calls (variableGrads, grad, the output), two of them backpropagated.
      assert.deepEqual([calls.forward - before.forward, calls.backward - before.backward], [3, 2]);
      actual.forEach((values, index) => {
        const difference = relativeDifference(values, expected[index] ?? new Float32Array());
        assert.ok(difference < TOLERANCE, `${NAMES[index]}: relative difference ${difference}`);
      });
    });
  }

  it('are gone on plain wasm, which composes tfjs ops again', async () => {
    if (!('addon' in found)) return;
    await useNativeKernels(counting(found.addon), false);
    assert.ok(!hasBatchNormKernels());
    const before = { ...calls };
    trainOnce(new FastBatchNormalization({ momentum: 0.9 }), [4, 5, 6, 3]);
    assert.deepEqual(calls, before);
    await useNativeKernels(found.addon);
    assert.ok(hasBatchNormKernels());
  });

  it('refuse arrays shorter than the shape', () => {
    if (!('addon' in found)) return;
    const ok = (length: number) => new Float32Array(length);
    assert.throws(
      () => found.addon.batchNormForward(4, 3, 1e-3, ok(11), ok(3), ok(3), ok(12), ok(3), ok(3)),
      /x holds 11 values, the shape needs 12/,
    );
    assert.throws(
      () => found.addon.batchNormBackward(4, 3, 1e-3, ok(12), ok(3), ok(3), ok(3), ok(2), ok(12), ok(12), ok(3), ok(3)),
      /offset holds 2 values, the shape needs 3/,
    );
    assert.match(found.addon.batchNormImplementation(4, 3, 1e-3, true), /\S/);
  });

  for (const [architecture, size, batch] of [
    ['resnet18', 32, 4],
    ['mobilenetv2', 64, 8],
  ] as const) {
    it(`give ${architecture}'s gradients at ${size}×${size}×3, batch ${batch}, as composed tfjs ops do`, async () => {
      if (!('addon' in found)) return;
      unregisterNativeKernels();
      await useNativeKernels(counting(found.addon));
      const { model } = buildClassifier(architecture, [size, size, 3], 3, 0, new SeededRandom(4));
      const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
      const x = tf.tensor4d(values(batch * size * size * 3, 5), [batch, size, size, 3]);
      const labels = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: batch }, (_, i) => i % 3),
          'int32',
        ),
        3,
      );
      const gradients = (): Float32Array[] => {
        const grads = tf.tidy(() => {
          const { grads: byName } = tf.variableGrads(() => {
            const logits = model.apply(x, { training: true }) as tf.Tensor;
            return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
          }, variables);
          return variables.map((variable) => byName[variable.name] ?? tf.zeros([0]));
        });
        const arrays = grads.map((grad) => grad.dataSync() as Float32Array);
        tf.dispose(grads);
        return arrays;
      };
      const before = { ...calls };
      const withKernels = gradients();
      const kernel = tf.getKernel(BATCH_NORM_TRAINING, 'wasm');
      assert.ok(kernel !== undefined);
      tf.unregisterKernel(BATCH_NORM_TRAINING, 'wasm');
      const composed = (() => {
        try {
          return gradients();
        } finally {
          tf.registerKernel(kernel);
        }
      })();
      assert.ok(calls.backward > before.backward, 'the kernels did not run');
      tf.dispose([x, labels]);
      model.dispose();
      // Against the model's largest gradient, as nativeModelGradients.test.ts measures.
      let scale = 0;
      let worst = 0;
      composed.forEach((grad, i) => {
        const other = withKernels[i] ?? new Float32Array();
        assert.equal(other.length, grad.length);
        grad.forEach((value, j) => {
          scale = Math.max(scale, Math.abs(value));
          worst = Math.max(worst, Math.abs(value - (other[j] ?? Number.NaN)));
        });
      });
      assert.ok(
        worst / scale < TOLERANCE,
        `${architecture}: worst difference ${worst / scale} of the largest gradient`,
      );
    });
  }
});
