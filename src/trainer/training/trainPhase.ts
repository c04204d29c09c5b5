// One training phase: epochs of shuffled mini-batches over the trainable weights, a validation
// pass after each epoch (loss, accuracy, AUC, confusion matrix), early stopping with the best
// weights restored, and events for every batch (throttled) and epoch.
import { keep, memory, tensor1d } from '@tensorflow/tfjs-core';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { EarlyStopping } from '../../shared/experiment/schema';
import type { EpochMetrics, TrainerEventBody, TrainingPhase } from '../../shared/run/events';
import type { ImageSet } from '../data/dataset';
import { valuesPerImage } from '../data/imageStore';
import type { ImageStore } from '../data/imageStore';
import { computeClinicalMetrics } from '../evaluation/clinicalMetrics';
import type { Classifier } from '../models/classifier';
import type { LayerRateScale } from '../models/blocks';
import type { SeededRandom } from '../random';
import { BatchIterator } from './batches';
import type { Batch } from './batches';
import { EarlyStoppingTracker } from './earlyStopping';
import type { EarlyStoppingState } from './earlyStopping';
import { listWeights, nonFiniteWeights } from './finiteWeights';
import { predictFromFeatures } from './frozenFeatures';
import type { CachedFeatures } from './frozenFeatures';
import { crossEntropy, predictProbabilities } from './predict';
import { StopRequested } from './stopSignal';
import type { StopSignal } from './stopSignal';
import { trainStep } from './trainStep';
import type { ScaledUpdate } from './trainStep';

/** Augments a batch in place. */
export type BatchAugmenter = (images: Float32Array, shape: readonly [number, number, number], count: number) => void;

export interface PhaseTraining {
  phase: TrainingPhase;
  classifier: Classifier;
  train: ImageSet;
  val: ImageSet;
  classes: string[];
  positiveClass: number | null;
  epochs: number;
  batchSize: number;
  /** training.microBatchSize: a step computes this many images at once; absent, the whole batch. */
  microBatchSize?: number;
  optimizer: Optimizer;
  /** Layers that learn at a fraction of the phase's rate (fineTune.learningRateDecay); one rate when absent. */
  rateScales?: readonly LayerRateScale[];
  /** For the message when the loss stops being finite. */
  learningRate: number;
  classWeights: number[] | null;
  augment: BatchAugmenter | null;
  /**
   * The frozen part's outputs for the training and validation images (never with `augment`): the
   * steps and the validation run only the layers after them.
   */
  features: CachedFeatures | null;
  earlyStopping: EarlyStopping | null;
  random: SeededRandom;
  stop: StopSignal;
  emit: (event: TrainerEventBody) => void;
  /** Continue after an epoch of this phase (a resumed run); null starts at epoch 1. */
  resume: PhaseResume | null;
  /**
   * Called after each epoch-ended and the early-stopping decision, before training goes on
   * (writes the checkpoint). Tensors it gets belong to the phase: copy what it keeps.
   */
  onEpochEnd: ((end: EpochEnd) => Promise<void>) | null;
}

/** Where a phase stood at the end of an epoch: what a checkpoint needs from inside the loop. */
export interface EpochEnd {
  epoch: number;
  earlyStopping: EarlyStoppingState | null;
  /** The best weights so far (early stopping with restoreBest), in model.getWeights() order. */
  bestWeights: Tensor[] | null;
  /** The batch iterator's image order after this epoch's shuffle. */
  batchOrder: number[];
}

export type PhaseResume = EpochEnd;

export interface PhaseOutcome {
  epochsRun: number;
  stoppedEarly: boolean;
  bestEpoch: number | null;
}

/**
 * The cross-entropy clips probabilities to [1e-7, 1 − 1e-7], so a diverging model does not reach
 * NaN: it saturates, the wrong class at near certainty, and the loss sits near −ln(1e-7) ≈ 16.1
 * per image. An epoch whose mean is at least half of that (8.06: the true class got p ≤ 3e-4 on
 * geometric average, where chance is 1/classes) has diverged; training on would learn nothing.
 */
