// Weights that are NaN before training starts, through the real CLI: a pretrained model saved by a
// run that diverged (older versions saved one and called the run completed), and a checkpoint
// damaged on disk. Both used to train on to a run `completed` with exit 0, AUC 0.500 and NaN
// weights in model/. Now the model is refused and the checkpoint is passed over for the one before.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import { errorKindLabel } from '../../../../src/shared/run/errorKind';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { tinyExperiment } from '../../../support/tinyExperiment';

/** A layers model's weights.bin holds float32 values only (the models the trainer builds). */
function nonFiniteValues(weightsBin: string): number {
  const bytes = readFileSync(weightsBin);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return values.filter((value) => !Number.isFinite(value)).length;
}

/** Writes NaN over the float32 at `offset` of `file`. */
function writeNaN(file: string, offset: number): void {
  const bytes = readFileSync(file);
  bytes.writeFloatLE(Number.NaN, offset);
  writeFileSync(file, bytes);
}

describe('non-finite weights never end a run completed, through the CLI', () => {
  it('refuses a pretrained model whose weights hold NaN, naming the weight', () => {
    const folder = temporaryFolder('nan-pretrained');
    const trained = runCli([
      'run',
      writeExperiment(folder, 'base', tinyExperiment({ name: 'base' })),
      '--run-id',
      'r',
      '--quiet',
    ]);
    assert.equal(trained.status, 0, trained.stderr);
    const model = join(folder, 'nan-model');
    cpSync(join(folder, 'runs', 'base', 'r', 'model'), model, { recursive: true });
    writeNaN(join(model, 'weights.bin'), 0);
    const file = writeExperiment(
      folder,
      'onnan',
      tinyExperiment({ name: 'onnan', source: undefined, pretrained: model }),
    );
    const result = runCli(['run', file, '--run-id', 'r', '--quiet']);
    assert.equal(result.status, 3, result.stderr);
    const message =
      /the pretrained model in .*nan-model is unusable: its weights block1_conv\/kernel hold NaN or infinite values \(saved from a run that diverged, or damaged\): train it again, or choose another model/;
    assert.match(result.stderr, message);
    assert.ok(result.stderr.includes(`medtransfer: run failed (${errorKindLabel('experiment')}): `), result.stderr);
    const [ended] = eventsOf(readEvents(join(folder, 'runs', 'onnan', 'r')), 'run-ended');
    assert.equal(ended?.status, 'failed');
    assert.equal(ended?.errorKind, 'experiment');
    assert.match(ended?.error ?? '', message);
  });

  it('resumes from the previous checkpoint when the newest holds NaN, and saves finite models', async () => {
    const folder = temporaryFolder('nan-checkpoint');
    const file = writeExperiment(
      folder,
      'ck',
      tinyExperiment({ name: 'ck', fineTune: { headEpochs: 1, epochs: 3 }, baseline: { scratch: false } }),
    );
    const child = fork(cliPath, ['run', file, '--run-id', 'r'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('message', (message: unknown) => {
      if (
        isTrainerEvent(message) &&
        message.type === 'batch-ended' &&
        message.phase === 'finetune' &&
        message.epoch === 2
      )
        child.kill('SIGKILL');
    });
    assert.equal(await new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal))), 'SIGKILL');
    const runDir = join(folder, 'runs', 'ck', 'r');
    // The newest checkpoint (end of finetune epoch 1) starts with the source model's first kernel.
    writeNaN(join(runDir, 'checkpoint', 'weights.bin'), 8);
    const resumed = runCli(['resume', runDir, '--no-progress']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(
      resumed.stderr,
      /the newest checkpoint did not load \(.*checkpoint: weights\.bin holds NaN in model:source\/0 \(damaged\)\): resuming from the one before it/,
    );
    const events = readEvents(runDir);
    assert.equal(eventsOf(events, 'run-resumed')[0]?.fromPhase, 'head', 'checkpoint.previous is the end of head');
    assert.deepEqual(
      eventsOf(events, 'run-ended').map((event) => event.status),
      ['completed'],
    );
    for (const saved of ['model', 'source-model'])
      assert.equal(nonFiniteValues(join(runDir, saved, 'weights.bin')), 0, `${saved}/ is finite`);
  });
});
