// torchvision.models.resnet18: basic blocks, two a stage (11.2 million weights without the head).
import type { TorchvisionArchitecture } from './architecture';
import { requireMinimumSize } from './minimumSize';
import { resnetBlockOf, resnetFeatures } from './resnet';
import { TorchLayers } from './torchLayers';

export const resnet18: TorchvisionArchitecture = {
  torchvisionName: 'resnet18',
  head: 'fc',
  features(input, random) {
    requireMinimumSize(input, 'resnet18');
    return resnetFeatures(new TorchLayers(random), input, 'basic', [2, 2, 2, 2]);
  },
  blockOf: resnetBlockOf,
};
