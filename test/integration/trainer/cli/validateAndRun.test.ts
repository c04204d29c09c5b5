// The trainer, through its CLI, on tiny real data: validation, a whole run, the run directory.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { metricsFileSchema } from '../../../../src/shared/run/metricsFile';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { BACKEND_NAMES } from '../../../../src/shared/run/events';
import type { TrainerEvent } from '../../../../src/shared/run/events';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const TINY_OPTIONS = {
  source: { dataset: synthetic('source', 1200), epochs: 3 },
  target: { dataset: synthetic('target', 300), labelsPerClass: 12 },
  fineTune: { headEpochs: 2, epochs: 2 },
};
const TINY = tinyExperiment(TINY_OPTIONS);

/** Where `needle` starts in `text`, as the 1-based line:col a diagnostic names. */
function positionOf(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${(before.at(-1) ?? '').length + 1}`;
}

describe('medtransfer validate', () => {
  it('accepts a valid file with exit code 0', () => {
    const folder = temporaryFolder('validate');
    const result = runCli(['validate', writeExperiment(folder, 'ok', TINY)]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /ok/);
  });

  it('reports a bad file as file:line:col with exit code 1 and no stack trace', () => {
    const folder = temporaryFolder('validate');
    const bad = TINY.replace('batchSize: 16', 'batchsize: 16').replace('seed-cnn', 'alexnet');
    const file = writeExperiment(folder, 'bad', bad);
    const result = runCli(['validate', file]);
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 2, result.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(`bad\\.experiment\\.yaml:${positionOf(bad, 'alexnet')}: \`model\\.architecture\`: expected one of`),
    );
    assert.match(
      lines[1] ?? '',
      new RegExp(
        `bad\\.experiment\\.yaml:${positionOf(bad, 'batchsize')}: unknown key \`batchsize\` in \`training\`; did you mean \`batchSize\`\\?`,
      ),
    );
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('refuses an inputShape the architecture cannot take, at its line, before anything runs', () => {
    const folder = temporaryFolder('validate-shape');
    const small = tinyExperiment({ ...TINY_OPTIONS, model: { inputShape: [16, 16, 1] } });
    const file = writeExperiment(folder, 'small', small);
    const result = runCli(['validate', file]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr.trim(),
      new RegExp(
        `^${file}:${positionOf(small, '[ 16, 16, 1 ]')}: \`model\\.inputShape\`: ` +
          'seed-cnn needs images of at least 18×18 \\(.+\\); this is 16×16: give a larger inputShape, ' +
          'or use resnet-small or mobilenet-small$',
      ),
    );
    const run = runCli(['run', file, '--runs-dir', join(folder, 'runs')]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(existsSync(join(folder, 'runs')), false);
    const resnet = tinyExperiment({ ...TINY_OPTIONS, model: { architecture: 'resnet-small', inputShape: [8, 8, 1] } });
    assert.equal(runCli(['validate', writeExperiment(folder, 'resnet', resnet)]).status, 0);
  });

  it('uses exit code 2 for usage errors', () => {
    assert.equal(runCli(['validate']).status, 2);
    assert.equal(runCli(['frobnicate']).status, 2);
    assert.equal(runCli(['run', '--no-such-flag', 'x.yaml']).status, 2);
    const help = runCli(['run', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--runs-dir/);
  });

  it('runs nothing for an invalid experiment (exit 1, no run folder)', () => {
    const folder = temporaryFolder('invalid-run');
    const bad = tinyExperiment({ ...TINY_OPTIONS, source: { ...TINY_OPTIONS.source, epochs: -1 } });
    const result = runCli(['run', writeExperiment(folder, 'bad', bad), '--runs-dir', join(folder, 'runs')]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, new RegExp(`bad\\.experiment\\.yaml:${positionOf(bad, '-1')}: \`source\\.epochs\``));
    assert.equal(existsSync(join(folder, 'runs')), false);
  });
});

