// WebGPU (tfjs-backend-webgpu on Dawn; Mesa's lavapipe on a CPU-only machine) on the standard
// backbones: each one's whole-model gradients, the trainer's loss with respect to every trainable
// weight, against the cpu backend's, on tiny inputs (28×28×3 where the backbone builds for it).
// Batch normalisation runs on its moving statistics where the fresh model's outputs differ between
// images: on the statistics of a batch of 2 the last stages' 1×1 feature maps leave it normalising
// two numbers, where float rounding decides the result (cpu and webgpu differed by 1.1–2.1 times
// the largest gradient on the other four, 2026-12-07). Batch statistics on webgpu are also checked layer by layer,
// and on resnet-small and mobilenet-small, in webgpu.test.ts. Most of each test's time is the cpu
// reference (resnet50 at 28×28: about 45 s of a 48 s test under load 4, the webgpu pass 4 s).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Variable } from '@tensorflow/tfjs-core';
import { ARCHITECTURE_MIN_SIZE } from '../../../../src/shared/experiment/schema';
import type { Architecture } from '../../../../src/shared/experiment/schema';
import { buildClassifier } from '../../../../src/trainer/models/classifier';
import { SeededRandom } from '../../../../src/trainer/random';
import { values, worstDifference } from '../../../support/wasmTestSetup';
import { webgpuForTests } from '../../../support/webgpuTestSetup';

interface Backbone {
  architecture: Architecture;
  size: number;
  batch: number;
  /** Batch normalisation on the batch's statistics (training) or on its moving ones. */
  batchStatistics: boolean;
  /** Of the largest gradient value: measured on lavapipe (Mesa 25.0), and why, below. */
  tolerance: number;
}

// Measured 1.0e-6 (resnet18), 2.9e-6 (resnet50), 1.0e-6 (densenet121), 1.1e-6 (mobilenetv2): GPU
// float32 sums in another order than cpu's loops. A kernel bug (a wrong padding, a transposed
// filter, a missing gradient term) is off by far more. EfficientNet-B0 freshly initialised on
// its moving statistics gives every image the same output (its gradients, 2e-8 at most, are
// rounding noise), so it runs on the statistics of a batch of 4: there rounding that batch norm
// amplifies at 1×1 leaves 1.6e-3 against cpu (plain wasm: 3.1e-3).
const BACKBONES: readonly Backbone[] = [
  { architecture: 'resnet18', size: 28, batch: 2, batchStatistics: false, tolerance: 1e-4 },
  { architecture: 'resnet50', size: 28, batch: 2, batchStatistics: false, tolerance: 1e-4 },
  { architecture: 'densenet121', size: 32, batch: 2, batchStatistics: false, tolerance: 1e-4 },
  { architecture: 'mobilenetv2', size: 28, batch: 2, batchStatistics: false, tolerance: 1e-4 },
  { architecture: 'efficientnetb0', size: 32, batch: 4, batchStatistics: true, tolerance: 1e-2 },
];
/** A check on gradients this small would compare rounding noise. */
const SMALLEST_GRADIENT = 1e-3;

const { needsWebgpu } = webgpuForTests();

describe('the standard backbones on webgpu', () => {
  for (const { architecture, size, batch, batchStatistics, tolerance } of BACKBONES) {
    const statistics = batchStatistics ? 'batch' : 'moving';
    it(`${architecture} at ${size}×${size}×3, batch ${batch}, ${statistics} statistics: gradients match cpu`, async (t) => {
      if (!needsWebgpu(t)) return;
      assert.ok(size >= ARCHITECTURE_MIN_SIZE[architecture].size);
      await tf.setBackend('cpu');
      const shape: [number, number, number] = [size, size, 3];
      // Dropout 0: the same network on both backends.
      const { model } = buildClassifier(architecture, shape, 2, 0, new SeededRandom(4));
      const variables = model.trainableWeights.map((weight) => weight.read() as Variable);
      const x = tf.tensor4d(values(batch * size * size * 3, 5), [batch, ...shape]);
      const targets = tf.oneHot(
        tf.tensor1d(
          Array.from({ length: batch }, (_, i) => i % 2),
          'int32',
        ),
        2,
      );
      const gradients = async (backend: 'cpu' | 'webgpu'): Promise<Float32Array[]> => {
        await tf.setBackend(backend);
        const grads = tf.tidy(() => {
          const { grads: byName } = tf.variableGrads(() => {
            // The trainer's loss on a classifier ending in softmax (trainPhase.ts).
            const probabilities = model.apply(x, { training: batchStatistics }) as tf.Tensor;
            const clipped = tf.clipByValue(probabilities, 1e-7, 1 - 1e-7);
            return tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.log(clipped)), -1))) as tf.Scalar;
          }, variables);
          return variables.map((variable) => byName[variable.name] ?? tf.zeros([0]));
        });
        // Arrays after tidy: tidy would walk every number of a returned typed array.
        const arrays = grads.map((grad) => grad.dataSync() as Float32Array);
        tf.dispose(grads);
        return arrays;
      };
      const expected = await gradients('cpu');
      const tensorsBefore = tf.memory().numTensors;
      const actual = await gradients('webgpu');
      assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
      const worst = worstDifference(actual, expected);
      let largest = 0;
      for (const grad of expected) for (const value of grad) largest = Math.max(largest, Math.abs(value));
      t.diagnostic(`worst difference ${worst.toExponential(2)} of the largest gradient, ${largest.toExponential(2)}`);
      tf.dispose([x, targets]);
      model.dispose();
      assert.ok(largest > SMALLEST_GRADIENT, `${architecture}: the largest gradient is ${largest}`);
      assert.ok(worst < tolerance, `${architecture}: worst difference over ${variables.length} weights ${worst}`);
    });
  }
});