const DIVERGED_LOSS = -0.5 * Math.log(1e-7);

/** The trainable variables of the scaled layers, with their layer's scale. */
function scaledVariables(scales: readonly LayerRateScale[], trainable: readonly Variable[]): ScaledUpdate[] {
  const training = new Set(trainable);
  return scales.flatMap(({ layer, scale }) =>
    layer.trainableWeights
      .map((weight) => weight.read() as Variable)
      .filter((variable) => training.has(variable))
      .map((variable) => ({ variable, scale })),
  );
}

/** At most this many batch-ended events a second: enough for a live progress bar. */
const BATCH_EVENTS_PER_SECOND = 4;

export async function trainPhase(options: PhaseTraining): Promise<PhaseOutcome> {
  const { classifier, epochs, emit, phase } = options;
  const iterator = new BatchIterator(options.train, options.batchSize);
  const tracker = options.earlyStopping
    ? new EarlyStoppingTracker(options.earlyStopping.monitor, options.earlyStopping.patience)
    : null;
  const variables = classifier.model.trainableWeights.map((weight) => weight.read() as Variable);
  const scaledUpdates = scaledVariables(options.rateScales ?? [], variables);
  const classCount = options.classes.length;
  const classWeights = options.classWeights ? tensor1d(options.classWeights) : null;
  let bestWeights: Tensor[] | null = null;
  let epochsRun = 0;
  let stoppedEarly = false;
  const resume = options.resume;
  if (resume) {
    epochsRun = resume.epoch;
    iterator.restoreOrder(resume.batchOrder);
    if (tracker && resume.earlyStopping) tracker.restore(resume.earlyStopping);
    bestWeights = resume.bestWeights?.map((weight) => keep(weight.clone())) ?? null;
    stoppedEarly = (tracker?.shouldStop ?? false) && resume.epoch < epochs;
  }
  const inputRange = lazyRange(options.train.images);

  try {
    for (let epoch = epochsRun + 1; epoch <= epochs && !stoppedEarly; epoch++) {
      const started = performance.now();
      let lastBatchEvent = 0;
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batchNumber = 0;
      for (const batch of epochBatches(iterator, options)) {
        if (options.stop.requested) throw new StopRequested(options.stop.why ?? 'requested');
        batchNumber++;
        options.augment?.(batch.images, options.train.shape, batch.count);
        const step = trainStep(
          {
            model: options.features?.tail ?? classifier.model,
            shape: options.features?.split.featureShape ?? options.train.shape,
            variables,
            classCount,
            classWeights,
            optimizer: options.optimizer,
            scaledUpdates,
            microBatchSize: options.microBatchSize,
          },
          batch,
        );
        if (!Number.isFinite(step.loss))
          throw nonFiniteLossError({
            phase,
            epoch,
            batch: batchNumber,
            loss: step.loss,
            learningRate: options.learningRate,
            range: inputRange(),
          });
        if (!step.gradientsFinite)
          throw nonFiniteGradientError({
            phase,
            epoch,
            batch: batchNumber,
            loss: step.loss,
            learningRate: options.learningRate,
            range: inputRange(),
          });
        lossSum += step.loss * batch.count;
        correct += step.correct;
        seen += batch.count;
        const now = performance.now();
        if (now - lastBatchEvent > 1000 / BATCH_EVENTS_PER_SECOND || batchNumber === iterator.batchesPerEpoch) {
          lastBatchEvent = now;
          emit({
            type: 'batch-ended',
            phase,
            epoch,
            batch: batchNumber,
            batches: iterator.batchesPerEpoch,
            loss: step.loss,
            imagesPerSecond: (seen * 1000) / Math.max(1, now - started),
          });
        }
        // Let IPC messages (a stop request) and stream writes through between batches.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // The gradients were finite at every step, but an update can still overflow, and batch
      // normalisation's moving statistics change outside the gradients: one check an epoch, before
      // anything of it is kept (best weights, checkpoint).
      const nonFinite = nonFiniteWeights(classifier.model);
      if (nonFinite.length > 0)
        throw nonFiniteWeightsError(nonFinite, {
          phase,
          epoch,
          learningRate: options.learningRate,
          range: inputRange(),
        });
      const meanLoss = lossSum / Math.max(1, seen);
      if (meanLoss >= DIVERGED_LOSS)
        throw divergedLossError({
          phase,
          epoch,
          loss: meanLoss,
          learningRate: options.learningRate,
          range: inputRange(),
        });
      const trainSeconds = (performance.now() - started) / 1000;
      const validation = validate(options);
      const metrics: EpochMetrics = { loss: meanLoss, accuracy: correct / Math.max(1, seen), ...validation.metrics };
      epochsRun = epoch;
      const improved = tracker?.record(epoch, metrics) ?? false;
      if (improved && options.earlyStopping?.restoreBest) {
        bestWeights?.forEach((tensor) => tensor.dispose());
        bestWeights = classifier.model.getWeights().map((weight) => keep(weight.clone()));
      }
      emit({
        type: 'epoch-ended',
        phase,
        epoch,
        epochs,
        metrics,
        imagesPerSecond: seen / Math.max(trainSeconds, 1e-6),
        seconds: (performance.now() - started) / 1000,
        valConfusion: validation.confusion,
        tensors: memory().numTensors,
      });
      await options.onEpochEnd?.({
        epoch,
        earlyStopping: tracker?.snapshot() ?? null,
        bestWeights,
        batchOrder: iterator.snapshotOrder(),
      });
      if (tracker?.shouldStop && epoch < epochs) stoppedEarly = true;
    }
    if (bestWeights && tracker?.bestEpoch !== epochsRun) classifier.model.setWeights(bestWeights);
    return { epochsRun, stoppedEarly, bestEpoch: tracker?.bestEpoch ?? null };
  } finally {
    bestWeights?.forEach((tensor) => tensor.dispose());
    classWeights?.dispose();
  }
}

/** The epoch's batches: of images, or of the cached features of the same images in the same order. */
function* epochBatches(iterator: BatchIterator, options: PhaseTraining): Generator<Batch> {
  const { features } = options;
  if (!features) {
    yield* iterator.epoch(options.random);
    return;
  }
  const buffer = new Float32Array(options.batchSize * features.train.size);
  for (const positions of iterator.positions(options.random)) {
    features.train.gather(positions.indices, positions.count, buffer);
    yield {
      images: buffer.subarray(0, positions.count * features.train.size),
      labels: positions.labels,
      count: positions.count,
    };
  }
}

function validate(options: PhaseTraining): {
  metrics: Omit<EpochMetrics, 'loss' | 'accuracy'>;
  confusion: number[][] | null;
} {
  if (options.val.count === 0) {
    return { metrics: { valLoss: null, valAccuracy: null, valAuc: null, valBalancedAccuracy: null }, confusion: null };
  }
  const batchSize = Math.max(options.batchSize, 128);
  const probabilities = options.features
    ? predictFromFeatures(options.features, options.features.val, options.classes.length, batchSize)
    : predictProbabilities(options.classifier.model, options.val, batchSize);
  const metrics = computeClinicalMetrics({
    probabilities,
    labels: options.val.labels,
    classes: options.classes,
    positiveClass: options.positiveClass,
  });
  return {
    metrics: {
      valLoss: crossEntropy(probabilities, options.val.labels, options.classes.length),
      valAccuracy: metrics.accuracy,
      valAuc: metrics.auc,
      valBalancedAccuracy: metrics.balancedAccuracy,
    },
    confusion: metrics.confusion,
  };
}

/** Min and max of the training images, computed once when first asked for. */
function lazyRange(store: ImageStore): () => [number, number] {
  let range: [number, number] | null = null;
  return () => {
    if (range) return range;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const values = new Float32Array(valuesPerImage(store.shape));
    for (let n = 0; n < store.count; n++) {
      store.readInto(n, values, 0);
      for (const value of values) {
        if (value < min) min = value;
        if (value > max) max = value;
      }
    }
    range = [min, max];
    return range;
  };
}

export interface NonFiniteLoss {
  phase: TrainingPhase;
  epoch: number;
  batch: number;
  loss: number;
  learningRate: number;
  range: [number, number];
}

/** Training that cannot go on: the loss is not finite, or sits at the clipping ceiling. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivergedError';
  }
}

/**
 * What is kept of a phase stopped in the middle of an epoch. Not "the weights stay finite": an
 * earlier update may have overflowed, and batch normalisation's statistics change in the forward
 * pass. A checkpoint is written only after the end-of-epoch check, and a model only after
 * runExperiment's own check.
 */
const STOPPED_BEFORE_UPDATE =
  'the phase stopped before the update; nothing of this epoch was kept (no checkpoint, no saved model)';

/** The likely causes, most likely first: a learning rate too high, or inputs not scaled to [0, 1]. */
export function nonFiniteLossError(at: NonFiniteLoss): DivergedError {
  const what = Number.isNaN(at.loss) ? 'NaN' : at.loss > 0 ? 'Infinity' : '-Infinity';
  return new DivergedError(
    `the loss became ${what} at epoch ${at.epoch} batch ${at.batch} of ${at.phase}: ` +
      `lower the learning rate (now ${at.learningRate}) or ${inputAdvice(at.range)}; ` +
      STOPPED_BEFORE_UPDATE,
  );
}

/** Finite loss, non-finite gradients: the update would have made the weights NaN. */
export function nonFiniteGradientError(at: NonFiniteLoss): DivergedError {
  return new DivergedError(
    `the gradients became NaN or infinite at epoch ${at.epoch} batch ${at.batch} of ${at.phase} ` +
      `although the loss was finite (${at.loss.toFixed(3)}): ` +
      `lower the learning rate (now ${at.learningRate}) or ${inputAdvice(at.range)}; ` +
      STOPPED_BEFORE_UPDATE,
  );
}

/** Weights that became non-finite during an epoch (an overflowing update, batch-norm statistics). */
export function nonFiniteWeightsError(weights: string[], at: Omit<NonFiniteLoss, 'batch' | 'loss'>): DivergedError {
  return new DivergedError(
    `after epoch ${at.epoch} of ${at.phase} the weights ${listWeights(weights)} hold NaN or infinite values: ` +
      `lower the learning rate (now ${at.learningRate}) or ${inputAdvice(at.range)}; ` +
      'nothing of this epoch was kept (no checkpoint, no saved model)',
  );
}

/** An epoch whose loss sits at the clipping ceiling (see DIVERGED_LOSS). */
export function divergedLossError(at: Omit<NonFiniteLoss, 'batch'>): DivergedError {
  return new DivergedError(
    `the loss diverged at epoch ${at.epoch} of ${at.phase} (mean ${at.loss.toFixed(2)} per image, ` +
      `near the ceiling ${(-Math.log(1e-7)).toFixed(1)} of the clipped cross-entropy: ` +
      'the model predicts wrong classes with near certainty): ' +
      `lower the learning rate (now ${at.learningRate}) or ${inputAdvice(at.range)}`,
  );
}

function inputAdvice([min, max]: [number, number]): string {
  const range = `${formatNumber(min)}..${formatNumber(max)}`;
  if (!Number.isFinite(min) || !Number.isFinite(max))
    return `check the data: the training images contain non-finite values (${range})`;
  if (min < -1e-6 || max > 1 + 1e-6)
    return `check the input range: the training images range ${range}, not 0..1 (the dataset's scaling or \`window\`)`;
  return `check the input range (images ${range})`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
