// The `source` phase: pretrain a classifier on the source task, or load a saved model, and
// hand its feature extractor on to the target task. Two steps of the run (runSteps.ts), one per
// RunPlan.base.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ArchitectureDefinition } from '../models/architectures/architecture';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { ImageShape } from '../data/dataset';
import { buildClassifier, extractBase } from '../models/classifier';
import type { Classifier } from '../models/classifier';
import { loadModel, preprocessingMetadata, readModelMetadata } from '../models/modelFiles';
import type { PreprocessingMetadata, SourceHeadMetadata } from '../models/modelFiles';
import { WeightFileError } from '../weights/tensorMap';
import { baseFromWeightFile } from '../weights/weightFileBase';
import type { WeightFileBase } from '../weights/weightFileBase';
import { listWeights, nonFiniteWeights } from '../training/finiteWeights';
import type { EventStream } from '../run/eventStream';
import type { PhaseEnvironment } from './phaseRunner';
import { runTrainingPhase } from './phaseRunner';
import { reuseSharedSource, sharedSourceSlot, shareSource } from './sourceReuse';
import type { RunContext } from './runContext';
import { sourceLoadEnded, sourceLoadStarted } from './sourceLoadEvents';
import { errorMessage } from '../../shared/errors/errorMessage';
import { ExperimentError } from '../experiment/experimentError';
import { counted } from '../../shared/text/plural';

export interface SourceModel {
  base: LayersModel;
  /** The whole source classifier, to save as source-model/ (null when loaded from `pretrained`). */
  classifier: LayersModel | null;
  /** For metadata: where the base's weights came from. */
  provenance: string;
  /** What the base's weights expect of [0, 1] images, and who chose it. */
  preprocessing: PreprocessingMetadata;
  /** A weight file's own classifier head, replaced for the target task. */
  sourceHead: SourceHeadMetadata | null;
  /**
   * The topology the base was built from when it is not model.architecture's own (Keras' ResNet50
   * v1 for its weights): the scratch baseline is built from it too. Null: model.architecture.
   */
  definition: ArchitectureDefinition | null;
}

/** Step: the base from `pretrained`, which also fixes the target's image size. */
export async function loadPretrainedSource(context: RunContext): Promise<void> {
  const dir = context.experiment.pretrained;
  if (!dir) throw new Error('internal error: the plan loads a pretrained model but the experiment names none');
  context.source = await loadPretrained(dir, context.shape, context.environment);
  context.targetShape = pretrainedTargetShape(context.source, context.shape, context.events);
}

/**
 * Step: the base from a classifier trained on the source task, saved as source-model/. A run of a
 * study takes the classifier from the study's source-models/ when another run of the study has
 * already pretrained the same one (sourceReuse.ts), and keeps its own there when it trains it.
 */
export async function pretrainSource(context: RunContext): Promise<void> {
  const { source } = context.data;
  if (!source) throw new ExperimentError('the experiment has neither `source` nor `pretrained`');
  const { experiment } = context;
  const epochs = context.plan.sourceEpochs;
  const learningRate = experiment.source?.learningRate ?? experiment.training.learningRate;
  const classifier = buildClassifier(
    experiment.model.architecture,
    context.shape,
    source.classes.length,
    experiment.model.dropout,
    context.environment.random.fork('sourceModelWeights'),
  );
  // Added before training starts, so a run stopped during this phase still saves what was learnt.
  const keep = (provenance: string) =>
    context.models.add('source', classifier.model, {
      folder: RUN_FILES.sourceModel,
      weightsSource: provenance,
      classes: source.classes,
    });
  const slot = sharedSourceSlot(context, source, learningRate);
  const reused = slot ? await reuseSharedSource(slot, classifier.model, context) : null;
  if (reused !== null) {
    keep(reused);
    context.source = pretrainedSource(classifier, reused);
    return;
  }
  const provenance = `pretrained on ${source.description} for ${counted(epochs, 'epoch')}`;
  keep(provenance);
  const started = performance.now();
  const outcome = await runTrainingPhase(
    {
      phase: 'source',
      description: `pretrain ${experiment.model.architecture} on the source task, ${source.description}`,
      classifier,
      data: source,
      classes: source.classes,
      positiveClass: source.classes.length === 2 ? 1 : null,
      epochs,
      learningRate,
      targetTask: false,
    },
    context.environment,
  );
  context.source = pretrainedSource(classifier, provenance);
  if (slot)
    await shareSource(slot, classifier.model, context, {
      provenance,
      classes: source.classes,
      epochsRun: outcome.epochsRun,
      seconds: (performance.now() - started) / 1000,
    });
}

