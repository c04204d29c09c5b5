// The launcher with real child processes (the fake trainer): one process per run, at most
// `maxConcurrent` at once, the rest queued first-in first-out, refusals reported.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunLauncher } from '../../../../src/extension/trainer/runLauncher';
import type { LaunchPlan } from '../../../../src/extension/trainer/runLauncher';
import type { RunOutcome } from '../../../../src/extension/trainer/runOutcome';
import { TrainerProcess } from '../../../../src/extension/trainer/trainerProcess';
import { RESTRICTED_MODE_MESSAGE, restrictedModeRefusal } from '../../../../src/extension/trust/workspaceTrust';
import { waitUntil } from '../../../support/polling';
import { fixturesDir } from '../../../support/paths';

const fixture = join(fixturesDir, 'processes', 'fakeTrainer.mjs');

/** Experiment "files" name the fake trainer's mode: `a.obey-stop`, `b.complete`… */
function launcher(
  maxConcurrent: number,
  refuse: (file: string) => string | null = () => null,
  refusal: () => string | null = () => null,
) {
  let counter = 0;
  const ended: { file: string; outcome: RunOutcome }[] = [];
  const started: string[] = [];
  const refused: string[] = [];
  const instance = new RunLauncher({
    maxConcurrent: () => maxConcurrent,
    refusal,
    prepare: async (experimentFile) => {
      const error = refuse(experimentFile);
      if (error) return { error };
      counter++;
      const plan: LaunchPlan = {
        experimentFile,
        experimentName: 'fake',
        runId: `20261124-10150${counter}`,
        runDir: `/tmp/runs/fake/20261124-10150${counter}`,
        args: [experimentFile.split('.')[1] ?? 'complete'],
        cwd: __dirname,
      };
      return plan;
    },
    createProcess: (plan) =>
      new TrainerProcess({ modulePath: fixture, args: plan.args, execPath: process.execPath, stopGraceMs: 2000 }),
  });
  instance.onDidStartRun((run) => started.push(run.plan.experimentFile));
  instance.onDidEndRun(({ run, outcome }) => ended.push({ file: run.plan.experimentFile, outcome }));
  instance.onDidRefuseRun(({ experimentFile }) => refused.push(experimentFile));
  return { instance, ended, started, refused };
}

describe('RunLauncher', () => {
  it('queues beyond the maximum and starts the next when one ends', async () => {
    const { instance, ended, started } = launcher(1);
    assert.deepEqual(await instance.request('a.obey-stop'), { kind: 'start' });
    assert.deepEqual(await instance.request('b.complete'), { kind: 'queued', position: 1 });
    assert.deepEqual(await instance.request('b.complete'), { kind: 'already-queued', position: 1 });
    assert.deepEqual(await instance.request('c.complete'), { kind: 'queued', position: 2 });
    assert.equal(instance.activeRuns.length, 1);
    assert.equal(instance.queuePosition('c.complete'), 2);

    assert.ok(instance.cancelQueued('c.complete'));
    const first = instance.activeRuns[0];
    assert.ok(first);
    await instance.stopRun(first.plan.runDir);
    await waitUntil('both runs to end', () => ended.length === 2);
    assert.deepEqual(started, ['a.obey-stop', 'b.complete']);
    assert.deepEqual(
      ended.map(({ file, outcome }) => [file, outcome.status]),
      [
        ['a.obey-stop', 'stopped'],
        ['b.complete', 'completed'],
      ],
    );
    assert.equal(instance.queuedRuns.length, 0);
    instance.dispose();
  });

  it('runs up to the maximum at once', async () => {
    const { instance, ended } = launcher(2);
    assert.equal((await instance.request('a.obey-stop')).kind, 'start');
    assert.equal((await instance.request('b.obey-stop')).kind, 'start');
    assert.equal((await instance.request('c.complete')).kind, 'queued');
    assert.equal(instance.activeRuns.length, 2);
    await instance.stopAll();
    assert.equal(instance.queuedRuns.length, 0, 'stopAll empties the queue');
    await waitUntil('both runs to end', () => ended.length === 2);
    assert.ok(ended.every(({ outcome }) => outcome.status === 'stopped'));
    instance.dispose();
  });

  it('reports a refusal, and a queued run that cannot start', async () => {
    const { instance, refused } = launcher(1, (file) =>
      file.startsWith('bad') ? 'bad.experiment.yaml is not valid' : null,
    );
    assert.deepEqual(await instance.request('bad.complete'), {
      kind: 'refused',
      error: 'bad.experiment.yaml is not valid',
    });
    assert.equal((await instance.request('a.obey-stop')).kind, 'start');
    assert.equal((await instance.request('bad2.complete')).kind, 'queued');
    await instance.stopAll();
    await waitUntil('no active run', () => instance.activeRuns.length === 0);
    assert.deepEqual(refused, []);
    instance.dispose();
  });

  it('starts a refused-then-queued run and reports its refusal', async () => {
    const { instance, refused } = launcher(1, (file) => (file.startsWith('bad') ? 'invalid' : null));
    assert.equal((await instance.request('a.obey-stop')).kind, 'start');
    assert.equal((await instance.request('bad.complete')).kind, 'queued');
    const first = instance.activeRuns[0];
    assert.ok(first);
    await instance.stopRun(first.plan.runDir);
    await waitUntil('the refusal', () => refused.length === 1);
    assert.deepEqual(refused, ['bad.complete']);
    instance.dispose();
  });

  it('starts nothing in Restricted Mode, not even a run that was queued before trust was revoked', async () => {
    let trusted = true;
    const { instance, started, refused } = launcher(
      1,
      () => null,
      () => restrictedModeRefusal(trusted),
    );
    assert.equal((await instance.request('a.obey-stop')).kind, 'start');
    assert.equal((await instance.request('b.complete')).kind, 'queued');
    trusted = false;
    assert.deepEqual(await instance.request('c.complete'), { kind: 'refused', error: RESTRICTED_MODE_MESSAGE });
    const first = instance.activeRuns[0];
    assert.ok(first);
    await instance.stopRun(first.plan.runDir);
    await waitUntil('the refusal', () => refused.length === 1);
    assert.deepEqual(refused, ['b.complete']);
    assert.deepEqual(started, ['a.obey-stop'], 'only the run started while trusted ever ran');
    assert.equal(instance.activeRuns.length, 0);
    instance.dispose();
  });

  it('leaves trainers running when it detaches, and dispose then kills nothing', async () => {
    const { instance, ended } = launcher(1);
    let events = 0;
    instance.onDidReceiveEvent(() => events++);
    await instance.request('a.ignore-stop');
    assert.equal((await instance.request('b.complete')).kind, 'queued');
    await waitUntil('an event', () => events > 0);
    const run = instance.activeRuns[0];
    const pid = run?.process.pid;
    assert.ok(run && pid !== undefined);
    assert.deepEqual(instance.detachAll(), [run.plan.runDir]);
    assert.equal(instance.queuedRuns.length, 0, 'the queue is forgotten');
    instance.dispose();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.doesNotThrow(() => process.kill(pid, 0), 'the trainer still runs');
    assert.deepEqual(ended, []);
    process.kill(pid, 'SIGKILL');
  });

  it('kills running trainers on dispose', async () => {
    const { instance } = launcher(1);
    await instance.request('a.ignore-stop');
    const run = instance.activeRuns[0];
    assert.ok(run);
    instance.dispose();
    const exit = await run.process.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.deepEqual(await instance.request('b.complete'), { kind: 'refused', error: 'MedTransfer is shutting down' });
  });
});
