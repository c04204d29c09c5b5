// A classifier taken apart for explanations: images → the last convolutional feature map (the
// activations Grad-CAM weighs) → class scores. MedTransfer's classifiers are a chain: input,
// the channel adapter (optional), the nested feature extractor `base`, the head; inside `base`
// the layers after the last 4-D activation (global pooling or flatten, dense) form a chain too.
// Any other TF.js layers model works as well: without a nested `base`, the whole model is
// searched the same way, and a model with no 4-D activation has no Grad-CAM (only gradients).
import { add, log, matMul, maximum, scalar } from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { Layer } from '@tensorflow/tfjs-layers/dist/engine/topology';
import { BASE_NAME } from '../models/classifier';

export interface ClassifierGraph {
  /** Name of the layer whose output is the feature map, or null when the model has none. */
  featureLayer: string | null;
  /** Whether the feature map is globally pooled next (position-invariant weights), not flattened. */
  pooled: boolean;
  /** Images → the feature map (N × h × w × C). Throws when `featureLayer` is null. */
  toFeatures(images: Tensor4D): Tensor4D;
  /** Feature map → class scores (logits where the model ends in a softmax dense layer). */
  fromFeatures(features: Tensor4D): Tensor2D;
  /** Images → class scores, end to end. */
  scores(images: Tensor4D): Tensor2D;
  /** Images → class probabilities (the model's own output, inference mode). */
  probabilities(images: Tensor4D): Tensor2D;
}

const INFERENCE = { training: false };

function applyChain(layers: readonly Layer[], input: Tensor): Tensor {
  return layers.reduce<Tensor>((x, layer) => layer.apply(x, INFERENCE) as Tensor, input);
}

function isNestedModel(layer: Layer): layer is LayersModel {
  return layer instanceof tfl.LayersModel;
}

/** Walks back from the model's output through single-input layers to the last 4-D activation. */
function findFeatureMap(model: LayersModel): { feature: SymbolicTensor; tail: Layer[] } | null {
  let tensor = model.outputs[0];
  const tail: Layer[] = [];
  while (tensor) {
    const [, height, width] = tensor.shape;
    const layer = tensor.sourceLayer;
    if (layer.getClassName() === 'InputLayer') return null;
    if (tensor.rank === 4 && (height ?? 0) * (width ?? 0) > 1) return { feature: tensor, tail };
    const node = layer.inboundNodes[tensor.nodeIndex];
    if (!node || node.inputTensors.length !== 1 || isNestedModel(layer)) return null;
    tail.unshift(layer);
    tensor = node.inputTensors[0];
  }
  return null;
}

/** Logits from a final softmax dense layer (its kernel and bias), else log-probabilities. */
function scoresFromLast(last: Layer): (x: Tensor) => Tensor2D {
  const config = last.getConfig();
  if (last.getClassName() === 'Dense' && config.activation === 'softmax') {
    const [kernel, bias] = last.getWeights();
    if (kernel)
      return (x) =>
        (bias
          ? add(matMul(x as Tensor2D, kernel as Tensor2D), bias)
          : matMul(x as Tensor2D, kernel as Tensor2D)) as Tensor2D;
  }
  return (x) => log(maximum(last.apply(x, INFERENCE) as Tensor, scalar(1e-12))) as Tensor2D;
}

export function classifierGraph(model: LayersModel): ClassifierGraph {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const baseIndex = layers.findIndex((layer) => layer.name === BASE_NAME && isNestedModel(layer));
  const base = baseIndex >= 0 ? (layers[baseIndex] as LayersModel) : model;
  const before = baseIndex >= 0 ? layers.slice(0, baseIndex) : [];
  const after = baseIndex >= 0 ? layers.slice(baseIndex + 1) : [];
  const found = findFeatureMap(base);
  const probabilities = (images: Tensor4D): Tensor2D => model.apply(images, INFERENCE) as Tensor2D;

  // From the feature map (or the base's output) to the output, the last layer turned into scores.
  const chain = found ? [...found.tail, ...after] : after;
  const last = chain[chain.length - 1];
  const toScores = last ? scoresFromLast(last) : null;
  const chainToScores = (x: Tensor): Tensor2D =>
    toScores ? toScores(applyChain(chain.slice(0, -1), x)) : (x as Tensor2D);

  if (!found) {
    return {
      featureLayer: null,
      pooled: false,
      toFeatures: () => {
        throw new Error('the model has no convolutional feature map for Grad-CAM');
      },
      fromFeatures: chainToScores,
      scores: (images) =>
        baseIndex >= 0 && toScores
          ? chainToScores(base.apply(applyChain(before, images), INFERENCE) as Tensor)
          : (log(maximum(probabilities(images), scalar(1e-12))) as Tensor2D),
      probabilities,
    };
  }
  const featureModel = tfl.model({ inputs: base.inputs, outputs: found.feature });
  const toFeatures = (images: Tensor4D): Tensor4D =>
    featureModel.apply(applyChain(before, images), INFERENCE) as Tensor4D;
  return {
    featureLayer: found.feature.sourceLayer.name,
    pooled: /^Global(Average|Max)Pooling2D$/.test(chain[0]?.getClassName() ?? ''),
    toFeatures,
    fromFeatures: (features) => chainToScores(features),
    scores: (images) => chainToScores(toFeatures(images)),
    probabilities,
  };
}
