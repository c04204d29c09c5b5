// One trainer at a time per run folder (src/shared/host/runLock.ts), through the real CLI: two
// resumes started together (one trains, the other is refused with exit 2), the lock of a dead
// trainer broken, the lock of a live one (or of another machine) kept, and the lock released on
// every way a trainer ends.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { processStartTicks } from '../../../../src/shared/host/procProcess';
import { thisHost } from '../../../../src/shared/host/thisHost';
import {
  eventsOf,
  forkCliAndSignal,
  readEvents,
  runCli,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { cliPath, repoRoot } from '../../../support/paths';
import { waitUntil } from '../../../support/polling';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const linux = process.platform === 'linux';
const EXPERIMENT = tinyExperiment({
  name: 'locked',
  seed: 8,
  source: { dataset: synthetic('source', 320), epochs: 3 },
  evaluation: { bootstrap: { resamples: 0 } },
});

interface Finished {
  pid: number;
  code: number | null;
  stderr: string;
}

/** Starts the CLI without waiting for it (spawnSync would run two one after the other). */
function startCli(args: string[]): Promise<Finished> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ pid: child.pid ?? -1, code, stderr })));
}

const inSourceEpoch2 = (event: TrainerEvent) =>
  event.type === 'batch-ended' && event.phase === 'source' && event.epoch === 2;

function firstBatchAfterResume(): (event: TrainerEvent) => boolean {
  let resumed = false;
  return (event) => {
    if (event.type === 'run-resumed') resumed = true;
    return resumed && event.type === 'batch-ended';
  };
}

