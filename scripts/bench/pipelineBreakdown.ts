// The split of a run's time into parts, from what pipelineProbes.ts timed (pure: the unit
// tests feed it made-up marks). A part is `timed` where a probe measured it, `difference` where
// it is what a measured span leaves once the timed parts inside it are taken out.
import type { TrainerEvent } from '../../src/shared/run/events';
import { median } from './stats';

export interface EventMark {
  event: TrainerEvent;
  /** performance.now() when events.jsonl got it. */
  at: number;
}

export interface ProbeTotals {
  /** ms in engine.gradients: the forward pass, the loss and the backward pass. */
  forwardBackwardMs: number;
  optimizerMs: number;
  /** ms of model.apply outside gradients, before the evaluate phase (validation) and in it. */
  validationInferenceMs: number;
  evaluationInferenceMs: number;
  batchingMs: number;
  /** ms writing each event, all sinks together. */
  writeMs: WeakMap<TrainerEvent, number>;
  /** Images each completed training epoch served, in order (pairs with the epoch-ended events). */
  epochImages: number[];
  marks: EventMark[];
}

export interface PipelinePart {
  name: string;
  seconds: number;
  share: number;
  /** How the part was measured: `timed` (a probe around it) or `difference`. */
  how: 'timed' | 'difference';
}

export interface PhaseSummary {
  phase: string;
  epochs: number;
  seconds: number;
  /** Median over the phase's epochs of the batch loop's images/s (epoch-ended). */
  imagesPerSecond: number;
}

export interface PipelineBreakdown {
  experiment: string;
  /** What the variant changed from the example file (empty: the file as is). */
  changes: string[];
  backend: string;
  totalSeconds: number;
  parts: PipelinePart[];
  /** Share of the run outside forward + backward + optimizer update. */
  outsideTrainingComputeShare: number;
  /** ... and outside inference too (validation, evaluation). */
  outsideModelComputeShare: number;
  phases: PhaseSummary[];
  /** The run's log lines about its data (a dataset cache hit makes `data` short). */
  dataNotes: string[];
}

type MarkOf<T extends TrainerEvent['type']> = EventMark & { event: Extract<TrainerEvent, { type: T }> };

function findMark<T extends TrainerEvent['type']>(marks: readonly EventMark[], type: T, phase?: string): MarkOf<T> {
  const found = marks.find(
    (mark) =>
      mark.event.type === type && (phase === undefined || ('phase' in mark.event && mark.event.phase === phase)),
  );
  if (!found) throw new Error(`the run wrote no ${type}${phase ? ` (${phase})` : ''} event`);
  return found as MarkOf<T>;
}

/** ms spent writing events stamped in [from, to). */
function writesBetween(totals: ProbeTotals, from: number, to: number): number {
  return totals.marks
    .filter((mark) => mark.at >= from && mark.at < to)
    .reduce((sum, mark) => sum + (totals.writeMs.get(mark.event) ?? 0), 0);
}

/** The split of one run, from the probes' totals and the command's start and end (performance.now). */
export function breakdown(
  totals: ProbeTotals,
  commandStart: number,
  commandEnd: number,
): Omit<PipelineBreakdown, 'experiment' | 'changes' | 'backend'> {
  const dataNotes = totals.marks.flatMap((mark) =>
    mark.event.type === 'log' && /cache|decod/i.test(mark.event.message) ? [mark.event.message] : [],
  );
  const { marks } = totals;
  const runStarted = findMark(marks, 'run-started');
  const dataLoaded = findMark(marks, 'data-loaded');
  const evaluateStarted = findMark(marks, 'phase-started', 'evaluate');
  const evaluateEnded = findMark(marks, 'phase-ended', 'evaluate');
  const runEnded = findMark(marks, 'run-ended');

  const epochs = marks.filter((mark): mark is MarkOf<'epoch-ended'> => mark.event.type === 'epoch-ended');
  if (epochs.length !== totals.epochImages.length)
    throw new Error(`${epochs.length} epoch-ended events for ${totals.epochImages.length} epochs served`);
  let batchLoopMs = 0;
  let validationMs = 0;
  epochs.forEach((mark, index) => {
    const trainSeconds = (totals.epochImages[index] ?? 0) / mark.event.imagesPerSecond;
    batchLoopMs += trainSeconds * 1000;
    validationMs += (mark.event.seconds - trainSeconds) * 1000;
  });
  const batchEventsMs = marks
    .filter((mark) => mark.event.type === 'batch-ended')
    .reduce((sum, mark) => sum + (totals.writeMs.get(mark.event) ?? 0), 0);
  const allWritesMs = marks.reduce((sum, mark) => sum + (totals.writeMs.get(mark.event) ?? 0), 0);
  const totalMs = commandEnd - commandStart;

  const parts: [string, number, PipelinePart['how']][] = [
    ['start: experiment file, backend, run folder', runStarted.at - commandStart, 'timed'],
    [
      'data: read, decode, convert, split',
      dataLoaded.at - runStarted.at - writesBetween(totals, runStarted.at, dataLoaded.at),
      'timed',
    ],
    ['model forward + loss + backward (gradients)', totals.forwardBackwardMs, 'timed'],
    ['optimizer update (Adam)', totals.optimizerMs, 'timed'],
    ['batching: shuffle, copy images into the batch', totals.batchingMs, 'timed'],
    [
      'batch loop, rest: tensor upload, loss/argmax read-back, augmentation, yielding',
      batchLoopMs - totals.forwardBackwardMs - totals.optimizerMs - totals.batchingMs - batchEventsMs,
      'difference',
    ],
    ['validation inference (each epoch)', totals.validationInferenceMs, 'timed'],
    [
      'validation metrics: AUC, confusion, loss, best-weights copy',
      validationMs - totals.validationInferenceMs,
      'difference',
    ],
    ['evaluation on the test split (inference)', totals.evaluationInferenceMs, 'timed'],
    [
      'evaluation metrics',
      evaluateEnded.at -
        evaluateStarted.at -
        writesBetween(totals, evaluateStarted.at, evaluateEnded.at) -
        totals.evaluationInferenceMs,
      'difference',
    ],
    [
      'saving models and metrics.json',
      runEnded.at - evaluateEnded.at - writesBetween(totals, evaluateEnded.at, runEnded.at),
      'timed',
    ],
    ['event writing (events.jsonl, log.txt)', allWritesMs, 'timed'],
  ];
  const accounted = parts.reduce((sum, [, ms]) => sum + ms, 0);
  parts.push(['other: model building, phase set-up, between phases', totalMs - accounted, 'difference']);

  const phases: PhaseSummary[] = marks
    .filter(
      (mark): mark is MarkOf<'phase-ended'> => mark.event.type === 'phase-ended' && mark.event.phase !== 'evaluate',
    )
    .map((mark) => {
      const own = epochs.filter((epoch) => epoch.event.phase === mark.event.phase);
      return {
        phase: mark.event.phase,
        epochs: mark.event.epochsRun,
        seconds: mark.event.seconds,
        imagesPerSecond: median(own.map((epoch) => epoch.event.imagesPerSecond)),
      };
    });
  const trainingCompute = totals.forwardBackwardMs + totals.optimizerMs;
  return {
    totalSeconds: totalMs / 1000,
    parts: parts.map(([name, ms, how]) => ({ name, seconds: ms / 1000, share: ms / totalMs, how })),
    outsideTrainingComputeShare: 1 - trainingCompute / totalMs,
    outsideModelComputeShare:
      1 - (trainingCompute + totals.validationInferenceMs + totals.evaluationInferenceMs) / totalMs,
    phases,
    dataNotes,
  };
}
