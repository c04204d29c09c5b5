// A pretrained base from a weight file: its content picks the reader, the experiment's
// architecture is built and the file's tensors are mapped onto it (loadTorchvisionWeights.ts),
// which refuses a file of another architecture before anything trains. The file's classifier
// head is returned apart, and the preprocessing its weights were trained with.
import { basename } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Preprocessing } from '../../shared/experiment/preprocessing';
import type { Architecture } from '../../shared/experiment/schema';
import { guessArchitecture } from '../../shared/weights/guessArchitecture';
import { weightsPreprocessing } from '../../shared/weights/weightFileDescription';
import { TORCHVISION_ARCHITECTURES, isTorchvisionArchitecture } from '../models/architectureTable';
import type { TorchvisionArchitectureName } from '../models/architectureTable';
import type { ArchitectureDefinition } from '../models/architectures/architecture';
import { kerasResnet50 } from '../models/architectures/kerasResnet50';
import { buildBaseFrom } from '../models/classifier';
import type { SeededRandom } from '../random';
import {
  KERAS_APPLICATION_ARCHITECTURES,
  isKerasApplication,
  kerasApplicationStateDict,
} from './kerasApplicationWeights';
import { readKerasH5 } from './kerasH5';
import { baseFromKerasModel } from './kerasModelBase';
import { loadTorchvisionWeights } from './loadTorchvisionWeights';
import type { TorchvisionHead } from './loadTorchvisionWeights';
import { readPytorchFile } from './pytorchFile';
import { readSafetensors } from './safetensors';
import { WeightFileError } from './tensorMap';
import type { TensorMap } from './tensorMap';
import { NOT_A_WEIGHT_FILE, weightFileKind } from './weightFileKind';

export interface WeightFileBase {
  base: LayersModel;
  head: TorchvisionHead | null;
  /** What the weights were trained on: imagenet for torchvision and timm, xrayvision for TorchXRayVision. */
  preprocessing: Preprocessing;
  /** "resnet18.safetensors (safetensors, 122 tensors)". */
  description: string;
  /** What the base is: the experiment's architecture, or the Keras file's own model. */
  architecture: string;
  /** The topology the base was built from, for a scratch baseline of the same; null for a Keras full model's own. */
  definition: ArchitectureDefinition | null;
}

/** Builds `architecture` at `size` (height, width; 3 channels, as the files hold) and loads the file into it. */
export async function baseFromWeightFile(
  path: string,
  architecture: Architecture,
  size: readonly [number, number],
  random: SeededRandom,
): Promise<WeightFileBase> {
  const fileName = basename(path);
  const kind = await weightFileKind(path);
  if (kind === null) throw new WeightFileError(`${fileName}: ${NOT_A_WEIGHT_FILE}`);
  if (kind === 'hdf5') return baseFromKerasFile(path, architecture, size, random);
  if (!isTorchvisionArchitecture(architecture))
    throw new WeightFileError(
      `${fileName} holds torchvision-layout weights, which load onto resnet18, resnet50, densenet121, ` +
        `mobilenetv2 or efficientnetb0, not model.architecture ${architecture}`,
    );
  const map = kind === 'pytorch' ? await readPytorchFile(path) : await readSafetensors(path);
  const definition = TORCHVISION_ARCHITECTURES[architecture];
  const loaded = loadOnto(definition, architecture, map, fileName, size, random);
  return {
    ...loaded,
    preprocessing: weightsPreprocessing(map.format, map.metadata.module),
    description: `${fileName} (${map.format}, ${loaded.tensors} tensors)`,
    architecture,
    definition,
  };
}

/** `definition` built at `size` with the state dict `map` set (checked first); disposed when it does not fit. */
function loadOnto(
  definition: ArchitectureDefinition,
  architecture: TorchvisionArchitectureName,
  map: TensorMap,
  fileName: string,
  size: readonly [number, number],
  random: SeededRandom,
): { base: LayersModel; head: TorchvisionHead | null; tensors: number } {
  const base = buildBaseFrom(definition, [size[0], size[1], 3], random);
  try {
    return { base, ...loadTorchvisionWeights(base, architecture, map, fileName) };
  } catch (error) {
    base.dispose();
    throw error;
  }
}

/**
 * A Keras 2 .h5 file: a full model brings its own topology (model.architecture and `size` do not
 * apply); a weights-only file of keras.applications' ResNet50 or DenseNet121 is built as Keras
 * defines it, under our names. Keras' applications were trained with caffe preprocessing (RadImageNet's too).
 */
async function baseFromKerasFile(
  path: string,
  architecture: Architecture,
  size: readonly [number, number],
  random: SeededRandom,
): Promise<WeightFileBase> {
  const fileName = basename(path);
  const file = await readKerasH5(path);
  if (file.kind === 'full-model') {
    const keras = await baseFromKerasModel(path, file);
    const description = `${fileName} (keras-h5 full model, ${keras.tensors} tensors)`;
    const kerasArchitecture = `the Keras model ${keras.name}`;
    return { ...keras, preprocessing: 'caffe', description, architecture: kerasArchitecture, definition: null };
  }
  const guess = guessArchitecture([...file.tensors.tensors].map(([name, { shape }]) => ({ name, shape })));
  if (!isKerasApplication(guess.architecture)) throw new WeightFileError(unsupportedWeightsOnly(fileName, guess.label));
  const ours = KERAS_APPLICATION_ARCHITECTURES[guess.architecture];
  if (ours !== architecture)
    throw new WeightFileError(
      `${fileName} holds ${guess.label} weights only (no model_config), which load onto ` +
        `model.architecture ${ours}, not ${architecture}`,
    );
  const definition = ours === 'resnet50' ? kerasResnet50 : TORCHVISION_ARCHITECTURES[ours];
  const map = kerasApplicationStateDict(file, guess.architecture, fileName);
  const loaded = loadOnto(definition, ours, map, fileName, size, random);
  const form = ours === 'resnet50' ? "resnet50 in Keras' v1 form (stride in the first 1×1)" : ours;
  return {
    ...loaded,
    preprocessing: 'caffe',
    description: `${fileName} (keras-h5 weights only, ${loaded.tensors} tensors)`,
    architecture: form,
    definition,
  };
}

function unsupportedWeightsOnly(fileName: string, label: string): string {
  return (
    `${fileName} is a Keras weights-only file (no model_config) of ${label}: without its topology MedTransfer ` +
    "builds only keras.applications' ResNet50 (model.architecture: resnet50) and DenseNet121 (densenet121) " +
    'from layer names. Save the whole model with model.save() and name that .h5 file, or convert it to a ' +
    'TF.js model folder (tensorflowjs_converter) and name the folder'
  );
}
