// Whether tensors hold only finite values, computed on the backend and read as one small vector:
// x·0 is 0 for every finite x and NaN for NaN and ±Infinity, so the sum of t·0 is 0 exactly when
// all of t is finite. A few elementwise ops over the parameters per check, against a training
// step's convolutions over every image of the batch; no weight is copied to the CPU.
import { mul, stack, sum, tidy } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A tensor of one value per input: 0 when that tensor is all finite, NaN otherwise. Call inside tidy. */
export function finiteGuard(tensors: Tensor[]): Tensor {
  return stack(tensors.map((tensor) => sum(mul(tensor, 0))));
}

/** The names of the model's weights (trainable or not: batch-norm statistics too) that hold a NaN or ±Infinity. */
export function nonFiniteWeights(model: LayersModel): string[] {
  const weights = model.weights;
  if (weights.length === 0) return [];
  const guards = tidy(() => finiteGuard(weights.map((weight) => weight.read())).dataSync());
  return weights.flatMap((weight, index) => (guards[index] === 0 ? [] : [weight.originalName]));
}

/** `dense/kernel, conv2d/bias and 3 more` */
export function listWeights(names: string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}
