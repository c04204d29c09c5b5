// Which layers of a classifier train in each phase. Base layers are grouped into blocks by the
// `blockN_` / `features` name prefixes the architectures use; a foreign model's layers with
// weights are one block each. The head and the channel adapter always train.
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import type { Classifier } from './classifier';

export type TrainableSelection = { kind: 'head' } | { kind: 'top-blocks'; count: number } | { kind: 'all' };

/** Base layers with weights, grouped into blocks from the input (first) to the features (last). */
export function baseBlocks(classifier: Classifier): Layer[][] {
  const blocks = new Map<string, Layer[]>();
  for (const layer of classifier.base.layers) {
    if (layer.weights.length === 0) continue;
    const match = /^(block\d+|features)/.exec(layer.name);
    const key = match?.[1] ?? layer.name;
    blocks.set(key, [...(blocks.get(key) ?? []), layer]);
  }
  return [...blocks.values()];
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
    for (const layer of block) layer.trainable = index >= trainableFrom;
  });
  for (const layer of classifier.model.layers) {
    if (layer !== classifier.base) layer.trainable = true;
  }
}

export function countParams(weights: readonly { shape: readonly (number | null)[] }[]): number {
  return weights.reduce(
    (sum, weight) => sum + weight.shape.reduce<number>((product, size) => product * (size ?? 1), 1),
    0,
  );
}
