// Runs one training phase with its phase-started and phase-ended events around it, a checkpoint
// after every epoch, and, for a resumed run, the skip or restore its checkpoint asks for.
import type { Experiment } from '../../shared/experiment/schema';
import type { TrainingPhase } from '../../shared/run/events';
import type { PreparedDataset } from '../data/dataset';
import { createAugmenter } from '../data/augment';
import { disposeCheckpoint } from '../checkpoint/checkpointFormat';
import type { Checkpoint } from '../checkpoint/checkpointFormat';
import { restoreOptimizer } from '../checkpoint/optimizerState';
import type { Classifier } from '../models/classifier';
import { blockRateScales, countParams } from '../models/blocks';
import type { LayerRateScale } from '../models/blocks';
import type { SeededRandom } from '../random';
import { balancedClassWeights } from '../training/batches';
import { createOptimizer } from '../training/optimizers';
import { explainOutOfMemory } from '../training/outOfMemory';
import type { StopSignal } from '../training/stopSignal';
import { trainPhase } from '../training/trainPhase';
import type { PhaseOutcome, PhaseResume } from '../training/trainPhase';
import type { CachedFeatures } from '../training/frozenFeatures';
import type { EventStream } from '../run/eventStream';
import { phaseFeatureCache } from './phaseFeatures';
import type { RunCheckpoints } from './runCheckpoints';

export interface PhaseRequest {
  phase: TrainingPhase;
  description: string;
  classifier: Classifier;
  data: PreparedDataset;
  classes: string[];
  positiveClass: number | null;
  epochs: number;
  learningRate: number;
  /** Early stopping and class weights apply to the target task only. */
  targetTask: boolean;
  /** fineTune.learningRateDecay in the finetune phase (1 elsewhere: one rate). */
  learningRateDecay?: number;
}

export interface PhaseEnvironment {
  experiment: Experiment;
  events: EventStream;
  stop: StopSignal;
  random: SeededRandom;
  checkpoints: RunCheckpoints;
  /** The run's folder: where cached frozen features go when they exceed the memory budget. */
  runDir: string;
}

export async function runTrainingPhase(request: PhaseRequest, environment: PhaseEnvironment): Promise<PhaseOutcome> {
  const { experiment, events, checkpoints } = environment;
  const { training } = experiment;
  const entry = checkpoints.enter(request.phase, environment.random);
  // Finished before the checkpoint: its weights come with the checkpoint's.
  if (entry.kind === 'skip') return { epochsRun: request.epochs, stoppedEarly: false, bestEpoch: null };
  const model = request.classifier.model;
  const started = performance.now();
  // A resumed phase already has its phase-started in events.jsonl.
  if (entry.kind === 'run') {
    events.emit({
      type: 'phase-started',
      phase: request.phase,
      description: request.description,
      epochs: request.epochs,
      batchesPerEpoch: Math.ceil(request.data.train.count / training.batchSize),
      learningRate: request.learningRate,
      trainableParams: countParams(model.trainableWeights),
      totalParams: countParams(model.weights),
    });
  }
  const optimizer = createOptimizer(training.optimizer, request.learningRate);
  const rateScales = blockRateScales(request.classifier, request.learningRateDecay ?? 1);
  if (entry.kind === 'run' && rateScales.length > 0) events.log('info', rateScalesLine(request, rateScales));
  const { microBatchSize, batchSize } = training;
  if (entry.kind === 'run' && microBatchSize !== undefined && microBatchSize < batchSize)
    events.log(
      'info',
      `${request.phase}: each batch of ${batchSize} computed ${microBatchSize} images at a time ` +
        '(training.microBatchSize), gradients summed before its one update',
    );
  const augmentRandom = training.augmentation ? environment.random.fork('augmentation') : null;
  const resumed: Checkpoint | null = entry.kind === 'resume' ? entry.checkpoint : null;
  let resume: PhaseResume | null = null;
  let features: CachedFeatures | null = null;
  try {
    if (entry.kind === 'resume') {
      if (augmentRandom && entry.checkpoint.random.augment !== null)
        augmentRandom.restore(entry.checkpoint.random.augment);
      await restoreOptimizer(optimizer, entry.checkpoint.optimizer);
      resume = entry.resume;
    }
    features = await phaseFeatureCache({
      phase: request.phase,
      classifier: request.classifier,
      data: request.data,
      batchSize: training.batchSize,
      enabled: training.cacheFrozenFeatures,
      augmentation: training.augmentation,
      runDir: environment.runDir,
      events,
      stop: environment.stop,
    });
    const outcome = await trainPhase({
      phase: request.phase,
      classifier: request.classifier,
      train: request.data.train,
      val: request.data.val,
      classes: request.classes,
      positiveClass: request.positiveClass,
      epochs: request.epochs,
      batchSize: training.batchSize,
      microBatchSize: training.microBatchSize,
      optimizer,
      rateScales,
      learningRate: request.learningRate,
      classWeights:
        request.targetTask && training.classWeights === 'balanced'
          ? balancedClassWeights(request.data.train.labels, request.classes.length)
          : null,
      augment: training.augmentation && augmentRandom ? createAugmenter(training.augmentation, augmentRandom) : null,
      features,
      earlyStopping: request.targetTask ? (training.earlyStopping ?? null) : null,
      random: environment.random,
      stop: environment.stop,
      emit: events.emit,
      resume,
      onEpochEnd: (end) =>
        checkpoints.write({
          phase: request.phase,
          epochs: request.epochs,
          end,
          random: environment.random,
          augmentRandom,
          optimizer,
        }),
    });
    checkpoints.phaseEnded(request.phase, environment.random);
    events.emit({
      type: 'phase-ended',
      phase: request.phase,
      epochsRun: outcome.epochsRun,
      stoppedEarly: outcome.stoppedEarly,
      bestEpoch: outcome.bestEpoch,
      seconds: (performance.now() - started) / 1000,
    });
    return outcome;
  } catch (error) {
    throw explainOutOfMemory(error, {
      where: `the ${request.phase} phase`,
      batchSize: training.batchSize,
      imageShape: request.data.train.shape,
    });
  } finally {
    features?.dispose();
    optimizer.dispose();
    if (resumed) disposeCheckpoint(resumed);
  }
}

/** `discriminative learning rates: head 1e-4, layer4 5e-5, layer3 2.5e-5, …` (trainable blocks only). */
function rateScalesLine(request: PhaseRequest, scales: readonly LayerRateScale[]): string {
  const byBlock = new Map<number, string[]>();
  for (const { layer, scale } of scales) {
    if (!layer.trainable) continue;
    byBlock.set(scale, [...(byBlock.get(scale) ?? []), layer.name]);
  }
  const rates = [...byBlock.keys()]
    .sort((a, b) => b - a)
    .map((scale) => `${(request.learningRate * scale).toPrecision(3)} (${byBlock.get(scale)?.length ?? 0} layers)`);
  return `discriminative learning rates, ×${request.learningRateDecay} a block down: head ${request.learningRate}, base blocks from the top ${rates.join(', ')}`;
}
