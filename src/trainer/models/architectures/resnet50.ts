// torchvision.models.resnet50: bottleneck blocks, [3, 4, 6, 3] a stage (23.5 million weights without the head).
import type { TorchvisionArchitecture } from './architecture';
import { requireMinimumSize } from './minimumSize';
import { resnetBlockOf, resnetFeatures } from './resnet';
import { TorchLayers } from './torchLayers';

export const resnet50: TorchvisionArchitecture = {
  torchvisionName: 'resnet50',
  head: 'fc',
  features(input, random) {
    requireMinimumSize(input, 'resnet50');
    return resnetFeatures(new TorchLayers(random), input, 'bottleneck', [3, 4, 6, 3]);
  },
  blockOf: resnetBlockOf,
};
