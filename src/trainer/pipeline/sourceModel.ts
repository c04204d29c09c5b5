// The `source` phase: pretrain a classifier on the source task, or load a saved model, and
// hand its feature extractor on to the target task.
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ImageShape, PreparedDataset } from '../data/dataset';
import { buildClassifier, extractBase } from '../models/classifier';
import { loadModel, readModelMetadata } from '../models/modelFiles';
import type { PhaseEnvironment } from './phaseRunner';
import { runTrainingPhase } from './phaseRunner';

export interface SourceModel {
  base: LayersModel;
  /** The whole source classifier, to save as source-model/ (null when loaded from `pretrained`). */
  classifier: LayersModel | null;
  /** For metadata: where the base's weights came from. */
  provenance: string;
}

/**
 * Pretrains on the source task. `onCreated` gets the classifier before training starts, so a
 * run stopped during this phase can still save what was learnt.
 */
export async function pretrainOnSource(
  source: PreparedDataset,
  shape: ImageShape,
  epochs: number,
  environment: PhaseEnvironment,
  onCreated: (classifier: LayersModel, provenance: string, classes: string[]) => void,
): Promise<SourceModel> {
  const { experiment } = environment;
  const classifier = buildClassifier(
    experiment.model.architecture,
    shape,
    source.classes.length,
    experiment.model.dropout,
    environment.random.fork('sourceModelWeights'),
  );
  const provenance = `pretrained on ${source.description} for ${epochs} epochs`;
  onCreated(classifier.model, provenance, source.classes);
  await runTrainingPhase(
    {
      phase: 'source',
      description: `pretrain ${experiment.model.architecture} on the source task, ${source.description}`,
      classifier,
      data: source,
      classes: source.classes,
      positiveClass: source.classes.length === 2 ? 1 : null,
      epochs,
      learningRate: experiment.source?.learningRate ?? experiment.training.learningRate,
      targetTask: false,
    },
    environment,
  );
  return { base: classifier.base, classifier: classifier.model, provenance };
}

export async function loadPretrained(dir: string, environment: PhaseEnvironment): Promise<SourceModel> {
  const started = performance.now();
  environment.events.emit({
    type: 'phase-started',
    phase: 'source',
    description: `load the pretrained model ${dir}`,
    epochs: 0,
    batchesPerEpoch: 0,
    learningRate: null,
    trainableParams: 0,
    totalParams: 0,
  });
  let model: LayersModel;
  try {
    model = await loadModel(dir);
  } catch (error) {
    throw new Error(
      `cannot load the pretrained model from ${dir}: ${(error as Error).message} (it must be a TF.js layers model folder with model.json, such as a run's model/)`,
    );
  }
  const metadata = readModelMetadata(dir);
  environment.events.emit({
    type: 'phase-ended',
    phase: 'source',
    epochsRun: 0,
    stoppedEarly: false,
    bestEpoch: null,
    seconds: (performance.now() - started) / 1000,
  });
  const described = metadata ? `${metadata.architecture} from ${dir} (${metadata.weightsSource})` : dir;
  return { base: extractBase(model), classifier: null, provenance: `loaded from ${described}` };
}
