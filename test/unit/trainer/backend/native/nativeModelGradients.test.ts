// Whole-model gradients on the native path against plain wasm: every architecture we train, in
// training mode (batch norm on batch statistics), the loss's gradient with respect to every
// trainable weight. Plain wasm is itself checked against cpu kernel by kernel (wasmGradients/);
// this shows the native kernels change nothing a model sees but rounding. Batch 4 at 32×32: at
// batch 2 and 1×1 feature maps batch norm divides by the spread of two numbers, and wasm and cpu
// already disagree there by orders of magnitude. The four deep torchvision backbones are checked
// with batch norm on its moving statistics: on batch statistics of 4 images at 1×1, a rounding
// difference (native convolutions equal cpu's bit for bit, wasm's differ by 1e-6) moves some ReLU6
// masks and then their gradients by a few percent, though every native call matches cpu to 1e-6.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { ARCHITECTURES, ARCHITECTURE_MIN_SIZE } from '../../../../../src/shared/experiment/schema';
import { buildClassifier } from '../../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../../src/trainer/random';
import { skipIfMissing } from '../../../../support/prerequisites';
import { nativeAddonOrReason, useNativeKernels } from '../../../../support/nativeTestSetup';
import { values, worstDifference } from '../../../../support/wasmTestSetup';

const TOLERANCE = 1e-3;
/** Where masks may still move (see above), on another CPU's oneDNN kernels; 5e-3 at most here. */
const DEEP_TOLERANCE = 1e-2;
const DEEP: ReadonlySet<string> = new Set(['resnet50', 'densenet121', 'mobilenetv2', 'efficientnetb0']);
const BATCH = 4;
const SIZE = 32;
const CLASSES = 3;
const found = nativeAddonOrReason();
const skip = skipIfMissing('reason' in found ? found.reason : false);

describe('whole-model gradients, native kernels against plain wasm', { skip }, () => {
  before(async () => {
    if ('addon' in found) await useNativeKernels(found.addon, false);
  });

  for (const architecture of ARCHITECTURES) {
    const deep = DEEP.has(architecture);
    it(`${architecture} at 32×32×3, batch 4, batch norm on ${deep ? 'moving' : 'batch'} statistics`, async () => {
      if (!('addon' in found)) return;
      const size = Math.max(SIZE, ARCHITECTURE_MIN_SIZE[architecture].size);
      const shape: [number, number, number] = [size, size, 3];
      // No dropout: both passes must see the same network.
      const { model } = buildClassifier(architecture, shape, CLASSES, 0, new SeededRandom(4));
      const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
      const x = tf.tensor4d(values(BATCH * size * size * 3, 5), [BATCH, ...shape]);
      const labels = tf.oneHot(tf.tensor1d([0, 2, 1, 0], 'int32'), CLASSES);
      const gradients = async (native: boolean): Promise<Float32Array[]> => {
        await useNativeKernels(found.addon, native);
        // Tensors out of tidy, arrays after: tidy would walk every number of a returned typed array.
        const grads = tf.tidy(() => {
          const { grads: byName } = tf.variableGrads(() => {
            const logits = model.apply(x, { training: !deep }) as tf.Tensor;
            // Cross-entropy by hand: tf.losses' custom gradient trips IS_TEST's per-op leak check on wasm.
            return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
          }, variables);
          return variables.map((variable) => byName[variable.name] ?? tf.zeros([0]));
        });
        const arrays = grads.map((grad) => grad.dataSync() as Float32Array);
        tf.dispose(grads);
        return arrays;
      };
      const tensorsBefore = tf.memory().numTensors;
      const plain = await gradients(false);
      const native = await gradients(true);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      const worst = worstDifference(native, plain);
      tf.dispose([x, labels]);
      model.dispose();
      assert.ok(
        worst < (deep ? DEEP_TOLERANCE : TOLERANCE),
        `${architecture}: worst relative difference over ${variables.length} weights ${worst}`,
      );
    });
  }
});
