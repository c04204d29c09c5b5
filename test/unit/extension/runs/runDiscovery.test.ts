// Finding runs on disk: new run folders, deleted ones, watcher paths, polling of running runs.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { listRunIdsOnDisk, RunDiscovery } from '../../../../src/extension/runs/runDiscovery';
import { RunStore } from '../../../../src/extension/runs/runStore';
import { completedRun, runEnded, runStarted, toJsonl } from '../../../support/runEvents';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-discovery-'));
after(() => rmSync(root, { recursive: true, force: true }));

function makeRun(experimentDir: string, runId: string, events: readonly TrainerEvent[]): string {
  const runDir = join(experimentDir, runId);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(join(runDir, 'events.jsonl'), toJsonl(events));
  return runDir;
}

describe('RunDiscovery', () => {
  it('lists run folders only (not other files or folders)', async () => {
    const dir = join(root, 'listing');
    makeRun(dir, '20261124-101500', []);
    makeRun(dir, '20261124-101500-2', []);
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, '20261124-101501'), 'a file, not a run');
    assert.deepEqual((await listRunIdsOnDisk(dir)).sort(), ['20261124-101500', '20261124-101500-2']);
    assert.deepEqual(await listRunIdsOnDisk(join(root, 'does-not-exist')), []);
  });

  it('finds the runs of tracked experiments and forgets untracked ones', async () => {
    const demo = join(root, 'a', 'demo');
    const other = join(root, 'a', 'other');
    const done = makeRun(demo, '20261124-101500', completedRun());
    const elsewhere = makeRun(other, '20261124-101500', completedRun());
    const store = new RunStore({ log: () => undefined });
    const discovery = new RunDiscovery(store);
    await discovery.track([demo, other]);
    assert.equal(store.get(done)?.state.status, 'completed');
    assert.ok(store.has(elsewhere));
    await discovery.track([demo]);
    assert.equal(store.has(elsewhere), false);
  });

  it('follows a run started elsewhere through watcher paths and polling', async () => {
    const demo = join(root, 'b', 'demo');
    mkdirSync(demo, { recursive: true });
    const store = new RunStore({ log: () => undefined });
    const discovery = new RunDiscovery(store);
    await discovery.track([demo]);
    assert.equal(store.all().length, 0);

    // The CLI in a terminal creates a run: a watcher reports its events.jsonl.
    const runDir = makeRun(demo, '20261124-110000', [runStarted(0)]);
    await discovery.pathChanged(join(runDir, 'events.jsonl'));
    assert.equal(store.get(runDir)?.state.status, 'running');
    await discovery.pathChanged(join(root, 'unrelated', 'file'));

    // No watcher event this time (a network disk): the poll reads the running run.
    appendFileSync(join(runDir, 'events.jsonl'), toJsonl([runEnded(1, 'stopped')]));
    await discovery.poll();
    assert.equal(store.get(runDir)?.state.status, 'stopped');

    // Deleted outside VS Code.
    rmSync(runDir, { recursive: true });
    await discovery.pathDeleted(runDir);
    assert.equal(store.has(runDir), false);
  });

  it('keeps a run this window controls even before its folder exists', async () => {
    const demo = join(root, 'c', 'demo');
    const store = new RunStore({ log: () => undefined });
    const discovery = new RunDiscovery(store);
    const runDir = join(demo, '20261124-120000');
    store.ensure(runDir);
    store.setControllable(runDir, true);
    await discovery.track([demo]);
    assert.ok(store.has(runDir));
    store.setControllable(runDir, false);
    await discovery.scan();
    assert.equal(store.has(runDir), false);
  });
});
