// The frozen-feature cache through the real CLI: a phase whose lower layers are frozen computes
// their outputs once and trains the rest on them, and gets the metrics of the same run without the
// cache (`training.cacheFrozenFeatures: false`): resnet18 from the torchvision fixture at 64×64×3
// (feature extraction's head phase at the base's output, then `partial` at the boundary of its top
// block), in memory and in a file; and a run killed mid-epoch and resumed ends as the uninterrupted
// one.
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { isTrainerEvent } from '../../../../src/shared/run/events';
import { replayRunEvents } from '../../../../src/shared/run/runState';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { cliPath } from '../../../support/paths';
import { skipMissing } from '../../../support/prerequisites';
import { fixtureWeights, torchvisionFixtures } from '../../../support/torchvisionFixtures';
import type { FixturesResult } from '../../../support/torchvisionFixtures';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

let fixtures: FixturesResult;
before(async () => {
  fixtures = await torchvisionFixtures();
});

function resnet18Experiment(name: string, weights: string, cache: boolean): string {
  return `name: ${name}
seed: 5
model: { architecture: resnet18, inputShape: [64, 64, 3], dropout: 0.2 }
pretrained: ${weights}
target: { dataset: { type: synthetic, task: target, samples: 60 }, classes: [normal, lesion], labelsPerClass: 10 }
fineTune: { strategy: partial, headEpochs: 2, epochs: 1, trainableBlocks: 1, learningRate: 1.0e-3 }
baseline: { scratch: false }
training: { batchSize: 8, cacheFrozenFeatures: ${cache} }
evaluation: { positiveClass: lesion, bootstrap: { resamples: 200 } }
`;
}

function run(folder: string, name: string, text: string, env: NodeJS.ProcessEnv = {}): string {
  const result = runCli(['run', writeExperiment(folder, name, text), '--no-progress'], {
    env: { ...process.env, ...env },
  });
  assert.equal(result.status, 0, result.stderr);
  return runDirFromOutput(result.stdout);
}

function logOf(runDir: string): string {
  return readFileSync(join(runDir, 'log.txt'), 'utf8');
}

function metricsOf(runDir: string): unknown {
  return (JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')) as { models: unknown }).models;
}

function curveOf(runDir: string): Array<{ phase: string; epoch: number; metrics: unknown }> {
  return replayRunEvents(readEvents(runDir)).epochs.map(({ phase, epoch, metrics }) => ({ phase, epoch, metrics }));
}

/** Equal structure; numbers equal within float32 rounding of differently batched arithmetic. */
function assertClose(actual: unknown, expected: unknown, path = ''): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = 1e-4 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(actual - expected) <= tolerance, `${path}: ${actual} vs ${expected}`);
    return;
  }
  if (expected !== null && typeof expected === 'object' && actual !== null && typeof actual === 'object') {
    assert.deepEqual(Object.keys(actual), Object.keys(expected), `${path}: the same keys`);
    for (const key of Object.keys(expected))
      assertClose(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
    return;
  }
  assert.deepEqual(actual, expected, path);
}

describe('frozen-feature cache', () => {
  it('resnet18 with frozen blocks: the same metrics with the cache in memory, in a file, and without it', (context) => {
    if ('missing' in fixtures) return skipMissing(context, fixtures.missing);
    const folder = temporaryFolder('featurecache');
    const weights = fixtureWeights(fixtures.dir, 'resnet18');
    const cached = run(folder, 'cached', resnet18Experiment('cached', weights, true));
    const onDisk = run(folder, 'ondisk', resnet18Experiment('ondisk', weights, true), {
      MEDTRANSFER_FEATURE_CACHE_MB: '0',
    });
    const uncached = run(folder, 'uncached', resnet18Experiment('uncached', weights, false));

    // The head phase caches the base's output; `partial` with one trainable block caches layer3's.
    assert.match(
      logOf(cached),
      /head: frozen layers computed once: the \d+ layers up to `[^`]+` give 512 values an image/,
    );
    assert.match(
      logOf(cached),
      /finetune: frozen layers computed once: the \d+ layers up to `[^`]+` give 4×4×256 values/,
    );
    assert.match(logOf(cached), /kept for 20 training and \d+ validation images \([\d.]+ MB in memory/);
    assert.match(logOf(onDisk), /finetune: frozen layers computed once: .* MB in files in the run folder/);
    assert.match(logOf(uncached), /head: frozen layers not cached: training\.cacheFrozenFeatures is false/);
    assert.deepEqual(
      readdirSync(onDisk).filter((name) => name.startsWith('.frozen-features')),
      [],
      'the files of features are removed when their phase ends',
    );

    assertClose(curveOf(cached), curveOf(uncached));
    assertClose(metricsOf(cached), metricsOf(uncached));
    assert.deepEqual(curveOf(onDisk), curveOf(cached), 'the file holds the same float32 values');
    assert.deepEqual(metricsOf(onDisk), metricsOf(cached));
  });

  it('a run with cached features killed mid-epoch and resumed ends as the uninterrupted run', async () => {
    const folder = temporaryFolder('featurecacheresume');
    const experiment = (cache: boolean) =>
      tinyExperiment({
        name: 'cachedresume',
        seed: 13,
        model: { architecture: 'resnet-small', inputShape: [20, 20, 1] },
        target: { dataset: synthetic('target', 400), labelsPerClass: undefined },
        fineTune: { strategy: 'partial', headEpochs: 2, epochs: 3, trainableBlocks: 1 },
        baseline: { scratch: false },
        training: { cacheFrozenFeatures: cache, earlyStopping: { monitor: 'val_loss', patience: 2 } },
        evaluation: { bootstrap: { resamples: 0 } },
      });
    const file = writeExperiment(folder, 'cachedresume', experiment(true));
    const uninterrupted = runCli(['run', file, '--run-id', 'uninterrupted', '--quiet']);
    assert.equal(uninterrupted.status, 0, uninterrupted.stderr);
    const uninterruptedDir = join(folder, 'runs', 'cachedresume', 'uninterrupted');

    const child = fork(cliPath, ['run', file, '--run-id', 'killed'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.on('message', (message: unknown) => {
      if (isTrainerEvent(message) && message.type === 'batch-ended' && message.phase === 'finetune')
        if (message.epoch === 2 && message.batch >= 1) child.kill('SIGKILL');
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, received) => resolve(received)),
    );
    assert.equal(signal, 'SIGKILL');
    const killedDir = join(folder, 'runs', 'cachedresume', 'killed');
    const resumed = runCli(['resume', killedDir, '--quiet']);
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(eventsOf(readEvents(killedDir), 'run-resumed')[0]?.fromPhase, 'finetune');
    assert.equal(
      logOf(killedDir).match(/finetune: frozen layers computed once/g)?.length,
      2,
      'the resumed run computes the features again',
    );
    assert.deepEqual(curveOf(killedDir), curveOf(uninterruptedDir));
    assert.deepEqual(metricsOf(killedDir), metricsOf(uninterruptedDir));

    const withoutCache = runCli([
      'run',
      writeExperiment(folder, 'uncached', experiment(false)),
      '--run-id',
      'uncached',
    ]);
    assert.equal(withoutCache.status, 0, withoutCache.stderr);
    assertClose(metricsOf(join(folder, 'runs', 'cachedresume', 'uncached')), metricsOf(uninterruptedDir));
  });
});
