// The source phase of a run that loads its base instead of training it (a `pretrained` model, or
// a study's shared source model): announced like any phase, with no epochs.
import type { TrainerEventBody } from '../../shared/run/events';

export function sourceLoadStarted(description: string): TrainerEventBody {
  return {
    type: 'phase-started',
    phase: 'source',
    description,
    epochs: 0,
    batchesPerEpoch: 0,
    learningRate: null,
    trainableParams: 0,
    totalParams: 0,
  };
}

/** `started`: performance.now() when the phase began. */
export function sourceLoadEnded(started: number): TrainerEventBody {
  return {
    type: 'phase-ended',
    phase: 'source',
    epochsRun: 0,
    stoppedEarly: false,
    bestEpoch: null,
    seconds: (performance.now() - started) / 1000,
  };
}