function pretrainedSource(classifier: Classifier, provenance: string): SourceModel {
  return {
    base: classifier.base,
    classifier: classifier.model,
    provenance,
    preprocessing: preprocessingMetadata('none', 'weights'),
    sourceHead: null,
    definition: null,
  };
}

async function loadPretrained(path: string, shape: ImageShape, environment: PhaseEnvironment): Promise<SourceModel> {
  const started = performance.now();
  environment.events.emit(sourceLoadStarted(`load the pretrained model ${path}`));
  const loaded = isFile(path) ? await loadWeightFile(path, shape, environment) : await loadModelFolder(path);
  // A model saved from a diverged run (or damaged on disk) would make every weight trained on top of it NaN.
  const nonFinite = nonFiniteWeights(loaded.base);
  if (nonFinite.length > 0)
    throw new ExperimentError(
      `the pretrained model in ${path} is unusable: its weights ${listWeights(nonFinite)} hold NaN or infinite ` +
        'values (saved from a run that diverged, or damaged): train it again, or choose another model',
    );
  const chosen = environment.experiment.preprocessing;
  const preprocessing = chosen === undefined ? loaded.preprocessing : preprocessingMetadata(chosen, 'experiment');
  environment.events.log(
    'info',
    `preprocessing ${preprocessing.name} (${preprocessing.description}), ` +
      (chosen === undefined ? 'as the weights need' : "the experiment's `preprocessing`"),
  );
  environment.events.emit(sourceLoadEnded(started));
  return { ...loaded, preprocessing };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function loadModelFolder(dir: string): Promise<SourceModel> {
  let model: LayersModel;
  try {
    model = await loadModel(dir);
  } catch (error) {
    throw new ExperimentError(
      `cannot load the pretrained model from ${dir}: ${errorMessage(error)} (it must be a TF.js layers model ` +
        "folder with model.json, such as a run's model/, or a weight file: .pth, .pt, .bin, .safetensors, .h5)",
    );
  }
  const metadata = readModelMetadata(dir);
  const described = metadata ? `${metadata.architecture} from ${dir} (${metadata.weightsSource})` : dir;
  return {
    base: extractBase(model),
    classifier: null,
    provenance: `loaded from ${described}`,
    preprocessing: preprocessingMetadata(metadata?.preprocessing?.name ?? 'none', 'weights'),
    sourceHead: metadata?.sourceHead ?? null,
    definition: null,
  };
}

/** The experiment's architecture at its image size, with the file's tensors; a file that does not fit stops here. */
async function loadWeightFile(file: string, shape: ImageShape, environment: PhaseEnvironment): Promise<SourceModel> {
  const { architecture } = environment.experiment.model;
  let loaded: WeightFileBase;
  try {
    loaded = await baseFromWeightFile(
      file,
      architecture,
      [shape[0], shape[1]],
      environment.random.fork('sourceModelWeights'),
    );
  } catch (error) {
    if (error instanceof WeightFileError) throw new ExperimentError(`pretrained: ${error.message}`, { cause: error });
    throw error;
  }
  const { head } = loaded;
  return {
    base: loaded.base,
    classifier: null,
    provenance: `loaded from ${loaded.architecture} weights ${loaded.description}`,
    preprocessing: preprocessingMetadata(loaded.preprocessing, 'weights'),
    sourceHead: head
      ? { file: basename(file), tensors: head.keys, features: head.features, classes: head.classes }
      : null,
    definition: loaded.definition,
  };
}

/** A pretrained base fixes the image size; the channels follow the experiment (an adapter bridges them). */
function pretrainedTargetShape(pretrained: SourceModel, shape: ImageShape, events: EventStream): ImageShape {
  const baseShape = pretrained.base.inputs[0]?.shape;
  const height = baseShape?.[1];
  const width = baseShape?.[2];
  if (typeof height !== 'number' || typeof width !== 'number' || (height === shape[0] && width === shape[1]))
    return shape;
  events.log(
    'warn',
    `the pretrained model takes ${height}×${width} images: ` +
      `target images are resized to that instead of model.inputShape ${shape[0]}×${shape[1]}`,
  );
  return [height, width, shape[2]];
}
