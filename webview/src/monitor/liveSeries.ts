// The batch losses of the current phase, for the Monitor's sparkline. RunState keeps only the
// last batch, so the Monitor folds the events it receives into this short history. Pure.
import type { TrainerEvent, TrainingPhase } from '../../../src/shared/run/events';

/** Batches kept per phase: a sparkline has no room for more. */
export const KEPT_BATCHES = 1000;

export interface LiveSeries {
  phase: TrainingPhase | null;
  /** Fractional epoch of each batch: epoch − 1 + batch / batches. */
  x: number[];
  loss: number[];
}

export function emptyLiveSeries(): LiveSeries {
  return { phase: null, x: [], loss: [] };
}

export function addLiveEvents(series: LiveSeries, events: readonly TrainerEvent[]): LiveSeries {
  let next = series;
  for (const event of events) {
    if (event.type === 'phase-started') next = emptyLiveSeries();
    else if (event.type === 'batch-ended') {
      const base = next.phase === event.phase ? next : { phase: event.phase, x: [], loss: [] };
      next = {
        phase: event.phase,
        x: [...base.x, event.epoch - 1 + event.batch / event.batches].slice(-KEPT_BATCHES),
        loss: [...base.loss, event.loss].slice(-KEPT_BATCHES),
      };
    }
  }
  return next;
}
