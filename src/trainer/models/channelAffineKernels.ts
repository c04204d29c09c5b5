// An optional kernel a backend may register to run batch normalisation with fixed statistics (as
// in inference) in one pass: y = x · scale[c] + offset[c] over the last axis, with scale = γ/√(σ²+ε)
// and offset = β − μ·scale computed per channel by FastBatchNormalization. The native path registers
// it on wasm, whose FusedBatchNorm runs one thread. Its gradient (saliency and frozen batch norm
// differentiate through it) is tfjs ops: dx = dy·scale, dscale = Σ dy·x, doffset = Σ dy.
import { engine, getBackend, getGradient, getKernel, mul, registerGradient, sum } from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';

export const CHANNEL_AFFINE = 'MedTransferChannelAffine';

export function hasChannelAffineKernel(): boolean {
  return getKernel(CHANNEL_AFFINE, getBackend()) !== undefined;
}

export function runChannelAffine(x: Tensor, scale: Tensor, offset: Tensor): Tensor {
  return engine().runKernel(CHANNEL_AFFINE, { x, scale, offset }) as Tensor;
}

/** Every axis but the last: the ones a per-channel parameter's gradient is summed over. */
function leadingAxes(x: Tensor): number[] {
  return x.shape.slice(0, -1).map((_, axis) => axis);
}

const gradient: GradConfig = {
  kernelName: CHANNEL_AFFINE,
  inputsToSave: ['x', 'scale'],
  gradFunc: (dy, saved) => {
    const [x, scale] = saved;
    if (Array.isArray(dy) || x === undefined || scale === undefined)
      throw new Error(`${CHANNEL_AFFINE}: gradient called without dy, x or scale`);
    return {
      x: () => mul(dy, scale),
      scale: () => sum(mul(dy, x), leadingAxes(x)),
      offset: () => sum(dy, leadingAxes(x)),
    };
  },
};

/** Registers CHANNEL_AFFINE's gradient (once; it applies on any backend that has the kernel). */
export function registerChannelAffineGradient(): void {
  if (getGradient(CHANNEL_AFFINE) === undefined) registerGradient(gradient);
}
