import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { applyHostMessage, loadRuns } from '../../../../webview/src/common/runCollection';
import type { RunView } from '../../../../webview/src/common/runCollection';
import { fixtureRunDirs, loadFixtureRun } from '../../../support/fixtureRuns';

const [dir] = fixtureRunDirs();
if (!dir) throw new Error('no fixture run');
const fixture = loadFixtureRun(dir);

test('appending events in batches gives the state of replaying them all', () => {
  const half = Math.floor(fixture.events.length / 2);
  let runs: readonly RunView[] = loadRuns([{ ...fixture.snapshot, events: fixture.events.slice(0, half) }]);
  for (let start = half; start < fixture.events.length; start += 7) {
    runs = applyHostMessage(runs, {
      type: 'did-append-events',
      key: fixture.snapshot.key,
      events: fixture.events.slice(start, start + 7),
    });
  }
  assert.deepEqual(runs[0]?.state, replayRunEvents(fixture.events));
});

test('replayed events, unknown runs and unchanged flags leave the same array', () => {
  const runs = loadRuns([fixture.snapshot]);
  assert.equal(
    applyHostMessage(runs, {
      type: 'did-append-events',
      key: fixture.snapshot.key,
      events: fixture.events.slice(0, 3),
    }),
    runs,
  );
  assert.equal(applyHostMessage(runs, { type: 'did-append-events', key: 'elsewhere', events: fixture.events }), runs);
  assert.equal(
    applyHostMessage(runs, { type: 'did-change-controllable', key: fixture.snapshot.key, controllable: false }),
    runs,
  );
  const changed = applyHostMessage(runs, {
    type: 'did-change-controllable',
    key: fixture.snapshot.key,
    controllable: true,
  });
  assert.equal(changed[0]?.controllable, true);
  assert.equal(changed[0]?.state, runs[0]?.state);
});

test('did-load-runs replaces the runs', () => {
  const runs = loadRuns([fixture.snapshot]);
  assert.deepEqual(applyHostMessage(runs, { type: 'did-load-runs', runs: [] }), []);
});

test('a run whose trainer is gone without run-ended reads interrupted, until it is resumed', () => {
  const live = fixture.events.filter((event) => event.type !== 'run-ended' && event.type !== 'evaluation').slice(0, 40);
  const [gone] = loadRuns([{ ...fixture.snapshot, events: live, trainerGone: true }]);
  assert.equal(gone?.state.status, 'interrupted');
  const [running] = loadRuns([{ ...fixture.snapshot, events: live }]);
  assert.equal(running?.state.status, 'running');
  const started = live.find((event) => event.type === 'run-started');
  assert.ok(started?.type === 'run-started');
  const lastSeq = live[live.length - 1]?.seq ?? 0;
  const resumed = applyHostMessage([gone as RunView], {
    type: 'did-append-events',
    key: fixture.snapshot.key,
    events: [
      {
        type: 'run-resumed',
        seq: lastSeq + 1,
        time: started.time,
        runId: started.runId,
        pid: 42,
        backend: started.backend,
        backendNotes: [],
        fromPhase: null,
        fromEpoch: 0,
        tornLineDropped: false,
      },
    ],
  });
  assert.equal(resumed[0]?.state.status, 'running');
});
