import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { addLiveEvents, emptyLiveSeries } from '../../../../webview/src/monitor/liveSeries';
import { runProgress } from '../../../../webview/src/monitor/runProgress';
import { eventsBefore, fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';

const [dir] = fixtureRunDirs();
if (!dir) throw new Error('no fixture run');
const { events } = loadFixtureRun(dir);

test('mid-batch: phase, epoch and batch positions and an ETA from images/s', () => {
  // Stop inside the second epoch of the first phase with more than one batch per epoch.
  const phaseStart = events.find(
    (event) => event.type === 'phase-started' && event.batchesPerEpoch > 1 && event.epochs > 1,
  );
  assert.ok(phaseStart && phaseStart.type === 'phase-started');
  const cut = events.findIndex(
    (event) =>
      event.type === 'batch-ended' && event.phase === phaseStart.phase && event.epoch === 2 && event.batch === 1,
  );
  const state = replayRunEvents(events.slice(0, cut + 1));
  const progress = runProgress(state);
  assert.equal(progress.phase, phaseStart.phase);
  assert.deepEqual(progress.phases, {
    value: state.plannedPhases.indexOf(phaseStart.phase) + 1,
    max: state.plannedPhases.length,
  });
  assert.deepEqual(progress.epoch, { value: 2, max: phaseStart.epochs });
  assert.deepEqual(progress.batch, { value: 1, max: phaseStart.batchesPerEpoch });
  const batch = state.lastBatch;
  assert.ok(batch);
  assert.equal(progress.imagesPerSecond, batch.imagesPerSecond);
  // Independent estimate: remaining batches × (images per batch / images per second), plus per-epoch overhead.
  const dataset = phaseStart.phase === 'source' ? state.source : state.target;
  const trainImages = (dataset?.sizes.train ?? []).reduce((a, b) => a + b, 0);
  const perBatch = trainImages / batch.batches / batch.imagesPerSecond;
  const remaining = batch.batches - 1 + (phaseStart.epochs - 2) * batch.batches;
  const lastEpoch = state.epochs.at(-1);
  assert.ok(lastEpoch);
  const overhead = Math.max(0, lastEpoch.seconds - batch.batches * perBatch);
  const expected = remaining * perBatch + (phaseStart.epochs - 2 + 1) * overhead;
  assert.ok(progress.phaseEtaSeconds !== null && Math.abs(progress.phaseEtaSeconds - expected) < 1e-9);
});

test('before any batch: no ETA yet; after the run: nothing in progress', () => {
  const started = replayRunEvents(eventsBefore(events, (event) => event.type === 'batch-ended'));
  const progress = runProgress(started);
  assert.equal(progress.batch?.value ?? 0, 0);
  assert.equal(runProgress(replayRunEvents(events)).phase, null);
});

test('the live loss series keeps the current phase only, as fractional epochs', () => {
  const series = addLiveEvents(emptyLiveSeries(), events);
  const lastTraining = [...events].reverse().find((event) => event.type === 'batch-ended');
  assert.ok(lastTraining && lastTraining.type === 'batch-ended');
  // The evaluate phase started after the last batch, so nothing is kept.
  assert.deepEqual(series, emptyLiveSeries());
  const cut = events.indexOf(lastTraining);
  const live = addLiveEvents(emptyLiveSeries(), events.slice(0, cut + 1));
  assert.equal(live.phase, lastTraining.phase);
  const batches = events
    .slice(0, cut + 1)
    .filter((event) => event.type === 'batch-ended' && event.phase === lastTraining.phase);
  assert.equal(live.loss.length, batches.length);
  assert.equal(live.x.at(-1), lastTraining.epoch);
});

test('data loading: files decoded, until the first phase starts', () => {
  const started = events.find((event) => event.type === 'run-started');
  assert.ok(started);
  const decoding = {
    type: 'data-progress',
    seq: started.seq + 1,
    time: started.time,
    stage: 'decoding',
    done: 120,
    total: 800,
  } as const;
  const loading = replayRunEvents([started, decoding]);
  assert.deepEqual(runProgress(loading).data, { stage: 'decoding', value: 120, max: 800 });
  const phaseStart = events.find((event) => event.type === 'phase-started');
  assert.ok(phaseStart);
  assert.equal(runProgress(replayRunEvents([started, decoding, phaseStart])).data, null);
});
