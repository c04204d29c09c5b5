// Where a classifier splits into a frozen part, whose output can be computed once per image, and
// the part that trains. The frozen part is the longest prefix of the flat graph (layerGraph.ts)
// whose layers hold no trainable weight and compute the same in training as in inference, and
// after which the rest depends on one tensor only: for the ResNet, DenseNet, MobileNet and
// EfficientNet bases a block boundary, or the base's output for feature extraction. The
// preprocessing layer (frozen) belongs to it; the channel adapter trains with the head, so a base
// behind one has no frozen prefix.
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { hasFrozenStatistics } from '../models/batchNormStatistics';
import type { Classifier } from '../models/classifier';
import { flattenModel } from '../models/layerGraph';
import type { LayerGraph } from '../models/layerGraph';

export interface FrozenSplit {
  graph: LayerGraph;
  /** Calls [0, boundary) are frozen; the tail is [boundary, calls.length). */
  boundary: number;
  /** The frozen part's output: what is cached. */
  features: SymbolicTensor;
  /** Values per image of the features, and their shape without the batch axis. */
  featureShape: number[];
  /** The last frozen layer's name (for the log). */
  lastFrozen: string;
  frozenLayers: number;
}

export type SplitDecision = { kind: 'split'; split: FrozenSplit } | { kind: 'none'; why: string };

/** Layers whose output in training differs from inference, when their rate is above 0. */
const RANDOM_IN_TRAINING = new Set(['Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout']);

/** Why a layer cannot be part of the frozen prefix, or null when it can. */
function notFrozen(layer: Layer, trainable: ReadonlySet<unknown>): string | null {
  if (layer.weights.some((weight) => trainable.has(weight))) return `\`${layer.name}\` trains`;
  const kind = layer.getClassName();
  if (kind === 'BatchNormalization' && !hasFrozenStatistics(layer))
    return `\`${layer.name}\` (batch normalisation) uses the batch's statistics in training`;
  if (RANDOM_IN_TRAINING.has(kind)) {
    const config = layer.getConfig();
    const rate = typeof config.rate === 'number' ? config.rate : typeof config.stddev === 'number' ? config.stddev : 1;
    if (rate > 0) return `\`${layer.name}\` (${kind}) is random in training`;
  }
  return null;
}

/** The longest frozen prefix that ends in one tensor, with at least one frozen layer with weights of the base. */
export function findFrozenSplit(classifier: Classifier): SplitDecision {
  const graph = flattenModel(classifier.model);
  if (!graph) return { kind: 'none', why: 'the model has several inputs or outputs' };
  const trainable = new Set<unknown>(classifier.model.trainableWeights);
  const baseLayers = new Set<unknown>(classifier.base.layers);
  const lastUse = new Map<number, number>();
  graph.calls.forEach((call, index) => call.inputs.forEach((input) => lastUse.set(input.id, index)));
  lastUse.set(graph.output.id, graph.calls.length);
  // Tensors computed before the cut and still needed after it.
  const live = new Set<number>([graph.input.id]);
  let best: { boundary: number; features: SymbolicTensor } | null = null;
  let stoppedBy: string | null = null;
  let baseWeights = false;
  for (const [index, call] of graph.calls.entries()) {
    stoppedBy = notFrozen(call.layer, trainable);
    if (stoppedBy) break;
    if (baseLayers.has(call.layer) && call.layer.weights.length > 0) baseWeights = true;
    live.add(call.output.id);
    for (const input of call.inputs) if ((lastUse.get(input.id) ?? -1) <= index) live.delete(input.id);
    if (live.size === 1 && live.has(call.output.id) && baseWeights)
      best = { boundary: index + 1, features: call.output };
  }
  if (!best) {
    if (!baseWeights)
      return {
        kind: 'none',
        why: stoppedBy ? `the base's first layers are not frozen: ${stoppedBy}` : 'no layer is frozen',
      };
    return { kind: 'none', why: 'no single tensor separates the frozen layers from the trainable ones' };
  }
  if (best.boundary === graph.calls.length) return { kind: 'none', why: 'no layer trains' };
  const featureShape = best.features.shape.slice(1).map((size) => size ?? 0);
  if (featureShape.some((size) => size <= 0))
    return { kind: 'none', why: `the frozen part's output has no fixed shape (${best.features.shape.join('×')})` };
  return {
    kind: 'split',
    split: {
      graph,
      boundary: best.boundary,
      features: best.features,
      featureShape,
      lastFrozen: graph.calls[best.boundary - 1]?.layer.name ?? '',
      frozenLayers: best.boundary,
    },
  };
}
