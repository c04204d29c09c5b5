// A small ResNet (He et al. 2016, CIFAR variant): a 3×3 stem, then three stages of one basic
// residual block each (16, 32, 64 filters; the last two halve the resolution), BatchNorm after
// every convolution, global average pooling. Blocks: block1 (stem), block2–block4, features.
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { LayerFactory } from '../layerFactory';

function residualBlock(
  input: SymbolicTensor,
  layers: LayerFactory,
  name: string,
  filters: number,
  strides: number,
): SymbolicTensor {
  let x = layers.conv(input, `${name}_conv1`, filters, 3, { strides, useBias: false });
  x = layers.batchNorm(x, `${name}_bn1`);
  x = layers.activation(x, `${name}_relu1`, 'relu');
  x = layers.conv(x, `${name}_conv2`, filters, 3, { useBias: false });
  x = layers.batchNorm(x, `${name}_bn2`);
  const inputChannels = input.shape[3];
  let shortcut = input;
  if (strides !== 1 || inputChannels !== filters) {
    shortcut = layers.conv(input, `${name}_shortcut_conv`, filters, 1, { strides, useBias: false });
    shortcut = layers.batchNorm(shortcut, `${name}_shortcut_bn`);
  }
  const sum = tf.layers.add({ name: `${name}_add` }).apply([x, shortcut]) as SymbolicTensor;
  return layers.activation(sum, `${name}_out`, 'relu');
}

export function resnetSmallFeatures(input: SymbolicTensor, layers: LayerFactory): SymbolicTensor {
  let x = layers.conv(input, 'block1_conv', 16, 3, { useBias: false });
  x = layers.batchNorm(x, 'block1_bn');
  x = layers.activation(x, 'block1_relu', 'relu');
  x = residualBlock(x, layers, 'block2', 16, 1);
  x = residualBlock(x, layers, 'block3', 32, 2);
  x = residualBlock(x, layers, 'block4', 64, 2);
  return tf.layers.globalAveragePooling2d({ name: 'features' }).apply(x) as SymbolicTensor;
}
