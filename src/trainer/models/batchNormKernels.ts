// Two optional kernels a backend may register to run batch normalisation in training as one pass
// each way (the native path registers them on wasm, src/trainer/backend/native/): FastBatchNormalization
// calls them where the current backend has both, and otherwise composes tfjs ops.
//   BATCH_NORM_TRAINING      inputs x (channels last), scale, offset [C]; attrs epsilon
//                            outputs y, and the batch's mean and biased variance [C]
//   BATCH_NORM_TRAINING_GRAD inputs dy, x, mean, variance, scale, offset; attrs epsilon
//                            outputs dx, dscale, doffset (the statistics counted as functions of x)
// The first is differentiated by the second (registerBatchNormGradient); the statistics it returns
// are for the moving averages: a gradient that reaches them is not followed.
import { engine, getBackend, getGradient, getKernel, registerGradient } from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';

export const BATCH_NORM_TRAINING = 'MedTransferBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD = 'MedTransferBatchNormTrainingGrad';

export interface BatchNormAttrs {
  epsilon: number;
}

/** Whether the current backend runs both kernels. */
export function hasBatchNormKernels(): boolean {
  const backend = getBackend();
  return (
    getKernel(BATCH_NORM_TRAINING, backend) !== undefined && getKernel(BATCH_NORM_TRAINING_GRAD, backend) !== undefined
  );
}

function attrs(epsilon: number): NamedAttrMap {
  const map: BatchNormAttrs = { epsilon };
  return map as unknown as NamedAttrMap;
}

/** [y, mean, variance] */
export function runBatchNormTraining(x: Tensor, scale: Tensor, offset: Tensor, epsilon: number): Tensor[] {
  return engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, attrs(epsilon)) as Tensor[];
}

const gradient: GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'scale', 'offset'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, kernelAttrs) => {
    // One gradient per output; only y's is followed (see above).
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const [x, scale, offset, mean, variance] = saved;
    if ([dy, x, scale, offset, mean, variance].some((tensor) => tensor === undefined || tensor === null)) {
      throw new Error(`${BATCH_NORM_TRAINING}: gradient called without dy or the saved tensors`);
    }
    const epsilon = (kernelAttrs as unknown as BatchNormAttrs).epsilon;
    // One kernel gives all three, run here: tfjs asks for each input's gradient inside a tidy of
    // its own, which would dispose the other two.
    const grads = engine().runKernel(
      BATCH_NORM_TRAINING_GRAD,
      { dy, x, mean, variance, scale, offset } as NamedTensorMap,
      attrs(epsilon),
    ) as Tensor[];
    const pick = (index: number) => (): Tensor => {
      const grad = grads[index];
      if (grad === undefined) throw new Error(`${BATCH_NORM_TRAINING_GRAD}: returned fewer than three gradients`);
      return grad;
    };
    return { x: pick(0), scale: pick(1), offset: pick(2) };
  },
};

/** Registers BATCH_NORM_TRAINING's gradient (once; it applies on any backend that has both kernels). */
export function registerBatchNormGradient(): void {
  if (getGradient(BATCH_NORM_TRAINING) === undefined) registerGradient(gradient);
}
