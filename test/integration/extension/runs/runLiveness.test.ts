// Runs this window did not start, checked against real processes: a live trainer of the run is
// reattached (running, stoppable, and Stop's SIGTERM reaches it), a gone one reads interrupted
// once the run has been quiet, and a pid that now belongs to another process is never signalled.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { RunLiveness } from '../../../../src/extension/runs/runLiveness';
import { RunStore } from '../../../../src/extension/runs/runStore';
import { runStarted } from '../../../support/runEvents';
import { waitUntil } from '../../../support/polling';

const root = mkdtempSync(join(tmpdir(), 'medtransfer-liveness-'));
// A stand-in trainer with the real one's command line (`…/dist/cli.js run FILE --runs-dir DIR
// --run-id ID`), started in the folder the runs are under: on SIGTERM it ends its run the way the
// trainer does, with run-ended `stopped`. Its events file comes by the environment.
const cli = join(root, 'dist', 'cli.js');
mkdirSync(join(root, 'dist'));
writeFileSync(
  cli,
  `const { appendFileSync } = require('node:fs');
const eventsFile = process.env.EVENTS_FILE;
process.on('SIGTERM', () => {
  appendFileSync(eventsFile, JSON.stringify({ type: 'run-ended', seq: 1, time: new Date().toISOString(), status: 'stopped', error: null, seconds: 1 }) + '\\n');
  process.exit(0);
});
process.send?.('ready');
setInterval(() => undefined, 1000);
`,
);
const children: ChildProcess[] = [];
after(() => children.forEach((child) => child.kill('SIGKILL')));

function runFolder(runId: string, pid: number, time: Date): string {
  const runDir = join(root, 'runs', 'demo', runId);
  mkdirSync(runDir, { recursive: true });
  const event: TrainerEvent = { ...runStarted(0, runDir), runId, pid, time: time.toISOString() };
  appendFileSync(join(runDir, 'events.jsonl'), `${JSON.stringify(event)}\n`);
  return runDir;
}

async function startTrainer(runId: string): Promise<{ child: ChildProcess; runDir: string }> {
  const runDir = join(root, 'runs', 'demo', runId);
  const child = spawn(process.execPath, [cli, 'run', 'demo.experiment.yaml', '--runs-dir', 'runs', '--run-id', runId], {
    cwd: root,
    env: { ...process.env, EVENTS_FILE: join(runDir, 'events.jsonl') },
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  children.push(child);
  // As the trainer does, it names its pid once it runs (and handles SIGTERM by then).
  await new Promise((resolve) => child.once('message', resolve));
  child.disconnect();
  return { child, runDir: runFolder(runId, child.pid ?? -1, new Date()) };
}

describe('RunLiveness', { skip: process.platform !== 'linux' && 'pid checks by /proc are Linux-only' }, () => {
  it('reattaches a live trainer, and Stop reaches it with SIGTERM; a dead one reads interrupted', async () => {
    const store = new RunStore({ log: () => undefined });
    const { child, runDir: live } = await startTrainer('20261124-101500');
    const dead = runFolder('20261124-101501', 2 ** 22 + 17, new Date(Date.now() - 3_600_000));
    const reused = runFolder('20261124-101502', process.pid, new Date(Date.now() - 3_600_000));
    const recentlyDead = runFolder('20261124-101503', 2 ** 22 + 19, new Date());
    for (const runDir of [live, dead, reused, recentlyDead]) {
      store.ensure(runDir);
      await store.refresh(runDir);
    }
    const signals: number[] = [];
    const liveness = new RunLiveness({
      store,
      isOwn: () => false,
      intervalMs: 100,
      signal: (pid, signal) => (signals.push(pid), process.kill(pid, signal)),
    });
    await liveness.checkAll();
    const of = (key: string) => liveness.of(store.get(key) ?? assert.fail(key));
    assert.equal(of(live), 'attached');
    assert.equal(store.get(live)?.controllable, true, 'a reattached run can be stopped from here');
    assert.equal(of(dead), 'dead');
    assert.equal(liveness.displayState(store.get(dead) ?? assert.fail()).status, 'interrupted');
    assert.equal(store.get(dead)?.trainerGone, true, 'the webviews are told too');
    assert.equal(store.get(live)?.trainerGone, false);
    assert.equal(of(reused), 'dead', 'a pid that is another process now does not keep the run running');
    assert.equal(of(recentlyDead), 'unknown', 'a run that wrote a moment ago may run on another machine');
    assert.equal(liveness.displayState(store.get(recentlyDead) ?? assert.fail()).status, 'running');

    assert.equal(liveness.stop(reused), false, 'never signals a pid that is not its trainer');
    assert.equal(liveness.stop(dead), false);
    assert.equal(liveness.stop(live), true);
    assert.deepEqual(signals, [child.pid]);
    await new Promise((resolve) => child.once('exit', resolve));
    await waitUntil('the stopped run in the store', () => {
      void store.refresh(live);
      return store.get(live)?.state.status === 'stopped';
    });
    await liveness.checkAll();
    assert.equal(of(live), 'dead');
    assert.equal(store.get(live)?.controllable, false);
    liveness.dispose();
    store.dispose();
  });

  it('leaves runs this window started to the launcher', async () => {
    const store = new RunStore({ log: () => undefined });
    const runDir = runFolder('20261124-101504', 2 ** 22 + 21, new Date(Date.now() - 3_600_000));
    store.ensure(runDir);
    await store.refresh(runDir);
    const liveness = new RunLiveness({ store, isOwn: (key) => key === runDir });
    await liveness.checkAll();
    assert.equal(liveness.of(store.get(runDir) ?? assert.fail()), 'own');
    assert.equal(liveness.displayState(store.get(runDir) ?? assert.fail()).status, 'running');
    liveness.dispose();
    store.dispose();
  });
});
