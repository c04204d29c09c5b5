// The classifier taken apart for explanations: each architecture's last convolutional feature
// map is found, the split graph computes what the model computes, Grad-CAM runs on wasm and
// cpu, and a model without convolutions falls back to gradients.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ARCHITECTURES } from '../../../../src/shared/experiment/schema';
import { classifierGraph } from '../../../../src/trainer/explain/classifierGraph';
import { explainImages } from '../../../../src/trainer/explain/explainImages';
import { gradCam } from '../../../../src/trainer/explain/gradCam';
import { attachHead, buildBase, buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm, values } from '../../../support/wasmTestSetup';

before(async () => {
  await useWasm();
  tf.env().set('IS_TEST', false);
});

const EXPECTED_LAYER = {
  'seed-cnn': 'block3_conv',
  'resnet-small': 'block4_out',
  'mobilenet-small': 'block5_pw_relu',
  resnet18: 'layer4.1_out',
  resnet50: 'layer4.2_out',
  densenet121: 'features.norm5_relu',
  mobilenetv2: 'features.18.2',
  efficientnetb0: 'features.8.2',
} as const satisfies Record<(typeof ARCHITECTURES)[number], string>;
const SHAPE: [number, number, number] = [24, 24, 3];
const SMALL_ARCHITECTURES = new Set<string>(['seed-cnn', 'resnet-small', 'mobilenet-small']);

describe('classifierGraph', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    // The torchvision backbones need 32 pixels and more (64 leave a 2×2 feature map), and their
    // 2–24 million weights make cpu's plain loops slow: wasm only.
    const architectures = ARCHITECTURES.filter((name) => backend === 'wasm' || SMALL_ARCHITECTURES.has(name));
    for (const architecture of architectures) {
      const size = SMALL_ARCHITECTURES.has(architecture) ? 24 : 64;
      const shape: [number, number, number] = [size, size, 3];
      it(`${architecture} on ${backend}: finds ${EXPECTED_LAYER[architecture]}; softmax(scores) is the model's output; Grad-CAM maps`, async () => {
        await tf.setBackend(backend);
        const classifier = buildClassifier(architecture, shape, 3, 0.2, new SeededRandom(3));
        const graph = classifierGraph(classifier.model);
        assert.equal(graph.featureLayer, EXPECTED_LAYER[architecture]);
        const images = tf.tensor4d(
          values(2 * size * size * 3, 4).map((v) => v + 0.5),
          [2, ...shape],
        );
        const difference = tf.tidy(
          () =>
            tf.max(tf.abs(tf.sub(tf.softmax(graph.scores(images)), graph.probabilities(images)))).dataSync()[0] ?? 1,
        );
        assert.ok(difference < 1e-5, `softmax(scores) differs from the output by ${difference}`);
        const tensors = tf.memory().numTensors;
        const [first] = explainImages(
          classifier.model,
          { images: images.dataSync() as Float32Array, count: 2, shape },
          { method: 'auto', seed: 1 },
        );
        assert.equal(tf.memory().numTensors, tensors);
        assert.equal(
          first?.method,
          architecture === 'seed-cnn' ? 'hirescam' : 'grad-cam',
          'auto: HiResCAM on a flattened feature map, Grad-CAM on a pooled one',
        );
        assert.equal(first?.layer, EXPECTED_LAYER[architecture]);
        assert.equal(first?.heatmap.length, size * size);
        images.dispose();
        classifier.model.dispose();
        await tf.setBackend('wasm');
      });
    }
  }

  for (const architecture of ['resnet-small', 'mobilenet-small'] as const) {
    it(`${architecture}: on globally pooled features HiResCAM is Grad-CAM`, () => {
      const classifier = buildClassifier(architecture, SHAPE, 3, 0, new SeededRandom(8));
      const graph = classifierGraph(classifier.model);
      assert.equal(graph.pooled, true);
      const images = tf.tensor4d(
        values(2 * 24 * 24 * 3, 6).map((v) => v + 0.5),
        [2, ...SHAPE],
      );
      const mean = gradCam(graph, images, [0, 2], 'mean');
      const perPosition = gradCam(graph, images, [0, 2], 'per-position');
      const scale = Math.max(...mean.values, 1e-12);
      assert.ok(scale > 0);
      mean.values.forEach((value, i) => assert.ok(Math.abs(value - (perPosition.values[i] ?? 0)) <= 1e-4 * scale));
      images.dispose();
      classifier.model.dispose();
    });
  }

  it('a classifier with a channel adapter (grey base, RGB images) still splits at the base', () => {
    const base = buildBase('seed-cnn', [24, 24, 1], new SeededRandom(1));
    const classifier = attachHead(base, { inputShape: SHAPE, classCount: 2, dropout: 0, random: new SeededRandom(2) });
    const graph = classifierGraph(classifier.model);
    assert.equal(graph.featureLayer, 'block3_conv');
    const images = tf.randomUniform([1, ...SHAPE], 0, 1, 'float32', 1) as tf.Tensor4D;
    const difference = tf.tidy(
      () => tf.max(tf.abs(tf.sub(tf.softmax(graph.scores(images)), graph.probabilities(images)))).dataSync()[0] ?? 1,
    );
    assert.ok(difference < 1e-5);
    images.dispose();
  });

  it('a model without convolutions (dense layers only) gets SmoothGrad', () => {
    const input = tfl.input({ shape: [6, 6, 1] });
    const flat = tfl.layers.flatten().apply(input);
    const hidden = tfl.layers.dense({ units: 8, activation: 'tanh' }).apply(flat);
    const output = tfl.layers.dense({ units: 2, activation: 'softmax' }).apply(hidden) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    assert.equal(classifierGraph(model).featureLayer, null);
    const [explanation] = explainImages(
      model,
      { images: values(36, 2), count: 1, shape: [6, 6, 1] },
      { method: 'grad-cam', seed: 1 },
    );
    assert.equal(classifierGraph(model).pooled, false);
    assert.equal(explanation?.method, 'smoothgrad');
    assert.equal(explanation?.layer, null);
  });
});
