// WebGPU (tfjs-backend-webgpu on Dawn) started by selectBackend as the trainer starts it, where
// this machine has an adapter (on a CPU-only machine: Mesa's lavapipe, see README "Backends"):
// the gradient of every layer type our three architectures use against the cpu backend on small
// shapes, each architecture's whole-model gradients against cpu, and a few training steps of each
// (loss finite and falling, a steady tensor count, dataSync working in Node). Skipped, with the
// reason, where there is no adapter.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import { gradientsOn, input, relativeDifference, values } from '../../../support/wasmTestSetup';
import type { InputSpec } from '../../../support/wasmTestSetup';
import { probeWebgpu } from '../../../support/webgpuProbe';
import { webgpuForTests } from '../../../support/webgpuTestSetup';

/** GPU float32 sums in another order than cpu's loops; real kernel bugs are orders of magnitude off. */
const TOLERANCE = 2e-4;

const { selected: started, needsWebgpu } = webgpuForTests();

async function assertMatchesCpu(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: InputSpec[], label = ''): Promise<void> {
  const expected = await gradientsOn('cpu', f, inputs);
  const tensorsBefore = tf.memory().numTensors;
  const actual = await gradientsOn('webgpu', f, inputs);
  assert.equal(tf.memory().numTensors, tensorsBefore, `${label}: tensors leaked`);
  actual.forEach((grad, i) => {
    const difference = relativeDifference(grad, expected[i] ?? new Float32Array());
    assert.ok(difference < TOLERANCE, `${label}: gradient of input ${i} differs from cpu by ${difference}`);
  });
}

describe('webgpu selected by name', () => {
  it('runs on the adapter, saying whether it is software', async (t) => {
    if (!needsWebgpu(t)) return;
    const selected = started();
    assert.equal(selected?.name, 'webgpu');
    const probe = await probeWebgpu();
    const description = selected?.notes.find((note) => note.startsWith('webgpu: WebGPU on ')) ?? '';
    assert.ok(description !== '', selected?.notes.join('\n'));
    if (probe.available && !probe.hardware) assert.match(description, /software adapter/);
  });

  it('reads tensors synchronously in Node (dataSync, arraySync), where the backend wants an OffscreenCanvas', async (t) => {
    if (!needsWebgpu(t)) return;
    await tf.setBackend('webgpu');
    const data = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3, 4, 5]), 1).dataSync());
    assert.deepEqual(Array.from(data), [2, 3, 4, 5, 6]);
    const ints = tf.tidy(() => tf.argMax(tf.tensor2d([0, 5, 1, 7, 2, 3], [2, 3]), -1).arraySync());
    assert.deepEqual(ints, [1, 0]);
    // Larger than one 256×256 canvas page of the backend's own path, and odd-sized.
    const big = tf.tidy(() => tf.mul(tf.range(0, 70_001, 1, 'float32'), 2).dataSync());
    assert.equal(big.length, 70_001);
    assert.equal(big[70_000], 140_000);
    const flags = tf.tidy(() => tf.greater(tf.tensor1d([1, -1, 2]), 0).dataSync());
    assert.deepEqual(Array.from(flags), [1, 0, 1]);
  });
});

describe('layer gradients on webgpu against cpu', () => {
  it('conv2d: valid and same padding, strides 1 and 2, 3×3 and 1×1, fused with bias and relu', async (t) => {
    if (!needsWebgpu(t)) return;
    const x = input([2, 9, 9, 3], 1);
    for (const [size, stride, pad] of [
      [3, 1, 'valid'],
      [3, 1, 'same'],
      [3, 2, 'same'],
      [1, 1, 'same'],
      [1, 2, 'same'],
    ] as const) {
      const filter = input([size, size, 3, 4], 2 + size + stride);
      await assertMatchesCpu(
        (a, w) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, stride, pad),
        [x, filter],
        `conv ${size}×${size} /${stride} ${pad}`,
      );
    }
    const fused = (a: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
      tf.fused.conv2d({
        x: a as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        strides: 1,
        pad: 'valid',
        bias,
        activation: 'relu',
      });
    await assertMatchesCpu(fused, [x, input([3, 3, 3, 4], 7), input([4], 8)], 'fused conv');
  });

  it('depthwise conv2d: strides 1 and 2, channel multipliers 1 and 2', async (t) => {
    if (!needsWebgpu(t)) return;
    for (const [stride, multiplier] of [
      [1, 1],
      [2, 1],
      [1, 2],
    ] as const) {
      await assertMatchesCpu(
        (a, w) => tf.depthwiseConv2d(a as tf.Tensor4D, w as tf.Tensor4D, stride, 'same'),
        [input([2, 8, 8, 4], 3), input([3, 3, 4, multiplier], 4 + stride)],
        `depthwise /${stride} ×${multiplier}`,
      );
    }
  });

  it('batch normalisation in training (moments of the batch)', async (t) => {
    if (!needsWebgpu(t)) return;
    const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
    };
    await assertMatchesCpu(f, [input([3, 5, 5, 4], 1), input([4], 2), input([4], 3)], 'batch norm');
  });

  it('max pooling 2×2 stride 2 (even and odd sizes), global average pooling', async (t) => {
    if (!needsWebgpu(t)) return;
    for (const shape of [
      [2, 8, 8, 3],
      [2, 7, 9, 3],
    ]) {
      await assertMatchesCpu(
        (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'),
        [input(shape, shape[2] ?? 0)],
        `max pool ${shape.join('×')}`,
      );
    }
    await assertMatchesCpu((x) => tf.mean(x, [1, 2]), [input([2, 4, 4, 3], 2)], 'global average pooling');
  });

  it('dense (fused matMul with bias and relu), relu6, residual add and flatten', async (t) => {
    if (!needsWebgpu(t)) return;
    const dense = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor) =>
      tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'relu' });
    await assertMatchesCpu(dense, [input([6, 10], 1), input([10, 4], 2), input([4], 3)], 'dense');
    await assertMatchesCpu((x) => tf.relu6(tf.mul(x, 20)), [input([4, 6], 3)], 'relu6');
    await assertMatchesCpu(
      (a, b) => tf.reshape(tf.relu(tf.add(a, b)), [2, -1]),
      [input([2, 3, 3, 4], 4), input([2, 3, 3, 4], 5)],
      'add, flatten',
    );
  });

  it('softmax cross-entropy: the trainer’s (log of clipped softmax) and tf.losses’', async (t) => {
    if (!needsWebgpu(t)) return;
    const labels = [0, 2, 1, 2];
    const targets = () => tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const trainers = (logits: tf.Tensor) =>
      tf.mean(tf.neg(tf.sum(tf.mul(targets(), tf.log(tf.clipByValue(tf.softmax(logits), 1e-7, 1 - 1e-7))), -1)));
    await assertMatchesCpu(trainers, [input([4, 3], 1)], 'trainer loss');
    await assertMatchesCpu(
      (logits) => tf.losses.softmaxCrossEntropy(targets(), logits),
      [input([4, 3], 2)],
      'tf.losses.softmaxCrossEntropy',
    );
  });
});

