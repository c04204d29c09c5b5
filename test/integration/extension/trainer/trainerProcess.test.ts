// The trainer process wrapper against a real child (test/fixtures/processes/fakeTrainer.mjs):
// typed IPC both ways, invalid messages dropped, stop escalation (stop → SIGTERM → SIGKILL), tree kill, exits.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { outcomeOfExit } from '../../../../src/extension/trainer/runOutcome';
import { TrainerProcess } from '../../../../src/extension/trainer/trainerProcess';
import type {
  DroppedMessage,
  TrainerOutputLine,
  TrainerProcessOptions,
} from '../../../../src/extension/trainer/trainerProcess';
import { isAlive, waitUntil } from '../../../support/polling';
import { fixturesDir } from '../../../support/paths';

const fixture = join(fixturesDir, 'processes', 'fakeTrainer.mjs');

function start(mode: string, options: Partial<TrainerProcessOptions> = {}) {
  const trainer = new TrainerProcess({ modulePath: fixture, args: [mode], execPath: process.execPath, ...options });
  const events: TrainerEvent[] = [];
  const dropped: DroppedMessage[] = [];
  const output: TrainerOutputLine[] = [];
  const starts: number[] = [];
  trainer.onDidStart(({ pid }) => starts.push(pid));
  trainer.onDidEvent((event) => events.push(event));
  trainer.onDidDropMessage((message) => dropped.push(message));
  trainer.onDidOutput((line) => output.push(line));
  trainer.start();
  return { trainer, events, dropped, output, starts };
}

