// What a finished run offers for explanations: its resolved experiment (experiment.json) and the
// fine-tuned and scratch models that were saved, with their metadata (classes, input shape, and
// the operating point that decides a binary model's answer).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { experimentSchema } from '../../shared/experiment/schema';
import type { Experiment } from '../../shared/experiment/schema';
import type { EvaluatedModel } from '../../shared/run/events';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { ImageShape } from '../data/dataset';
import { operatingPointSchema } from '../../shared/run/modelDecision';
import type { OperatingPointDecision } from '../../shared/run/modelDecision';
import { loadModel, readModelMetadata } from '../models/modelFiles';
import type { ModelMetadata } from '../models/modelFiles';

export interface RunModel {
  model: EvaluatedModel;
  classifier: LayersModel;
  classes: string[];
  inputShape: ImageShape;
  /** metadata.json's operating point; null: the argmax decides (more than 2 classes, or none saved). */
  decision: OperatingPointDecision | null;
}

export interface RunModels {
  experiment: Experiment;
  models: RunModel[];
  /** What the user should know about the models (an operating point that could not be used). */
  notes: string[];
}

const FOLDERS: [EvaluatedModel, string][] = [
  ['fine-tuned', RUN_FILES.model],
  ['scratch', RUN_FILES.scratchModel],
];

/** The run's experiment as run; a clear error when the folder is no run. */
export function readRunExperiment(runDir: string): Experiment {
  const path = join(runDir, RUN_FILES.experiment);
  if (!existsSync(path)) throw new Error(`${runDir} is not a MedTransfer run folder (no ${RUN_FILES.experiment})`);
  const parsed = experimentSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `${path} does not match this version's experiment schema: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

/**
 * The operating point in a model's metadata.json, checked against the model (2 outputs): null
 * when there is none, or when it cannot be used (then `notes` says why and the argmax decides).
 */
function operatingPointOf(
  metadata: ModelMetadata | null,
  classCount: number,
  folder: string,
  notes: string[],
): OperatingPointDecision | null {
  if (metadata?.decision === undefined) return null;
  const parsed = operatingPointSchema.safeParse(metadata.decision);
  const problem = !parsed.success
    ? (parsed.error.issues[0]?.message ?? 'invalid')
    : classCount !== 2
      ? `the model has ${classCount} outputs, not 2`
      : null;
  if (parsed.success && problem === null) return parsed.data;
  notes.push(`${folder}/${RUN_FILES.modelMetadata}: its decision cannot be used (${problem}); the argmax decides`);
  return null;
}

export type LoadedModelFolder = Omit<RunModel, 'model'> & { metadata: ModelMetadata | null };

/** A model folder (model.json, weights.bin, metadata.json); `label` names it in notes. */
export async function loadModelFolder(dir: string, label: string, notes: string[]): Promise<LoadedModelFolder> {
  const classifier = await loadModel(dir);
  const metadata = readModelMetadata(dir);
  const shape = classifier.inputs[0]?.shape.slice(1);
  const inputShape = (metadata?.inputShape ?? shape) as ImageShape;
  const classCount = classifier.outputs[0]?.shape[1] ?? 0;
  const named = metadata?.classes.length === classCount ? metadata.classes : null;
  const classes = named ?? Array.from({ length: classCount }, (_, index) => `class ${index}`);
  const decision = operatingPointOf(metadata, classCount, label, notes);
  return { classifier, classes, inputShape, decision, metadata };
}

export async function loadRunModels(runDir: string): Promise<RunModels> {
  const experiment = readRunExperiment(runDir);
  const models: RunModel[] = [];
  const notes: string[] = [];
  for (const [model, folder] of FOLDERS) {
    const dir = join(runDir, folder);
    if (!existsSync(join(dir, 'model.json'))) continue;
    const { classifier, classes, inputShape, decision } = await loadModelFolder(dir, folder, notes);
    models.push({ model, classifier, classes, inputShape, decision });
  }
  if (models.length === 0)
    throw new Error(
      `${runDir} has no saved model (${RUN_FILES.model}/ or ${RUN_FILES.scratchModel}/): ` +
        'was the run stopped before training, or did it fail?',
    );
  return { experiment, models, notes };
}
