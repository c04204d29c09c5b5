// Runs one training phase with its phase-started and phase-ended events around it.
import type { Experiment } from '../../shared/experiment/schema';
import type { TrainingPhase } from '../../shared/run/events';
import type { PreparedDataset } from '../data/dataset';
import { createAugmenter } from '../data/augment';
import type { Classifier } from '../models/classifier';
import { countParams } from '../models/blocks';
import type { SeededRandom } from '../random';
import { balancedClassWeights } from '../training/batches';
import { createOptimizer } from '../training/optimizers';
import type { StopSignal } from '../training/stopSignal';
import { trainPhase } from '../training/trainPhase';
import type { PhaseOutcome } from '../training/trainPhase';
import type { EventStream } from '../run/eventStream';

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
}

export interface PhaseEnvironment {
  experiment: Experiment;
  events: EventStream;
  stop: StopSignal;
  random: SeededRandom;
}

export async function runTrainingPhase(request: PhaseRequest, environment: PhaseEnvironment): Promise<PhaseOutcome> {
  const { experiment, events } = environment;
  const { training } = experiment;
  const model = request.classifier.model;
  const started = performance.now();
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
  const optimizer = createOptimizer(training.optimizer, request.learningRate);
  try {
    const outcome = await trainPhase({
      phase: request.phase,
      classifier: request.classifier,
      train: request.data.train,
      val: request.data.val,
      classes: request.classes,
      positiveClass: request.positiveClass,
      epochs: request.epochs,
      batchSize: training.batchSize,
      optimizer,
      classWeights: request.targetTask && training.classWeights === 'balanced' ? balancedClassWeights(request.data.train.labels, request.classes.length) : null,
      augment: training.augmentation ? createAugmenter(training.augmentation, environment.random.fork(17)) : null,
      earlyStopping: request.targetTask ? (training.earlyStopping ?? null) : null,
      random: environment.random,
      stop: environment.stop,
      emit: events.emit,
    });
    events.emit({ type: 'phase-ended', phase: request.phase, epochsRun: outcome.epochsRun, stoppedEarly: outcome.stoppedEarly, bestEpoch: outcome.bestEpoch, seconds: (performance.now() - started) / 1000 });
    return outcome;
  } finally {
    optimizer.dispose();
  }
}
