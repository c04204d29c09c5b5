// tfjs-layers' Activation layer, with ReLU and ReLU6 in training and inference run by the
// backend's clipped-ReLU kernels where it has them (clippedReluKernels.ts: the native path), the
// same values in one pass each way. Other activations, and backends without the kernels, run
// tfjs-layers' own code. The class name stays Activation, so saved models load anywhere.
import type { Tensor } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Activation } from '@tensorflow/tfjs-layers/dist/layers/core';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { hasClippedReluKernels, runClippedRelu } from './clippedReluKernels';

/** Taken from the package's entry point, as FastBatchNormalization does (batchNormalization.ts says why). */
const ActivationLayer = layers.activation({ activation: 'linear' }).constructor as typeof Activation;

const CLIPPED: Readonly<Record<string, number>> = { relu: Number.POSITIVE_INFINITY, relu6: 6 };

export class FastActivation extends ActivationLayer {
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const max = CLIPPED[this.activation.getClassName()];
    if (
      input === undefined ||
      (Array.isArray(inputs) && inputs.length !== 1) ||
      max === undefined ||
      input.dtype !== 'float32' ||
      !hasClippedReluKernels()
    ) {
      return super.call(inputs, kwargs);
    }
    return runClippedRelu(input, max);
  }
}
