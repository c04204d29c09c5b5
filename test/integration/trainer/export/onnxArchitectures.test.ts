// Every architecture, exported as ONNX and run by onnxruntime-web (an independent runtime, in
// WebAssembly), gives our model's probabilities within 1e-4: at 32×32, grey (through the channel
// adapter) and colour (through the frozen ImageNet preprocessing layer), with every weight and
// batch-norm statistic randomised so that a transposed kernel or a swapped statistic shows.
// Padding before a convolution is folded into it; a layer ONNX has no counterpart for is refused
// by name.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { ARCHITECTURES } from '../../../../src/shared/experiment/schema';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import type { Preprocessing } from '../../../../src/shared/experiment/preprocessing';
import { exportOnnx } from '../../../../src/trainer/export/exportOnnx';
import { LayerExportError } from '../../../../src/trainer/export/layerExportError';
import { attachHead, buildBase, HEAD_LAYER_NAMES } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { readOnnxSummary } from '../../../support/onnxFile';
import { runOnnx, toleranceUsed } from '../../../support/onnxRuntime';

const SIZE = 32;
const CLASSES = 3;
const IMAGES = 3;

before(async () => {
  assert.ok(await tf.setBackend('cpu'));
});

/** Batch-norm statistics and biases away from their initial 1s and 0s; kernels keep their seeded initialisation. */
function randomise(model: LayersModel, random: SeededRandom): void {
  for (const layer of model.layers) {
    if (layer instanceof tfl.LayersModel) {
      randomise(layer, random);
      continue;
    }
    if (layer.name === 'preprocessing') continue;
    const values = layer.weights.map((variable) => {
      const role = variable.originalName.split('/').at(-1) ?? '';
      const current = variable.read();
      const draw = (low: number, high: number) =>
        tf.tensor(
          Float32Array.from({ length: current.size }, () => random.uniform(low, high)),
          current.shape,
        );
      if (role === 'gamma' || role === 'moving_variance') return draw(0.5, 1.5);
      if (role === 'beta' || role === 'moving_mean' || role === 'bias') return draw(-0.2, 0.2);
      return current.clone();
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** Scales the head so that its logits spread over a few units: saturated probabilities would compare nothing. */
function calibrateHead(model: LayersModel, images: tf.Tensor): void {
  const input = model.inputs[0] as SymbolicTensor;
  const head = model.getLayer(HEAD_LAYER_NAMES[1]);
  const features = tfl.model({ inputs: input, outputs: head.input as SymbolicTensor });
  const [kernel, bias] = head.getWeights();
  if (!kernel || !bias) throw new Error('the head has no kernel or bias');
  tf.tidy(() => {
    const logits = tf.matMul(features.predict(images) as tf.Tensor, kernel);
    const spread = tf.sqrt(tf.moments(logits).variance).dataSync()[0] ?? 1;
    head.setWeights([tf.div(kernel, spread * 2), bias]);
  });
}

interface ExportCase {
  architecture: Architecture;
  channels: 1 | 3;
  preprocessing: Preprocessing;
}

async function exportAndCompare({ architecture, channels, preprocessing }: ExportCase) {
  const random = new SeededRandom(7);
  const shape = [SIZE, SIZE, channels] as [number, number, number];
  const base = buildBase(architecture, [SIZE, SIZE, 3], random);
  const { model } = attachHead(base, { inputShape: shape, classCount: CLASSES, dropout: 0.5, random, preprocessing });
  randomise(model, random);
  const values = Float32Array.from({ length: IMAGES * SIZE * SIZE * channels }, () => random.next());
  const images = tf.tensor(values, [IMAGES, ...shape]);
  calibrateHead(model, images);
  const expected = tf.tidy(() => (model.predict(images) as tf.Tensor).dataSync());
  images.dispose();
  const bytes = exportOnnx(model, null);
  model.dispose();
  const { output } = await runOnnx(bytes, values, [IMAGES, ...shape]);
  return { bytes, expected, output };
}

describe('ONNX export of every architecture, checked with onnxruntime-web', () => {
  for (const architecture of ARCHITECTURES) {
    for (const channels of [1, 3] as const) {
      const preprocessing: Preprocessing = channels === 3 ? 'imagenet' : 'none';
      const described = channels === 3 ? ' with ImageNet preprocessing' : '';
      const name = `${architecture}, ${SIZE}×${SIZE}×${channels}${described}`;
      it(name, async () => {
        const { bytes, expected, output } = await exportAndCompare({ architecture, channels, preprocessing });
        assert.ok(Math.max(...expected) < 0.99, `the probabilities are not saturated: ${[...expected].join(', ')}`);
        const used = toleranceUsed(output, expected);
        assert.ok(used <= 1, `onnxruntime ${[...output].join(', ')}\nours ${[...expected].join(', ')}`);

        const summary = readOnnxSummary(bytes);
        assert.equal(summary.opsetVersion, 17);
        assert.deepEqual(summary.input, { name: 'images', dims: ['batch', SIZE, SIZE, channels] });
        assert.deepEqual(summary.output, { name: 'probabilities', dims: ['batch', CLASSES] });
        assert.ok(!summary.opTypes.includes('Dropout'), 'dropout is left out');
        assert.ok(summary.opTypes.includes('Softmax'));
        const producers = new Map(summary.nodes.flatMap((node) => node.outputs.map((name) => [name, node.opType])));
        for (const node of summary.nodes.filter((each) => each.opType === 'Conv'))
          assert.notEqual(producers.get(node.inputs[0] ?? ''), 'Pad', 'a zero padding before a convolution is folded');
      });
    }
  }

  it('keeps Keras "caffe" preprocessing (RGB to BGR, 0–255, mean subtracted) in the graph', async () => {
    const { expected, output } = await exportAndCompare({
      architecture: 'resnet-small',
      channels: 3,
      preprocessing: 'caffe',
    });
    assert.ok(
      toleranceUsed(output, expected) <= 1,
      `onnxruntime ${[...output].join(', ')}\nours ${[...expected].join(', ')}`,
    );
  });

  it('refuses a layer it has no ONNX counterpart for, naming the layer and its class', () => {
    const input = tfl.input({ shape: [8, 8, 1], name: 'images' });
    const upsampled = tfl.layers.upSampling2d({ name: 'enlarge', size: [2, 2] }).apply(input) as SymbolicTensor;
    const flat = tfl.layers.flatten({ name: 'flat' }).apply(upsampled) as SymbolicTensor;
    const output = tfl.layers.dense({ name: 'out', units: 2, activation: 'softmax' }).apply(flat) as SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    assert.throws(
      () => exportOnnx(model, null),
      (error: unknown) =>
        error instanceof LayerExportError &&
        /layer `enlarge` \(UpSampling2D\) has no ONNX counterpart/.test(error.message),
    );
    model.dispose();
  });

  it('refuses an activation it does not write, naming it', () => {
    const input = tfl.input({ shape: [4], name: 'values' });
    const output = tfl.layers
      .dense({ name: 'gelu_dense', units: 2, activation: 'gelu' })
      .apply(input) as SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: output });
    assert.throws(() => exportOnnx(model, null), /layer `gelu_dense` \(Dense\) uses the activation `gelu`/);
    model.dispose();
  });
});
