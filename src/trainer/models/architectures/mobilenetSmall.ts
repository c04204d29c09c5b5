// A small MobileNet (Howard et al. 2017): a 3×3 stem, then depthwise-separable blocks
// (depthwise 3×3 + BatchNorm + ReLU6, pointwise 1×1 + BatchNorm + ReLU6), global average
// pooling. Blocks: block1 (stem), block2–block5, features.
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { LayerFactory } from '../layerFactory';

function separableBlock(
  input: SymbolicTensor,
  layers: LayerFactory,
  name: string,
  filters: number,
  strides: number,
): SymbolicTensor {
  let x = layers.depthwise(input, `${name}_dw`, strides);
  x = layers.batchNorm(x, `${name}_dw_bn`);
  x = layers.activation(x, `${name}_dw_relu`, 'relu6');
  x = layers.conv(x, `${name}_pw`, filters, 1, { useBias: false });
  x = layers.batchNorm(x, `${name}_pw_bn`);
  return layers.activation(x, `${name}_pw_relu`, 'relu6');
}

export function mobilenetSmallFeatures(input: SymbolicTensor, layers: LayerFactory): SymbolicTensor {
  let x = layers.conv(input, 'block1_conv', 16, 3, { useBias: false });
  x = layers.batchNorm(x, 'block1_bn');
  x = layers.activation(x, 'block1_relu', 'relu6');
  x = separableBlock(x, layers, 'block2', 32, 2);
  x = separableBlock(x, layers, 'block3', 64, 1);
  x = separableBlock(x, layers, 'block4', 64, 2);
  x = separableBlock(x, layers, 'block5', 128, 1);
  return tf.layers.globalAveragePooling2d({ name: 'features' }).apply(x) as SymbolicTensor;
}
