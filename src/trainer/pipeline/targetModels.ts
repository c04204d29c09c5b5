// The target task's models and their phases, steps of the run (runSteps.ts): the fine-tuned
// model (a new head on the transferred base, trained head first, then fine-tuned at a low
// learning rate) and the scratch baseline (the same architecture from random weights).
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RUN_FILES } from '../../shared/run/runFiles';
import type { ImageShape } from '../data/dataset';
import { freezeBatchNormStatistics } from '../models/batchNormStatistics';
import { selectTrainable } from '../models/blocks';
import { attachHead, buildBase, buildBaseFrom } from '../models/classifier';
import { SeededRandom } from '../random';
import { runTrainingPhase } from './phaseRunner';
import type { RunContext } from './runContext';

/** Step: the fine-tuned model, a new head on the transferred base; saved as model/. */
export function attachNewHead(context: RunContext): void {
  const { experiment, events, source, targetShape } = context;
  const fineTuned = attachHead(source.base, {
    inputShape: targetShape,
    classCount: context.classes.length,
    dropout: experiment.model.dropout,
    random: context.environment.random.fork('headWeights'),
    preprocessing: source.preprocessing.name,
  });
  const weightsSource =
    `fine-tuned (${experiment.fineTune.strategy}) on ${context.data.target.description}, ` +
    `base ${source.provenance}`;
  const { preprocessing, sourceHead } = source;
  const savedAs = { folder: RUN_FILES.model, weightsSource, preprocessing, sourceHead };
  context.models.add('fine-tuned', fineTuned.model, savedAs, fineTuned);
  const adapted = channelAdapterNote(
    source.base,
    targetShape,
    context.plan.base === 'pretrained' ? 'pretrained' : 'source',
  );
  if (adapted) events.log('info', adapted);
  const frozenNorms = freezeBatchNormStatistics(fineTuned.base);
  if (frozenNorms > 0)
    events.log('info', `${frozenNorms} BatchNormalization layers of the transferred base stay in inference mode`);
}

/** Step: the `head` phase, the new head trained on the frozen base. */
export async function trainHead(context: RunContext): Promise<void> {
  const fineTuned = context.classifier('fine-tuned');
  selectTrainable(fineTuned, { kind: 'head' });
  await runTrainingPhase(
    {
      ...context.target,
      phase: 'head',
      classifier: fineTuned,
      epochs: context.plan.headEpochs,
      learningRate: context.experiment.training.learningRate,
      description: 'train the new head, base frozen',
    },
    context.environment,
  );
}

/** Step: the `finetune` phase, the top blocks (`partial`) or the whole model at the fine-tuning rate. */
export async function fineTune(context: RunContext): Promise<void> {
  const { fineTune } = context.experiment;
  const fineTuned = context.classifier('fine-tuned');
  const partial = fineTune.strategy === 'partial';
  selectTrainable(fineTuned, partial ? { kind: 'top-blocks', count: fineTune.trainableBlocks } : { kind: 'all' });
  const what = partial ? `the top ${fineTune.trainableBlocks} base blocks and the head` : 'the whole model';
  await runTrainingPhase(
    {
      ...context.target,
      phase: 'finetune',
      classifier: fineTuned,
      epochs: context.plan.fineTuneEpochs,
      learningRate: fineTune.learningRate,
      learningRateDecay: fineTune.learningRateDecay,
      description: `fine-tune ${what} at a low learning rate`,
    },
    context.environment,
  );
}

/**
 * Step: the `scratch` phase, the baseline built from random weights and trained; saved as
 * scratch-model/. It sees what the fine-tuned model sees: the same frozen preprocessing layer in
 * front of the same topology (a weight file's: Keras' ResNet50 v1 for Keras weights), so that
 * the comparison measures the weights alone.
 */
export async function trainScratch(context: RunContext): Promise<void> {
  const { experiment, source } = context;
  const random = new SeededRandom(experiment.seed).fork('scratchModelWeights');
  const base = source.definition
    ? buildBaseFrom(source.definition, baseShape(source.base, context.targetShape), random)
    : buildBase(experiment.model.architecture, context.targetShape, random);
  const scratch = attachHead(base, {
    inputShape: context.targetShape,
    classCount: context.classes.length,
    dropout: experiment.model.dropout,
    random,
    preprocessing: source.preprocessing.name,
  });
  const weightsSource = `trained from scratch on ${context.data.target.description} (baseline)`;
  const { preprocessing } = source;
  const savedAs = { folder: RUN_FILES.scratchModel, weightsSource, preprocessing };
  context.models.add('scratch', scratch.model, savedAs, scratch);
  await runTrainingPhase(
    {
      ...context.target,
      phase: 'scratch',
      classifier: scratch,
      epochs: context.plan.scratchEpochs,
      learningRate: experiment.training.learningRate,
      description: 'baseline: the same architecture from random weights, same data and epoch budget',
    },
    context.environment,
  );
}

/** The transferred base's input shape (a weight file's bases take 3 channels; an adapter feeds others). */
function baseShape(base: LayersModel, targetShape: ImageShape): ImageShape {
  const [, height, width, channels] = base.inputs[0]?.shape ?? [];
  return typeof height === 'number' && typeof width === 'number' && typeof channels === 'number'
    ? [height, width, channels]
    : targetShape;
}

/** What the channel adapter does, when the base takes another channel count than the target images have. */
function channelAdapterNote(
  base: LayersModel,
  targetShape: ImageShape,
  origin: 'pretrained' | 'source',
): string | null {
  const baseChannels = base.inputs[0]?.shape[3];
  const channels = targetShape[2];
  if (typeof baseChannels !== 'number' || baseChannels === channels) return null;
  return (
    `the ${origin} model takes ${baseChannels}-channel images and the target has ${channels}: ` +
    `a 1×1 convolution (\`adapter\`) maps ${channels} → ${baseChannels} channels, ` +
    "starting as the channels' average, and trains with the head; " +
    `set model.inputShape's channels to ${baseChannels} to feed the images as they are`
  );
}
