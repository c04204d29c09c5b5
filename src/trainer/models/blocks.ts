// Which layers of a classifier train in each phase. Base layers with weights are grouped into the
// blocks their architecture declares (ArchitectureDefinition.blockOf), recognised by their names,
// so a base loaded from a saved model gets the same blocks as one built now; a foreign model's
// layers with weights are one block each. The head and the channel adapter always train; the
// preprocessing layer in front of the base never does.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { ArchitectureDefinition } from './architectures/architecture';
import { ARCHITECTURE_DEFINITIONS } from './architectureTable';
import { PREPROCESSING_NAME } from './classifier';
import type { Classifier } from './classifier';

export type TrainableSelection = { kind: 'head' } | { kind: 'top-blocks'; count: number } | { kind: 'all' };

export interface BaseBlock {
  /** As the architecture names it (`stem`, `layer3`, `features.12`), or the layer's name for a foreign model. */
  name: string;
  layers: Layer[];
}

/** Base layers with weights, grouped into blocks from the input (first) to the features (last). */
export function baseBlocks(classifier: Classifier): BaseBlock[] {
  const weighted = classifier.base.layers.filter((layer) => layer.weights.length > 0);
  const definition = definitionOf(weighted);
  const blocks = new Map<string, Layer[]>();
  for (const layer of weighted) {
    const key = definition?.blockOf(layer.name) ?? layer.name;
    blocks.set(key, [...(blocks.get(key) ?? []), layer]);
  }
  return [...blocks].map(([name, layers]) => ({ name, layers }));
}

/** The architecture that names every one of these layers, if any. */
function definitionOf(layers: readonly Layer[]): ArchitectureDefinition | undefined {
  if (layers.length === 0) return undefined;
  return Object.values(ARCHITECTURE_DEFINITIONS).find((definition) =>
    layers.every((layer) => definition.blockOf(layer.name) !== undefined),
  );
}

/** Sets `trainable` on every layer; returns the number of trainable parameters. */
export function selectTrainable(classifier: Classifier, selection: TrainableSelection): void {
  const blocks = baseBlocks(classifier);
  const trainableFrom =
    selection.kind === 'all'
      ? 0
      : selection.kind === 'head'
        ? blocks.length
        : Math.max(0, blocks.length - selection.count);
  classifier.base.trainable = true;
  blocks.forEach((block, index) => {
    for (const layer of block.layers) layer.trainable = index >= trainableFrom;
  });
  for (const layer of classifier.model.layers) {
    if (layer !== classifier.base) layer.trainable = layer.name !== PREPROCESSING_NAME;
  }
}

export function countParams(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((product, size) => product * (size ?? 1), 1),
    0,
  );
}

/** A layer whose updates are scaled: its learning rate is the phase's times `scale`. */
export interface LayerRateScale {
  layer: Layer;
  scale: number;
}

/**
 * Discriminative learning rates (ULMFiT's, Howard and Ruder 2018): the head at the phase's rate,
 * the top base block at `decay` times it, each block below at `decay` times the block above.
 * Only base layers get a scale (none when decay is 1); frozen ones are listed too and never step.
 */
export function blockRateScales(classifier: Classifier, decay: number): LayerRateScale[] {
  if (decay === 1) return [];
  const blocks = baseBlocks(classifier);
  return blocks.flatMap((block, index) => {
    const scale = decay ** (blocks.length - index);
    return block.layers.map((layer) => ({ layer, scale }));
  });
}
