// FastConv2D's linear convolutions in training (every convolution before a batch norm) run tfjs's
// plain conv2d op: the same output and gradients as tfjs-layers' Conv2D, and no input gradient
// where nothing reads it (the first convolution, fed by the images). On cpu: the rule does not
// depend on a backend's kernels. A ReLU convolution with a bias fed by the images, on the native
// kernels: the plain convolution and the clipped-ReLU kernel, no input gradient.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FastConv2D } from '../../../../src/trainer/models/convolution';
import { missingKernelBackend, useKernelBackend } from '../../../support/kernelBackends';
import { skipIfMissing } from '../../../support/prerequisites';
import { relativeDifference, values } from '../../../support/wasmTestSetup';

const SHAPE = [2, 9, 9, 3];

interface ConvConfig {
  filters: number;
  kernelSize: number;
  strides: number;
  padding: 'valid' | 'same';
  useBias: boolean;
}

function built(layer: tfl.layers.Layer, config: ConvConfig): tfl.layers.Layer {
  layer.build([null, 9, 9, 3]);
  const weights: tf.Tensor[] = [
    tf.tensor4d(values(config.kernelSize ** 2 * 3 * config.filters, 5), [
      config.kernelSize,
      config.kernelSize,
      3,
      config.filters,
    ]),
  ];
  if (config.useBias) weights.push(tf.tensor1d(values(config.filters, 6)));
  layer.setWeights(weights);
  tf.dispose(weights);
  return layer;
}

/** Output, and the gradients of Σ output·w for the input and the layer's weights. */
function outputAndGradients(layer: tfl.layers.Layer): Float32Array[] {
  const tensors = tf.tidy(() => {
    const x = tf.tensor4d(
      values(
        SHAPE.reduce((a, b) => a * b, 1),
        3,
      ),
      SHAPE as [number, number, number, number],
    );
    const output = layer.apply(x, { training: true }) as tf.Tensor;
    const w = tf.tensor(values(output.size, 9), output.shape);
    const weights = layer.trainableWeights.map((weight) => weight.read());
    const loss = (input: tf.Tensor, ...rest: tf.Tensor[]): tf.Scalar => {
      void rest;
      return tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, w));
    };
    return [output, ...tf.grads(loss)([x, ...weights])];
  });
  const arrays = tensors.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(tensors);
  return arrays;
}

/** The names of the kernels a training step of `layer` runs, gradients for its weights only. */
async function kernelsOfWeightGradients(layer: tfl.layers.Layer): Promise<string[]> {
  const x = tf.tensor4d(
    values(
      SHAPE.reduce((a, b) => a * b, 1),
      3,
    ),
    SHAPE as [number, number, number, number],
  );
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor));
    return [value, ...Object.values(grads)];
  });
  x.dispose();
  return info.kernelNames;
}

describe('FastConv2D: linear convolutions in training', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const configs: ConvConfig[] = [
    { filters: 4, kernelSize: 3, strides: 1, padding: 'valid', useBias: false },
    { filters: 5, kernelSize: 3, strides: 2, padding: 'same', useBias: false },
    { filters: 4, kernelSize: 1, strides: 1, padding: 'valid', useBias: true },
  ];
  for (const config of configs) {
    it(`computes what tfjs-layers' Conv2D does (${JSON.stringify(config)})`, () => {
      const expected = outputAndGradients(built(tfl.layers.conv2d(config), config));
      const actual = outputAndGradients(built(new FastConv2D(config), config));
      assert.equal(actual.length, expected.length);
      actual.forEach((array, i) => assert.deepEqual(Array.from(array), Array.from(expected[i] ?? [])));
    });
  }

  it('computes no input gradient for a convolution fed by the images', async () => {
    const config = configs[0] as ConvConfig;
    const plain = await kernelsOfWeightGradients(built(tfl.layers.conv2d(config), config));
    assert.ok(plain.includes('Conv2DBackpropInput'), `tfjs-layers' Conv2D no longer computes it: ${plain.join(', ')}`);
    const fast = await kernelsOfWeightGradients(built(new FastConv2D(config), config));
    assert.ok(fast.includes('Conv2DBackpropFilter'), fast.join(', '));
    assert.ok(!fast.includes('Conv2DBackpropInput'), fast.join(', '));
  });
});

describe(
  'FastConv2D: a ReLU convolution with a bias fed by the images, on the native kernels',
  {
    skip: skipIfMissing(missingKernelBackend('native')),
  },
  () => {
    const config: ConvConfig = { filters: 4, kernelSize: 3, strides: 1, padding: 'valid', useBias: true };

    /** input → the convolution with ReLU: a model, so that the layer is fed by an InputLayer. */
    function modelWith(layer: tfl.layers.Layer): tfl.LayersModel {
      const input = tfl.input({ shape: SHAPE.slice(1) });
      return tfl.model({ inputs: input, outputs: built(layer, config).apply(input) as tfl.SymbolicTensor });
    }

    it('trains as tfjs-layers does, with the clipped-ReLU kernel and no input gradient', async () => {
      await useKernelBackend('native');
      const relu = { ...config, activation: 'relu' as const };
      const expectedModel = modelWith(tfl.layers.conv2d(relu));
      const actualModel = modelWith(new FastConv2D(relu));
      const expected = outputAndGradients(expectedModel);
      const actual = outputAndGradients(actualModel);
      actual.forEach((array, i) => {
        const difference = relativeDifference(array, expected[i] ?? new Float32Array());
        assert.ok(difference < 1e-5, `array ${i}: difference ${difference}`);
      });
      const kernels = await kernelsOfWeightGradients(actualModel);
      assert.ok(kernels.includes('MedTransferClippedRelu'), kernels.join(', '));
      for (const composed of ['Relu', 'Step', 'Conv2DBackpropInput'])
        assert.ok(!kernels.includes(composed), `${composed} ran: ${kernels.join(', ')}`);
      await tf.setBackend('cpu');
    });
  },
);
