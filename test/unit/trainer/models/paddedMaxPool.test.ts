// ZeroPadding2D → 'valid' MaxPooling2D run as one padded max pool where what is padded is a
// ReLU's output (the torchvision stems): loss and every weight's gradient as tfjs-layers' own
// executor computes them, inference too, on cpu, wasm and the native kernels, with no PadV2 left
// for it; a padding of something that may be negative, or as wide as the pool, stays a layer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { FastBatchNormalization } from '../../../../src/trainer/models/batchNormalization';
import { flattenModel, runCalls } from '../../../../src/trainer/models/layerGraph';
import type { LayerGraph } from '../../../../src/trainer/models/layerGraph';
import { paddedMaxPools } from '../../../../src/trainer/models/paddedMaxPool';
import { KERNEL_BACKENDS, missingKernelBackend, useKernelBackend } from '../../../support/kernelBackends';
import { skipIfMissing } from '../../../support/prerequisites';
import { relativeDifference, values } from '../../../support/wasmTestSetup';

const SHAPE: [number, number, number, number] = [3, 12, 12, 2];

function apply(layer: tfl.layers.Layer, input: SymbolicTensor): SymbolicTensor {
  return layer.apply(input) as SymbolicTensor;
}

/**
 * conv → BN → ReLU → pad 1 → max pool 3 stride 2 (pools as one); conv → pad 1 → max pool (what is
 * padded may be negative: stays); ReLU6 → pad 2 → max pool 2 (as wide as the pool: stays); a head.
 */
function model(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE.slice(1) });
  let x = apply(tfl.layers.conv2d({ name: 'stem', filters: 4, kernelSize: 3, padding: 'same', useBias: false }), input);
  x = apply(new FastBatchNormalization({ name: 'stem_bn', epsilon: 1e-5 }), x);
  x = apply(tfl.layers.activation({ name: 'stem_relu', activation: 'relu' }), x);
  x = apply(tfl.layers.zeroPadding2d({ name: 'stem_pool_pad', padding: 1 }), x);
  x = apply(tfl.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2 }), x);
  x = apply(tfl.layers.conv2d({ name: 'linear', filters: 3, kernelSize: 1 }), x);
  x = apply(tfl.layers.zeroPadding2d({ name: 'linear_pool_pad', padding: 1 }), x);
  x = apply(tfl.layers.maxPooling2d({ name: 'linear_pool', poolSize: 2, strides: 1 }), x);
  x = apply(tfl.layers.activation({ name: 'clip', activation: 'relu6' }), x);
  x = apply(tfl.layers.zeroPadding2d({ name: 'wide_pad', padding: 2 }), x);
  x = apply(tfl.layers.maxPooling2d({ name: 'wide_pool', poolSize: 2, strides: 2 }), x);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'gap' }), x);
  const output = apply(tfl.layers.dense({ name: 'head', units: 3 }), x);
  const built = tfl.model({ inputs: input, outputs: output });
  // Moving variances positive: a negative one makes NaNs, which backends pool and clip differently.
  const positive = built.weights.map((weight) => weight.name.includes('variance'));
  built.setWeights(
    built.getWeights().map((weight, index) => {
      const data = values(weight.size, 5 + index);
      return tf.tensor(positive[index] ? data.map((value) => Math.abs(value) + 0.5) : data, weight.shape);
    }),
  );
  return built;
}

function images(): tf.Tensor4D {
  return tf.tensor4d(
    values(
      SHAPE.reduce((a, b) => a * b, 1),
      3,
    ),
    SHAPE,
  );
}

/** The loss Σ output·w and its gradients for every trainable weight, by `run`. */
function lossAndGradients(classifier: tfl.LayersModel, run: (x: tf.Tensor) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const w = tf.tensor2d(values(SHAPE[0] * 3, 8), [SHAPE[0], 3]);
    const variables = classifier.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(images()), w)), variables);
    return [value, ...variables.map((variable) => grads[variable.name] as tf.Tensor)].map(
      (tensor) => tensor.dataSync() as Float32Array,
    );
  });
}

function chained(graph: LayerGraph, training: boolean): (x: tf.Tensor) => tf.Tensor {
  return (x) => runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, x, graph.output, training);
}

for (const backend of KERNEL_BACKENDS) {
  describe(`padded max pools on ${backend}`, { skip: skipIfMissing(missingKernelBackend(backend)) }, () => {
    it('pool a ReLU output as the padding and pooling layers do, without its PadV2', async () => {
      await useKernelBackend(backend);
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const names = [...paddedMaxPools(graph).values()].map((chain) =>
        chain.members.map((member) => graph.calls[member]?.layer.name).join('+'),
      );
      assert.deepEqual(names, ['stem_pool_pad+stem_pool']);
      const expected = lossAndGradients(classifier, (x) => classifier.apply(x, { training: true }) as tf.Tensor);
      const actual = lossAndGradients(classifier, chained(graph, true));
      assert.equal(actual.length, expected.length);
      actual.forEach((array, index) => {
        const difference = relativeDifference(array, expected[index] ?? new Float32Array());
        assert.ok(difference < 1e-4, `${index === 0 ? 'loss' : `gradient ${index}`}: difference ${difference}`);
      });
      const kernels = await tf.profile(() => lossAndGradients(classifier, chained(graph, true)));
      // The two paddings that stay: two PadV2 forward.
      assert.equal(kernels.kernels.filter((kernel) => kernel.name === 'PadV2').length, 2);
      const inferred = tf.tidy(() => chained(graph, false)(images()).dataSync() as Float32Array);
      const predicted = tf.tidy(() => (classifier.predict(images()) as tf.Tensor).dataSync() as Float32Array);
      const inferenceDifference = relativeDifference(inferred, predicted);
      assert.ok(inferenceDifference < 1e-5, `inference: difference ${inferenceDifference}`);
      classifier.dispose();
    });
  });
}
