// Checkpoint files: a round trip keeps every tensor and number, a new checkpoint keeps the one
// before it, and a checkpoint that does not load falls back to the previous one or says why.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { memory, setBackend, square, sum, tensor, train } from '@tensorflow/tfjs-core';
import type { Optimizer, Scalar, Variable } from '@tensorflow/tfjs-core';
import type { Checkpoint } from '../../../../src/trainer/checkpoint/checkpointFormat';
import { disposeCheckpoint } from '../../../../src/trainer/checkpoint/checkpointFormat';
import { readCheckpoint, writeCheckpoint } from '../../../../src/trainer/checkpoint/checkpointFiles';
import { captureOptimizer, restoreOptimizer } from '../../../../src/trainer/checkpoint/optimizerState';

function checkpointAt(epoch: number): Checkpoint {
  return {
    runId: 'run-1',
    experimentName: 'demo',
    phase: 'finetune',
    epoch,
    epochs: 5,
    random: { shuffle: 4_000_000_000 + epoch, augment: null, afterPhase: { source: 7, head: 8 } },
    earlyStopping: { best: 0.25, epochsWithoutImprovement: 1, bestEpoch: epoch - 1 || null },
    batchOrder: [2, 0, 1],
    models: {
      'fine-tuned': [
        tensor([
          [epoch, 2],
          [3, 4],
        ]),
        tensor([0.5, -0.5]),
      ],
      source: [tensor([1, 2, 3])],
    },
    bestWeights: [tensor([9, 9])],
    optimizer: {
      weights: [
        { name: 'iter', tensor: tensor(12, [], 'int32') },
        { name: 'dense/kernel/m', tensor: tensor([0.1, 0.2]) },
      ],
      betaPowers: [0.3, 0.9],
    },
  };
}

describe('checkpoint files', () => {
  before(async () => {
    await setBackend('cpu');
  });

  it('round-trips every tensor and number, and keeps the previous checkpoint', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'medtransfer-checkpoint-'));
    assert.equal(readCheckpoint(runDir).kind, 'none');
    for (const epoch of [1, 2]) {
      const written = checkpointAt(epoch);
      await writeCheckpoint(runDir, written);
      disposeCheckpoint(written);
    }
    assert.deepEqual(readdirSync(runDir).sort(), ['checkpoint', 'checkpoint.previous'], 'no temporary folder is left');
    const loaded = readCheckpoint(runDir);
    assert.equal(loaded.kind, 'loaded');
    if (loaded.kind !== 'loaded') return;
    const { checkpoint } = loaded;
    assert.equal(checkpoint.epoch, 2);
    assert.deepEqual(checkpoint.random, { shuffle: 4_000_000_002, augment: null, afterPhase: { source: 7, head: 8 } });
    assert.deepEqual(checkpoint.earlyStopping, { best: 0.25, epochsWithoutImprovement: 1, bestEpoch: 1 });
    assert.deepEqual(checkpoint.batchOrder, [2, 0, 1]);
    assert.deepEqual(
      checkpoint.models['fine-tuned']?.map((weight) => weight.arraySync()),
      [
        [
          [2, 2],
          [3, 4],
        ],
        [0.5, -0.5],
      ],
    );
    assert.deepEqual(checkpoint.models.source?.[0]?.arraySync(), [1, 2, 3]);
    assert.equal(checkpoint.models.scratch, undefined);
    assert.deepEqual(checkpoint.bestWeights?.[0]?.arraySync(), [9, 9]);
    assert.deepEqual(
      checkpoint.optimizer.weights.map((weight) => [weight.name, weight.tensor.dtype, weight.tensor.arraySync()]),
      [
        ['iter', 'int32', 12],
        ['dense/kernel/m', 'float32', [0.1, 0.2].map(Math.fround)],
      ],
    );
    assert.deepEqual(checkpoint.optimizer.betaPowers, [0.3, 0.9]);
    disposeCheckpoint(checkpoint);
  });

  it('falls back to the previous checkpoint when the newest is cut short, and explains when none loads', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'medtransfer-checkpoint-'));
    for (const epoch of [1, 2]) {
      const written = checkpointAt(epoch);
      await writeCheckpoint(runDir, written);
      disposeCheckpoint(written);
    }
    truncateSync(join(runDir, 'checkpoint', 'weights.bin'), 10);
    const fallback = readCheckpoint(runDir);
    assert.equal(fallback.kind, 'loaded');
    if (fallback.kind !== 'loaded') return;
    assert.equal(fallback.checkpoint.epoch, 1);
    assert.match(
      fallback.skipped.join(),
      /checkpoint: weights\.bin has 10 bytes, state\.json describes 56 \(a write was cut short\)/,
    );
    disposeCheckpoint(fallback.checkpoint);

    const state = join(runDir, 'checkpoint.previous', 'state.json');
    writeFileSync(state, readFileSync(state, 'utf8').replace('"phase":"finetune"', '"phase":"warmup"'));
    const none = readCheckpoint(runDir);
    assert.equal(none.kind, 'unreadable');
    if (none.kind !== 'unreadable') return;
    assert.equal(none.reasons.length, 2);
    assert.match(none.reasons[1] ?? '', /checkpoint\.previous: state\.json is not a MedTransfer checkpoint: phase/);
  });

  it('does not load a checkpoint whose weights hold NaN (damage on disk: training never writes one)', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'medtransfer-checkpoint-'));
    for (const epoch of [1, 2]) {
      const written = checkpointAt(epoch);
      await writeCheckpoint(runDir, written);
      disposeCheckpoint(written);
    }
    const weights = join(runDir, 'checkpoint', 'weights.bin');
    const bytes = readFileSync(weights);
    // model:source/0 (3 values), then model:fine-tuned/0: its second value.
    bytes.writeFloatLE(Number.NaN, 16);
    writeFileSync(weights, bytes);
    const fallback = readCheckpoint(runDir);
    assert.equal(fallback.kind, 'loaded');
    if (fallback.kind !== 'loaded') return;
    assert.equal(fallback.checkpoint.epoch, 1);
    assert.match(fallback.skipped.join(), /checkpoint: weights\.bin holds NaN in model:fine-tuned\/0 \(damaged\)/);
    disposeCheckpoint(fallback.checkpoint);
  });

  it("restores Adam's slots, iteration count and β-powers so the next step is the same", async () => {
    const step = (optimizer: Optimizer, variable: Variable) =>
      optimizer.minimize(() => sum(square(variable)) as Scalar, false, [variable]);
    const original = tensor([1, -2, 3]).variable(true, 'w-original');
    const adam = train.adam(0.1);
    // Enough steps for pow(β₂, t) and the running product of β₂ to differ in float32.
    for (let i = 0; i < 300; i++) step(adam, original);
    const captured = await captureOptimizer(adam);
    const copy = tensor(original.dataSync()).variable(true, 'w-copy');
    const resumed = train.adam(0.1);
    await restoreOptimizer(resumed, {
      weights: captured.state.weights.map((weight) => ({ name: weight.name, tensor: weight.tensor.clone() })),
      betaPowers: captured.state.betaPowers,
    });
    captured.release();
    const tensorsBefore = memory().numTensors;
    step(adam, original);
    step(resumed, copy);
    assert.deepEqual(Array.from(copy.dataSync()), Array.from(original.dataSync()));
    assert.equal(memory().numTensors, tensorsBefore, 'no tensor leaks from a step');
  });
});
