// `medtransfer resume` of a run whose checkpoints were deleted, through the real CLI: it says the
// checkpoints are missing (which folders, how many epochs had finished), never "no epoch
// finished", and what can still be done with what the run saved.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import {
  eventsOf,
  forkCliAndSignal,
  readEvents,
  runCli,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const EXPERIMENT = tinyExperiment({
  name: 'lost',
  seed: 6,
  source: { dataset: synthetic('source', 320), epochs: 3 },
  evaluation: { bootstrap: { resamples: 0 } },
});

function deleteCheckpoints(runDir: string): void {
  for (const folder of ['checkpoint', 'checkpoint.previous'])
    rmSync(join(runDir, folder), { recursive: true, force: true });
}

/** What `resume` said, the run folder, and the lines a user reads. */
function resumeRefusal(runDir: string): string {
  const resumed = runCli(['resume', runDir, '--quiet']);
  assert.equal(resumed.status, 2, resumed.stderr);
  assert.doesNotMatch(resumed.stderr, /no epoch finished/);
  return resumed.stderr;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('medtransfer resume without checkpoints', () => {
  it('a stopped run: names the missing folders, the epochs done, and offers its saved models', async () => {
    const folder = temporaryFolder('lost-checkpoints');
    const file = writeExperiment(folder, 'lost', EXPERIMENT);
    const runDir = join(folder, 'runs', 'lost', 'stopped');
    const inHead = (event: TrainerEvent) => event.type === 'batch-ended' && event.phase === 'head';
    const stopped = await forkCliAndSignal(['run', file, '--run-id', 'stopped', '--quiet'], inHead, 'SIGTERM');
    assert.equal(stopped.code, 0, stopped.stderr);
    const epochs = eventsOf(readEvents(runDir), 'epoch-ended');
    const last = epochs.at(-1);
    assert.ok(epochs.length > 1 && last);
    deleteCheckpoints(runDir);
    const said = resumeRefusal(runDir);
    assert.match(
      said,
      new RegExp(
        `^medtransfer: cannot resume ${escape(runDir)}: its checkpoints are missing: ` +
          `neither ${escape(join(runDir, 'checkpoint'))} nor ${escape(join(runDir, 'checkpoint.previous'))} exists, ` +
          `although ${epochs.length} epochs finished \\(the last: ${last.phase} epoch ${last.epoch}\\)\\. ` +
          'A run keeps its last two checkpoints until it completes: they were deleted\\.',
        'm',
      ),
    );
    assert.match(said, new RegExp(`What can still be done: start a new run \\(medtransfer run ${escape(file)}\\)`));
    assert.match(said, new RegExp(`\`pretrained: ${escape(join(runDir, 'source-model'))}\` in place of \`source\``));
    assert.match(
      said,
      new RegExp(`use what the run saved when it last ended: .*${escape(join(runDir, 'metrics.json'))}`),
    );
  });

  it('a killed run: says that nothing was saved', async () => {
    const folder = temporaryFolder('lost-killed');
    const file = writeExperiment(folder, 'lost', EXPERIMENT);
    const runDir = join(folder, 'runs', 'lost', 'killed');
    const inEpoch2 = (event: TrainerEvent) =>
      event.type === 'batch-ended' && event.phase === 'source' && event.epoch === 2;
    const killed = await forkCliAndSignal(['run', file, '--run-id', 'killed', '--quiet'], inEpoch2, 'SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    deleteCheckpoints(runDir);
    const said = resumeRefusal(runDir);
    assert.match(said, /its checkpoints are missing: .* although 1 epoch finished \(the last: source epoch 1\)\./);
    assert.match(said, /the trainer died before writing the first, or they were deleted/);
    assert.match(
      said,
      /start a new run .* \(no model of this run was saved: a run saves its models when it ends\)\.$/m,
    );
  });
});
