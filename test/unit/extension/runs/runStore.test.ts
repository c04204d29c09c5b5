// The run store merges a run's file and its live IPC events by `seq`, without gaps or doubles.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { RunStore } from '../../../../src/extension/runs/runStore';
import type { AppendedEvents, RunChange } from '../../../../src/extension/runs/runStore';
import { completedRun, toJsonl } from '../../../support/runEvents';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

function makeRun(runId: string, events: readonly TrainerEvent[] = []): string {
  const runDir = join(root, 'demo', runId);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'events.jsonl'), toJsonl(events));
  return runDir;
}

function storeWithLog() {
  const logged: string[] = [];
  const store = new RunStore({ log: (message) => logged.push(message) });
  const appended: AppendedEvents[] = [];
  const changes: RunChange[] = [];
  store.onDidAppendEvents((event) => appended.push(event));
  store.onDidChangeRun((change) => changes.push(change));
  return { store, logged, appended, changes };
}

describe('RunStore', () => {
  it('folds a run folder into state, named by its path', async () => {
    const runDir = makeRun('20261124-101500', completedRun());
    const { store, changes } = storeWithLog();
    const record = store.ensure(runDir);
    assert.equal(record.experimentName, 'demo');
    assert.equal(record.runId, '20261124-101500');
    await store.refresh(runDir);
    const state = store.get(runDir)?.state;
    assert.equal(state?.status, 'completed');
    assert.equal(state?.evaluations['fine-tuned']?.auc, 0.93);
    assert.deepEqual(
      changes.map((change) => change.kind),
      ['added', 'changed'],
    );
    assert.equal(store.get(runDir)?.lastEventAt, Date.parse(completedRun().at(-1)?.time ?? ''));
  });

  it('merges live events and the file without doubles, whichever comes first', async () => {
    const events = completedRun();
    const runDir = makeRun('20261124-101501', events.slice(0, 2));
    const { store, appended } = storeWithLog();
    store.ensure(runDir);
    // IPC is ahead of the file...
    store.append(runDir, events.slice(0, 4));
    await store.refresh(runDir);
    // ...then the file catches up, and IPC goes on.
    appendFileSync(join(runDir, 'events.jsonl'), toJsonl(events.slice(2, 5)));
    await store.refresh(runDir);
    store.append(runDir, events.slice(4));
    const forwarded = appended.flatMap((batch) => batch.events.map((event) => event.seq));
    assert.deepEqual(
      forwarded,
      events.map((event) => event.seq),
    );
    assert.equal(store.get(runDir)?.state.status, 'completed');
    assert.deepEqual(
      store.get(runDir)?.recentEvents.map((event) => event.seq),
      events.map((event) => event.seq),
    );
  });

  it('logs invalid lines and keeps going', async () => {
    const runDir = makeRun('20261124-101502');
    writeFileSync(join(runDir, 'events.jsonl'), `${toJsonl(completedRun().slice(0, 1))}{"broken"\n`);
    const { store, logged } = storeWithLog();
    store.ensure(runDir);
    await store.refresh(runDir);
    assert.equal(store.get(runDir)?.state.runId, '20261124-101500');
    assert.match(logged[0] ?? '', /ignored 1 line that is not a valid event.*line 2/);
  });

  it('rebuilds a run whose file was rewritten', async () => {
    const runDir = makeRun('20261124-101503', completedRun());
    const { store, appended } = storeWithLog();
    store.ensure(runDir);
    await store.refresh(runDir);
    writeFileSync(join(runDir, 'events.jsonl'), toJsonl(completedRun().slice(0, 1)));
    await store.refresh(runDir);
    assert.equal(appended.at(-1)?.restarted, true);
    assert.equal(store.get(runDir)?.state.status, 'running');
  });

  it('tracks which runs this window controls, and forgets removed ones', () => {
    const runDir = makeRun('20261124-101504');
    const { store, changes } = storeWithLog();
    const controllable: boolean[] = [];
    store.onDidChangeControllable((change) => controllable.push(change.controllable));
    store.ensure(runDir);
    store.setControllable(runDir, true);
    store.setControllable(runDir, true);
    store.setControllable(runDir, false);
    assert.deepEqual(controllable, [true, false]);
    store.remove(runDir);
    assert.equal(store.has(runDir), false);
    assert.equal(changes.at(-1)?.kind, 'removed');
  });
});
