// Whether tensors hold only finite values, computed on the backend and read as one small vector:
// x·0 is 0 for every finite x and NaN for NaN and ±Infinity, so the sum of t·0 is 0 exactly when
// all of t is finite. A few elementwise ops over the parameters per check, against a training
// step's convolutions over every image of the batch; no weight is copied to the CPU. Where the
// backend has MedTransferFiniteFlags (the native kernels on wasm: backend/native/nativeFiniteKernels.ts),
// one kernel checks all the tensors in one pass instead: resnet18's 62 gradients took 62 multiplies
// and 62 sums on wasm's one thread every step.
import { engine, getBackend, getKernel, mul, scalar, stack, sum, tidy } from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Inputs named '0', '1', … (any number, float32), output one float32 a input: 0 where that input is
 * all finite, NaN otherwise (finiteGuard's result).
 */
export const FINITE_FLAGS = 'MedTransferFiniteFlags';

/** A tensor of one value per input: 0 when that tensor is all finite, NaN otherwise. Call inside tidy. */
export function finiteGuard(tensors: Tensor[]): Tensor {
  if (tensors.length > 0 && tensors.every((tensor) => tensor.dtype === 'float32') && hasFiniteFlagsKernel()) {
    const inputs: NamedTensorMap = Object.fromEntries(tensors.map((tensor, index) => [String(index), tensor]));
    return engine().runKernel(FINITE_FLAGS, inputs) as Tensor;
  }
  // An empty tensor is finite: wasm's Sum of no values returns whatever its output memory held.
  return stack(tensors.map((tensor) => (tensor.size === 0 ? scalar(0) : sum(mul(tensor, 0)))));
}

export function hasFiniteFlagsKernel(): boolean {
  return getKernel(FINITE_FLAGS, getBackend()) !== undefined;
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
