// tfjs-layers' Conv2D, with a ReLU convolution in training run as two kernels each way where the
// backend has the clipped-ReLU kernels (the native path): the convolution with its bias added
// inside it, then ReLU in one pass. tfjs fuses a bias and an activation into the convolution only
// outside gradient recording (a fused op's `shouldFuse`), except for a linear one, so in training
// tfjs-layers computes Conv2D, a broadcast Add and Relu, and back Sum, Step and Multiply: a pass
// over the activations each. Inference (already fused by tfjs-layers), other activations and
// backends run tfjs-layers' own code. The class name stays Conv2D, so saved models load anywhere.
import { fused, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { hasClippedReluKernels, runClippedRelu } from './clippedReluKernels';

/** Taken from the package's entry point, as FastBatchNormalization does (batchNormalization.ts says why). */
const Conv2DLayer = layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as typeof Conv2D;

export class FastConv2D extends Conv2DLayer {
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const fusable =
      kwargs['training'] === true &&
      input !== undefined &&
      !(Array.isArray(inputs) && inputs.length !== 1) &&
      input.dtype === 'float32' &&
      input.rank === 4 &&
      this.activation.getClassName() === 'relu' &&
      this.useBias &&
      this.dataFormat === 'channelsLast' &&
      this.padding !== 'causal' &&
      !this.readsModelInput() &&
      hasClippedReluKernels();
    if (!fusable) return super.call(inputs, kwargs);
    // The fused op's gradient computes dx, dW and db together, dx even where nothing needs it.
    return tidy(() => {
      const biased = fused.conv2d({
        x: input as Tensor4D,
        filter: this.kernel.read() as Tensor4D,
        bias: this.bias.read(),
        strides: this.strides as [number, number],
        pad: this.padding === 'same' ? 'same' : 'valid',
        dilations: this.dilationRate as [number, number],
        activation: 'linear',
      });
      return runClippedRelu(biased, Number.POSITIVE_INFINITY);
    });
  }

  /**
   * Whether this layer is fed by the model's input (the images): the fused op's gradient would
   * compute an input gradient nobody reads (tfjs' own Conv2D gradient is lazy per input), which costs
   * more than the passes the fusion saves.
   */
  private readsModelInput(): boolean {
    const inbound = this.inboundNodes[0]?.inboundLayers ?? [];
    return inbound.length > 0 && inbound.every((layer) => layer.getClassName() === 'InputLayer');
  }
}
