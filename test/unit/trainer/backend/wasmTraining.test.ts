// A tiny model with every layer type our architectures use trains on wasm: through
// optimizer.minimize and through tf.variableGrads, the loss falls, and a step leaves no tensors.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useWasm, values } from '../../../support/wasmTestSetup';

before(async () => {
  await useWasm();
  // tfjs's IS_TEST data-id check counts the clones that its customGrad ops (fused conv, softmax
  // cross-entropy) keep for the tape as leaks; the tensor count below is the check that holds.
  tf.env().set('IS_TEST', false);
});

/** conv (stride 2, same), depthwise, separable, batch norm, max pooling, GAP, dense. */
function tinyModel(seed: number): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.glorotUniform({ seed: seed + offset });
  const input = tfl.input({ shape: [12, 12, 2] });
  let x = tfl.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: init(1) })
    .apply(input);
  x = tfl.layers.batchNormalization().apply(x);
  x = tfl.layers.activation({ activation: 'relu6' }).apply(x);
  x = tfl.layers
    .depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2, depthwiseInitializer: init(2) })
    .apply(x);
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = tfl.layers
    .separableConv2d({
      filters: 12,
      kernelSize: 3,
      padding: 'valid',
      depthwiseInitializer: init(3),
      pointwiseInitializer: init(4),
    })
    .apply(x);
  x = tfl.layers.globalAveragePooling2d({}).apply(x);
  const output = tfl.layers.dense({ units: 2, kernelInitializer: init(5) }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: output });
}

/** Two classes a CNN can tell apart: a bright blob in the top-left or in the bottom-right. */
function blobs(count: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  const noise = values(count * 12 * 12 * 2, 3);
  const data = new Float32Array(count * 12 * 12 * 2);
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 2;
    labels.push(label);
    for (let h = 0; h < 12; h++) {
      for (let w = 0; w < 12; w++) {
        const inBlob = label === 0 ? h < 6 && w < 6 : h >= 6 && w >= 6;
        for (let c = 0; c < 2; c++) {
          const i = ((n * 12 + h) * 12 + w) * 2 + c;
          data[i] = (inBlob ? 1 : 0) + 0.3 * (noise[i] ?? 0);
        }
      }
    }
  }
  return { x: tf.tensor4d(data, [count, 12, 12, 2]), y: tf.oneHot(tf.tensor1d(labels, 'int32'), 2) as tf.Tensor2D };
}

function loss(model: tfl.LayersModel, x: tf.Tensor4D, y: tf.Tensor2D): tf.Scalar {
  return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
}

describe('training on wasm', () => {
  it('optimizer.minimize lowers the loss, with a steady tensor count', async () => {
    await useWasm();
    const model = tinyModel(1);
    const { x, y } = blobs(16);
    const optimizer = tf.train.adam(0.01);
    const step = () => {
      const cost = optimizer.minimize(() => loss(model, x, y), true);
      const value = cost?.dataSync()[0] ?? Number.NaN;
      cost?.dispose();
      return value;
    };
    const first = step();
    step(); // the optimizer creates its slots on the first steps
    const tensorsAfterWarmUp = tf.memory().numTensors;
    let last = first;
    for (let i = 0; i < 25; i++) last = step();
    assert.equal(tf.memory().numTensors, tensorsAfterWarmUp, 'tensors leaked per step');
    assert.ok(Number.isFinite(last) && last < first * 0.7, `loss ${first} → ${last}`);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });

  it('tf.variableGrads gives a gradient for every trainable weight, and SGD on it lowers the loss', async () => {
    await useWasm();
    const model = tinyModel(2);
    const { x, y } = blobs(16);
    const trainable = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const lossBefore = tf.tidy(() => loss(model, x, y).dataSync()[0] ?? Number.NaN);
    for (let i = 0; i < 20; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => loss(model, x, y), trainable);
        assert.equal(Object.keys(grads).length, trainable.length);
        for (const variable of trainable) {
          const grad = grads[variable.name];
          assert.ok(grad !== undefined, `no gradient for ${variable.name}`);
          variable.assign(tf.sub(variable, tf.mul(grad, 0.05)));
        }
      });
    }
    const lossAfter = tf.tidy(() => loss(model, x, y).dataSync()[0] ?? Number.NaN);
    assert.ok(lossAfter < lossBefore * 0.8, `loss ${lossBefore} → ${lossAfter}`);
    tf.dispose([x, y]);
    model.dispose();
  });
});
