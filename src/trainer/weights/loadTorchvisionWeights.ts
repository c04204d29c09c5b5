// Puts a torchvision state dict (as a TensorMap, from any reader) into one of our torchvision
// backbones, name by name (torchvisionNames.ts). Everything is checked before any weight is set:
// a file of another architecture, with tensors missing or extra, or of other shapes, stops with
// an error naming the first tensors that differ and what the file seems to be. The classifier
// head (fc, classifier…) is not part of the base: it is returned, for whoever keeps it.
import { tensor } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { TorchvisionArchitectureName } from '../models/architectureTable';
import { TORCHVISION_ARCHITECTURES } from '../models/architectureTable';
import { guessArchitecture } from '../../shared/weights/guessArchitecture';
import { WeightFileError, elementCount } from './tensorMap';
import type { TensorEntry, TensorMap } from './tensorMap';
import { normalizeTorchKey, toKerasLayout, torchKeyOf, torchShapeOf } from './torchvisionNames';

/** How many names each kind of difference lists. */
const LISTED = 3;

/** The file's classifier head, in our dense layer's layout. */
export interface TorchvisionHead {
  /** The keys it came from (`fc.weight`, `fc.bias`). */
  keys: string[];
  features: number;
  classes: number;
  /** [features, classes], row-major. */
  kernel: Float32Array;
  /** [classes], zeros where the file has no bias. */
  bias: Float32Array;
}

export interface LoadedWeights {
  /** Tensors set in the base. */
  tensors: number;
  head: TorchvisionHead | null;
}

interface Expected {
  key: string;
  layer: string;
  weight: string;
  shape: number[];
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function tensorCount(count: number): string {
  return `${count} ${count === 1 ? 'tensor' : 'tensors'}`;
}

function listed(names: readonly string[], separator = ', '): string {
  const shown = names.slice(0, LISTED).join(separator);
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

function expectedWeights(base: LayersModel): Expected[] {
  return base.layers.flatMap((layer) =>
    layer.weights.map((variable) => {
      const weight = weightName(variable.originalName);
      const shape = variable.shape.map((size) => size ?? 0);
      return { key: torchKeyOf(layer.name, weight), layer: layer.name, weight, shape: torchShapeOf(weight, shape) };
    }),
  );
}

/**
 * Checks the tensors against the base and sets them. `fileName` names the file in errors; the
 * base must be `architecture`'s as buildBase makes it.
 */
export function loadTorchvisionWeights(
  base: LayersModel,
  architecture: TorchvisionArchitectureName,
  map: TensorMap,
  fileName: string,
): LoadedWeights {
  const definition = TORCHVISION_ARCHITECTURES[architecture];
  const tensors = new Map<string, TensorEntry>();
  for (const [key, entry] of map.tensors) {
    const normalized = normalizeTorchKey(key);
    if (normalized !== null) tensors.set(normalized, entry);
  }
  const headPrefix = `${definition.head}.`;
  const headKeys = [...tensors.keys()].filter((key) => key.startsWith(headPrefix));
  const expected = expectedWeights(base);
  const expectedKeys = new Set(expected.map((weight) => weight.key));

  const missing = expected.filter((weight) => !tensors.has(weight.key)).map((weight) => weight.key);
  const extra = [...tensors.keys()].filter((key) => !expectedKeys.has(key) && !key.startsWith(headPrefix));
  const reshaped = expected.flatMap((weight) => {
    const found = tensors.get(weight.key);
    if (!found || shapeText(found.shape) === shapeText(weight.shape)) return [];
    return [`${weight.key} is ${shapeText(found.shape)} in the file, ${shapeText(weight.shape)} here`];
  });
  const head = headOf(tensors, headKeys, base);
  if (missing.length + extra.length + reshaped.length > 0 || typeof head === 'string') {
    const problems = [
      missing.length > 0 ? `${tensorCount(missing.length)} missing: ${listed(missing)}` : null,
      extra.length > 0 ? `${tensorCount(extra.length)} that ${architecture} does not have: ${listed(extra)}` : null,
      reshaped.length > 0 ? `${tensorCount(reshaped.length)} of another shape: ${listed(reshaped, '; ')}` : null,
      typeof head === 'string' ? `Its classifier head ${head}` : null,
    ].filter((problem) => problem !== null);
    const channels = base.inputs[0]?.shape[3];
    const firstConvolution = expected[0];
    const channelHint =
      firstConvolution && reshaped.length === 1 && reshaped[0]?.startsWith(`${firstConvolution.key} `)
        ? ` The base takes ${channels}-channel images: build it with the file's channel count ` +
          '(a 1×1 channel adapter in front of it feeds grey images).'
        : '';
    const seemsToBe = guessArchitecture([...map.tensors].map(([name, { shape }]) => ({ name, shape }))).label;
    throw new WeightFileError(
      `${fileName} does not fit ${architecture}. ${problems.join('. ')}. ` +
        `The file seems to be ${seemsToBe}.${channelHint}`,
    );
  }

  for (const layer of base.layers) {
    if (layer.weights.length === 0) continue;
    const values: Tensor[] = layer.weights.map((variable) => {
      const weight = weightName(variable.originalName);
      const entry = tensors.get(torchKeyOf(layer.name, weight));
      if (!entry) throw new Error(`no tensor for ${variable.originalName} after checking: a bug in the mapping`);
      const shape = variable.shape.map((size) => size ?? 0);
      return tensor(toKerasLayout(weight, entry.shape, entry.values), shape, 'float32');
    });
    try {
      layer.setWeights(values);
    } finally {
      for (const value of values) value.dispose();
    }
  }
  return { tensors: expected.length, head };
}

function weightName(originalName: string): string {
  return originalName.slice(originalName.lastIndexOf('/') + 1);
}

/** The head as our dense layout, null when the file has none, or why it is not a head for this base. */
function headOf(
  tensors: ReadonlyMap<string, TensorEntry>,
  keys: readonly string[],
  base: LayersModel,
): TorchvisionHead | null | string {
  if (keys.length === 0) return null;
  const features = base.outputs[0]?.shape[1] ?? 0;
  const [weightKey, biasKey] = [keys.find((key) => key.endsWith('.weight')), keys.find((key) => key.endsWith('.bias'))];
  const weight = weightKey === undefined ? undefined : tensors.get(weightKey);
  const bias = biasKey === undefined ? undefined : tensors.get(biasKey);
  const [classes = 0, inputs] = weight?.shape ?? [];
  if (!weight || weight.shape.length !== 2 || inputs !== features || keys.length > 2) {
    return `(${keys.join(', ')}) is not a dense layer on ${features} features`;
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== classes)) {
    return `bias ${biasKey} is ${shapeText(bias.shape)}, not [${classes}]`;
  }
  return {
    keys: [...keys],
    features,
    classes,
    kernel: toKerasLayout('kernel', weight.shape, weight.values),
    bias: bias?.values ?? new Float32Array(elementCount([classes])),
  };
}
