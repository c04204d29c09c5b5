// FastBatchNormalization against tfjs-layers' own BatchNormalization, on cpu (the reference) and
// on wasm (our kernels): the same training outputs and moving statistics bit for bit, the same
// gradients for the input, γ and β within float rounding, and the inference path untouched.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { FastBatchNormalization } from '../../../../src/trainer/models/batchNormalization';
import { freezeBatchNormStatistics } from '../../../../src/trainer/models/batchNormStatistics';
import { input, relativeDifference, useWasm, values } from '../../../support/wasmTestSetup';

before(useWasm);

interface Outcome {
  output: Float32Array;
  movingMean: Float32Array;
  movingVariance: Float32Array;
  /** Gradients of Σ output·w for the input, γ and β. */
  grads: Float32Array[];
}

/** One training call of a built layer pair with the same weights, and its gradients. */
function trainOnce(layer: tfl.layers.Layer, shape: number[]): Outcome {
  try {
    return trainOnceWith(layer, shape);
  } finally {
    // Its weights, so the test can count leaked tensors.
    for (const weight of layer.weights) weight.dispose();
  }
}

function trainOnceWith(layer: tfl.layers.Layer, shape: number[]): Outcome {
  return tf.tidy(() => {
    const x = tf.tensor(input(shape, 3).data, shape);
    const channels = shape[shape.length - 1] ?? 1;
    layer.build(shape);
    // γ away from 1 and β from 0, so their gradients matter.
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
    const [movingMean, movingVariance] = layer.getWeights().slice(2);
    return {
      output: output.dataSync() as Float32Array,
      // Three calls: loss twice (variableGrads and grad), then the output.
      movingMean: movingMean?.dataSync() as Float32Array,
      movingVariance: movingVariance?.dataSync() as Float32Array,
      grads: [
        inputGrad.dataSync() as Float32Array,
        ...variables.map((variable) => grads[variable.name]?.dataSync() as Float32Array),
      ],
    };
  });
}

describe('FastBatchNormalization', () => {
  for (const backend of ['cpu', 'wasm']) {
    for (const shape of [
      [4, 5, 6, 3],
      [8, 7],
      [2, 3, 3, 16],
    ]) {
      it(`trains like tfjs-layers' BatchNormalization on ${backend}, shape [${shape.join(',')}]`, async () => {
        await tf.setBackend(backend);
        const tensorsBefore = tf.memory().numTensors;
        const ours = trainOnce(new FastBatchNormalization({ momentum: 0.9 }), shape);
        const theirs = trainOnce(tfl.layers.batchNormalization({ momentum: 0.9 }), shape);
        assert.deepEqual(ours.output, theirs.output, 'same forward pass');
        assert.deepEqual(ours.movingMean, theirs.movingMean, 'same moving mean');
        assert.deepEqual(ours.movingVariance, theirs.movingVariance, 'same moving variance');
        ours.grads.forEach((grad, index) => {
          const difference = relativeDifference(grad, theirs.grads[index] ?? new Float32Array());
          assert.ok(
            difference < 1e-5,
            `gradient ${['input', 'gamma', 'beta'][index]}: relative difference ${difference}`,
          );
        });
        assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      });
    }
  }

  it('keeps the class name, inference and frozen statistics of the standard layer', async () => {
    await tf.setBackend('cpu');
    const layer = new FastBatchNormalization({ momentum: 0.9, name: 'bn' });
    assert.equal(layer.getClassName(), 'BatchNormalization');
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [3] }), layer] });
    const before = layer.getWeights().map((weight) => Array.from(weight.dataSync()));
    tf.tidy(() => {
      const x = tf.tensor([
        [1, 2, 3],
        [3, 5, 9],
      ]);
      // Inference: moving statistics (0 and 1) used, nothing updated.
      assert.deepEqual(
        Array.from((model.predict(x) as tf.Tensor).dataSync()).map((value) => Math.round(value * 1000) / 1000),
        [1, 2, 3, 3, 5, 9].map((value) => Math.round((value / Math.sqrt(1 + 1e-3)) * 1000) / 1000),
      );
      assert.equal(freezeBatchNormStatistics(model), 1);
      model.apply(x, { training: true });
    });
    assert.deepEqual(
      layer.getWeights().map((weight) => Array.from(weight.dataSync())),
      before,
      'frozen statistics stay put in training mode',
    );
    const json = JSON.parse(JSON.stringify(model.toJSON(null, false))) as {
      config: { layers: Array<{ class_name: string }> };
    };
    assert.ok(json.config.layers.some((entry) => entry.class_name === 'BatchNormalization'));
  });
});
