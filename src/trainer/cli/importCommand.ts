// `medtransfer import FILE --architecture A --out DIR [--size N] [--preprocessing P]`: a weight
// file converted once into a TF.js model folder (model.json, weights.bin, metadata.json), so that
// runs naming the folder as `pretrained` start without reading the file again. The folder holds
// the preprocessing layer, the base and the file's own classifier head (softmax), for `predict`.
import { basename, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-layers';
import type { SymbolicTensor } from '@tensorflow/tfjs-layers';
import { tensor1d, tensor2d } from '@tensorflow/tfjs-core';
import { PREPROCESSING_CHOICES } from '../../shared/experiment/preprocessing';
import type { Preprocessing } from '../../shared/experiment/preprocessing';
import { ARCHITECTURES, ARCHITECTURE_MIN_SIZE } from '../../shared/experiment/schema';
import type { Architecture } from '../../shared/experiment/schema';
import { EXIT } from '../../shared/run/trainerExitCodes';
import { selectBackend } from '../backend/selectBackend';
import { backendSearchPathsHere } from '../backend/searchPaths';
import { attachHead, HEAD_LAYER_NAMES } from '../models/classifier';
import { preprocessingMetadata, saveModel } from '../models/modelFiles';
import type { ModelMetadata } from '../models/modelFiles';
import { SeededRandom } from '../random';
import { WeightFileError } from '../weights/tensorMap';
import { baseFromWeightFile } from '../weights/weightFileBase';
import type { WeightFileBase } from '../weights/weightFileBase';
import type { Output } from './commands';

export interface ImportOptions {
  file: string;
  architecture?: string;
  out?: string;
  size?: string;
  preprocessing?: string;
}

const DEFAULT_SIZE = 224;

function oneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value);
}

export async function importCommand(options: ImportOptions, output: Output): Promise<number> {
  const usage = (message: string): number => {
    output.err(`medtransfer import: ${message}`);
    return EXIT.usage;
  };
  const { architecture, out, preprocessing } = options;
  if (architecture === undefined || !oneOf(ARCHITECTURES, architecture))
    return usage(`--architecture is one of: ${ARCHITECTURES.join(', ')}`);
  if (out === undefined) return usage('--out DIR names the model folder to write');
  if (preprocessing !== undefined && !oneOf(PREPROCESSING_CHOICES, preprocessing))
    return usage(`--preprocessing is one of: ${PREPROCESSING_CHOICES.join(', ')}`);
  const size = Number(options.size ?? DEFAULT_SIZE);
  const minimum = ARCHITECTURE_MIN_SIZE[architecture].size;
  if (!Number.isInteger(size) || size < minimum || size > 1024)
    return usage(`--size is the image size in pixels, an integer from ${minimum} (${architecture}) to 1024`);

  // Conversion only sets weights and writes them: plain JavaScript is enough, and always there.
  const backend = await selectBackend('cpu', { log: () => undefined, searchPaths: backendSearchPathsHere([]) });
  try {
    let loaded: WeightFileBase;
    try {
      loaded = await baseFromWeightFile(resolve(options.file), architecture, [size, size], new SeededRandom(0));
    } catch (error) {
      if (!(error instanceof WeightFileError)) throw error;
      output.err(`medtransfer import: ${error.message}`);
      return EXIT.invalid;
    }
    const chosen: Preprocessing = preprocessing ?? loaded.preprocessing;
    const metadata = await saveImported(loaded, architecture, size, chosen, preprocessing !== undefined, options);
    output.out(`${basename(options.file)} → ${out}`);
    output.out(`  architecture:  ${architecture} at ${size}×${size}×3, ${loaded.description}`);
    output.out(`  preprocessing: ${chosen} (${metadata.preprocessing?.description ?? ''})`);
    output.out(
      `  head:          ${loaded.head ? `the file's, ${loaded.head.classes} classes` : 'none (the file has none)'}`,
    );
    return EXIT.ok;
  } finally {
    backend.release();
  }
}

async function saveImported(
  loaded: WeightFileBase,
  architecture: Architecture,
  size: number,
  preprocessing: Preprocessing,
  chosenByUser: boolean,
  options: ImportOptions,
): Promise<ModelMetadata> {
  const { base, head } = loaded;
  let model: tf.LayersModel;
  if (head) {
    model = attachHead(base, {
      inputShape: [size, size, 3],
      classCount: head.classes,
      dropout: 0,
      random: new SeededRandom(0),
      preprocessing,
    }).model;
    const kernel = tensor2d(head.kernel, [head.features, head.classes]);
    const bias = tensor1d(head.bias);
    model.getLayer(HEAD_LAYER_NAMES[1]).setWeights([kernel, bias]);
    kernel.dispose();
    bias.dispose();
  } else {
    // No head to keep: the base alone (with its preprocessing), which `pretrained` takes as it is.
    const withoutHead = attachHead(base, {
      inputShape: [size, size, 3],
      classCount: 1,
      dropout: 0,
      random: new SeededRandom(0),
      preprocessing,
    }).model;
    const input = withoutHead.inputs[0];
    if (!input) throw new Error('internal error: the imported model has no input');
    const features = withoutHead.getLayer(HEAD_LAYER_NAMES[0]).input as SymbolicTensor;
    model = tf.model({ inputs: input, outputs: features, name: 'classifier' });
  }
  const metadata: ModelMetadata = {
    format: 'medtransfer-model/1',
    classes: head ? Array.from({ length: head.classes }, (_, index) => `class ${index}`) : [],
    inputShape: [size, size, 3],
    normalization: {
      scale: 1 / 255,
      offset: 0,
      description: 'pixel values scaled to [0, 1] (value / 255 for 8-bit images), height × width × channels',
    },
    preprocessing: preprocessingMetadata(preprocessing, chosenByUser ? 'import' : 'weights'),
    ...(head
      ? {
          sourceHead: {
            file: basename(options.file),
            tensors: head.keys,
            features: head.features,
            classes: head.classes,
          },
        }
      : {}),
    architecture,
    weightsSource: `imported from ${loaded.description}`,
    experimentName: 'medtransfer import',
    runId: '',
    savedAt: new Date().toISOString(),
  };
  await saveModel(model, resolve(options.out ?? ''), metadata);
  return metadata;
}
