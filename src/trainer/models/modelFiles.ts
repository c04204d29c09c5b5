// Saves and loads TF.js layers models as files (model.json + weights.bin, the format
// tf.loadLayersModel reads in a browser or Node) without tfjs-node's file:// handler,
// which is not available on the default backends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io } from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { replaceFolderAtomically, writeFileDurably } from '../../shared/host/atomicFiles';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import type { ImageShape } from '../data/dataset';
import { PREPROCESSING_DESCRIPTIONS } from '../../shared/experiment/preprocessing';
import type { Preprocessing } from '../../shared/experiment/preprocessing';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** What a model folder says about itself in metadata.json, so it can be used as it is. */
export interface ModelMetadata {
  format: 'medtransfer-model/1';
  classes: string[];
  inputShape: ImageShape;
  /** Inputs are pixel values scaled to [0, 1]: value / 255 for 8-bit images. */
  normalization: { scale: number; offset: number; description: string };
  architecture: string;
  /** Where the weights came from, e.g. `fine-tuned (two-phase) from source task …`. */
  weightsSource: string;
  experimentName: string;
  runId: string;
  savedAt: string;
  /** What the model's `preprocessing` layer does to the [0, 1] inputs; absent (none) for models without one. */
  preprocessing?: PreprocessingMetadata;
  /** A base from a weight file: the file's own classifier head, replaced here (an import keeps it in the model). */
  sourceHead?: SourceHeadMetadata;
  /** Binary target models: the class the threshold is about. */
  positiveClass?: string | null;
  /** Binary target models: how to turn the output into a decision, as the evaluation did. */
  decision?: DecisionMetadata;
}

export interface PreprocessingMetadata {
  name: Preprocessing;
  description: string;
  /** `weights`: what the pretrained weights need; or the experiment's `preprocessing:`, or import's --preprocessing. */
  chosenBy: 'weights' | 'experiment' | 'import';
  usage: string;
}

export interface SourceHeadMetadata {
  file: string;
  /** The head's tensors in the file (`fc.weight`, `fc.bias`). */
  tensors: string[];
  features: number;
  classes: number;
}

/**
 * The operating point of a binary model: call a case positive when the model's softmax output for
 * `positiveClassIndex` is ≥ `threshold`. The threshold is on the raw output (a temperature, when
 * fitted, is already folded in); `temperature` is there for calibrated probabilities:
 * softmax(log(output) / temperature).
 */
export interface DecisionMetadata extends OperatingPointDecision {
  positiveClass: string;
  target: number | null;
  chosenOn: 'val' | null;
  temperature: number | null;
  usage: string;
}

/**
 * Writes the model as the folder `dir`, replacing any folder there whole: its three files are
 * written into a temporary folder that takes the name once complete, so model.json, weights.bin
 * and metadata.json always belong together.
 */
export async function saveModel(model: LayersModel, dir: string, metadata: ModelMetadata): Promise<void> {
  await replaceFolderAtomically(dir, (folder) => writeModelFiles(model, folder, metadata));
}

async function writeModelFiles(model: LayersModel, dir: string, metadata: ModelMetadata): Promise<void> {
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData;
      const bytes =
        weights === undefined
          ? new Uint8Array()
          : new Uint8Array(io.concatenateArrayBuffers(Array.isArray(weights) ? weights : [weights]));
      writeFileDurably(join(dir, WEIGHTS_BIN), bytes);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: 'MedTransfer',
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileDurably(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return {
        modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.byteLength },
      };
    }),
  );
  writeFileDurably(join(dir, RUN_FILES.modelMetadata), `${JSON.stringify(metadata, null, 2)}\n`);
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

function isModelJson(value: unknown): value is ModelJson {
  return (
    value !== null &&
    typeof value === 'object' &&
    'modelTopology' in value &&
    'weightsManifest' in value &&
    Array.isArray(value.weightsManifest)
  );
}

/** Loads a model folder written by saveModel (or by any TF.js layers-model export). */
export async function loadModel(dir: string): Promise<LayersModel> {
  const modelJson: unknown = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8'));
  if (!isModelJson(modelJson)) throw new Error(`${join(dir, MODEL_JSON)} is not a TF.js layers model`);
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const buffers = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((path) => readFileSync(join(dir, path))),
  );
  const weightData = io.concatenateArrayBuffers(
    buffers.map(
      (buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer,
    ),
  );
  return loadLayersModel(io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
}

export function readModelMetadata(dir: string): ModelMetadata | null {
  try {
    return JSON.parse(readFileSync(join(dir, RUN_FILES.modelMetadata), 'utf8')) as ModelMetadata;
  } catch {
    return null;
  }
}

export function preprocessingMetadata(
  name: Preprocessing,
  chosenBy: PreprocessingMetadata['chosenBy'],
): PreprocessingMetadata {
  return {
    name,
    description: PREPROCESSING_DESCRIPTIONS[name],
    chosenBy,
    usage:
      name === 'none'
        ? 'feed pixel values in [0, 1]'
        : 'feed pixel values in [0, 1]: the model applies this in its frozen `preprocessing` layer',
  };
}
