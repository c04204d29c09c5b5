// Training that cannot go on: a diverging or non-finite loss and running out of memory end the
// run as failed with a message that says why and what to change, and leave a readable run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ErrorKind } from '../../../../src/shared/run/errorKind';
import { nonFiniteLossError } from '../../../../src/trainer/training/trainPhase';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';
import { errorKindAdvice } from '../../../../src/shared/run/errorKind';

function assertFailedRun(runDir: string, message: RegExp, errorKind: ErrorKind): void {
  const events = readEvents(runDir);
  const [ended] = eventsOf(events, 'run-ended');
  assert.equal(ended?.status, 'failed');
  assert.equal(ended?.errorKind, errorKind);
  assert.match(ended?.error ?? '', message);
  assert.match(readFileSync(join(runDir, 'log.txt'), 'utf8'), message);
  assert.ok(existsSync(join(runDir, 'metrics.json')), 'metrics.json is written for a failed run too');
}

describe('training failures', () => {
  it('stops a run whose learning rate is absurd, naming the learning rate and the input range', () => {
    const folder = temporaryFolder('diverge');
    const file = writeExperiment(
      folder,
      'absurd',
      tinyExperiment({
        name: 'absurd',
        seed: 2,
        source: { epochs: 2 },
        target: { dataset: synthetic('target', 200), labelsPerClass: undefined },
        training: { optimizer: 'sgd', learningRate: 10 },
        evaluation: undefined,
      }),
    );
    const result = runCli(['run', file, '--run-id', 'r', '--quiet']);
    assert.equal(result.status, 3, result.stderr);
    const message =
      /the loss diverged at epoch 1 of source \(mean \d+\.\d\d per image.*\): lower the learning rate \(now 10\) or check the input range \(images 0\.\d+\.\.0\.\d+\)/;
    assert.match(result.stderr, message);
    assert.match(result.stderr, /medtransfer: run failed \(training diverged\): the loss diverged/);
    const runDir = join(folder, 'runs', 'absurd', 'r');
    assertFailedRun(runDir, message, 'diverged');
    // The report of the failed run says so, and what to do.
    const report = runCli(['report', runDir]);
    assert.equal(report.status, 0, report.stderr);
    const markdown = readFileSync(join(runDir, 'report.md'), 'utf8');
    assert.ok(markdown.includes('**The run failed (training diverged):** the loss diverged at epoch 1'), markdown);
    assert.ok(markdown.includes(errorKindAdvice('diverged')));
    assert.equal(eventsOf(readEvents(runDir), 'epoch-ended').length, 0, 'no diverged epoch is recorded as a result');
  });

  it('names NaN, where it happened, the learning rate and out-of-range inputs', () => {
    const error = nonFiniteLossError({
      phase: 'finetune',
      epoch: 3,
      batch: 7,
      loss: Number.NaN,
      learningRate: 0.1,
      range: [0, 255],
    });
    assert.equal(
      error.message,
      "the loss became NaN at epoch 3 batch 7 of finetune: lower the learning rate (now 0.1) or check the input range: the training images range 0..255, not 0..1 (the dataset's scaling or `window`); the phase stopped before the update; nothing of this epoch was kept (no checkpoint, no saved model)",
    );
    assert.match(
      nonFiniteLossError({
        phase: 'head',
        epoch: 1,
        batch: 1,
        loss: Number.POSITIVE_INFINITY,
        learningRate: 0.001,
        range: [0, 1],
      }).message,
      /became Infinity .* check the input range \(images 0\.\.1\)/,
    );
  });

  it(
    'reports running out of memory with the batch size and image size and what to change',
    { skip: process.platform !== 'linux' && 'needs ulimit' },
    () => {
      const folder = temporaryFolder('oom');
      const file = writeExperiment(
        folder,
        'huge',
        tinyExperiment({
          name: 'huge',
          seed: 1,
          backend: 'cpu',
          model: { inputShape: [128, 128, 1] },
          source: { dataset: synthetic('source', 1500) },
          target: { dataset: synthetic('target', 40), labelsPerClass: undefined },
          training: { batchSize: 1024 },
          evaluation: undefined,
        }),
      );
      // The first convolution of a 1024-image batch needs 2 GB; the address space is capped at
      // 2 GB so the allocation fails at once and the machine stays safe.
      const result = spawnSync(
        'bash',
        ['-c', 'ulimit -v 2000000; exec "$0" "$@"', process.execPath, cliPath, 'run', file, '--run-id', 'r', '--quiet'],
        { encoding: 'utf8', timeout: 120_000 },
      );
      assert.equal(result.status, 3, result.stderr);
      const message =
        /out of memory in the source phase with batchSize 1024 and images of 128×128×1 \(64 MB of input a batch, many times that in activations\): lower `training\.batchSize` \(try 256\) or `model\.inputShape`, or keep the batch and compute it in parts \(`training\.microBatchSize: 256`\).*\(RangeError: Array buffer allocation failed\)/;
      assert.match(result.stderr, message);
      assert.match(result.stderr, /medtransfer: run failed \(out of memory\): out of memory in the source phase/);
      assertFailedRun(join(folder, 'runs', 'huge', 'r'), message, 'out-of-memory');
    },
  );
});
