// Two optional kernels a backend may register to run batch normalisation in training and the ReLU
// after it as one pass each way (the native path registers them on wasm: oneDNN's fuse_norm_relu).
// batchNormReluChains.ts calls them where a batch norm's only reader is a ReLU and the current
// backend has both; otherwise the two layers run as they are.
//   BATCH_NORM_RELU_TRAINING       inputs x (channels last), scale, offset [C]; attrs epsilon
//                                  outputs y = max(BN(x), 0), the batch's mean and biased variance [C],
//                                  and a workspace (int32, the backend's own record of where BN(x) > 0)
//   BATCH_NORM_RELU_TRAINING_GRAD  inputs dy, x, mean, variance, scale, offset, workspace; attrs epsilon
//                                  outputs dx, dscale, doffset (dy taken where BN(x) > 0: tfjs's ReLU step)
// The first is differentiated by the second; as with BATCH_NORM_TRAINING (batchNormKernels.ts), a
// gradient that reaches the statistics or the workspace is not followed.
import { engine, getBackend, getGradient, getKernel, registerGradient } from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import type { BatchNormAttrs } from './batchNormKernels';

export const BATCH_NORM_RELU_TRAINING = 'MedTransferBatchNormReluTraining';
export const BATCH_NORM_RELU_TRAINING_GRAD = 'MedTransferBatchNormReluTrainingGrad';

/** Whether the current backend runs both kernels. */
export function hasBatchNormReluKernels(): boolean {
  const backend = getBackend();
  return (
    getKernel(BATCH_NORM_RELU_TRAINING, backend) !== undefined &&
    getKernel(BATCH_NORM_RELU_TRAINING_GRAD, backend) !== undefined
  );
}

function attrs(epsilon: number): NamedAttrMap {
  const map: BatchNormAttrs = { epsilon };
  return map as unknown as NamedAttrMap;
}

/** [y, mean, variance, workspace]: the workspace is for the gradient alone. */
export function runBatchNormReluTraining(x: Tensor, scale: Tensor, offset: Tensor, epsilon: number): Tensor[] {
  return engine().runKernel(BATCH_NORM_RELU_TRAINING, { x, scale, offset }, attrs(epsilon)) as Tensor[];
}

const gradient: GradConfig = {
  kernelName: BATCH_NORM_RELU_TRAINING,
  inputsToSave: ['x', 'scale', 'offset'],
  // Not y: the workspace holds its mask, so y is freed once the next layer has read it.
  outputsToSave: [false, true, true, true],
  gradFunc: (dys, saved, kernelAttrs) => {
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [x, scale, offset, mean, variance, workspace] = saved;
    if ([dy, x, scale, offset, mean, variance, workspace].some((tensor) => tensor === undefined || tensor === null)) {
      throw new Error(`${BATCH_NORM_RELU_TRAINING}: gradient called without dy or the saved tensors`);
    }
    const epsilon = (kernelAttrs as unknown as BatchNormAttrs).epsilon;
    // All three in one kernel, run here (batchNormKernels.ts says why).
    const grads = engine().runKernel(
      BATCH_NORM_RELU_TRAINING_GRAD,
      { dy, x, mean, variance, scale, offset, workspace } as NamedTensorMap,
      attrs(epsilon),
    ) as Tensor[];
    const pick = (index: number) => (): Tensor => {
      const grad = grads[index];
      if (grad === undefined) throw new Error(`${BATCH_NORM_RELU_TRAINING_GRAD}: returned fewer than three gradients`);
      return grad;
    };
    return { x: pick(0), scale: pick(1), offset: pick(2) };
  },
};

/** Registers BATCH_NORM_RELU_TRAINING's gradient (once; it applies on any backend that has both kernels). */
export function registerBatchNormReluGradient(): void {
  if (getGradient(BATCH_NORM_RELU_TRAINING) === undefined) registerGradient(gradient);
}
