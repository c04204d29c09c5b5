// The trainer outlives the process that forked it (the extension host during a window reload):
// its IPC channel and stdout/stderr pipes break, and it still finishes the run on disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventsOf, readEvents, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { isAlive, waitUntil } from '../../../support/polling';
import { cliPath } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const EXPERIMENT = tinyExperiment({
  name: 'orphan',
  seed: 5,
  source: { dataset: synthetic('source', 600), epochs: 2 },
  target: { dataset: synthetic('target', 300), labelsPerClass: 20 },
  fineTune: { headEpochs: 2, epochs: 2 },
});

// The short-lived parent: forks the trainer as the extension host does (pipes and IPC), writes
// its pid, and kills itself with SIGKILL once the first epoch has ended.
const PARENT = `
const { fork } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [cli, file, pidFile] = process.argv.slice(1);
const child = fork(cli, ['run', file, '--run-id', 'orphaned'], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
writeFileSync(pidFile, String(child.pid));
child.stdout.on('data', () => {});
child.stderr.on('data', () => {});
child.on('message', (message) => {
  if (message && message.type === 'epoch-ended') process.kill(process.pid, 'SIGKILL');
});
`;

describe('a trainer whose parent dies', () => {
  it('keeps training after its parent is killed (IPC and pipes broken) and completes the run on disk', async () => {
    const folder = temporaryFolder('orphan');
    const file = writeExperiment(folder, 'orphan', EXPERIMENT);
    const pidFile = join(folder, 'trainer.pid');
    const parent = spawn(process.execPath, ['-e', PARENT, cliPath, file, pidFile], { stdio: 'ignore' });
    const parentExit = await new Promise<NodeJS.Signals | null>((resolve) =>
      parent.once('exit', (_code, signal) => resolve(signal)),
    );
    assert.equal(parentExit, 'SIGKILL', 'the parent died');
    const trainerPid = Number(readFileSync(pidFile, 'utf8'));
    const runDir = join(folder, 'runs', 'orphan', 'orphaned');
    try {
      await waitUntil('the orphaned trainer to finish', () => !isAlive(trainerPid), {
        timeoutMs: 180_000,
        intervalMs: 200,
      });
      const events = readEvents(runDir);
      const ended = eventsOf(events, 'run-ended');
      assert.equal(ended.length, 1);
      assert.equal(ended[0]?.status, 'completed', ended[0]?.error ?? '');
      assert.ok(
        eventsOf(events, 'epoch-ended').length >= 8,
        'every epoch of the run, most of them after the parent died',
      );
      assert.equal(eventsOf(events, 'evaluation').length, 2);
      assert.ok(existsSync(join(runDir, 'model', 'model.json')));
      assert.ok(existsSync(join(runDir, 'metrics.json')));
      assert.match(readFileSync(join(runDir, 'log.txt'), 'utf8'), /run completed/);
    } finally {
      if (isAlive(trainerPid)) process.kill(trainerPid, 'SIGKILL');
    }
  });
});
