// Killing the trainer (SIGKILL in the middle of an epoch) and `medtransfer resume`, end to end
// through the real CLI: the run directory stays readable, readers see the run as interrupted,
// and the resumed run ends exactly where an uninterrupted run with the same seed ends.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseEventLines } from '../../../../src/shared/run/eventLines';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { runOnHost } from '../../../../src/shared/host/runOnHost';
import { checkTrainerOfRun, expectedTrainerOf } from '../../../../src/shared/host/trainerOfRun';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { runAndKill } from '../../../support/killedRun';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

// Every piece of state a checkpoint must carry is in play: Adam, batch shuffles, augmentation,
// dropout, early stopping with best weights, a source model shared with the fine-tuned one.
const EXPERIMENT = tinyExperiment({
  name: 'resumable',
  seed: 11,
  source: { dataset: synthetic('source', 400), epochs: 2 },
  target: { dataset: synthetic('target', 700), labelsPerClass: undefined },
  fineTune: { headEpochs: 1, epochs: 3 },
  baseline: { epochs: 1 },
  training: {
    earlyStopping: { monitor: 'val_loss', patience: 2 },
    augmentation: { flip: 'horizontal', rotate: 10, brightness: 0.1 },
  },
  evaluation: { bootstrap: { resamples: 0 } },
});

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

interface MetricsJson {
  status: string;
  models: Record<string, unknown>;
}

