// training.microBatchSize through the real CLI: a run whose batches of 16 are computed 4 images at a
// time trains as the same run without micro-batches (the seed CNN has no batch norm, and dropout is
// off, so the parts see exactly what the whole batch sees): the same losses epoch by epoch.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventsOf, readEvents, runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { tinyExperiment } from '../../../support/tinyExperiment';

interface Trained {
  losses: number[];
  log: string;
}

function train(folder: string, name: string, microBatchSize: number | undefined): Trained {
  const text = tinyExperiment({
    name,
    model: { architecture: 'seed-cnn', inputShape: [20, 20, 1], dropout: 0 },
    training: { batchSize: 16, microBatchSize },
    baseline: { scratch: false },
  });
  const result = runCli(['run', writeExperiment(folder, name, text), '--run-id', 'r', '--quiet']);
  assert.equal(result.status, 0, result.stderr);
  const runDir = join(folder, 'runs', name, 'r');
  return {
    losses: eventsOf(readEvents(runDir), 'epoch-ended').map((event) => event.metrics.loss),
    log: readFileSync(join(runDir, 'log.txt'), 'utf8'),
  };
}

describe('micro-batches through the CLI', () => {
  it('train as the whole batches do: the same loss every epoch', () => {
    const folder = temporaryFolder('micro-batches');
    const wholeRun = train(folder, 'whole', undefined);
    const partsRun = train(folder, 'parts', 4);
    assert.match(partsRun.log, /finetune: each batch of 16 computed 4 images at a time \(training\.microBatchSize\)/);
    assert.doesNotMatch(wholeRun.log, /microBatchSize/);
    const [whole, parts] = [wholeRun.losses, partsRun.losses];
    assert.equal(parts.length, whole.length);
    assert.ok(whole.length >= 3, `epochs: ${whole.length}`);
    whole.forEach((loss, index) => {
      const other = parts[index] ?? Number.NaN;
      assert.ok(Math.abs(loss - other) < 1e-4 * Math.max(1, loss), `epoch ${index + 1}: ${loss} vs ${other}`);
    });
  });
});
