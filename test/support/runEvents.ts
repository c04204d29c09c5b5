// Small builders of valid TrainerEvents for the extension's unit tests.
import type { ErrorKind } from '../../src/shared/run/errorKind';
import type { RunEndStatus, TrainerEvent, TrainerEventOf } from '../../src/shared/run/events';
import type { ClinicalMetrics } from '../../src/shared/run/metrics';

const time = (seq: number): string => new Date(Date.UTC(2026, 10, 24, 10, 15, seq)).toISOString();

export function runStarted(seq = 0, runDir = '/runs/demo/20261124-101500'): TrainerEventOf<'run-started'> {
  return {
    type: 'run-started',
    seq,
    time: time(seq),
    runId: '20261124-101500',
    experimentName: 'demo',
    experimentFile: '/work/demo.experiment.yaml',
    runDir,
    backend: 'wasm',
    backendNotes: [],
    phases: ['source', 'head', 'finetune', 'scratch', 'evaluate'],
    pretrained: null,
    pid: 1234,
  };
}

export function phaseStarted(
  seq: number,
  phase: 'source' | 'head' | 'finetune' | 'scratch' | 'evaluate',
  epochs = 10,
): TrainerEventOf<'phase-started'> {
  return {
    type: 'phase-started',
    seq,
    time: time(seq),
    phase,
    description: phase,
    epochs,
    batchesPerEpoch: 5,
    learningRate: 1e-3,
    trainableParams: 10,
    totalParams: 100,
  };
}

export function batchEnded(
  seq: number,
  batch = 1,
  phase: 'source' | 'head' | 'finetune' | 'scratch' = 'finetune',
  epoch = 1,
): TrainerEventOf<'batch-ended'> {
  return {
    type: 'batch-ended',
    seq,
    time: time(seq),
    phase,
    epoch,
    batch,
    batches: 5,
    loss: 0.5,
    imagesPerSecond: 120,
  };
}

export function epochEnded(
  seq: number,
  epoch: number,
  valAuc: number | null,
  phase: 'source' | 'head' | 'finetune' | 'scratch' = 'finetune',
  epochs = 10,
): TrainerEventOf<'epoch-ended'> {
  return {
    type: 'epoch-ended',
    seq,
    time: time(seq),
    phase,
    epoch,
    epochs,
    metrics: { loss: 0.4, accuracy: 0.8, valLoss: 0.5, valAccuracy: 0.75, valAuc, valBalancedAccuracy: 0.74 },
    imagesPerSecond: 130,
    seconds: 2,
    valConfusion: [
      [10, 2],
      [3, 9],
    ],
    tensors: 42,
  };
}

export function metrics(auc: number | null, balancedAccuracy = 0.8): ClinicalMetrics {
  return {
    count: 24,
    accuracy: 0.8,
    balancedAccuracy,
    auc,
    positiveClass: 1,
    sensitivity: 0.75,
    specificity: 0.85,
    perClass: [],
    confusion: [
      [10, 2],
      [3, 9],
    ],
    loss: 0.4,
  };
}

export function evaluation(
  seq: number,
  model: 'fine-tuned' | 'scratch',
  auc: number | null,
): TrainerEventOf<'evaluation'> {
  return { type: 'evaluation', seq, time: time(seq), model, split: 'test', metrics: metrics(auc) };
}

export function runEnded(
  seq: number,
  status: RunEndStatus,
  error: string | null = null,
  errorKind: ErrorKind | null = null,
): TrainerEventOf<'run-ended'> {
  return { type: 'run-ended', seq, time: time(seq), status, error, errorKind, seconds: 12.5 };
}

export function logEvent(seq: number, message: string): TrainerEventOf<'log'> {
  return { type: 'log', seq, time: time(seq), level: 'info', message };
}

/** A completed run: fine-tuned AUC 0.93 against 0.73 from scratch. */
export function completedRun(): TrainerEvent[] {
  return [
    runStarted(0),
    phaseStarted(1, 'finetune', 2),
    epochEnded(2, 1, 0.8),
    epochEnded(3, 2, 0.9),
    evaluation(4, 'fine-tuned', 0.93),
    evaluation(5, 'scratch', 0.73),
    runEnded(6, 'completed'),
  ];
}

export function toJsonl(events: readonly TrainerEvent[]): string {
  return events.map((event) => `${JSON.stringify(event)}\n`).join('');
}
