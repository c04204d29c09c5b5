// ZeroPadding2D → 'valid' convolution run as one convolution with explicit padding (training and
// inference): the loss and every weight's gradient as tfjs-layers' own executor computes them, on
// cpu, wasm and the native kernels, with no PadV2 or Slice left in the step; a padding that two
// layers read, or that the caller asks for, stays a layer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { FastBatchNormalization } from '../../../../src/trainer/models/batchNormalization';
import { FastConv2D } from '../../../../src/trainer/models/convolution';
import { paddedConvolutions } from '../../../../src/trainer/models/convolutionChains';
import { flattenModel, runCalls } from '../../../../src/trainer/models/layerGraph';
import type { LayerGraph } from '../../../../src/trainer/models/layerGraph';
import { KERNEL_BACKENDS, missingKernelBackend, useKernelBackend } from '../../../support/kernelBackends';
import { skipIfMissing } from '../../../support/prerequisites';
import { relativeDifference, values } from '../../../support/wasmTestSetup';

const SHAPE: [number, number, number, number] = [4, 11, 11, 3];

function apply(layer: tfl.layers.Layer, input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(input) as SymbolicTensor;
}

/**
 * pad → conv (stride 2, no bias) → BN → ReLU; asymmetric pad → depthwise; pad → conv with bias
 * and ReLU; a padding read by two convolutions (stays a layer); a dense head.
 */
function model(): tfl.LayersModel {
  const input = tfl.input({ shape: SHAPE.slice(1) });
  let x = apply(tfl.layers.zeroPadding2d({ name: 'a_pad', padding: 3 }), input);
  x = apply(new FastConv2D({ name: 'a', filters: 5, kernelSize: 7, strides: 2, useBias: false }), x);
  x = apply(new FastBatchNormalization({ name: 'a_bn', epsilon: 1e-5 }), x);
  x = apply(tfl.layers.activation({ name: 'a_act', activation: 'relu' }), x);
  x = apply(
    tfl.layers.zeroPadding2d({
      name: 'b_pad',
      padding: [
        [0, 1],
        [2, 1],
      ],
    }),
    x,
  );
  x = apply(tfl.layers.depthwiseConv2d({ name: 'b', kernelSize: 3, useBias: false }), x);
  x = apply(tfl.layers.zeroPadding2d({ name: 'c_pad', padding: 1 }), x);
  x = apply(new FastConv2D({ name: 'c', filters: 4, kernelSize: 3, activation: 'relu' }), x);
  const shared = apply(tfl.layers.zeroPadding2d({ name: 'd_pad', padding: 1 }), x);
  const left = apply(tfl.layers.conv2d({ name: 'd_left', filters: 3, kernelSize: 3 }), shared);
  const right = apply(tfl.layers.conv2d({ name: 'd_right', filters: 3, kernelSize: 3 }), shared);
  x = apply(tfl.layers.add({ name: 'sum' }), [left, right]);
  x = apply(tfl.layers.globalAveragePooling2d({ name: 'pool' }), x);
  const output = apply(tfl.layers.dense({ name: 'head', units: 3 }), x);
  const built = tfl.model({ inputs: input, outputs: output });
  built.setWeights(built.getWeights().map((weight, index) => tf.tensor(values(weight.size, 31 + index), weight.shape)));
  return built;
}

/** The loss Σ output·w and its gradients for every trainable weight, by `run`. */
function lossAndGradients(classifier: tfl.LayersModel, run: (x: tf.Tensor) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      values(
        SHAPE.reduce((a, b) => a * b, 1),
        7,
      ),
      SHAPE,
    );
    const w = tf.tensor2d(values(SHAPE[0] * 3, 8), [SHAPE[0], 3]);
    const variables = classifier.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(run(x), w)), variables);
    return [value, ...variables.map((variable) => grads[variable.name] as tf.Tensor)].map(
      (tensor) => tensor.dataSync() as Float32Array,
    );
  });
}

function chained(graph: LayerGraph): (x: tf.Tensor) => tf.Tensor {
  return (x) => runCalls(graph, { from: 0, to: graph.calls.length }, graph.input, x, graph.output, true);
}

for (const backend of KERNEL_BACKENDS) {
  describe(`padded convolutions on ${backend}`, { skip: skipIfMissing(missingKernelBackend(backend)) }, () => {
    it('train as the padding and convolution layers do, without PadV2 or Slice', async () => {
      await useKernelBackend(backend);
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const names = [...paddedConvolutions(graph).values()].map((chain) =>
        chain.members.map((member) => graph.calls[member]?.layer.name).join('+'),
      );
      assert.deepEqual(names, ['a_pad+a', 'b_pad+b', 'c_pad+c']);
      const expected = lossAndGradients(classifier, (x) => classifier.apply(x, { training: true }) as tf.Tensor);
      const actual = lossAndGradients(classifier, chained(graph));
      assert.equal(actual.length, expected.length);
      actual.forEach((array, index) => {
        const difference = relativeDifference(array, expected[index] ?? new Float32Array());
        assert.ok(difference < 1e-4, `${index === 0 ? 'loss' : `gradient ${index}`}: difference ${difference}`);
      });
      const kernels = await tf.profile(() => lossAndGradients(classifier, chained(graph)));
      const padsAndSlices = kernels.kernelNames.filter((name) => name === 'PadV2' || name === 'Slice');
      // d_pad, read by two convolutions, stays: one PadV2 forward, one Slice back.
      assert.deepEqual(padsAndSlices.sort(), ['PadV2', 'Slice']);
      classifier.dispose();
    });

    it('leave a padding the caller asks for', async () => {
      await useKernelBackend(backend);
      const classifier = model();
      const graph = flattenModel(classifier);
      assert.ok(graph);
      const pad = graph.calls.findIndex((call) => call.layer.name === 'b_pad');
      const fetched = graph.calls[pad]?.output;
      assert.ok(fetched);
      const shape = tf.tidy(() => {
        const x = tf.tensor4d(
          values(
            SHAPE.reduce((a, b) => a * b, 1),
            7,
          ),
          SHAPE,
        );
        return runCalls(graph, { from: 0, to: pad + 1 }, graph.input, x, fetched, false).shape;
      });
      assert.deepEqual(shape, [SHAPE[0], 7, 9, 5]);
      classifier.dispose();
    });
  });
}
