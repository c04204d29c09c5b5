import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { breakdown } from '../../../../scripts/bench/pipelineBreakdown';
import type { EventMark, ProbeTotals } from '../../../../scripts/bench/pipelineBreakdown';

/** Only the fields breakdown() reads; the rest of each event does not matter here. */
function event(fields: Record<string, unknown>): TrainerEvent {
  return { seq: 0, time: '', ...fields } as unknown as TrainerEvent;
}

describe('breakdown', () => {
  // A made-up run, times in ms: start at 0, run-started at 100, data until 1100; one training
  // phase of one epoch: 400 images at 100 images/s (4 s of batches) then 1 s of validation;
  // evaluation from 7000 to 7500; run-ended at 8000; the command returns at 8100.
  const marks: EventMark[] = [
    { at: 100, event: event({ type: 'run-started' }) },
    { at: 1000, event: event({ type: 'log', level: 'info', message: 'source: dataset cache hit' }) },
    { at: 1100, event: event({ type: 'data-loaded' }) },
    { at: 1200, event: event({ type: 'phase-started', phase: 'source' }) },
    { at: 3000, event: event({ type: 'batch-ended', phase: 'source' }) },
    { at: 6300, event: event({ type: 'epoch-ended', phase: 'source', imagesPerSecond: 100, seconds: 5 }) },
    { at: 6400, event: event({ type: 'phase-ended', phase: 'source', epochsRun: 1, seconds: 5.2 }) },
    { at: 7000, event: event({ type: 'phase-started', phase: 'evaluate' }) },
    { at: 7300, event: event({ type: 'evaluation' }) },
    { at: 7500, event: event({ type: 'phase-ended', phase: 'evaluate', epochsRun: 0, seconds: 0.5 }) },
    { at: 8000, event: event({ type: 'run-ended' }) },
  ];
  const writeMs = new WeakMap<TrainerEvent, number>(marks.map((mark) => [mark.event, 10]));
  const totals: ProbeTotals = {
    forwardBackwardMs: 3000,
    optimizerMs: 400,
    validationInferenceMs: 600,
    evaluationInferenceMs: 200,
    batchingMs: 100,
    writeMs,
    epochImages: [400],
    marks,
  };
  const result = breakdown(totals, 0, 8100);
  const part = (prefix: string) =>
    result.parts.find((candidate) => candidate.name.startsWith(prefix))?.seconds ?? Number.NaN;
  const close = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);

  it('takes the spans between events, less the event writing inside them', () => {
    close(part('start'), 0.1);
    // 1000 ms less the run-started and log writes.
    close(part('data'), 0.98);
    // 7000 → 7500 less two writes (phase-started, evaluation) less 200 ms inference.
    close(part('evaluation metrics'), 0.28);
    close(part('saving'), 0.49);
  });

  it('splits the batch loop and the validation by difference', () => {
    // 4000 ms of batches − 3000 − 400 − 100 − one batch-ended write.
    close(part('batch loop, rest'), 0.49);
    // 1000 ms of validation − 600 inference.
    close(part('validation metrics'), 0.4);
  });

  it('accounts for the whole run, and reports the shares outside model compute', () => {
    close(result.totalSeconds, 8.1);
    close(
      result.parts.reduce((sum, candidate) => sum + candidate.seconds, 0),
      8.1,
    );
    close(part('event writing'), 0.11);
    assert.deepEqual(result.dataNotes, ['source: dataset cache hit']);
    close(result.outsideTrainingComputeShare, 1 - 3400 / 8100);
    close(result.outsideModelComputeShare, 1 - 4200 / 8100);
    assert.deepEqual(result.phases, [{ phase: 'source', epochs: 1, seconds: 5.2, imagesPerSecond: 100 }]);
  });

  it('refuses a run whose epochs and epoch-ended events do not pair up', () => {
    assert.throws(() => breakdown({ ...totals, epochImages: [] }, 0, 8100), /1 epoch-ended events for 0 epochs/);
  });
});