describe('the run folder lock', () => {
  let folder = '';
  let file = '';
  const children: ChildProcess[] = [];

  before(() => {
    folder = temporaryFolder('lock');
    file = writeExperiment(folder, 'locked', EXPERIMENT);
  });
  after(() => children.forEach((child) => child.kill('SIGKILL')));

  /** A run SIGKILLed in source epoch 2: a checkpoint to resume, and the dead trainer's lock left behind. */
  async function killedRun(runId: string): Promise<string> {
    const killed = await forkCliAndSignal(['run', file, '--run-id', runId, '--quiet'], inSourceEpoch2, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL', killed.stderr);
    return join(folder, 'runs', 'locked', runId);
  }

  it('two resumes started together: one trains, the other is refused; the dead trainer’s lock broken', async () => {
    const runDir = await killedRun('together');
    const lockFile = join(runDir, 'trainer.lock');
    const leftBehind = existsSync(lockFile);
    const results = await Promise.all([
      startCli(['resume', runDir, '--quiet']),
      startCli(['resume', runDir, '--quiet']),
    ]);
    const trained = results.filter((result) => result.code === 0);
    const refused = results.filter((result) => result.code === 2);
    assert.equal(trained.length, 1, results.map((result) => result.stderr).join('\n---\n'));
    assert.equal(refused.length, 1, results.map((result) => result.stderr).join('\n---\n'));
    assert.match(
      refused[0]?.stderr ?? '',
      new RegExp(
        `^medtransfer: cannot resume ${runDir}: another trainer is running it: pid ${trained[0]?.pid} ` +
          '\\(`medtransfer resume`, since .* UTC\\); wait for it to end, or stop it',
        'm',
      ),
    );
    const events = readEvents(runDir);
    assert.equal(eventsOf(events, 'run-resumed').length, 1, 'one trainer resumed');
    assert.deepEqual(
      eventsOf(events, 'run-ended').map((event) => event.status),
      ['completed'],
    );
    const seqs = events.map((event) => event.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'seq increases',
    );
    assert.equal(new Set(seqs).size, seqs.length, 'no seq twice');
    assert.ok(leftBehind, 'SIGKILL left the lock of a dead trainer, and the resume broke it');
    assert.equal(existsSync(lockFile), false, 'released when the run completed');
  });

  describe('a lock found in place is judged by its owner', () => {
    let runDir = '';
    let lockFile = '';
    let live: ChildProcess;

    before(async () => {
      const done = runCli(['run', file, '--run-id', 'done', '--quiet']);
      assert.equal(done.status, 0, done.stderr);
      runDir = join(folder, 'runs', 'locked', 'done');
      lockFile = join(runDir, 'trainer.lock');
      live = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
      children.push(live);
      await waitUntil('the live process', () => live.pid !== undefined && processStartTicks(live.pid) !== null);
    });

    function lockOf(owner: Record<string, unknown>): string {
      const text = `${JSON.stringify({
        pid: live.pid,
        startTicks: processStartTicks(live.pid ?? -1),
        host: thisHost(),
        command: 'resume',
        since: new Date().toISOString(),
        ...owner,
      })}\n`;
      writeFileSync(lockFile, text);
      return text;
    }

    /** Resume of the completed run: past the lock it says so at once, without training. */
    function resume() {
      return runCli(['resume', runDir, '--quiet']);
    }

    function assertBroken(result: ReturnType<typeof resume>): void {
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /the run already completed: nothing to resume/, 'past the lock');
      assert.equal(existsSync(lockFile), false, 'the broken lock is gone, and the new one released');
    }

    function assertKept(result: ReturnType<typeof resume>, text: string, message: RegExp): void {
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /already completed/, 'refused at the lock');
      assert.equal(readFileSync(lockFile, 'utf8'), text, 'the lock is left as it was');
    }

    it('a live owner keeps it', () => {
      const text = lockOf({});
      assertKept(
        resume(),
        text,
        new RegExp(`another trainer is running it: pid ${live.pid} \\(\`medtransfer resume\``),
      );
    });

    it('a dead owner loses it', () => {
      // Above the largest pid Linux hands out (pid_max is at most 2^22).
      lockOf({ pid: 2 ** 22 + 11 });
      assertBroken(resume());
    });

    it('a live process that got the owner’s pid later (another start) does not keep it', { skip: !linux }, () => {
      lockOf({ startTicks: (processStartTicks(live.pid ?? -1) ?? 0) - 100 });
      assertBroken(resume());
    });

    it('a lock from another machine or container is never broken here, and the message says what to delete', () => {
      const other = lockOf({ pid: 2 ** 22 + 13, host: { ...thisHost(), name: 'gpu-node-7' } });
      assertKept(
        resume(),
        other,
        new RegExp(
          'it is locked by a trainer on host gpu-node-7 \\(pid \\d+, `medtransfer resume`, since .*\\), ' +
            `which this machine cannot check; if no trainer runs it there any more, delete ${lockFile}`,
        ),
      );
      const container = lockOf({ pid: 2 ** 22 + 13, host: { ...thisHost(), pidNamespace: 'pid:[1]' } });
      assertKept(resume(), container, /another container: pid namespace pid:\[1\]\)/);
    });

    it('this machine before its last boot: every process of it is gone', { skip: !linux }, () => {
      lockOf({ host: { ...thisHost(), bootId: 'an-earlier-boot' }, since: '2001-01-01T00:00:00.000Z' });
      assertBroken(resume());
    });

    it('a file that is no lock is kept, and named', () => {
      writeFileSync(lockFile, 'not json\n');
      assertKept(
        resume(),
        'not json\n',
        /its lock file .*trainer\.lock is not one this version of MedTransfer can read/,
      );
    });
  });

  it('is released however the trainer ends: failed, stopped, hung up, quit by a second interrupt', async () => {
    const failing = writeExperiment(
      folder,
      'failing',
      tinyExperiment({
        name: 'failing',
        target: { dataset: { type: 'folder', path: join(folder, 'no-such-folder') } },
      }),
    );
    const failed = runCli(['run', failing, '--run-id', 'failed', '--quiet']);
    assert.equal(failed.status, 3, failed.stderr);
    assert.ok(existsSync(join(folder, 'runs', 'failing', 'failed', 'events.jsonl')));
    assert.equal(existsSync(join(folder, 'runs', 'failing', 'failed', 'trainer.lock')), false, 'failed');

    const runDir = await killedRun('signals');
    const lockFile = join(runDir, 'trainer.lock');
    const stopped = await forkCliAndSignal(['resume', runDir, '--quiet'], firstBatchAfterResume(), 'SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(existsSync(lockFile), false, 'stopped (SIGTERM)');
    const hungUp = await forkCliAndSignal(['resume', runDir, '--quiet'], firstBatchAfterResume(), 'SIGHUP');
    assert.equal(hungUp.signal, 'SIGHUP', 'it still ends by the signal');
    assert.equal(existsSync(lockFile), false, 'SIGHUP');
    // A stop, then Ctrl-C: the second interrupt quits at once (process.exit). Two SIGINTs sent
    // together would arrive as one.
    const quit = await forkCliAndSignal(['resume', runDir, '--quiet'], firstBatchAfterResume(), ['SIGTERM', 'SIGINT']);
    assert.equal(quit.code, 130, quit.stderr);
    assert.equal(existsSync(lockFile), false, 'quit by a second interrupt');
  });
});
