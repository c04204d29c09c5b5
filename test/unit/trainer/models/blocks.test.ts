// The blocks `trainableBlocks` counts, per architecture: each declares them (stem and stages for
// ResNet, stem, dense blocks and transitions for DenseNet, `features.N` for MobileNetV2 and
// EfficientNet, `blockN_` for the small ones), a base loaded back from its saved form gets the
// same blocks, and selecting the top blocks makes exactly their layers trainable.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import { baseBlocks, countParams, selectTrainable } from '../../../../src/trainer/models/blocks';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

const EXPECTED: Record<Architecture, { blocks: string[]; baseParams?: number }> = {
  'seed-cnn': { blocks: ['block1', 'block2', 'block3', 'features'] },
  'resnet-small': { blocks: ['block1', 'block2', 'block3', 'block4'] },
  'mobilenet-small': { blocks: ['block1', 'block2', 'block3', 'block4', 'block5'] },
  // Weights without the head, batch-norm statistics included: torchvision's state dicts' counts
  // (num_batches_tracked and the classifier left out).
  resnet18: { blocks: ['stem', 'layer1', 'layer2', 'layer3', 'layer4'], baseParams: 11_186_112 },
  resnet50: { blocks: ['stem', 'layer1', 'layer2', 'layer3', 'layer4'], baseParams: 23_561_152 },
  densenet121: {
    blocks: [
      'stem',
      'denseblock1',
      'transition1',
      'denseblock2',
      'transition2',
      'denseblock3',
      'transition3',
      'denseblock4',
    ],
    baseParams: 7_037_504,
  },
  mobilenetv2: { blocks: Array.from({ length: 19 }, (_, index) => `features.${index}`), baseParams: 2_257_984 },
  efficientnetb0: { blocks: Array.from({ length: 9 }, (_, index) => `features.${index}`), baseParams: 4_049_564 },
};

const SIZE = { 'seed-cnn': 28, 'resnet-small': 28, 'mobilenet-small': 28 } as Partial<Record<Architecture, number>>;

describe('base blocks', () => {
  for (const [architecture, expected] of Object.entries(EXPECTED) as Array<
    [Architecture, (typeof EXPECTED)['seed-cnn']]
  >) {
    it(`${architecture}: ${expected.blocks.length} blocks, the top ones selectable`, async () => {
      const size = SIZE[architecture] ?? 32;
      const classifier = buildClassifier(architecture, [size, size, 3], 2, 0, new SeededRandom(2));
      const blocks = baseBlocks(classifier);
      assert.deepEqual(
        blocks.map((block) => block.name),
        expected.blocks,
      );
      if (expected.baseParams !== undefined) assert.equal(countParams(classifier.base.weights), expected.baseParams);

      selectTrainable(classifier, { kind: 'top-blocks', count: 2 });
      const trainable = new Set(classifier.model.trainableWeights.map((weight) => weight.originalName));
      blocks.forEach((block, index) => {
        for (const layer of block.layers)
          for (const weight of layer.trainableWeights.length > 0 ? layer.trainableWeights : layer.weights)
            assert.equal(trainable.has(weight.originalName), index >= blocks.length - 2, weight.originalName);
      });
      assert.ok(trainable.has('head_dense/kernel'));

      // Saved and loaded again (as `pretrained` loads a model folder), the base has the same blocks
      // (the ResNets skipped: 45–95 MB through serialisation for the same names).
      if (architecture === 'resnet18' || architecture === 'resnet50') {
        classifier.model.dispose();
        return;
      }
      const saved = await saveAndLoad(classifier.model);
      const loadedBase = saved.layers.find((layer) => layer.name === 'base') as tfl.LayersModel;
      assert.deepEqual(
        baseBlocks({ model: saved, base: loadedBase }).map((block) => block.layers.map((layer) => layer.name)),
        blocks.map((block) => block.layers.map((layer) => layer.name)),
      );
      classifier.model.dispose();
      saved.dispose();
    });
  }
});

async function saveAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('not saved');
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts));
}
