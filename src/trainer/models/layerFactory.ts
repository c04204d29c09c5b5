// Seeded layer constructors shared by the architectures: every weight initialiser and dropout
// draws its seed from one SeededRandom, so a model is reproducible from the experiment's seed.
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { SeededRandom } from '../random';
import { FastActivation } from './activation';
import { FastBatchNormalization } from './batchNormalization';
import { FastConv2D } from './convolution';

export type Activation = 'relu' | 'relu6' | 'linear' | 'softmax';

/** `he`: He normal for ReLU layers (ResNet, MobileNet papers); `glorot`: Keras's default everywhere. */
export type ReluInitializer = 'he' | 'glorot';

export class LayerFactory {
  constructor(
    private readonly random: SeededRandom,
    private readonly reluInitializer: ReluInitializer = 'he',
  ) {}

  /** The same seed stream, other initialiser rule. */
  withReluInitializer(reluInitializer: ReluInitializer): LayerFactory {
    return new LayerFactory(this.random, reluInitializer);
  }

  private seed(): number {
    return this.random.integer(2 ** 31);
  }

  private kernelInitializer(activation: Activation) {
    return (activation === 'relu' || activation === 'relu6') && this.reluInitializer === 'he'
      ? tf.initializers.heNormal({ seed: this.seed() })
      : tf.initializers.glorotUniform({ seed: this.seed() });
  }

  conv(
    input: SymbolicTensor,
    name: string,
    filters: number,
    kernelSize: number,
    options: { strides?: number; activation?: Activation; useBias?: boolean } = {},
  ): SymbolicTensor {
    const activation = options.activation ?? 'linear';
    return tf.layers
      .conv2d({
        name,
        filters,
        kernelSize,
        strides: options.strides ?? 1,
        padding: 'same',
        activation,
        useBias: options.useBias ?? true,
        kernelInitializer: this.kernelInitializer(activation),
      })
      .apply(input) as SymbolicTensor;
  }

  /** Keras's tutorial CNN uses valid padding: kept for the seed architecture. */
  convValid(input: SymbolicTensor, name: string, filters: number, kernelSize: number): SymbolicTensor {
    return new FastConv2D({
      name,
      filters,
      kernelSize,
      padding: 'valid',
      activation: 'relu',
      kernelInitializer: this.kernelInitializer('relu'),
    }).apply(input) as SymbolicTensor;
  }

  depthwise(input: SymbolicTensor, name: string, strides: number): SymbolicTensor {
    return tf.layers
      .depthwiseConv2d({
        name,
        kernelSize: 3,
        strides,
        padding: 'same',
        useBias: false,
        depthwiseInitializer: tf.initializers.heNormal({ seed: this.seed() }),
      })
      .apply(input) as SymbolicTensor;
  }

  batchNorm(input: SymbolicTensor, name: string): SymbolicTensor {
    // tfjs-layers' layer with a faster training gradient (batchNormalization.ts).
    return new FastBatchNormalization({ name, momentum: 0.9 }).apply(input) as SymbolicTensor;
  }

  activation(input: SymbolicTensor, name: string, activation: Activation): SymbolicTensor {
    return new FastActivation({ name, activation }).apply(input) as SymbolicTensor;
  }

  maxPool(input: SymbolicTensor, name: string): SymbolicTensor {
    return tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 }).apply(input) as SymbolicTensor;
  }

  dense(input: SymbolicTensor, name: string, units: number, activation: Activation): SymbolicTensor {
    return tf.layers
      .dense({ name, units, activation, kernelInitializer: this.kernelInitializer(activation) })
      .apply(input) as SymbolicTensor;
  }

  dropout(input: SymbolicTensor, name: string, rate: number): SymbolicTensor {
    return tf.layers.dropout({ name, rate, seed: this.seed() }).apply(input) as SymbolicTensor;
  }
}