describe('TrainerProcess', () => {
  it('forwards valid events, reports its pid and a clean exit', async () => {
    const { trainer, events, starts, output, dropped } = start('complete');
    const exit = await trainer.exited;
    assert.equal(starts.length, 1);
    assert.equal(typeof starts[0], 'number');
    assert.deepEqual(
      events.map((event) => event.type),
      ['run-started', 'batch-ended', 'run-ended'],
    );
    assert.equal(dropped.length, 0);
    assert.equal(exit.code, 0);
    assert.equal(exit.runEnded?.status, 'completed');
    assert.equal(exit.escalation, null);
    assert.ok(output.some((line) => line.stream === 'stdout' && line.line === 'done'));
    // The fake sends run-ended as trainers did before errorKind: it reads as no kind.
    assert.deepEqual(outcomeOfExit(exit), {
      status: 'completed',
      error: null,
      errorKind: null,
      reportedByTrainer: true,
    });
    trainer.dispose();
  });

  it('drops messages that are not valid events, and keeps the valid ones', async () => {
    const { trainer, events, dropped } = start('invalid-messages');
    await trainer.exited;
    assert.deepEqual(
      events.map((event) => event.type),
      ['run-started', 'batch-ended', 'run-ended'],
    );
    assert.equal(dropped.length, 4);
    assert.deepEqual(dropped[1]?.message, 'just a string');
    trainer.dispose();
  });

  it('drops hostile messages (huge, polluting, deep, unknown, wrong types) with a reason, and trusts none', async () => {
    const { trainer, events, dropped } = start('hostile-messages');
    const exit = await trainer.exited;
    assert.deepEqual(
      events.map((event) => event.type),
      ['run-started', 'batch-ended', 'run-ended'],
    );
    assert.deepEqual(
      dropped.map((message) => message.reason.replace(/ \(.*\)$/, '')),
      [
        'the message is larger than 1048576 bytes',
        'the message has the forbidden key "__proto__"',
        'the message has the forbidden key "constructor"',
        'the message nests deeper than 16 levels',
        'not a valid trainer event',
        'not a valid trainer event',
        'not a valid trainer event',
      ],
    );
    assert.match(dropped[6]?.reason ?? '', /epoch/);
    // The polluting run-ended was not taken as the trainer's end: only the valid one, after the batch.
    assert.equal(exit.runEnded?.seq, events.at(-1)?.seq);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    trainer.dispose();
  });

  it('stops with the stop message when the trainer obeys it', async () => {
    const { trainer, events } = start('obey-stop', { stopGraceMs: 5000 });
    await waitUntil('a batch-ended event', () => events.some((event) => event.type === 'batch-ended'));
    const exit = await trainer.stop();
    assert.equal(exit.stopRequested, true);
    assert.equal(exit.escalation, null, 'no signal was needed');
    assert.equal(exit.code, 0);
    assert.equal(exit.runEnded?.status, 'stopped');
    assert.deepEqual(outcomeOfExit(exit), { status: 'stopped', error: null, errorKind: null, reportedByTrainer: true });
    trainer.dispose();
  });

  it('sends SIGTERM after the grace period when the stop message is ignored', async () => {
    const { trainer, events } = start('sigterm-only', { stopGraceMs: 100, terminateGraceMs: 5000 });
    await waitUntil('an event', () => events.length > 0);
    const exit = await trainer.stop();
    assert.equal(exit.escalation, 'SIGTERM');
    assert.equal(exit.runEnded?.status, 'stopped', 'the trainer handled SIGTERM as a stop');
    assert.equal(outcomeOfExit(exit).status, 'stopped');
    trainer.dispose();
  });

  it('kills with SIGKILL when the trainer ignores both; the run counts as stopped', async () => {
    const { trainer, events } = start('ignore-stop', { stopGraceMs: 50, terminateGraceMs: 150 });
    await waitUntil('an event', () => events.length > 0);
    const pid = trainer.pid;
    const exit = await trainer.stop();
    assert.equal(exit.escalation, 'SIGKILL');
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(pid !== undefined && !isAlive(pid));
    const outcome = outcomeOfExit(exit);
    assert.equal(outcome.status, 'stopped');
    assert.match(outcome.error ?? '', /killed/);
    assert.equal(outcome.reportedByTrainer, false);
    trainer.dispose();
  });

  it('reports a crash with its most telling stderr line', async () => {
    const { trainer } = start('crash');
    const exit = await trainer.exited;
    assert.equal(exit.code, 3);
    assert.equal(exit.runEnded, null);
    assert.deepEqual(outcomeOfExit(exit), {
      status: 'failed',
      error: 'Error: out of memory while allocating a tensor of shape [64,28,28,32]',
      // Exit 3 without run-ended: the trainer died outside its run's error handling.
      errorKind: 'internal',
      reportedByTrainer: false,
    });
    trainer.dispose();
  });

  it('reports an uncaught exception as a failure', async () => {
    const { trainer } = start('throw');
    const exit = await trainer.exited;
    assert.equal(exit.code, 1);
    const outcome = outcomeOfExit(exit);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /TypeError: cannot read properties of undefined/);
    assert.equal(
      outcome.errorKind,
      'internal',
      "Node's exit code 1 for an uncaught exception is no invalid experiment",
    );
  });

  it('counts a clean exit without run-ended as a failure', async () => {
    const { trainer } = start('exit-zero-silently');
    const outcome = outcomeOfExit(await trainer.exited);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /without ending the run/);
  });

  it('reports a runtime that cannot start', async () => {
    const { trainer } = start('complete', { execPath: '/nonexistent/node' });
    const exit = await trainer.exited;
    assert.notEqual(exit.spawnError, null);
    assert.equal(outcomeOfExit(exit).status, 'failed');
    assert.match(outcomeOfExit(exit).error ?? '', /could not start the trainer/);
  });

  it('splits output into whole lines, across chunks and multi-byte characters', async () => {
    const { trainer, output } = start('output');
    await trainer.exited;
    assert.deepEqual(
      output.filter((line) => line.stream === 'stdout').map((line) => line.line),
      ['first line', 'µ-line', 'no newline at the end'],
    );
  });

  it(
    "detaches: the trainer outlives the host's hold on it, and dispose no longer kills it",
    { skip: process.platform === 'win32' },
    async () => {
      const heartbeat = join(mkdtempSync(join(tmpdir(), 'medtransfer-detach-')), 'beat');
      const { trainer, events } = start('outlive-host', { args: ['outlive-host', heartbeat] });
      const exits: unknown[] = [];
      trainer.onDidExit((exit) => exits.push(exit));
      await waitUntil('a batch-ended event', () => events.some((event) => event.type === 'batch-ended'));
      const pid = trainer.detach();
      assert.equal(pid, trainer.pid);
      assert.ok(pid !== null);
      const eventsAtDetach = events.length;
      trainer.dispose();
      const beatsAfterDetach = Number(readFileSync(heartbeat, 'utf8'));
      await waitUntil(
        'heartbeats after the detach',
        () => Number(readFileSync(heartbeat, 'utf8')) > beatsAfterDetach + 5,
      );
      assert.ok(isAlive(pid), 'the trainer still runs');
      assert.equal(events.length, eventsAtDetach, 'no events after detaching');
      assert.equal(trainer.detach(), null, 'detaching twice does nothing');
      // What Stop does for a reattached run: SIGTERM to the pid; the trainer ends by itself.
      process.kill(pid, 'SIGTERM');
      await waitUntil(
        'the detached trainer to stop',
        () => readFileSync(heartbeat, 'utf8') === 'stopped' && !isAlive(pid),
      );
      assert.deepEqual(exits, []);
    },
  );

  it('kills the whole process tree on dispose', { skip: process.platform === 'win32' }, async () => {
    const { trainer, output } = start('grandchild');
    await waitUntil("the grandchild's pid", () => output.some((line) => line.line.startsWith('grandchild ')));
    const grandchild = Number(output.find((line) => line.line.startsWith('grandchild '))?.line.split(' ')[1]);
    const pid = trainer.pid;
    assert.ok(pid !== undefined && isAlive(pid) && isAlive(grandchild));
    const exited = trainer.exited;
    trainer.dispose();
    await exited;
    await waitUntil('the grandchild to die', () => !isAlive(grandchild), { timeoutMs: 3000 });
    assert.equal(isAlive(pid), false);
  });

  it("does not pass on this process's Node flags (an inspector port, loaders), and runs Electron as Node", async () => {
    // This test process itself runs with `--import tsx`.
    assert.ok(process.execArgv.length > 0);
    const { trainer, output } = start('exec-argv');
    await trainer.exited;
    const line = output.find((entry) => entry.stream === 'stdout')?.line ?? '';
    assert.deepEqual(JSON.parse(line), { execArgv: [], electronAsNode: '1' });
  });

  it('stop() before start() or after exit settles at once', async () => {
    const idle = new TrainerProcess({ modulePath: fixture, args: ['complete'] });
    const exit = await idle.stop();
    assert.equal(exit.stopRequested, true);
    assert.equal(outcomeOfExit(exit).status, 'stopped');
    const { trainer } = start('complete');
    const first = await trainer.exited;
    assert.equal(await trainer.stop(), first);
    assert.throws(() => trainer.start(), /only once/);
  });
});
