// Two optional kernels a backend may register to run ReLU and ReLU6 in one pass each way (the
// native path registers them on wasm): FastActivation calls them where the current backend has
// both, and otherwise runs tfjs-layers' activations (ReLU6 = minimum(6, relu(x)), whose gradient
// takes six kernels).
//   CLIPPED_RELU       input x; attrs max (6, or Infinity for ReLU); output min(max(x, 0), max)
//   CLIPPED_RELU_GRAD  inputs dy, y (the forward output); attrs max; output dy where 0 < y < max, else 0
// The gradient's mask is tfjs's: 0 at x = 0 (ReLU's step) and at x = max (minimum's).
import { engine, getBackend, getGradient, getKernel, registerGradient } from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

export const CLIPPED_RELU = 'MedTransferClippedRelu';
export const CLIPPED_RELU_GRAD = 'MedTransferClippedReluGrad';

export interface ClippedReluAttrs {
  max: number;
}

export function hasClippedReluKernels(): boolean {
  const backend = getBackend();
  return getKernel(CLIPPED_RELU, backend) !== undefined && getKernel(CLIPPED_RELU_GRAD, backend) !== undefined;
}

function attrs(max: number): NamedAttrMap {
  const map: ClippedReluAttrs = { max };
  return map as unknown as NamedAttrMap;
}

export function runClippedRelu(x: Tensor, max: number): Tensor {
  return engine().runKernel(CLIPPED_RELU, { x }, attrs(max)) as Tensor;
}

const gradient: GradConfig = {
  kernelName: CLIPPED_RELU,
  outputsToSave: [true],
  gradFunc: (dy, saved, kernelAttrs) => {
    const [y] = saved;
    if (Array.isArray(dy) || y === undefined) throw new Error(`${CLIPPED_RELU}: gradient called without dy or y`);
    const max = (kernelAttrs as unknown as ClippedReluAttrs).max;
    return { x: () => engine().runKernel(CLIPPED_RELU_GRAD, { dy, y }, attrs(max)) as Tensor };
  },
};

/** Registers CLIPPED_RELU's gradient (once; it applies on any backend that has both kernels). */
export function registerClippedReluGradient(): void {
  if (getGradient(CLIPPED_RELU) === undefined) registerGradient(gradient);
}
