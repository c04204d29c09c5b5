// The guards inside a training phase, on the real wasm backend with the real models: a NaN that
// reaches the gradients stops the phase before the update, and a weight that becomes non-finite
// outside the gradients (a batch-norm statistic) stops it at the end of the epoch. The CLI can no
// longer feed them one (data, pretrained models and checkpoints are checked when read), so they
// are driven here, a few steps each. On plain wasm (finiteGuard's tfjs composition) and with the
// native kernels (one MedTransferFiniteFlags kernel a check, which must have run).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { tensor } from '@tensorflow/tfjs-core';
import type { ImageSet, ImageShape } from '../../../../src/trainer/data/dataset';
import { floatStore } from '../../../../src/trainer/data/imageStore';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import type { Classifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { nonFiniteWeights } from '../../../../src/trainer/training/finiteWeights';
import { createOptimizer } from '../../../../src/trainer/training/optimizers';
import { StopSignal } from '../../../../src/trainer/training/stopSignal';
import { DivergedError, trainPhase } from '../../../../src/trainer/training/trainPhase';
import type { PhaseOutcome } from '../../../../src/trainer/training/trainPhase';
import type { NativeAddon } from '../../../../src/trainer/backend/native/nativeAddon';
import { unregisterNativeKernels } from '../../../../src/trainer/backend/native/registerNativeKernels';
import { makeSet, pixelsOf } from '../../../support/dataHelpers';
import { nativeAddonOrReason, useNativeKernels } from '../../../support/nativeTestSetup';
import { skipIfMissing } from '../../../support/prerequisites';
import { useWasm } from '../../../support/wasmTestSetup';

const SHAPE: ImageShape = [20, 20, 1];

const found = nativeAddonOrReason();

let nativeChecks = 0;
function counting(addon: NativeAddon): NativeAddon {
  return {
    ...addon,
    finiteFlags: (...args) => {
      nativeChecks++;
      addon.finiteFlags(...args);
    },
  };
}

/** 32 images of two classes (a bright square or not), in [0, 1]. */
function images(): ImageSet {
  const labels = Array.from({ length: 32 }, (_, n) => n % 2);
  return makeSet(32, SHAPE, labels, (n, y, x) => (n % 2 === 1 && y > 5 && y < 14 && x > 5 && x < 14 ? 0.9 : 0.1));
}

function train(classifier: Classifier, set: ImageSet): Promise<PhaseOutcome> {
  return trainPhase({
    phase: 'finetune',
    classifier,
    train: set,
    val: images(),
    classes: ['a', 'b'],
    positiveClass: 1,
    epochs: 1,
    batchSize: 16,
    optimizer: createOptimizer('adam', 1e-3),
    learningRate: 1e-3,
    classWeights: null,
    augment: null,
    features: null,
    earlyStopping: null,
    random: new SeededRandom(1),
    stop: new StopSignal(),
    emit: () => undefined,
    resume: null,
    onEpochEnd: null,
  });
}

for (const native of [false, true]) {
  const skip = native ? skipIfMissing('reason' in found ? found.reason : false) : false;
  describe(`finite weights during a training phase (${native ? 'native kernels' : 'plain wasm'})`, { skip }, () => {
    beforeEach(async () => {
      if (native && 'addon' in found) await useNativeKernels(counting(found.addon));
      else {
        await useWasm();
        unregisterNativeKernels();
      }
    });

    /** The native check ran at least once during `run` (native), or never (plain wasm). */
    async function checking(run: () => Promise<void>): Promise<void> {
      const before = nativeChecks;
      await run();
      if (native) assert.ok(nativeChecks > before, 'the native finiteness check did not run');
      else assert.equal(nativeChecks, before, 'the native finiteness check ran on plain wasm');
    }

    it('trains clean data with every weight finite', async () => {
      const classifier = buildClassifier('seed-cnn', SHAPE, 2, 0.3, new SeededRandom(2));
      await checking(async () => {
        const outcome = await train(classifier, images());
        assert.equal(outcome.epochsRun, 1);
      });
      assert.deepEqual(nonFiniteWeights(classifier.model), []);
    });

    it('stops before an update whose gradients are NaN although the loss is finite, leaving the weights finite', async () => {
      const classifier = buildClassifier('seed-cnn', SHAPE, 2, 0.3, new SeededRandom(2));
      const set = images();
      const pixels = pixelsOf(set);
      pixels[5 * 400 + 47] = Number.NaN;
      set.images = floatStore(pixels, set.count, set.shape);
      await checking(() =>
        assert.rejects(
          train(classifier, set),
          (error: unknown) =>
            error instanceof DivergedError &&
            /^the gradients became NaN or infinite at epoch 1 batch \d of finetune although the loss was finite \(\d\.\d{3}\): .*the phase stopped before the update; nothing of this epoch was kept \(no checkpoint, no saved model\)$/.test(
              error.message,
            ),
        ),
      );
      assert.deepEqual(nonFiniteWeights(classifier.model), []);
    });

    it('stops at the end of the epoch when a weight outside the gradients (a batch-norm statistic) is not finite', async () => {
      const classifier = buildClassifier('resnet-small', SHAPE, 2, 0.3, new SeededRandom(2));
      const movingMean = classifier.model.weights.find((weight) => weight.originalName.endsWith('moving_mean'));
      assert.ok(movingMean, 'resnet-small has batch normalisation');
      const current = movingMean.read();
      const values = current.dataSync().slice();
      values[0] = Number.POSITIVE_INFINITY;
      movingMean.write(tensor(values, current.shape));
      await checking(() =>
        assert.rejects(
          train(classifier, images()),
          (error: unknown) =>
            error instanceof DivergedError &&
            error.message.startsWith(`after epoch 1 of finetune the weights ${movingMean.originalName} hold NaN`),
        ),
      );
    });
  });
}
