// Where the active run is and how long its phase has left. Pure.
// The phase ETA comes from batch progress and throughput: the batches left in this phase times
// the seconds a batch takes at the current images/s (images per batch from the split size), plus
// the validation time each remaining epoch took so far.
import type { Phase } from '../../../src/shared/run/events';
import type { RunState } from '../../../src/shared/run/runState';

export interface Count {
  value: number;
  max: number;
}

export interface RunProgress {
  phase: Phase | null;
  /** Position of the current phase among the planned ones (1-based). */
  phases: Count | null;
  epoch: Count | null;
  batch: Count | null;
  imagesPerSecond: number | null;
  /** Seconds until the current phase ends, or null when it cannot be estimated yet. */
  phaseEtaSeconds: number | null;
  /** Files decoded (or read from the cache) while the data loads: before any phase starts only. */
  data: (Count & { stage: 'decoding' | 'cache' }) | null;
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export function runProgress(state: RunState): RunProgress {
  return { ...trainingProgress(state), data: dataProgress(state) };
}

function dataProgress(state: RunState): RunProgress['data'] {
  const loading = state.status === 'running' && state.dataProgress !== null && Object.keys(state.phases).length === 0;
  return loading && state.dataProgress
    ? { stage: state.dataProgress.stage, value: state.dataProgress.done, max: state.dataProgress.total }
    : null;
}

function trainingProgress(state: RunState): Omit<RunProgress, 'data'> {
  const phase = state.status === 'running' ? state.currentPhase : null;
  const info = phase ? state.phases[phase] : undefined;
  const planned = state.plannedPhases;
  const phaseIndex = phase ? planned.indexOf(phase) : -1;
  const phases = phase && phaseIndex >= 0 ? { value: phaseIndex + 1, max: planned.length } : null;
  const batchState = state.lastBatch && state.lastBatch.phase === phase ? state.lastBatch : null;
  const phaseEpochs = phase ? state.epochs.filter((record) => record.phase === phase) : [];
  const lastEpoch = phaseEpochs.at(-1) ?? null;

  if (!phase || !info || info.epochs === 0) {
    return {
      phase,
      phases,
      epoch: null,
      batch: null,
      imagesPerSecond: batchState?.imagesPerSecond ?? null,
      phaseEtaSeconds: null,
    };
  }
  // The epoch in progress: the batch's, or the one after the last finished.
  const epochsDone = Math.max(info.epochsDone, lastEpoch?.epoch ?? 0);
  const current =
    batchState && batchState.epoch > epochsDone ? batchState.epoch : Math.min(epochsDone + 1, info.epochs);
  const batches = batchState?.batches ?? info.batchesPerEpoch;
  const batchesDone = batchState && batchState.epoch === current ? batchState.batch : 0;
  const epoch = { value: current, max: info.epochs };
  const batch = batches > 0 ? { value: batchesDone, max: batches } : null;
  const imagesPerSecond = batchState?.imagesPerSecond ?? lastEpoch?.imagesPerSecond ?? null;

  const remainingBatches = Math.max(0, batches - batchesDone) + Math.max(0, info.epochs - current) * batches;
  const remainingEpochs = Math.max(0, info.epochs - current) + 1;
  const dataset = phase === 'source' ? state.source : state.target;
  const trainImages = dataset ? sum(dataset.sizes.train) : 0;
  let secondsPerBatch: number | null = null;
  if (imagesPerSecond && imagesPerSecond > 0 && trainImages > 0 && batches > 0)
    secondsPerBatch = trainImages / batches / imagesPerSecond;
  else if (lastEpoch && batches > 0) secondsPerBatch = lastEpoch.seconds / batches;
  if (secondsPerBatch === null) return { phase, phases, epoch, batch, imagesPerSecond, phaseEtaSeconds: null };
  // What an epoch took beyond its batches: validation, callbacks.
  const overhead = lastEpoch ? Math.max(0, lastEpoch.seconds - batches * secondsPerBatch) : 0;
  return {
    phase,
    phases,
    epoch,
    batch,
    imagesPerSecond,
    phaseEtaSeconds: remainingBatches * secondsPerBatch + remainingEpochs * overhead,
  };
}
