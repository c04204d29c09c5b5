// Layers that compute what torchvision's modules compute, named so that torchvision's state-dict
// keys map onto them one to one (src/trainer/weights/torchvisionNames.ts):
// - a layer with weights is named by its torchvision module path (`layer1.0.conv1`,
//   `features.denseblock1.denselayer1.norm1`, `features.3.conv.1.0`);
// - a weightless layer that torchvision has as a module (a ReLU) takes its path too; one that
//   torchvision does inline (a padding, a residual sum, a concatenation) takes a module's path
//   with a suffix (`layer1.0.conv1_pad`, `layer1.0_add`): names no torchvision module has.
// PyTorch pads explicitly and symmetrically; TensorFlow's 'same' pads more at the bottom right
// when the stride is 2, which shifts every window: so every padding here is a ZeroPadding2D
// followed by a 'valid' convolution. Batch norm uses PyTorch's ε = 1e-5 and its momentum 0.1
// (Keras's 0.9: the weight of the old moving average). Weights start as torchvision's do:
// He normal with fan-out for convolutions, γ = 1 and β = 0 for batch norm.
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { SeededRandom } from '../../random';
import { FastActivation } from '../activation';
import { FastBatchNormalization } from '../batchNormalization';
import { FastConv2D } from '../convolution';

export const TORCH_BATCH_NORM_EPSILON = 1e-5;
export const TORCH_BATCH_NORM_MOMENTUM = 0.9;

export type TorchActivation = 'relu' | 'relu6' | 'silu' | 'sigmoid';

const KERAS_ACTIVATION = { relu: 'relu', relu6: 'relu6', silu: 'swish', sigmoid: 'sigmoid' } as const;

export interface TorchConvOptions {
  filters: number;
  kernel: number;
  stride?: number;
  /** Zeros on every side, as nn.Conv2d's `padding`; defaults to (kernel − 1) / 2. */
  padding?: number;
  bias?: boolean;
}

function apply(layer: tf.layers.Layer, input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(input) as SymbolicTensor;
}

export class TorchLayers {
  constructor(private readonly random: SeededRandom) {}

  private heFanOut() {
    return tf.initializers.varianceScaling({
      scale: 2,
      mode: 'fanOut',
      distribution: 'normal',
      seed: this.random.integer(2 ** 31),
    });
  }

  pad(input: SymbolicTensor, name: string, padding: number): SymbolicTensor {
    if (padding === 0) return input;
    return apply(tf.layers.zeroPadding2d({ name: `${name}_pad`, padding }), input);
  }

  /** nn.Conv2d with groups = 1. */
  conv(input: SymbolicTensor, name: string, options: TorchConvOptions): SymbolicTensor {
    const { filters, kernel, stride = 1, bias = false } = options;
    const padded = this.pad(input, name, options.padding ?? Math.floor((kernel - 1) / 2));
    const layer = new FastConv2D({
      name,
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: 'valid',
      useBias: bias,
      kernelInitializer: this.heFanOut(),
    });
    return apply(layer, padded);
  }

  /** nn.Conv2d with groups = channels (one filter a channel), as MobileNet and EfficientNet use. */
  depthwise(input: SymbolicTensor, name: string, options: { kernel: number; stride: number }): SymbolicTensor {
    const padded = this.pad(input, name, Math.floor((options.kernel - 1) / 2));
    const layer = tf.layers.depthwiseConv2d({
      name,
      kernelSize: options.kernel,
      strides: options.stride,
      padding: 'valid',
      depthMultiplier: 1,
      useBias: false,
      depthwiseInitializer: this.heFanOut(),
    });
    return apply(layer, padded);
  }

  batchNorm(input: SymbolicTensor, name: string): SymbolicTensor {
    const layer = new FastBatchNormalization({
      name,
      epsilon: TORCH_BATCH_NORM_EPSILON,
      momentum: TORCH_BATCH_NORM_MOMENTUM,
    });
    return apply(layer, input);
  }

  activation(input: SymbolicTensor, name: string, activation: TorchActivation): SymbolicTensor {
    return apply(new FastActivation({ name, activation: KERAS_ACTIVATION[activation] }), input);
  }

  /** Convolution, batch norm and activation: torchvision's Conv2dNormActivation at `name.0`, `.1`, `.2`. */
  convNormActivation(
    input: SymbolicTensor,
    name: string,
    options: TorchConvOptions & { activation: TorchActivation | null; groups?: 'depthwise' },
  ): SymbolicTensor {
    const { kernel, stride = 1 } = options;
    let x =
      options.groups === 'depthwise'
        ? this.depthwise(input, `${name}.0`, { kernel, stride })
        : this.conv(input, `${name}.0`, options);
    x = this.batchNorm(x, `${name}.1`);
    return options.activation === null ? x : this.activation(x, `${name}.2`, options.activation);
  }

  /**
   * nn.MaxPool2d. PyTorch pads with −∞; zeros give the same maxima here because every max pool
   * of these models follows a ReLU (inputs ≥ 0) and no window lies wholly in the padding.
   */
  maxPool(input: SymbolicTensor, name: string, options: { pool: number; stride: number; padding: number }) {
    const padded = this.pad(input, name, options.padding);
    return apply(tf.layers.maxPooling2d({ name, poolSize: options.pool, strides: options.stride }), padded);
  }

  /** nn.AvgPool2d without padding (the DenseNet transition's). */
  avgPool(input: SymbolicTensor, name: string, options: { pool: number; stride: number }): SymbolicTensor {
    return apply(tf.layers.averagePooling2d({ name, poolSize: options.pool, strides: options.stride }), input);
  }

  /** adaptive_avg_pool2d to 1×1, flattened: the features a classifier head takes. */
  globalAveragePool(input: SymbolicTensor, name: string): SymbolicTensor {
    return apply(tf.layers.globalAveragePooling2d({ name }), input);
  }

  add(inputs: SymbolicTensor[], name: string): SymbolicTensor {
    return apply(tf.layers.add({ name }), inputs);
  }

  concat(inputs: SymbolicTensor[], name: string): SymbolicTensor {
    return apply(tf.layers.concatenate({ name, axis: -1 }), inputs);
  }

  /**
   * torchvision's SqueezeExcitation at `name`: average pool, `fc1` (1×1 convolution with bias),
   * the activation, `fc2`, a sigmoid, and the input scaled channel by channel.
   */
  squeezeExcitation(input: SymbolicTensor, name: string, squeezeChannels: number): SymbolicTensor {
    const channels = input.shape[3] ?? 0;
    let scale = this.globalAveragePool(input, `${name}.avgpool`);
    scale = apply(tf.layers.reshape({ name: `${name}.avgpool_reshape`, targetShape: [1, 1, channels] }), scale);
    scale = this.conv(scale, `${name}.fc1`, { filters: squeezeChannels, kernel: 1, bias: true });
    scale = this.activation(scale, `${name}.activation`, 'silu');
    scale = this.conv(scale, `${name}.fc2`, { filters: channels, kernel: 1, bias: true });
    scale = this.activation(scale, `${name}.scale_activation`, 'sigmoid');
    return apply(tf.layers.multiply({ name: `${name}_scale` }), [input, scale]);
  }
}
