// Stopping a run: the `stop` IPC message when forked (as the extension does) and SIGTERM.
import assert from 'node:assert/strict';
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { eventsOf, readEvents, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

/** Long enough to be stopped mid-run: 50 source epochs of 3,000 images. */
function longExperiment(sourceEpochs = 50): string {
  return tinyExperiment({
    name: 'long',
    seed: undefined,
    model: { inputShape: [28, 28, 1] },
    source: { dataset: synthetic('source', 3000), epochs: sourceEpochs },
    target: { dataset: synthetic('target', 2000), classes: undefined, labelsPerClass: undefined },
    fineTune: { strategy: undefined, headEpochs: 50, epochs: undefined },
    training: undefined,
    evaluation: undefined,
  });
}

function exitOf(child: {
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('stopping a run', () => {
  it('obeys the stop message: ends the run as stopped, saves the model, sends the same events as events.jsonl', async () => {
    const folder = temporaryFolder('stop-ipc');
    const experiment = longExperiment(1);
    const child = fork(cliPath, ['run', writeExperiment(folder, 'long', experiment), '--run-id', 'stopped-run'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const received: TrainerEvent[] = [];
    child.on('message', (message: unknown) => {
      assert.ok(isTrainerEvent(message), `not a trainer event: ${JSON.stringify(message)}`);
      received.push(message);
      if (message.type === 'epoch-ended' && message.phase === 'head') child.send({ type: 'stop' });
    });
    const code = await exitOf(child);
    assert.equal(code, 0);
    const runDir = join(folder, 'runs', 'long', 'stopped-run');
    const events = readEvents(runDir);
    assert.deepEqual(received, events);
    const ended = eventsOf(events, 'run-ended')[0];
    assert.equal(ended?.status, 'stopped');
    assert.equal(ended?.errorKind, null, 'a stop is no error');
    assert.deepEqual(
      eventsOf(events, 'epoch-ended').map((event) => `${event.phase}${event.epoch}`),
      ['source1', 'head1'],
      'stopped in the epoch after the request',
    );
    const metadata = JSON.parse(readFileSync(join(runDir, 'model', 'metadata.json'), 'utf8')) as {
      weightsSource: string;
    };
    assert.match(metadata.weightsSource, /stopped before it finished/);
    const sourceMetadata = JSON.parse(readFileSync(join(runDir, 'source-model', 'metadata.json'), 'utf8')) as {
      classes: string[];
    };
    assert.deepEqual(sourceMetadata.classes, ['normal', 'round', 'elongated', 'ring']);
    assert.ok(existsSync(join(runDir, 'metrics.json')));
  });

  it('treats SIGTERM as a stop request', async () => {
    const folder = temporaryFolder('stop-term');
    const child = spawn(
      process.execPath,
      [cliPath, 'run', writeExperiment(folder, 'long', longExperiment()), '--run-id', 'terminated', '--no-progress'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/source epoch 1\//.test(stderr) && !child.killed) child.kill('SIGTERM');
    });
    const code = await exitOf(child);
    assert.equal(code, 0, stderr);
    const events = readEvents(join(folder, 'runs', 'long', 'terminated'));
    const ended = eventsOf(events, 'run-ended')[0];
    assert.equal(ended?.status, 'stopped');
    assert.equal(ended?.errorKind, null, 'SIGTERM is a stop, no error');
    assert.ok(
      existsSync(join(folder, 'runs', 'long', 'terminated', 'source-model', 'model.json')),
      'stopped in the source phase: the source model is saved',
    );
    assert.match(
      eventsOf(events, 'log')
        .map((event) => event.message)
        .join('\n'),
      /SIGTERM/,
    );
  });
});
