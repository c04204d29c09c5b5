// A pretrained base from a Keras 2 full-model .h5 file (RadImageNet's kind): its model_config
// built by tfjs-layers, its model_weights set layer by layer (Keras stores each layer's weights
// in the order tfjs-layers creates them), and the base taken as everything before its
// classifier, the last layer. Weights-only files need the architecture's topology from
// elsewhere (kerasApplicationWeights.ts, for ResNet50 and DenseNet121).
import { basename } from 'node:path';
import { tensor } from '@tensorflow/tfjs-core';
import type { serialization } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { models } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { errorMessage } from '../../shared/errors/errorMessage';
import { extractBase } from '../models/classifier';
import type { KerasWeightFile } from './kerasH5';
import type { TorchvisionHead } from './loadTorchvisionWeights';
import { WeightFileError } from './tensorMap';

export interface KerasModelBase {
  base: LayersModel;
  head: TorchvisionHead | null;
  tensors: number;
  /** The model's name in model_config. */
  name: string;
}

const shapeText = (shape: readonly (number | null)[]): string => `[${shape.join(', ')}]`;

/** `file`: a full-model file as readKerasH5 read it from `path`. */
export async function baseFromKerasModel(path: string, file: KerasWeightFile): Promise<KerasModelBase> {
  const fileName = basename(path);
  if (file.kind !== 'full-model' || file.modelConfig === null)
    throw new Error(`internal error: ${fileName} has no model_config to build`);
  let model: LayersModel;
  try {
    // KerasModelConfig is the same JSON dict that PyJsonDict describes, typed more loosely.
    const modelTopology = file.modelConfig as unknown as serialization.ConfigDict;
    model = await models.modelFromJSON({ modelTopology });
  } catch (error) {
    throw new WeightFileError(`${fileName}: tfjs-layers cannot build its model_config: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  let count = 0;
  for (const { name, weights } of file.layers) {
    const layer = model.layers.find((candidate) => candidate.name === name);
    if (!layer) throw new WeightFileError(`${fileName}: model_weights has layer ${name}, which model_config lacks`);
    const entries = weights.map((weight) => file.tensors.tensors.get(weight));
    const expected = layer.weights.map((variable) => variable.shape);
    const differs =
      entries.length !== expected.length ||
      entries.some((entry, index) => !entry || shapeText(entry.shape) !== shapeText(expected[index] ?? []));
    if (differs)
      throw new WeightFileError(
        `${fileName}: layer ${name} holds ${entries.map((entry) => shapeText(entry?.shape ?? [])).join(', ')} ` +
          `in model_weights, ${expected.map(shapeText).join(', ')} in its model_config`,
      );
    const values: Tensor[] = entries.map((entry) => tensor(entry?.values ?? [], entry?.shape, 'float32'));
    try {
      layer.setWeights(values);
    } finally {
      for (const value of values) value.dispose();
    }
    count += values.length;
  }
  return { base: extractBase(model), head: headOf(model), tensors: count, name: model.name };
}

/** The last layer, when it is a dense classifier: its kernel is already [features, classes]. */
function headOf(model: LayersModel): TorchvisionHead | null {
  const last = model.layers[model.layers.length - 1];
  if (!last || last.getClassName() !== 'Dense') return null;
  const [kernel, bias] = last.getWeights();
  const [features = 0, classes = 0] = kernel?.shape ?? [];
  return {
    keys: last.weights.map((variable) => variable.originalName),
    features,
    classes,
    kernel: new Float32Array(kernel?.dataSync() ?? []),
    bias: bias ? new Float32Array(bias.dataSync()) : new Float32Array(classes),
  };
}
