// The model `predict` uses: a run's fine-tuned model (model/, the one `explain` and `report`
// show first), decoding images as the run's target dataset was decoded; or a model folder, such
// as one `medtransfer import` wrote. A folder that kept its weight file's own classifier head
// (metadata.json's sourceHead) answers with its top classes, named as ImageNet's when it has 1,000.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { ImageShape } from '../data/dataset';
import { DEFAULT_DECODE_SETTINGS, decodeSettings } from '../explain/decodeForModel';
import type { DecodeSettings } from '../explain/decodeForModel';
import { loadModelFolder, readRunExperiment } from '../explain/runModels';
import imagenetClasses from './imagenetClasses.json';

export interface PredictModel {
  classifier: LayersModel;
  classes: string[];
  inputShape: ImageShape;
  /** The operating point of a binary model (metadata.json's decision); null: the argmax decides. */
  decision: OperatingPointDecision | null;
  settings: DecodeSettings;
  /** `classes`: a probability per class and a decision; `top`: a weight file's own head, its top classes. */
  answer: 'classes' | 'top';
  notes: string[];
}

const isRunFolder = (dir: string): boolean => existsSync(join(dir, RUN_FILES.experiment));
const isModelFolder = (dir: string): boolean => existsSync(join(dir, 'model.json'));

export async function loadPredictModel(dir: string): Promise<PredictModel> {
  let modelDir: string;
  let settings: DecodeSettings;
  if (isRunFolder(dir)) {
    modelDir = join(dir, RUN_FILES.model);
    if (!isModelFolder(modelDir))
      throw new Error(
        `${dir} has no fine-tuned model (${RUN_FILES.model}/): was the run stopped before training, or did it fail?`,
      );
    settings = decodeSettings(readRunExperiment(dir));
  } else if (isModelFolder(dir)) {
    modelDir = dir;
    // A run's model/ or scratch-model/ named directly decodes as its run did.
    settings = isRunFolder(dirname(dir)) ? decodeSettings(readRunExperiment(dirname(dir))) : DEFAULT_DECODE_SETTINGS;
  } else {
    throw new Error(
      `${dir} is neither a MedTransfer run folder (no ${RUN_FILES.experiment}) nor a model folder (no model.json)`,
    );
  }
  const notes: string[] = [];
  const loaded = await loadModelFolder(modelDir, basename(modelDir), notes);
  const sourceHead = loaded.metadata?.sourceHead;
  if (sourceHead === undefined) return { ...loaded, settings, answer: 'classes', notes };
  const classes =
    loaded.classes.length === imagenetClasses.length ? imagenetClasses : loaded.classes.map((_, k) => `class ${k}`);
  return { ...loaded, classes, decision: null, settings, answer: 'top', notes };
}
