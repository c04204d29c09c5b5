// Keras' ResNet50 (keras.applications, RadImageNet's backbone) is ResNet v1: a stage's first
// bottleneck strides in its 1×1 conv1, where torchvision's v1.5 strides in the 3×3 conv2. The same
// layers and weight shapes otherwise, so a v1.5 model would take its weights without complaint and
// compute something else: Keras weights get this topology, under torchvision's names (its
// convolutions' biases and batch norm ε 1.001e-5 are folded into the batch norms when loading,
// kerasApplicationWeights.ts).
import type { TorchvisionArchitecture } from './architecture';
import { requireMinimumSize } from './minimumSize';
import { resnetBlockOf, resnetFeatures } from './resnet';
import { TorchLayers } from './torchLayers';

export const kerasResnet50: TorchvisionArchitecture = {
  torchvisionName: 'resnet50',
  head: 'fc',
  features(input, random) {
    requireMinimumSize(input, 'resnet50');
    return resnetFeatures(new TorchLayers(random), input, 'bottleneck', [3, 4, 6, 3], 'conv1');
  },
  blockOf: resnetBlockOf,
};
