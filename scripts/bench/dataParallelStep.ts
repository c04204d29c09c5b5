// The halves of a data-parallel training step, shared by dataParallel.ts (main thread) and its
// worker: the trainer's loss and gradients on a part of the batch, then the update with the
// averaged gradients. Each thread runs its own tfjs with its own wasm instance, so the two
// halves really run on two cores.
import {
  argMax,
  clipByValue,
  keep,
  log,
  mean,
  mul,
  neg,
  oneHot,
  sum,
  tensor,
  tensor1d,
  tensor4d,
  tidy,
  variableGrads,
} from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageSet } from '../../src/trainer/data/dataset';
import { readImages } from '../../src/trainer/data/imageStore';

export interface Replica {
  model: LayersModel;
  variables: Variable[];
  optimizer: Optimizer;
  set: ImageSet;
  classCount: number;
}

/** Gradients as plain arrays, in the order of `variables` (what crosses between threads). */
export type GradientArrays = Float32Array[];

/**
 * Forward, loss and backward on images [start, start + count) of the set, as trainStep computes
 * them (softmax output, clipped log cross-entropy, mean over the part), the loss and argmax read
 * back. Returns the gradients as arrays.
 */
export function halfStep(replica: Replica, start: number, count: number): { grads: GradientArrays; loss: number } {
  const { set } = replica;
  const kept: { probabilities?: Tensor } = {};
  const result = tidy(() => {
    const images = tensor4d(readImages(set.images, start, count), [count, ...set.shape]);
    const labels = tensor1d(set.labels.subarray(start, start + count), 'int32');
    const targets = oneHot(labels, replica.classCount);
    const { value, grads } = variableGrads(() => {
      const output = replica.model.apply(images, { training: true }) as Tensor;
      kept.probabilities = keep(output);
      return mean(neg(sum(mul(targets, log(clipByValue(output, 1e-7, 1 - 1e-7))), -1))) as Scalar;
    }, replica.variables);
    return {
      loss: value.dataSync()[0] ?? Number.NaN,
      grads: replica.variables.map((variable) => grads[variable.name]?.dataSync() as Float32Array),
    };
  });
  if (kept.probabilities) {
    const probabilities = kept.probabilities;
    tidy(() => argMax(probabilities, -1).dataSync());
    probabilities.dispose();
  }
  return result;
}

/** Applies the mean of the two replicas' gradients (each computed over half of the batch). */
export function applyAveraged(replica: Replica, ours: GradientArrays, theirs: GradientArrays): void {
  tidy(() => {
    const named: NamedTensorMap = {};
    replica.variables.forEach((variable, index) => {
      const a = ours[index] as Float32Array;
      const b = theirs[index] as Float32Array;
      const averaged = new Float32Array(a.length);
      for (let i = 0; i < a.length; i++) averaged[i] = 0.5 * ((a[i] as number) + (b[i] as number));
      named[variable.name] = tensor(averaged, variable.shape);
    });
    replica.optimizer.applyGradients(named);
  });
}