describe('medtransfer resume', () => {
  let folder = '';
  let file = '';
  let uninterrupted = '';

  before(() => {
    folder = temporaryFolder('resume');
    file = writeExperiment(folder, 'resumable', EXPERIMENT);
    const result = runCli(['run', file, '--run-id', 'uninterrupted', '--quiet']);
    assert.equal(result.status, 0, result.stderr);
    uninterrupted = join(folder, 'runs', 'resumable', 'uninterrupted');
  });

  it('continues a run SIGKILLed mid-epoch to exactly the result of an uninterrupted run', async () => {
    const killed = await runAndKill(
      file,
      'killed',
      (event) => event.type === 'batch-ended' && event.phase === 'finetune' && event.epoch === 2 && event.batch === 1,
    );
    assert.equal(killed.signal, 'SIGKILL');
    const runDir = join(folder, 'runs', 'resumable', 'killed');
    const eventsFile = join(runDir, 'events.jsonl');
    // What a kill during a write leaves: half a line. (A kill between two writes leaves whole lines.)
    appendFileSync(eventsFile, '{"type":"batch-ended","phase":"finet');

    const before = parseEventLines(readFileSync(eventsFile, 'utf8'));
    assert.deepEqual(before.invalidLines, [], 'every whole line is an event');
    assert.equal(before.remainder, '{"type":"batch-ended","phase":"finet');
    assert.equal(eventsOf(before.events, 'run-ended').length, 0);
    assert.ok(
      !before.events.some((event) => event.type === 'epoch-ended' && event.phase === 'finetune' && event.epoch === 2),
      'killed in the middle of finetune epoch 2',
    );
    const state = replayRunEvents(before.events);
    assert.equal(state.pid, killed.pid);
    const trainer = expectedTrainerOf(state, runDir);
    assert.ok(trainer);
    assert.equal(checkTrainerOfRun(trainer.pid, trainer.expected), 'dead');
    assert.equal(runOnHost(before.events, runDir).state.status, 'interrupted');
    assert.ok(existsSync(join(runDir, 'checkpoint', 'state.json')));
    assert.equal(existsSync(join(runDir, 'metrics.json')), false);

    const resumed = runCli(['resume', runDir, '--no-progress']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /dropped a torn last line in events\.jsonl/);
    const events = readEvents(runDir);
    const [resumedEvent] = eventsOf(events, 'run-resumed');
    assert.ok(resumedEvent);
    assert.equal(resumedEvent.fromPhase, 'finetune');
    assert.equal(resumedEvent.fromEpoch, 1);
    assert.equal(resumedEvent.tornLineDropped, true);
    assert.equal(
      resumedEvent.seq,
      Math.max(...before.events.map((event) => event.seq)) + 1,
      'seq continues after the last good event',
    );
    assert.deepEqual(
      events.map((event) => event.seq),
      events.map((_, index) => index),
      'seq has no gap and no repeat',
    );
    assert.match(
      readFileSync(join(runDir, 'log.txt'), 'utf8'),
      /resumed on backend .* from finetune epoch 1; dropped a torn last line in events\.jsonl/,
    );
    assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');

    const curve = (runDir: string) =>
      replayRunEvents(readEvents(runDir)).epochs.map((record) => ({
        phase: record.phase,
        epoch: record.epoch,
        metrics: record.metrics,
      }));
    assert.deepEqual(curve(runDir), curve(uninterrupted), 'the same epochs, each once, with the same losses');
    const metrics = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as MetricsJson;
    assert.equal(metrics(runDir).status, 'completed');
    assert.deepEqual(metrics(runDir).models, metrics(uninterrupted).models, 'bit-identical evaluation');
    for (const folderName of ['model', 'scratch-model', 'source-model']) {
      assert.deepEqual(
        readFileSync(join(runDir, folderName, 'weights.bin')),
        readFileSync(join(uninterrupted, folderName, 'weights.bin')),
        `${folderName} has the same weights`,
      );
    }
    assert.equal(existsSync(join(runDir, 'checkpoint')), false, 'a completed run drops its checkpoint');
  });

  it('falls back to the previous checkpoint when the newest does not load, and still ends as the uninterrupted run', async () => {
    const killed = await runAndKill(
      file,
      'fallback',
      (event) => event.type === 'batch-ended' && event.phase === 'finetune' && event.epoch === 3 && event.batch === 1,
    );
    assert.equal(killed.signal, 'SIGKILL');
    const runDir = join(folder, 'runs', 'resumable', 'fallback');
    // A disk that lost the end of the newest checkpoint's weights.
    truncateSync(join(runDir, 'checkpoint', 'weights.bin'), 100);
    const resumed = runCli(['resume', runDir, '--no-progress']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      /the newest checkpoint did not load \(.*checkpoint: weights\.bin has 100 bytes.*\): resuming from the one before it/,
    );
    const [resumedEvent] = eventsOf(readEvents(runDir), 'run-resumed');
    assert.equal(resumedEvent?.fromPhase, 'finetune');
    assert.equal(resumedEvent?.fromEpoch, 1, 'checkpoint.previous is the end of finetune epoch 1');
    const metrics = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as MetricsJson;
    assert.deepEqual(metrics(runDir).models, metrics(uninterrupted).models);
  });

  it('continues a run the user stopped (the stop message) to the same result', async () => {
    const child = fork(cliPath, ['run', file, '--run-id', 'stopped'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('message', (message: unknown) => {
      if (isTrainerEvent(message) && message.type === 'batch-ended' && message.phase === 'head' && message.epoch === 1)
        child.send({ type: 'stop' });
    });
    assert.equal(await exitOf(child), 0);
    const runDir = join(folder, 'runs', 'resumable', 'stopped');
    assert.equal(eventsOf(readEvents(runDir), 'run-ended')[0]?.status, 'stopped');
    const resumed = runCli(['resume', runDir, '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    const events = readEvents(runDir);
    assert.deepEqual(
      eventsOf(events, 'run-ended').map((event) => event.status),
      ['stopped', 'completed'],
    );
    assert.equal(replayRunEvents(events).status, 'completed');
    assert.equal(
      eventsOf(events, 'run-resumed')[0]?.fromPhase,
      'source',
      'stopped during head epoch 1: the last checkpoint is the end of the source phase',
    );
    const metrics = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as MetricsJson;
    assert.deepEqual(metrics(runDir).models, metrics(uninterrupted).models);
    const metadata = JSON.parse(readFileSync(join(runDir, 'model', 'metadata.json'), 'utf8')) as {
      weightsSource: string;
    };
    assert.doesNotMatch(metadata.weightsSource, /stopped/, 'the completed models replace the stopped ones');
  });

  it('refuses a run that completed, has no finished epoch, or whose own trainer is alive', async () => {
    const completed = runCli(['resume', uninterrupted]);
    assert.equal(completed.status, 2);
    assert.match(completed.stderr, /already completed: nothing to resume/);

    const early = await runAndKill(
      file,
      'early',
      (event) => event.type === 'batch-ended' && event.phase === 'source' && event.epoch === 1,
    );
    assert.equal(early.signal, 'SIGKILL');
    const nothing = runCli(['resume', join(folder, 'runs', 'resumable', 'early')]);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /nothing to resume: no epoch finished; run again/);

    const child = fork(cliPath, ['run', file, '--run-id', 'alive'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    try {
      // Paused at its first epoch's end (a stopped process is alive and holds its lock): on the
      // native kernels the rest of the run ended before `resume` had started.
      await new Promise<void>((resolve) =>
        child.on('message', (message: unknown) => {
          if (!isTrainerEvent(message) || message.type !== 'epoch-ended') return;
          child.kill('SIGSTOP');
          resolve();
        }),
      );
      const alive = runCli(['resume', join(folder, 'runs', 'resumable', 'alive')]);
      assert.equal(alive.status, 2);
      // The run's trainer holds the run folder's lock: resume is refused before it reads the events.
      assert.match(alive.stderr, new RegExp(`another trainer is running it: pid ${child.pid} \\(\`medtransfer run\``));

      // The killed run's events now name the live trainer of run `alive`, at a time just after it
      // started: a trainer's command line, the right start time, but another run's id and folder.
      const earlyEvents = join(folder, 'runs', 'resumable', 'early', 'events.jsonl');
      const lines = readFileSync(earlyEvents, 'utf8').split('\n');
      const started = JSON.parse(lines[0] ?? '') as { type: string; pid: number; time: string };
      assert.equal(started.type, 'run-started');
      lines[0] = JSON.stringify({ ...started, pid: child.pid, time: new Date().toISOString() });
      writeFileSync(earlyEvents, lines.join('\n'));
      const notOurs = runCli(['resume', join(folder, 'runs', 'resumable', 'early')]);
      assert.equal(notOurs.status, 2);
      assert.match(notOurs.stderr, /nothing to resume: no epoch finished/, 'not refused as still running');
    } finally {
      child.kill('SIGKILL');
      await exitOf(child);
    }

    const notARun = runCli(['resume', folder]);
    assert.equal(notARun.status, 2);
    assert.match(notARun.stderr, /not a run folder/);
  });
});
