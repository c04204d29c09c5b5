// torchvision.models.mobilenet_v2 (Sandler et al. 2018): a 3×3 stride-2 stem (`features.0`),
// 17 inverted residual blocks (`features.1`–`features.17`: a 1×1 expansion ×6 except in the
// first, a 3×3 depthwise convolution, a linear 1×1 projection; a residual sum where the stride is
// 1 and the channels stay), a 1×1 convolution to 1,280 (`features.18`), ReLU6 throughout, global
// average pooling: 2.2 million weights without the head. Blocks for `trainableBlocks`: each
// `features.N`, 19 in all.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { TorchvisionArchitecture } from './architecture';
import { requireMinimumSize } from './minimumSize';
import { TorchLayers } from './torchLayers';
import { featuresBlockOf } from './featuresBlocks';

/** torchvision's table: expansion t, output channels c, repeats n, first stride s. */
const INVERTED_RESIDUALS = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
] as const;

function invertedResidual(
  layers: TorchLayers,
  input: SymbolicTensor,
  name: string,
  outChannels: number,
  stride: number,
  expansion: number,
): SymbolicTensor {
  const inChannels = input.shape[3] ?? 0;
  const hidden = Math.round(inChannels * expansion);
  let x = input;
  let index = 0;
  if (expansion !== 1) {
    x = layers.convNormActivation(x, `${name}.conv.${index++}`, { filters: hidden, kernel: 1, activation: 'relu6' });
  }
  x = layers.convNormActivation(x, `${name}.conv.${index++}`, {
    filters: hidden,
    kernel: 3,
    stride,
    groups: 'depthwise',
    activation: 'relu6',
  });
  x = layers.conv(x, `${name}.conv.${index++}`, { filters: outChannels, kernel: 1 });
  x = layers.batchNorm(x, `${name}.conv.${index}`);
  return stride === 1 && inChannels === outChannels ? layers.add([input, x], `${name}_add`) : x;
}

export const mobilenetV2: TorchvisionArchitecture = {
  torchvisionName: 'mobilenet_v2',
  head: 'classifier.1',
  features(input, random) {
    requireMinimumSize(input, 'mobilenetv2');
    const layers = new TorchLayers(random);
    let x = layers.convNormActivation(input, 'features.0', { filters: 32, kernel: 3, stride: 2, activation: 'relu6' });
    let block = 1;
    for (const [expansion, channels, repeats, firstStride] of INVERTED_RESIDUALS) {
      for (let index = 0; index < repeats; index++) {
        const stride = index === 0 ? firstStride : 1;
        x = invertedResidual(layers, x, `features.${block++}`, channels, stride, expansion);
      }
    }
    x = layers.convNormActivation(x, `features.${block}`, { filters: 1280, kernel: 1, activation: 'relu6' });
    return layers.globalAveragePool(x, 'avgpool');
  },
  blockOf: featuresBlockOf,
};
