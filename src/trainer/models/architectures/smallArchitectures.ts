// The three small architectures MedTransfer started with, as ArchitectureDefinitions. Their
// blocks: the `blockN_` name prefixes, and a `features` layer with weights (seed-cnn's dense
// layer) as the top block.
import type { ArchitectureDefinition } from './architecture';
import { LayerFactory } from '../layerFactory';
import { mobilenetSmallFeatures } from './mobilenetSmall';
import { resnetSmallFeatures } from './resnetSmall';
import { seedCnnFeatures } from './seedCnn';

function smallBlockOf(layerName: string): string | undefined {
  return /^(block\d+)_/.exec(layerName)?.[1] ?? (layerName === 'features' ? 'features' : undefined);
}

export const seedCnn: ArchitectureDefinition = {
  features: (input, random) => seedCnnFeatures(input, new LayerFactory(random)),
  blockOf: smallBlockOf,
};

export const resnetSmall: ArchitectureDefinition = {
  features: (input, random) => resnetSmallFeatures(input, new LayerFactory(random)),
  blockOf: smallBlockOf,
};

export const mobilenetSmall: ArchitectureDefinition = {
  features: (input, random) => mobilenetSmallFeatures(input, new LayerFactory(random)),
  blockOf: smallBlockOf,
};
