// Each torchvision backbone, with a state dict PyTorch made (every batch-norm tensor randomised)
// read from .safetensors and mapped name by name, gives PyTorch's logits on the same images, at
// 64×64 and at an odd 45×39 (explicit padding and floor rounding as PyTorch's), within 1e-4.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { buildBase } from '../../../../src/trainer/models/classifier';
import { TORCHVISION_ARCHITECTURES } from '../../../../src/trainer/models/architectureTable';
import type { TorchvisionArchitectureName } from '../../../../src/trainer/models/architectureTable';
import { SeededRandom } from '../../../../src/trainer/random';
import { loadTorchvisionWeights } from '../../../../src/trainer/weights/loadTorchvisionWeights';
import { readSafetensors } from '../../../../src/trainer/weights/safetensors';
import { skipMissing } from '../../../support/prerequisites';
import {
  FIXTURE_CLASSES,
  FIXTURE_SIZES,
  fixtureImages,
  fixtureLogits,
  fixtureWeights,
  torchvisionFixtures,
} from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/pythonFixtures';
import { relativeDifference, useWasm } from '../../../support/wasmTestSetup';

const TOLERANCE = 1e-4;

let fixtures: FixturesResult;
before(async () => {
  await useWasm();
  tf.env().set('IS_TEST', false);
  fixtures = await torchvisionFixtures();
});

describe('torchvision backbones from safetensors give PyTorch’s logits', () => {
  for (const architecture of Object.keys(TORCHVISION_ARCHITECTURES) as TorchvisionArchitectureName[]) {
    it(architecture, async (context) => {
      if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
      const map = await readSafetensors(fixtureWeights(fixtures.dir, architecture));
      const expected = await fixtureLogits(fixtures.dir, architecture);
      for (const size of FIXTURE_SIZES) {
        const images = await fixtureImages(fixtures.dir, size);
        const [, height = 0, width = 0] = images.shape;
        const base = buildBase(architecture, [height, width, 3], new SeededRandom(1));
        const { head } = loadTorchvisionWeights(base, architecture, map, `${architecture}.safetensors`);
        assert.ok(head, 'the file’s head is reported');
        assert.equal(head.classes, FIXTURE_CLASSES);
        const logits = tf.tidy(() => {
          const features = base.predict(tf.tensor4d(images.values, images.shape as [number, number, number, number]));
          const kernel = tf.tensor2d(head.kernel, [head.features, head.classes]);
          return tf.add(tf.matMul(features as tf.Tensor2D, kernel), tf.tensor1d(head.bias)).dataSync() as Float32Array;
        });
        const reference = Float32Array.from((expected[size] ?? []).flat());
        const difference = relativeDifference(logits, reference);
        assert.ok(difference < TOLERANCE, `${architecture} at ${size}: relative difference ${difference}`);
        base.dispose();
      }
    });
  }
});
