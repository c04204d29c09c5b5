// Hand-made epoch records for unit tests of the series builders.
import type { TrainingPhase } from '../../src/shared/run/events';
import type { EpochRecord } from '../../src/shared/run/runState';

export function epochRecord(
  phase: TrainingPhase,
  epoch: number,
  epochs: number,
  values: {
    loss?: number;
    accuracy?: number;
    valLoss?: number | null;
    valAuc?: number | null;
    valConfusion?: number[][] | null;
  } = {},
): EpochRecord {
  return {
    phase,
    epoch,
    epochs,
    metrics: {
      loss: values.loss ?? 1 / epoch,
      accuracy: values.accuracy ?? 0.5 + epoch / 100,
      valLoss: values.valLoss === undefined ? 1.1 / epoch : values.valLoss,
      valAccuracy: 0.5,
      valAuc: values.valAuc === undefined ? 0.6 + epoch / 100 : values.valAuc,
      valBalancedAccuracy: 0.5,
    },
    imagesPerSecond: 100,
    seconds: 1,
    valConfusion:
      values.valConfusion === undefined
        ? [
            [epoch, 1],
            [2, 3],
          ]
        : values.valConfusion,
    time: '2026-11-24T10:15:00.000Z',
  };
}
