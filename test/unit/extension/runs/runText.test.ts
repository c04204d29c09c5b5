import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { formatAge, formatDuration, outcomeText, progressText, runTime } from '../../../../src/extension/runs/runText';
import {
  batchEnded,
  completedRun,
  epochEnded,
  evaluation,
  phaseStarted,
  runEnded,
  runStarted,
} from '../../../support/runEvents';

describe('run texts', () => {
  it('says what a running run is doing', () => {
    assert.equal(progressText(replayRunEvents([])), 'starting');
    assert.equal(progressText(replayRunEvents([runStarted(0)])), 'loading data');
    const fineTuning = replayRunEvents([
      runStarted(0),
      phaseStarted(1, 'finetune', 10),
      epochEnded(2, 1, 0.7),
      epochEnded(3, 2, 0.812),
    ]);
    assert.equal(progressText(fineTuning), 'fine-tuning 3/10 · val AUC 0.81');
    const inBatch = replayRunEvents([runStarted(0), phaseStarted(1, 'head', 5), batchEnded(2, 3, 'head', 1)]);
    assert.equal(progressText(inBatch), 'head 1/5');
    assert.equal(progressText(replayRunEvents([runStarted(0), phaseStarted(1, 'evaluate', 0)])), 'evaluating');
  });

  it('gives the key result of a finished run, or what became of it', () => {
    assert.equal(outcomeText(replayRunEvents(completedRun())), 'AUC 0.93 vs 0.73 scratch');
    assert.equal(outcomeText(replayRunEvents([runStarted(0), runEnded(1, 'completed')])), 'completed');
    assert.equal(
      outcomeText(replayRunEvents([runStarted(0), evaluation(1, 'fine-tuned', 0.9), runEnded(2, 'stopped')])),
      'stopped · AUC 0.90',
    );
    assert.equal(
      outcomeText(replayRunEvents([runStarted(0), runEnded(1, 'failed', 'no such file: x.npz\n  at …')])),
      'failed: no such file: x.npz',
      'a run older than errorKind reads as before',
    );
    assert.equal(
      outcomeText(replayRunEvents([runStarted(0), runEnded(1, 'failed', 'no such file: x.npz', 'data')])),
      'failed (data problem): no such file: x.npz',
    );
  });

  it('formats ages and durations', () => {
    assert.equal(formatAge(10_000), 'just now');
    assert.equal(formatAge(5 * 60_000), '5 min ago');
    assert.equal(formatAge(3 * 3_600_000), '3 h ago');
    assert.equal(formatAge(26 * 3_600_000), 'yesterday');
    assert.equal(formatAge(4 * 86_400_000), '4 days ago');
    assert.equal(formatAge(62 * 86_400_000), '2 months ago');
    assert.equal(formatAge(400 * 86_400_000), '1 year ago');
    assert.equal(formatAge(-5000), 'just now');
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(3720), '1 h 2 min');
  });

  it('dates a run by its end, its start, or its id', () => {
    const events = completedRun();
    assert.equal(runTime(replayRunEvents(events), 'x'), Date.parse(events.at(-1)?.time ?? ''));
    assert.equal(runTime(replayRunEvents([runStarted(0)]), 'x'), Date.parse(runStarted(0).time));
    assert.equal(runTime(replayRunEvents([]), '20261124-101500'), new Date(2026, 10, 24, 10, 15, 0).getTime());
  });
});
