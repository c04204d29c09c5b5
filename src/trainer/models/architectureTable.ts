// Every architecture of `model.architecture`, by name.
import type { Architecture } from '../../shared/experiment/schema';
import type { ArchitectureDefinition, TorchvisionArchitecture } from './architectures/architecture';
import { densenet121 } from './architectures/densenet121';
import { efficientnetB0 } from './architectures/efficientnetB0';
import { mobilenetV2 } from './architectures/mobilenetV2';
import { resnet18 } from './architectures/resnet18';
import { resnet50 } from './architectures/resnet50';
import { mobilenetSmall, resnetSmall, seedCnn } from './architectures/smallArchitectures';

export const TORCHVISION_ARCHITECTURES = {
  resnet18,
  resnet50,
  densenet121,
  mobilenetv2: mobilenetV2,
  efficientnetb0: efficientnetB0,
} as const satisfies Partial<Record<Architecture, TorchvisionArchitecture>>;

export type TorchvisionArchitectureName = keyof typeof TORCHVISION_ARCHITECTURES;

export const ARCHITECTURE_DEFINITIONS: Record<Architecture, ArchitectureDefinition> = {
  'seed-cnn': seedCnn,
  'resnet-small': resnetSmall,
  'mobilenet-small': mobilenetSmall,
  ...TORCHVISION_ARCHITECTURES,
};

export function isTorchvisionArchitecture(name: string): name is TorchvisionArchitectureName {
  return Object.hasOwn(TORCHVISION_ARCHITECTURES, name);
}
