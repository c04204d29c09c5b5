import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isHostMessage } from '../../../../src/shared/webview/protocol';
import { createRunFeed } from '../../../../src/extension/dashboard/runFeed';
import { loadRunSnapshot, mergeEvents } from '../../../../src/extension/dashboard/runSnapshots';
import { RunStore } from '../../../../src/extension/runs/runStore';
import { batchEnded, completedRun, runStarted, toJsonl } from '../../../support/runEvents';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-snapshot-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('run snapshots', () => {
  it('merges file and live events by seq', () => {
    const merged = mergeEvents(
      [runStarted(0), batchEnded(1), batchEnded(2)],
      [batchEnded(2), batchEnded(3), batchEnded(1)],
    );
    assert.deepEqual(
      merged.map((event) => event.seq),
      [0, 1, 2, 3],
    );
  });

  it('reads the run folder: events, settings flattened for the compare table', async () => {
    const runDir = join(root, 'demo', '20261124-101500');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'events.jsonl'), toJsonl(completedRun()));
    writeFileSync(
      join(runDir, 'experiment.json'),
      JSON.stringify({
        name: 'demo',
        model: { architecture: 'seed-cnn', inputShape: [28, 28, 1] },
        fineTune: { strategy: 'two-phase' },
      }),
    );
    const store = new RunStore({ log: () => undefined });
    store.ensure(runDir);
    await store.refresh(runDir);
    const record = store.get(runDir);
    assert.ok(record);
    const snapshot = await loadRunSnapshot(record);
    assert.equal(snapshot.label, 'demo · 20261124-101500');
    assert.equal(snapshot.events.length, completedRun().length);
    assert.deepEqual(snapshot.settings, {
      name: 'demo',
      'model.architecture': 'seed-cnn',
      'model.inputShape': '[28,28,1]',
      'fineTune.strategy': 'two-phase',
    });
    assert.ok(isHostMessage({ type: 'did-load-runs', runs: [snapshot] }));
  });

  it('serves runs the store has not found yet from disk, and skips unknown keys', async () => {
    const runDir = join(root, 'demo', '20261124-101501');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'events.jsonl'), toJsonl([runStarted(0)]));
    const feed = createRunFeed(new RunStore({ log: () => undefined }));
    const runs = await feed.snapshot([runDir, join(root, 'demo', 'not-a-run'), '/etc', 'relative/20261124-101500']);
    assert.deepEqual(
      runs.map((snapshot) => [snapshot.key, snapshot.events.length, snapshot.settings]),
      [[runDir, 1, {}]],
    );
  });
});