const ARCHITECTURES: { architecture: Architecture; shape: [number, number, number] }[] = [
  { architecture: 'seed-cnn', shape: [20, 20, 1] },
  { architecture: 'resnet-small', shape: [12, 12, 3] },
  { architecture: 'mobilenet-small', shape: [12, 12, 3] },
];

/** Two classes a CNN can tell apart: a bright blob top-left or bottom-right. */
function blobs(
  count: number,
  [height, width, channels]: [number, number, number],
): { x: tf.Tensor4D; labels: number[] } {
  const noise = values(count * height * width * channels, 3);
  const data = new Float32Array(noise.length);
  const labels = Array.from({ length: count }, (_, n) => n % 2);
  for (let i = 0; i < data.length; i++) {
    const n = Math.floor(i / (height * width * channels));
    const h = Math.floor(i / (width * channels)) % height;
    const w = Math.floor(i / channels) % width;
    const inBlob = labels[n] === 0 ? h < height / 2 && w < width / 2 : h >= height / 2 && w >= width / 2;
    data[i] = (inBlob ? 1 : 0) + 0.3 * (noise[i] ?? 0);
  }
  return { x: tf.tensor4d(data, [count, height, width, channels]), labels };
}

/** The trainer's loss on a classifier that ends in softmax (trainPhase.ts). */
function classifierLoss(model: LayersModel, x: tf.Tensor4D, labels: number[]): tf.Scalar {
  const targets = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
  const probabilities = model.apply(x, { training: true }) as tf.Tensor;
  return tf.mean(
    tf.neg(tf.sum(tf.mul(targets, tf.log(tf.clipByValue(probabilities, 1e-7, 1 - 1e-7))), -1)),
  ) as tf.Scalar;
}

function weightGradients(model: LayersModel, x: tf.Tensor4D, labels: number[]): Map<string, Float32Array> {
  const gradients = new Map<string, Float32Array>();
  tf.tidy(() => {
    const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => classifierLoss(model, x, labels), variables);
    for (const [name, grad] of Object.entries(grads)) gradients.set(name, grad.dataSync() as Float32Array);
  });
  return gradients;
}

describe('our architectures on webgpu', () => {
  for (const { architecture, shape } of ARCHITECTURES) {
    it(`${architecture}: whole-model gradients match cpu, and a few Adam steps lower the loss`, async (t) => {
      if (!needsWebgpu(t)) return;
      await tf.setBackend('cpu');
      // Dropout 0: the same forward pass on both backends.
      const { model } = buildClassifier(architecture, shape, 2, 0, new SeededRandom(7));
      const { x, labels } = blobs(8, shape);
      const expected = weightGradients(model, x, labels);
      await tf.setBackend('webgpu');
      const actual = weightGradients(model, x, labels);
      assert.equal(actual.size, model.trainableWeights.length);
      for (const [name, grad] of expected) {
        const difference = relativeDifference(actual.get(name) ?? new Float32Array(), grad);
        assert.ok(difference < 1e-3, `${architecture} ${name}: gradient differs from cpu by ${difference}`);
      }

      const optimizer = tf.train.adam(0.01);
      const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
      const step = (): number => {
        const cost = optimizer.minimize(() => classifierLoss(model, x, labels), true, variables);
        const value = cost?.dataSync()[0] ?? Number.NaN;
        cost?.dispose();
        return value;
      };
      const losses = [step(), step()];
      const tensorsAfterWarmUp = tf.memory().numTensors;
      for (let i = 0; i < 8; i++) losses.push(step());
      assert.equal(tf.memory().numTensors, tensorsAfterWarmUp, 'tensors leaked per step');
      assert.ok(losses.every(Number.isFinite), losses.join(', '));
      const first = losses[0] ?? Number.NaN;
      const last = losses.at(-1) ?? Number.NaN;
      assert.ok(last < first * 0.9, `${architecture}: loss ${first} → ${last}`);
      tf.dispose(x);
      optimizer.dispose();
      model.dispose();
    });
  }
});
