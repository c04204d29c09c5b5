// The native per-channel kernels through the layers that use them: FastBatchNormalization with its
// moving statistics (inference) against tfjs-layers'
// BatchNormalization on cpu, outputs and the gradients for x, γ and β; and FastConv2D's ReLU
// convolution in training (the bias inside the convolution, ReLU natively) against tfjs-layers'
// Conv2D on cpu. The kernels must have run; plain wasm runs tfjs-layers' code; the classes save
// under tfjs-layers' names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { FastBatchNormalization } from '../../../../../src/trainer/models/batchNormalization';
import { hasChannelAffineKernel } from '../../../../../src/trainer/models/channelAffineKernels';
import { FastConv2D } from '../../../../../src/trainer/models/convolution';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { relativeDifference, values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

const calls = { affine: 0, clippedRelu: 0 };
function counting(addon: NativeAddon): NativeAddon {
  const channelAffine: NativeAddon['channelAffine'] = (...args) => {
    calls.affine++;
    addon.channelAffine(...args);
  };
  const clippedRelu: NativeAddon['clippedRelu'] = (...args) => {
    calls.clippedRelu++;
    addon.clippedRelu(...args);
  };
  return { ...addon, channelAffine, clippedRelu } as NativeAddon;
}

/** The layer's output and the gradients of Σ output·w for the input and each trainable weight. */
function outputAndGradients(layer: tfl.layers.Layer, shape: number[], training: boolean): Float32Array[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const tensors = tf.tidy(() => {
    const x = tf.tensor(
      values(size, 3).map((value) => value * 4),
      shape,
    );
    const output = layer.apply(x, { training }) as tf.Tensor;
    const weights = tf.tensor(values(output.size, 9), output.shape);
    const f = (): tf.Scalar => tf.sum(tf.mul(layer.apply(x, { training }) as tf.Tensor, weights));
    const input = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(layer.apply(xs, { training }) as tf.Tensor, weights)))(x);
    const variables = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { grads } = tf.variableGrads(f, variables);
    return [output, input, ...variables.map((variable) => grads[variable.name] as tf.Tensor)];
  });
  const arrays = tensors.map((tensor) => Float32Array.from(tensor.dataSync()));
  tf.dispose(tensors);
  return arrays;
}

function assertClose(actual: Float32Array[], expected: Float32Array[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((array, index) => {
    const difference = relativeDifference(actual[index] ?? new Float32Array(), array);
    assert.ok(difference < tolerance, `array ${index} differs by ${difference}`);
  });
}

/** A batch-norm layer built for `channels` with γ, β and moving statistics set from `seed`. */
function withStatistics<T extends tfl.layers.Layer>(layer: T, shape: readonly number[], seed: number): T {
  const channels = shape[shape.length - 1] ?? 1;
  layer.build([null, ...shape.slice(1)]);
  const vector = (offset: number, spread: number, floor: number) =>
    tf.tensor1d(values(channels, seed + offset).map((value) => floor + spread * (value + 0.5)));
  const weights = [vector(1, 1.5, 0.25), vector(2, 2, -1), vector(3, 2, -1), vector(4, 3, 0.1)];
  layer.setWeights(weights);
  tf.dispose(weights);
  return layer;
}

describe('native per-channel kernels in the layers', { skip }, () => {
  for (const [shape, training] of [
    [[4, 9, 7, 24], false],
    [[6, 33], false],
    [[2, 5, 5, 16], false],
  ] as const) {
    it(`batch norm with moving statistics: [${shape.join(',')}] as tfjs-layers computes it on cpu`, async () => {
      if (!('addon' in found)) return;
      await tf.setBackend('cpu');
      const expected = outputAndGradients(
        withStatistics(tfl.layers.batchNormalization({}), shape, 5),
        [...shape],
        training,
      );
      unregisterNativeKernels();
      await useNativeKernels(counting(found.addon));
      assert.ok(hasChannelAffineKernel());
      const before = calls.affine;
      const layer = withStatistics(new FastBatchNormalization({}), shape, 5);
      const tensorsBefore = tf.memory().numTensors;
      const actual = outputAndGradients(layer, [...shape], training);
      assert.ok(calls.affine > before, 'the native kernel did not run');
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      assertClose(actual, expected, 1e-5);
    });
  }

  it('FastConv2D: a ReLU convolution in training, its bias inside the native convolution, as Conv2D on cpu', async () => {
    if (!('addon' in found)) return;
    const config = {
      filters: 8,
      kernelSize: 3,
      activation: 'relu',
      padding: 'valid',
      kernelInitializer: 'glorotUniform',
    } as const;
    const build = (layer: tfl.layers.Layer) => {
      layer.build([null, 10, 10, 3]);
      const weights = [tf.tensor4d(values(3 * 3 * 3 * 8, 21), [3, 3, 3, 8]), tf.tensor1d(values(8, 22))];
      layer.setWeights(weights);
      tf.dispose(weights);
      return layer;
    };
    await tf.setBackend('cpu');
    const expected = outputAndGradients(build(tfl.layers.conv2d(config)), [2, 10, 10, 3], true);
    unregisterNativeKernels();
    await useNativeKernels(counting(found.addon));
    const before = calls.clippedRelu;
    const actual = outputAndGradients(build(new FastConv2D(config)), [2, 10, 10, 3], true);
    assert.ok(calls.clippedRelu > before, 'the native ReLU did not run');
    assertClose(actual, expected, 1e-5);
  });

  it('leave plain wasm to tfjs-layers, and save as BatchNormalization and Conv2D', async () => {
    if (!('addon' in found)) return;
    await useNativeKernels(found.addon, false);
    assert.ok(!hasChannelAffineKernel());
    const before = { ...calls };
    outputAndGradients(withStatistics(new FastBatchNormalization({}), [3, 6], 5), [3, 6], false);
    assert.deepEqual(calls, before);
    assert.equal(new FastBatchNormalization({}).getClassName(), 'BatchNormalization');
    assert.equal(new FastConv2D({ filters: 2, kernelSize: 1 }).getClassName(), 'Conv2D');
    await useNativeKernels(found.addon);
  });
});
