// A repeated experiment (`seeds: [...]`) runs every seed in the one process started with the first
// seed's run id. Through the real CLI: while a later seed trains, its run folder's trainer is
// recognised as that run's (its run-started names the seed group), so a reader (a reloaded
// window, `medtransfer report`) shows it running, not interrupted.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runOnHost } from '../../../../src/shared/host/runOnHost';
import { checkTrainerOfRun, expectedTrainerOf } from '../../../../src/shared/host/trainerOfRun';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import { readEvents, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { waitUntil } from '../../../support/polling';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

describe(
  'the trainer of a later seed',
  { skip: process.platform !== 'linux' && 'the /proc checks are Linux-only' },
  () => {
    const folder = temporaryFolder('seed-trainers');
    const file = writeExperiment(
      folder,
      'seeded',
      tinyExperiment({
        name: 'seeded',
        seed: undefined,
        seeds: [1, 2],
        source: { dataset: synthetic('source', 480), epochs: 4 },
        evaluation: { bootstrap: { resamples: 0 } },
      }),
    );
    const child = fork(cliPath, ['run', file, '--run-id', 'group', '--quiet'], {
      cwd: folder,
      // Not the test runner's `--require tsx/cjs`, which does not resolve from the temporary folder.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    after(() => child.kill('SIGKILL'));

    it('is recognised while it trains, though its command line names the first seed’s run', async () => {
      const experimentDir = join(folder, 'runs', 'seeded');
      const second = await waitUntil(
        'the second seed training',
        () => {
          const runId = readdirSync(experimentDir).find((name) => name !== 'group' && !name.endsWith('.json'));
          if (runId === undefined) return null;
          const runDir = join(experimentDir, runId);
          if (!existsSync(join(runDir, 'events.jsonl'))) return null;
          const events = readEvents(runDir);
          return events.some((event) => event.type === 'batch-ended') ? { runDir, events } : null;
        },
        { timeoutMs: 180_000, intervalMs: 50 },
      );
      const state = replayRunEvents(second.events);
      assert.deepEqual(state.seedGroup, { group: 'group', seeds: [1, 2], index: 1 });
      assert.equal(state.pid, child.pid);
      const trainer = expectedTrainerOf(state, second.runDir);
      assert.ok(trainer);
      assert.equal(checkTrainerOfRun(trainer.pid, trainer.expected), 'our-trainer');
      const seen = runOnHost(second.events, second.runDir);
      assert.equal(seen.trainer, 'alive');
      assert.equal(seen.state.status, 'running');
    });
  },
);
