// tfjs-layers' Conv2D, with two changes in training (gradient recording), where tfjs-layers runs
// tfjs's fused convolution op:
// - a ReLU convolution, where the backend has the clipped-ReLU kernels (the native path), runs as
//   two kernels each way: the convolution with its bias added inside it, then ReLU in one pass.
//   tfjs fuses a bias and an activation into the convolution only outside gradient recording (a
//   fused op's `shouldFuse`), except for a linear one, so in training tfjs-layers computes Conv2D, a
//   broadcast Add and Relu, and back Sum, Step and Multiply: a pass over the activations each. Fed
//   by the images, it runs the plain convolution, the bias and the clipped ReLU (see below why not
//   the fused op there).
// - a linear convolution without bias (every convolution before a batch norm: the torchvision
//   backbones') runs tfjs's plain conv2d op. The fused op's gradient computes the input's gradient
//   and the filter's together, the input's even where nothing reads it: the first convolution's,
//   whose input is the images (for resnet18 at 128 px a 7×7 input gradient of ~40 ms a step, 6%).
//   The plain op's gradient is one function per input, and the tape calls only those it needs.
// Inference (already fused by tfjs-layers), other activations and backends run tfjs-layers' own
// code. The class name stays Conv2D, so saved models load anywhere.
import { add, conv2d, fused, tidy } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Conv2D } from '@tensorflow/tfjs-layers/dist/layers/convolutional';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';
import { hasClippedReluKernels, runClippedRelu } from './clippedReluKernels';

/** Taken from the package's entry point, as FastBatchNormalization does (batchNormalization.ts says why). */
const Conv2DLayer = layers.conv2d({ filters: 1, kernelSize: 1 }).constructor as typeof Conv2D;

export class FastConv2D extends Conv2DLayer {
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const input = this.trainingInput(inputs, kwargs);
    if (input === null) return super.call(inputs, kwargs);
    const linear = this.activation.getClassName() === 'linear';
    // Linear: plain without bias anywhere; with a bias only where the layer reads the images
    // (elsewhere the bias added inside the convolution saves a pass over the output).
    if (linear && (!this.useBias || this.readsModelInput())) return this.plainConvolution(input);
    const fusable =
      input.dtype === 'float32' &&
      this.activation.getClassName() === 'relu' &&
      this.useBias &&
      !this.readsModelInput() &&
      hasClippedReluKernels();
    if (!fusable) {
      const reluOnImages =
        input.dtype === 'float32' &&
        this.activation.getClassName() === 'relu' &&
        this.readsModelInput() &&
        hasClippedReluKernels();
      // Fed by the images: the plain convolution (no input gradient) and the clipped-ReLU kernel.
      if (reluOnImages) return tidy(() => runClippedRelu(this.plainConvolution(input), Number.POSITIVE_INFINITY));
      return super.call(inputs, kwargs);
    }
    // The fused op's gradient computes dx, dW and db together, dx even where nothing needs it.
    return tidy(() => {
      const biased = fused.conv2d({
        x: input,
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

  /** The one 4-D input of a channels-last, non-causal call in training; null for any other call. */
  private trainingInput(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor4D | null {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const one = input !== undefined && !(Array.isArray(inputs) && inputs.length !== 1) && input.rank === 4;
    const rewritable = kwargs['training'] === true && this.dataFormat === 'channelsLast' && this.padding !== 'causal';
    return one && rewritable ? (input as Tensor4D) : null;
  }

  private plainConvolution(input: Tensor4D): Tensor {
    return tidy(() => {
      const output = conv2d(
        input,
        this.kernel.read() as Tensor4D,
        this.strides as [number, number],
        this.padding === 'same' ? 'same' : 'valid',
        'NHWC',
        this.dilationRate as [number, number],
      );
      return this.useBias ? add(output, this.bias.read()) : output;
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
