// torchvision.models.efficientnet_b0 (Tan & Le 2019): a 3×3 stride-2 stem (`features.0`), seven
// stages of MBConv blocks (`features.1`–`features.7`: a 1×1 expansion, a depthwise 3×3 or 5×5
// convolution, squeeze-and-excitation, a linear 1×1 projection, a residual sum where the stride
// is 1 and the channels stay), a 1×1 convolution to 1,280 (`features.8`), SiLU throughout,
// global average pooling: 4.0 million weights without the head. Batch norm ε is 1e-5 for B0 in
// torchvision (B5–B7 and V2 use 1e-3). Blocks for `trainableBlocks`: each `features.N`, 9 in all.
// Stochastic depth: torchvision drops a block's residual branch per image in training (with a
// probability rising to 0.2); at inference it is the identity. We train without it, as at
// inference: fine-tuning on a few thousand images for a few epochs gains nothing from a
// regulariser meant for 350 ImageNet epochs, and tfjs-layers has no per-image drop layer.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { TorchvisionArchitecture } from './architecture';
import { featuresBlockOf } from './featuresBlocks';
import { requireMinimumSize } from './minimumSize';
import { TorchLayers } from './torchLayers';

/** torchvision's MBConvConfig table for B0: expansion, kernel, first stride, input and output channels, repeats. */
const STAGES = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
] as const;

/** torchvision's _make_divisible(value, 8): channel counts rounded to a multiple of 8, never 10% down. */
function divisibleBy8(value: number): number {
  const rounded = Math.max(8, Math.floor((value + 4) / 8) * 8);
  return rounded < 0.9 * value ? rounded + 8 : rounded;
}

function mbConv(
  layers: TorchLayers,
  input: SymbolicTensor,
  name: string,
  config: { expansion: number; kernel: number; stride: number; outChannels: number },
): SymbolicTensor {
  const inChannels = input.shape[3] ?? 0;
  const expanded = divisibleBy8(inChannels * config.expansion);
  let x = input;
  let index = 0;
  if (expanded !== inChannels) {
    x = layers.convNormActivation(x, `${name}.block.${index++}`, { filters: expanded, kernel: 1, activation: 'silu' });
  }
  x = layers.convNormActivation(x, `${name}.block.${index++}`, {
    filters: expanded,
    kernel: config.kernel,
    stride: config.stride,
    groups: 'depthwise',
    activation: 'silu',
  });
  x = layers.squeezeExcitation(x, `${name}.block.${index++}`, Math.max(1, Math.floor(inChannels / 4)));
  x = layers.convNormActivation(x, `${name}.block.${index}`, {
    filters: config.outChannels,
    kernel: 1,
    activation: null,
  });
  return config.stride === 1 && inChannels === config.outChannels ? layers.add([input, x], `${name}_add`) : x;
}

export const efficientnetB0: TorchvisionArchitecture = {
  torchvisionName: 'efficientnet_b0',
  head: 'classifier.1',
  features(input, random) {
    requireMinimumSize(input, 'efficientnetb0');
    const layers = new TorchLayers(random);
    let x = layers.convNormActivation(input, 'features.0', { filters: 32, kernel: 3, stride: 2, activation: 'silu' });
    STAGES.forEach(([expansion, kernel, firstStride, , outChannels, repeats], stage) => {
      for (let index = 0; index < repeats; index++) {
        const stride = index === 0 ? firstStride : 1;
        x = mbConv(layers, x, `features.${stage + 1}.${index}`, { expansion, kernel, stride, outChannels });
      }
    });
    x = layers.convNormActivation(x, `features.${STAGES.length + 1}`, { filters: 1280, kernel: 1, activation: 'silu' });
    return layers.globalAveragePool(x, 'avgpool');
  },
  blockOf: featuresBlockOf,
};
