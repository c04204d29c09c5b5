// A pretrained base from a weight file: its content picks the reader, the experiment's
// architecture is built and the file's tensors are mapped onto it (loadTorchvisionWeights.ts),
// which refuses a file of another architecture before anything trains. The file's classifier
// head is returned apart, and the preprocessing its weights were trained with.
import { basename } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { Preprocessing } from '../../shared/experiment/preprocessing';
import type { Architecture } from '../../shared/experiment/schema';
import { isTorchvisionArchitecture } from '../models/architectureTable';
import { buildBase } from '../models/classifier';
import type { SeededRandom } from '../random';
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
}

/** TorchXRayVision pickles its whole model; its class names it. */
function preprocessingOf(map: TensorMap): Preprocessing {
  return (map.metadata.module ?? '').startsWith('torchxrayvision') ? 'xrayvision' : 'imagenet';
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
  if (kind === 'hdf5') {
    // The file's own topology: model.architecture does not apply, nor `size` (the file fixes it).
    const keras = await baseFromKerasModel(path);
    const description = `${fileName} (keras-h5 full model, ${keras.tensors} tensors)`;
    const architecture = `the Keras model ${keras.name}`;
    return { base: keras.base, head: keras.head, preprocessing: 'caffe', description, architecture };
  }
  if (!isTorchvisionArchitecture(architecture))
    throw new WeightFileError(
      `${fileName} holds torchvision-layout weights, which load onto resnet18, resnet50, densenet121, ` +
        `mobilenetv2 or efficientnetb0, not model.architecture ${architecture}`,
    );
  const map = kind === 'pytorch' ? await readPytorchFile(path) : await readSafetensors(path);
  const base = buildBase(architecture, [size[0], size[1], 3], random);
  try {
    const loaded = loadTorchvisionWeights(base, architecture, map, fileName);
    return {
      base,
      head: loaded.head,
      preprocessing: preprocessingOf(map),
      description: `${fileName} (${map.format}, ${loaded.tensors} tensors)`,
      architecture,
    };
  } catch (error) {
    base.dispose();
    throw error;
  }
}