describe('medtransfer run (tiny synthetic experiment)', () => {
  let runDir = '';
  let events: TrainerEvent[] = [];
  let stdout = '';

  before(() => {
    const folder = temporaryFolder('run');
    const result = runCli(['run', writeExperiment(folder, 'tiny', TINY), '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    stdout = result.stdout;
    runDir = runDirFromOutput(stdout);
    assert.ok(runDir.startsWith(join(folder, 'runs', 'tiny')), 'runs/ beside the experiment file by default');
    events = readEvents(runDir);
  });

  it('writes the run directory', () => {
    for (const file of [
      'events.jsonl',
      'metrics.json',
      'experiment.json',
      'log.txt',
      'model/model.json',
      'model/weights.bin',
      'model/metadata.json',
      'scratch-model/model.json',
      'source-model/model.json',
    ]) {
      assert.ok(existsSync(join(runDir, file)), `${file} missing`);
    }
    const metadata = JSON.parse(readFileSync(join(runDir, 'model', 'metadata.json'), 'utf8')) as {
      classes: string[];
      inputShape: number[];
      weightsSource: string;
    };
    assert.deepEqual(metadata.classes, ['normal', 'lesion']);
    assert.deepEqual(metadata.inputShape, [20, 20, 1]);
    assert.match(metadata.weightsSource, /fine-tuned \(two-phase\)/);
    const experiment = JSON.parse(readFileSync(join(runDir, 'experiment.json'), 'utf8')) as {
      training: { batchSize: number; optimizer: string };
    };
    assert.deepEqual(
      [experiment.training.batchSize, experiment.training.optimizer],
      [16, 'adam'],
      'the resolved experiment, defaults applied',
    );
    assert.match(readFileSync(join(runDir, 'log.txt'), 'utf8'), /run completed/);
  });

  it('streams typed events in order: run-started first, run-ended last', () => {
    assert.equal(events[0]?.type, 'run-started');
    assert.equal(events.at(-1)?.type, 'run-ended');
    events.forEach((event, index) => assert.equal(event.seq, index));
    const started = eventsOf(events, 'run-started')[0];
    assert.ok(started && (BACKEND_NAMES as readonly string[]).includes(started.backend));
    assert.deepEqual(started?.phases, ['source', 'head', 'finetune', 'scratch', 'evaluate']);
    assert.deepEqual(
      eventsOf(events, 'phase-started').map((event) => event.phase),
      ['source', 'head', 'finetune', 'scratch', 'evaluate'],
    );
    assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');
    const lastLine = readFileSync(join(runDir, 'events.jsonl'), 'utf8').trim().split('\n').at(-1) ?? '';
    assert.equal((JSON.parse(lastLine) as { errorKind?: unknown }).errorKind, null, 'written: no error');
    const epochs = eventsOf(events, 'epoch-ended');
    assert.deepEqual(
      epochs.map((event) => `${event.phase}${event.epoch}`),
      [
        'source1',
        'source2',
        'source3',
        'head1',
        'head2',
        'finetune1',
        'finetune2',
        'scratch1',
        'scratch2',
        'scratch3',
        'scratch4',
      ],
    );
    for (const epoch of epochs) assert.ok(epoch.imagesPerSecond > 0 && Number.isFinite(epoch.metrics.loss));
  });

  it('samples the few-shot target and reports the split sizes per class', () => {
    const data = eventsOf(events, 'data-loaded')[0];
    assert.deepEqual(data?.target.sizes.train, [12, 12]);
    assert.deepEqual(data?.target.classes, ['normal', 'lesion']);
    assert.equal(data?.source?.classes.length, 4);
  });

  it('evaluates both models on the test split with consistent metrics', () => {
    const testSize = eventsOf(events, 'data-loaded')[0]?.target.sizes.test.reduce((a, b) => a + b, 0);
    const evaluations = eventsOf(events, 'evaluation');
    assert.deepEqual(
      evaluations.map((event) => event.model),
      ['fine-tuned', 'scratch'],
    );
    for (const { metrics } of evaluations) {
      assert.equal(metrics.count, testSize);
      assert.equal(
        metrics.confusion.flat().reduce((a, b) => a + b, 0),
        testSize,
      );
      assert.equal(metrics.positiveClass, 1);
      assert.ok(metrics.auc !== null && metrics.auc >= 0 && metrics.auc <= 1);
    }
    const file = metricsFileSchema.parse(JSON.parse(readFileSync(join(runDir, 'metrics.json'), 'utf8')));
    assert.equal(file.status, 'completed');
    assert.deepEqual(file.models['fine-tuned'], evaluations[0]?.metrics);
    assert.ok(
      file.transferGain &&
        Math.abs(
          (file.transferGain.auc ?? 0) - ((evaluations[0]?.metrics.auc ?? 0) - (evaluations[1]?.metrics.auc ?? 0)),
        ) < 1e-12,
    );
    assert.match(stdout, /ROC AUC/);
    assert.match(stdout, /Sensitivity \(lesion\)/);
  });

  it('learns the source task (better than chance)', () => {
    const last = eventsOf(events, 'epoch-ended')
      .filter((event) => event.phase === 'source')
      .at(-1);
    assert.ok(
      (last?.metrics.valAccuracy ?? 0) > 0.4,
      `source val accuracy ${last?.metrics.valAccuracy} vs 0.25 chance`,
    );
  });

  it('does not leak tensors from epoch to epoch', () => {
    for (const phase of ['source', 'head', 'finetune', 'scratch'] as const) {
      const counts = eventsOf(events, 'epoch-ended')
        .filter((event) => event.phase === phase)
        .map((event) => event.tensors);
      assert.ok(counts.length >= 2);
      assert.equal(new Set(counts).size, 1, `${phase}: tensor counts ${counts.join(', ')}`);
    }
  });
});
