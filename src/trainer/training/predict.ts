import { tensor4d, tidy } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../data/dataset';
import { readImages } from '../data/imageStore';
import { inferenceRunner } from '../models/inferenceModel';

/** Class probabilities for every image of a set (inference mode), N × K row-major. */
export function predictProbabilities(model: LayersModel, set: ImageSet, batchSize: number): Float32Array {
  const classCount = model.outputs[0]?.shape[1];
  if (typeof classCount !== 'number') throw new Error('the model has no class output');
  const probabilities = new Float32Array(set.count * classCount);
  const runner = inferenceRunner(model);
  try {
    for (let start = 0; start < set.count; start += batchSize) {
      const count = Math.min(batchSize, set.count - start);
      const batch = tidy(() => {
        const images = tensor4d(readImages(set.images, start, count), [count, ...set.shape]);
        return runner.run(images).dataSync();
      });
      probabilities.set(batch, start * classCount);
    }
  } finally {
    runner.dispose();
  }
  return probabilities;
}

/** Mean categorical cross-entropy of predicted probabilities. */
export function crossEntropy(probabilities: Float32Array, labels: Int32Array, classCount: number): number {
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  labels.forEach((label, index) => {
    sum -= Math.log(Math.max(probabilities[index * classCount + label] ?? 0, 1e-7));
  });
  return sum / labels.length;
}
