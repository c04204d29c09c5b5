// Each torchvision backbone trains on the default wasm backend, as a run fine-tunes it: imported
// weights, a new head, batch norm of the base in inference mode, every layer trainable, the
// trainer's own step (trainStep). Two steps on one batch: the loss is finite and falls, and the
// base's batch-norm statistics stay the file's. The fixtures' random weights give features far
// larger than ImageNet weights do (ResNet-50's average 4.7 over 2,048, EfficientNet's reach 160),
// which saturate a fresh head's softmax, where the clipped loss has no gradient: the head is
// scaled to give logits within ±1 on the batch. Plain SGD at a small rate: Adam's first step
// moves every one of millions of weights by the whole rate.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { freezeBatchNormStatistics } from '../../../../src/trainer/models/batchNormStatistics';
import { selectTrainable } from '../../../../src/trainer/models/blocks';
import { attachHead, buildBase } from '../../../../src/trainer/models/classifier';
import { TORCHVISION_ARCHITECTURES } from '../../../../src/trainer/models/architectureTable';
import type { TorchvisionArchitectureName } from '../../../../src/trainer/models/architectureTable';
import { SeededRandom } from '../../../../src/trainer/random';
import { createOptimizer } from '../../../../src/trainer/training/optimizers';
import { trainStep } from '../../../../src/trainer/training/trainStep';
import { loadTorchvisionWeights } from '../../../../src/trainer/weights/loadTorchvisionWeights';
import { readSafetensors } from '../../../../src/trainer/weights/safetensors';
import { skipMissing } from '../../../support/prerequisites';
import { fixtureWeights, torchvisionFixtures } from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/pythonFixtures';
import { useWasm, values } from '../../../support/wasmTestSetup';

const SIZE = 64;
const COUNT = 4;
const CLASSES = 4;

function scaleHeadToUnitLogits(model: tfl.LayersModel, base: tfl.LayersModel, batch: { images: Float32Array }): void {
  const head = model.getLayer('head_dense');
  tf.tidy(() => {
    const [kernel, bias] = head.getWeights() as [tf.Tensor, tf.Tensor];
    const features = base.predict(tf.tensor4d(batch.images, [COUNT, SIZE, SIZE, 3])) as tf.Tensor2D;
    const largest = tf.max(tf.abs(tf.matMul(features, kernel as tf.Tensor2D))).dataSync()[0] ?? 1;
    head.setWeights([tf.div(kernel, largest), bias]);
  });
}

let fixtures: FixturesResult;
before(async () => {
  await useWasm();
  tf.env().set('IS_TEST', false);
  fixtures = await torchvisionFixtures();
});

describe('torchvision backbones fine-tune on wasm', () => {
  for (const architecture of Object.keys(TORCHVISION_ARCHITECTURES) as TorchvisionArchitectureName[]) {
    it(`${architecture}: two steps at ${SIZE}×${SIZE}, loss finite and falling, base statistics kept`, async (context) => {
      if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
      assert.equal(tf.getBackend(), 'wasm');
      const base = buildBase(architecture, [SIZE, SIZE, 3], new SeededRandom(1));
      const map = await readSafetensors(fixtureWeights(fixtures.dir, architecture));
      loadTorchvisionWeights(base, architecture, map, `${architecture}.safetensors`);
      const classifier = attachHead(base, {
        inputShape: [SIZE, SIZE, 3],
        classCount: CLASSES,
        dropout: 0,
        random: new SeededRandom(2),
      });
      assert.ok(freezeBatchNormStatistics(classifier.base) > 0);
      selectTrainable(classifier, { kind: 'all' });
      const norm = base.layers.find((layer) => layer.getClassName() === 'BatchNormalization');
      const statisticsBefore = norm?.getWeights()[2]?.dataSync().slice();

      const context_ = {
        model: classifier.model,
        shape: [SIZE, SIZE, 3] as [number, number, number],
        variables: classifier.model.trainableWeights.map((weight) => weight.read() as tf.Variable),
        classCount: CLASSES,
        classWeights: null,
        optimizer: createOptimizer('sgd', 1e-6),
      };
      const batch = {
        images: values(COUNT * SIZE * SIZE * 3, 3).map((value) => value + 0.5),
        labels: Int32Array.from([0, 1, 2, 3]),
        count: COUNT,
      };
      scaleHeadToUnitLogits(classifier.model, base, batch);
      const tensorsBefore = tf.memory().numTensors;
      const first = trainStep(context_, batch);
      const second = trainStep(context_, batch);
      assert.ok(Number.isFinite(first.loss) && Number.isFinite(second.loss), `${first.loss}, ${second.loss}`);
      assert.ok(second.loss < first.loss, `the loss went from ${first.loss} to ${second.loss}`);
      assert.deepEqual(norm?.getWeights()[2]?.dataSync(), statisticsBefore, 'moving mean unchanged');
      context_.optimizer.dispose();
      // The momentum of each trainable weight is all that stays.
      assert.ok(tf.memory().numTensors <= tensorsBefore + context_.variables.length + 1);
      classifier.model.dispose();
    });
  }
});
