// The native clipped-ReLU kernels (models/clippedReluKernels.ts) through FastActivation: ReLU and
// ReLU6 against tfjs-layers' own Activation layer on the cpu backend, outputs and input gradients
// equal, the gradient 0 at exactly 0 and 6 as tfjs's composition gives it, on one thread and (4 Mi
// values and more) on all; the kernels must have run, no tensor leaked, other activations and
// plain wasm run tfjs-layers' code, and the layer saves as the standard Activation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeAddon } from '../../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../../src/trainer/backend/native/registerNativeKernels';
import { FastActivation } from '../../../../../src/trainer/models/activation';
import { hasClippedReluKernels } from '../../../../../src/trainer/models/clippedReluKernels';
import { skipIfMissing } from '../../../../support/prerequisites';
import type { KernelCalls } from '../../../../support/nativeTestSetup';
import { countingAddon, nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { relativeDifference, values } from '../../../../support/wasmTestSetup';

const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

const calls: KernelCalls = { forward: 0, backward: 0 };
function counting(addon: NativeAddon): NativeAddon {
  return countingAddon(addon, { forward: 'clippedRelu', backward: 'clippedReluGrad' }, calls);
}

/** Inputs spread over [-8, 8), with exact 0s and 6s (the kinks) among them. */
function inputs(size: number): Float32Array {
  const data = values(size, 3).map((value) => value * 16);
  for (let i = 0; i < size; i += 7) data[i] = i % 2 === 0 ? 0 : 6;
  return data;
}

/** Output and the gradient of Σ output·w for the input. */
function run(layer: tfl.layers.Layer, shape: number[]): Float32Array[] {
  // Arrays only after tidy: tidy walks every number of a returned typed array.
  const tensors = tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(inputs(size), shape);
    const weights = tf.tensor(values(size, 9), shape);
    const output = layer.apply(x, { training: true }) as tf.Tensor;
    const grad = tf.grad((xs: tf.Tensor) => tf.sum(tf.mul(layer.apply(xs) as tf.Tensor, weights)))(x);
    return [output, grad];
  });
  const arrays = tensors.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(tensors);
  return arrays;
}

describe('native clipped-ReLU kernels', { skip }, () => {
  for (const activation of ['relu', 'relu6'] as const) {
    for (const shape of [
      [2, 5, 6, 3],
      [9, 7],
      [4, 16, 16, 64],
      // The parallel loops; against plain wasm, as the cpu backend takes a minute there.
      [64, 32, 32, 64],
    ]) {
      const parallel = shape[0] === 64;
      it(`run ${activation} as tfjs-layers does on ${parallel ? 'plain wasm' : 'cpu'}, shape [${shape.join(',')}]`, async () => {
        if (!('addon' in found)) return;
        if (parallel) await useNativeKernels(found.addon, false);
        else await tf.setBackend('cpu');
        const expected = run(tfl.layers.activation({ activation }), shape);
        unregisterNativeKernels();
        await useNativeKernels(counting(found.addon));
        assert.ok(hasClippedReluKernels());
        const before = { ...calls };
        const tensorsBefore = tf.memory().numTensors;
        const actual = run(new FastActivation({ activation }), shape);
        assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
        assert.deepEqual([calls.forward - before.forward, calls.backward - before.backward], [2, 1]);
        if (parallel) {
          // Equal values (deepEqual would take a minute over 4 Mi of them).
          assert.equal(relativeDifference(actual[0] ?? new Float32Array(), expected[0] ?? new Float32Array()), 0);
          assert.equal(relativeDifference(actual[1] ?? new Float32Array(), expected[1] ?? new Float32Array()), 0);
        } else {
          assert.deepEqual(actual[0], expected[0], 'outputs');
          assert.deepEqual(actual[1], expected[1], 'input gradients');
        }
      });
    }
  }

  it('leave other activations and plain wasm to tfjs-layers, and save as Activation', async () => {
    if (!('addon' in found)) return;
    unregisterNativeKernels();
    await useNativeKernels(counting(found.addon));
    const before = { ...calls };
    const sigmoid = run(new FastActivation({ activation: 'sigmoid' }), [3, 4]);
    await tf.setBackend('cpu');
    const cpuSigmoid = run(tfl.layers.activation({ activation: 'sigmoid' }), [3, 4]);
    assert.ok(
      sigmoid.every((array, i) => array.every((value, j) => Math.abs(value - (cpuSigmoid[i]?.[j] ?? 0)) < 1e-6)),
    );
    await useNativeKernels(found.addon, false);
    assert.ok(!hasClippedReluKernels());
    run(new FastActivation({ activation: 'relu6' }), [3, 4]);
    assert.deepEqual(calls, before);
    const layer = new FastActivation({ activation: 'relu6', name: 'act' });
    assert.equal(layer.getClassName(), 'Activation');
    assert.equal(layer.getConfig()['activation'], 'relu6');
    await useNativeKernels(found.addon);
  });

  it('refuse arrays shorter than the count', () => {
    if (!('addon' in found)) return;
    const ok = (length: number) => new Float32Array(length);
    assert.throws(() => found.addon.clippedRelu(8, 6, ok(8), ok(7)), /y holds 7 values, the shape needs 8/);
    assert.throws(() => found.addon.clippedReluGrad(8, 6, ok(8), ok(6), ok(8)), /y holds 6 values, the shape needs 8/);
  });
});
