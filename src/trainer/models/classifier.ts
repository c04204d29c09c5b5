// A classifier is a feature extractor (the nested model named `base`, which is what transfers)
// plus a head (dropout and a softmax dense layer) and, when the input's channel count differs
// from the base's, a 1×1 convolution that adapts the channels (initialised to an average, so a
// grey base sees the mean of RGB at first, and trained with the head).
import * as tf from '@tensorflow/tfjs-layers';
import type { LayersModel, SymbolicTensor } from '@tensorflow/tfjs-layers';
import { tensor1d, tensor4d } from '@tensorflow/tfjs-core';
import type { Architecture } from '../../shared/experiment/schema';
import { preprocessingAffine } from '../../shared/experiment/preprocessing';
import type { Preprocessing } from '../../shared/experiment/preprocessing';
import type { ImageShape } from '../data/dataset';
import { ExperimentError } from '../experiment/experimentError';
import type { SeededRandom } from '../random';
import { ARCHITECTURE_DEFINITIONS } from './architectureTable';
import type { ArchitectureDefinition } from './architectures/architecture';
import { LayerFactory } from './layerFactory';

export const BASE_NAME = 'base';
export const ADAPTER_NAME = 'adapter';
/** The frozen 1×1 convolution in front of the base that prepares images for its weights (never trains). */
export const PREPROCESSING_NAME = 'preprocessing';
export const HEAD_LAYER_NAMES = ['head_dropout', 'head_dense'] as const;

export interface Classifier {
  /** Input images → class probabilities. */
  model: LayersModel;
  /** The feature extractor inside `model`. */
  base: LayersModel;
}

/** A freshly initialised feature extractor. */
export function buildBase(architecture: Architecture, inputShape: ImageShape, random: SeededRandom): LayersModel {
  return buildBaseFrom(ARCHITECTURE_DEFINITIONS[architecture], inputShape, random);
}

/** A freshly initialised feature extractor of a definition outside the table (Keras' ResNet50 v1). */
export function buildBaseFrom(
  definition: ArchitectureDefinition,
  inputShape: ImageShape,
  random: SeededRandom,
): LayersModel {
  const input = tf.input({ shape: inputShape, name: 'base_input' });
  return tf.model({ inputs: input, outputs: definition.features(input, random), name: BASE_NAME });
}

export interface HeadOptions {
  /** Shape of the images the classifier receives; the channels may differ from the base's. */
  inputShape: ImageShape;
  classCount: number;
  dropout: number;
  random: SeededRandom;
  /** What the base's weights expect of images in [0, 1]; 'none' or absent adds no layer. */
  preprocessing?: Preprocessing;
}

/** Puts a new head (and a channel adapter where needed) on a base. The base's layers are shared, not copied. */
export function attachHead(base: LayersModel, options: HeadOptions): Classifier {
  const layers = new LayerFactory(options.random);
  const input = tf.input({ shape: options.inputShape, name: 'images' });
  const baseChannels = base.inputs[0]?.shape[3];
  const inputChannels = options.inputShape[2];
  let x: SymbolicTensor = input;
  if (typeof baseChannels === 'number' && baseChannels !== inputChannels) {
    const adapter = tf.layers.conv2d({ name: ADAPTER_NAME, filters: baseChannels, kernelSize: 1, useBias: true });
    x = adapter.apply(x) as SymbolicTensor;
    const average = tensor4d(new Float32Array(inputChannels * baseChannels).fill(1 / inputChannels), [
      1,
      1,
      inputChannels,
      baseChannels,
    ]);
    const bias = tensor1d(new Float32Array(baseChannels));
    adapter.setWeights([average, bias]);
    average.dispose();
    bias.dispose();
  }
  if (options.preprocessing && options.preprocessing !== 'none' && typeof baseChannels === 'number')
    x = applyPreprocessing(x, options.preprocessing, baseChannels);
  x = base.apply(x) as SymbolicTensor;
  x = layers.dropout(x, 'head_dropout', options.dropout);
  const probabilities = layers.dense(x, 'head_dense', options.classCount, 'softmax');
  return { model: tf.model({ inputs: input, outputs: probabilities, name: 'classifier' }), base };
}

/** After the channel adapter, so that its output (grey repeated, at first) is prepared like an RGB image. */
function applyPreprocessing(x: SymbolicTensor, preprocessing: Preprocessing, channels: number): SymbolicTensor {
  const affine = preprocessingAffine(preprocessing, channels);
  const layer = tf.layers.conv2d({ name: PREPROCESSING_NAME, filters: channels, kernelSize: 1, trainable: false });
  // Applied before its weights are set: built inside apply, its weights get the layer's name as their scope.
  const output = layer.apply(x) as SymbolicTensor;
  const kernel = tensor4d(affine.kernel.flat(), [1, 1, channels, channels]);
  const bias = tensor1d(affine.bias);
  layer.setWeights([kernel, bias]);
  kernel.dispose();
  bias.dispose();
  return output;
}

export function buildClassifier(
  architecture: Architecture,
  inputShape: ImageShape,
  classCount: number,
  dropout: number,
  random: SeededRandom,
): Classifier {
  const base = buildBase(architecture, inputShape, random);
  return attachHead(base, { inputShape, classCount, dropout, random });
}

/**
 * The feature extractor of a loaded model: its nested `base` when MedTransfer saved it; for any
 * other TF.js layers model, everything up to the layer before the last (its classifier).
 */
export function extractBase(model: LayersModel): LayersModel {
  const nested = model.layers.find((layer) => layer.name === BASE_NAME);
  if (nested && 'layers' in nested) return nested as LayersModel;
  const penultimate = model.layers[model.layers.length - 2];
  if (!penultimate)
    throw new ExperimentError('the pretrained model has no layer before its output to take features from');
  const input = model.inputs[0];
  if (!input) throw new ExperimentError('the pretrained model has no input');
  return tf.model({ inputs: input, outputs: penultimate.output as SymbolicTensor, name: BASE_NAME });
}
