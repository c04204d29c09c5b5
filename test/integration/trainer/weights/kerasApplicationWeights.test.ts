// Keras weights-only .h5 files of keras.applications' ResNet50 and DenseNet121, as RadImageNet
// ships its backbones: their layer names mapped onto our torchvision-named layers, the
// convolutions' biases and Keras' batch norm ε folded into the batch norms, and ResNet50 built as
// Keras defines it (v1: the stride in the first 1×1). The fixtures' values come from a torch model
// built to Keras' definitions (TensorFlow is not installed here); the logits agree within 1e-4 at
// 64×64. Loaded onto torchvision's v1.5 topology instead, the same tensors give other logits:
// which is why the shapes' agreement alone must not decide.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildBase } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { kerasApplicationStateDict } from '../../../../src/trainer/weights/kerasApplicationWeights';
import { readKerasH5 } from '../../../../src/trainer/weights/kerasH5';
import { loadTorchvisionWeights } from '../../../../src/trainer/weights/loadTorchvisionWeights';
import type { TorchvisionHead } from '../../../../src/trainer/weights/loadTorchvisionWeights';
import { baseFromWeightFile } from '../../../../src/trainer/weights/weightFileBase';
import { skipMissing } from '../../../support/prerequisites';
import { fixtureImages } from '../../../support/torchvisionFixtures';
import { weightReaderFixtures } from '../../../support/weightReaderFixtures';
import type { FixturesResult } from '../../../support/weightReaderFixtures';
import { relativeDifference, useWasm } from '../../../support/wasmTestSetup';

const TOLERANCE = 1e-4;

let fixtures: FixturesResult;
before(async () => {
  await useWasm();
  tf.env().set('IS_TEST', false);
  fixtures = await weightReaderFixtures();
});

async function expectedLogits(dir: string, stem: string): Promise<Float32Array> {
  const { logits } = JSON.parse(await readFile(join(dir, `${stem}.logits.json`), 'utf8')) as { logits: number[][] };
  return Float32Array.from(logits.flat());
}

async function logitsOf(dir: string, base: LayersModel, head: TorchvisionHead): Promise<Float32Array> {
  const images = await fixtureImages(dir, '64x64');
  return tf.tidy(() => {
    const features = base.predict(tf.tensor4d(images.values, images.shape as [number, number, number, number]));
    const kernel = tf.tensor2d(head.kernel, [head.features, head.classes]);
    return tf.add(tf.matMul(features as tf.Tensor2D, kernel), tf.tensor1d(head.bias)).dataSync() as Float32Array;
  });
}

describe('Keras weights-only files of ResNet50 and DenseNet121', () => {
  for (const [stem, architecture] of [
    ['keras_resnet50_v1', 'resnet50'],
    ['keras_densenet121', 'densenet121'],
  ] as const) {
    it(`${stem}.h5 on ${architecture} gives the Keras definition's logits`, async (context) => {
      if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
      const path = join(fixtures.dir, `${stem}.h5`);
      const loaded = await baseFromWeightFile(path, architecture, [64, 64], new SeededRandom(1));
      assert.equal(loaded.preprocessing, 'caffe');
      assert.ok(loaded.head, "the file's head is reported");
      assert.equal(loaded.head.classes, 10);
      const difference = relativeDifference(
        await logitsOf(fixtures.dir, loaded.base, loaded.head),
        await expectedLogits(fixtures.dir, stem),
      );
      assert.ok(difference < TOLERANCE, `${stem}: relative difference ${difference}`);
      loaded.base.dispose();
    });
  }

  it("describes Keras' ResNet50 as v1, and torchvision's v1.5 topology would compute something else", async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const path = join(fixtures.dir, 'keras_resnet50_v1.h5');
    const loaded = await baseFromWeightFile(path, 'resnet50', [64, 64], new SeededRandom(1));
    assert.match(loaded.architecture, /v1 form/);
    assert.match(loaded.description, /keras_resnet50_v1\.h5 \(keras-h5 weights only, 265 tensors\)/);
    loaded.base.dispose();
    const map = kerasApplicationStateDict(await readKerasH5(path), 'keras-resnet50', 'keras_resnet50_v1.h5');
    const v15 = buildBase('resnet50', [64, 64, 3], new SeededRandom(1));
    const { head } = loadTorchvisionWeights(v15, 'resnet50', map, 'keras_resnet50_v1.h5');
    assert.ok(head);
    const difference = relativeDifference(
      await logitsOf(fixtures.dir, v15, head),
      await expectedLogits(fixtures.dir, 'keras_resnet50_v1'),
    );
    assert.ok(difference > 0.05, `v1.5 would differ from Keras' v1: relative difference ${difference}`);
    v15.dispose();
  });

  it('refuses a Keras ResNet50 file for another architecture, saying which it fits', async (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    await assert.rejects(
      baseFromWeightFile(join(fixtures.dir, 'keras_resnet50_v1.h5'), 'densenet121', [64, 64], new SeededRandom(1)),
      /keras_resnet50_v1\.h5 holds Keras ResNet50 \(as RadImageNet's\) weights only \(no model_config\), which load onto model\.architecture resnet50, not densenet121/,
    );
  });
});
