// Where a classifier splits for the frozen-feature cache: for every architecture, with its top
// block trainable, at the tensor that enters that block (and the frozen part then the tail give
// the whole model's output); with the head alone trainable, at the base's output; nowhere when
// everything trains or when a trainable channel adapter comes first; before a batch normalisation
// that would use the batch's statistics.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import { freezeBatchNormStatistics } from '../../../../src/trainer/models/batchNormStatistics';
import { baseBlocks, selectTrainable } from '../../../../src/trainer/models/blocks';
import { attachHead, buildBase, buildClassifier } from '../../../../src/trainer/models/classifier';
import type { Classifier } from '../../../../src/trainer/models/classifier';
import { runCalls } from '../../../../src/trainer/models/layerGraph';
import { findFrozenSplit } from '../../../../src/trainer/training/frozenSplit';
import type { FrozenSplit } from '../../../../src/trainer/training/frozenSplit';
import { SeededRandom } from '../../../../src/trainer/random';
import { useWasm } from '../../../support/wasmTestSetup';

before(useWasm);

const ARCHITECTURES: Array<{ architecture: Architecture; size: number; channels: number }> = [
  { architecture: 'seed-cnn', size: 20, channels: 1 },
  { architecture: 'resnet-small', size: 16, channels: 1 },
  { architecture: 'mobilenet-small', size: 16, channels: 3 },
  { architecture: 'resnet18', size: 32, channels: 3 },
  { architecture: 'densenet121', size: 32, channels: 3 },
  { architecture: 'mobilenetv2', size: 32, channels: 3 },
  { architecture: 'efficientnetb0', size: 32, channels: 3 },
];

function classifierOf(architecture: Architecture, size: number, channels: number): Classifier {
  const classifier = buildClassifier(architecture, [size, size, channels], 2, 0.3, new SeededRandom(4));
  freezeBatchNormStatistics(classifier.base);
  return classifier;
}

function splitOf(classifier: Classifier): FrozenSplit {
  const decision = findFrozenSplit(classifier);
  assert.equal(decision.kind, 'split', decision.kind === 'none' ? decision.why : '');
  return (decision as { split: FrozenSplit }).split;
}

describe('findFrozenSplit', () => {
  for (const { architecture, size, channels } of ARCHITECTURES) {
    it(`${architecture}: before the top block when it trains; the frozen part and the tail make the model`, () => {
      const classifier = classifierOf(architecture, size, channels);
      selectTrainable(classifier, { kind: 'top-blocks', count: 1 });
      const split = splitOf(classifier);
      const top = baseBlocks(classifier).at(-1);
      assert.ok(top);
      const tail = split.graph.calls.slice(split.boundary).map((call) => call.layer);
      assert.ok(
        top.layers.every((layer) => tail.includes(layer)),
        'every layer of the top block is after the split',
      );
      const frozen = split.graph.calls.slice(0, split.boundary).map((call) => call.layer);
      assert.ok(
        frozen.every((layer) => layer.trainableWeights.length === 0 || !layer.trainable),
        'nothing before the split trains',
      );
      assert.equal(
        split.graph.calls.slice(split.boundary).filter((call) => call.layer.weights.length > 0)[0]?.layer,
        top.layers[0],
        'the first layer with weights after the split is the top block’s first',
      );

      tf.tidy(() => {
        const images = tf.randomUniform([2, size, size, channels], 0, 1, 'float32', 9);
        const whole = classifier.model.apply(images, { training: false }) as tf.Tensor;
        const { graph } = split;
        const features = runCalls(graph, { from: 0, to: split.boundary }, graph.input, images, split.features, false);
        assert.deepEqual(features.shape.slice(1), split.featureShape);
        const parts = runCalls(
          graph,
          { from: split.boundary, to: graph.calls.length },
          split.features,
          features,
          graph.output,
          false,
        );
        const difference = tf.max(tf.abs(tf.sub(parts, whole))).dataSync()[0] ?? 1;
        assert.ok(difference < 1e-5, `the parts give the model's output (difference ${difference})`);
      });
    });
  }

  it('splits at the base output when only the head trains', () => {
    const classifier = classifierOf('resnet18', 32, 3);
    selectTrainable(classifier, { kind: 'head' });
    const split = splitOf(classifier);
    assert.equal(split.features.shape.slice(1).join(), '512');
    assert.equal(split.graph.calls[split.boundary]?.layer.name, 'head_dropout');
  });

  it('does not split when every layer trains or a trainable adapter comes first; splits before training BN', () => {
    const everything = classifierOf('resnet-small', 16, 1);
    selectTrainable(everything, { kind: 'all' });
    assert.deepEqual(findFrozenSplit(everything), {
      kind: 'none',
      why: "the base's first layers are not frozen: `block1_conv` trains",
    });

    // Unfrozen batch normalisation uses the batch's statistics in training: the split comes before it.
    const trainingNorms = buildClassifier('resnet-small', [16, 16, 1], 2, 0.3, new SeededRandom(4));
    selectTrainable(trainingNorms, { kind: 'head' });
    const beforeNorm = splitOf(trainingNorms);
    const first = beforeNorm.graph.calls[beforeNorm.boundary]?.layer;
    assert.equal(first?.getClassName(), 'BatchNormalization');
    assert.equal(beforeNorm.graph.calls[beforeNorm.boundary - 1]?.layer.name, 'block1_conv');

    const base = buildBase('resnet-small', [16, 16, 3], new SeededRandom(2));
    const adapted = attachHead(base, {
      inputShape: [16, 16, 1],
      classCount: 2,
      dropout: 0,
      random: new SeededRandom(3),
    });
    freezeBatchNormStatistics(adapted.base);
    selectTrainable(adapted, { kind: 'head' });
    assert.deepEqual(findFrozenSplit(adapted), {
      kind: 'none',
      why: "the base's first layers are not frozen: `adapter` trains",
    });
  });
});
