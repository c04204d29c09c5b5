// A repeated experiment (`seeds`): one normal run directory per seed, which run discovery lists
// like any run, and a summary file with the mean ± sd across seeds that agrees with each run's
// metrics.json.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { listRunIdsOnDisk } from '../../../../src/extension/runs/runDiscovery';
import { RUN_ID_PATTERN } from '../../../../src/shared/run/runFiles';
import { seedSummarySchema } from '../../../../src/shared/run/seedSummary';
import type { SeedSummary } from '../../../../src/shared/run/seedSummary';
import { runCli, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { metricsFileSchema } from '../../../../src/shared/run/metricsFile';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const EXPERIMENT = tinyExperiment({
  name: 'repeated',
  seed: undefined,
  seeds: [11, 12],
  model: { inputShape: [18, 18, 1] },
  source: { dataset: synthetic('source', 400) },
  target: { dataset: synthetic('target', 240), classes: undefined, labelsPerClass: 10 },
  evaluation: { positiveClass: undefined, bootstrap: { resamples: 100 } },
});

describe('seeds: [11, 12]', () => {
  let folder = '';
  let stdout = '';
  let summary: SeedSummary;

  before(() => {
    folder = temporaryFolder('seeds');
    const result = runCli(['run', writeExperiment(folder, 'repeated', EXPERIMENT), '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    stdout = result.stdout;
    const match = /Seed summary: (.+)\s*$/.exec(stdout.trim());
    assert.ok(match?.[1], stdout);
    summary = seedSummarySchema.parse(JSON.parse(readFileSync(match[1].trim(), 'utf8')));
  });

  it('runs the pipeline once per seed, each in a run directory that discovery lists', async () => {
    const experimentDir = join(folder, 'runs', 'repeated');
    const runIds = (await listRunIdsOnDisk(experimentDir)).sort();
    assert.deepEqual(runIds, [...summary.runIds].sort());
    assert.equal(runIds.length, 2);
    for (const runId of runIds) assert.match(runId, RUN_ID_PATTERN);
    assert.deepEqual(
      readdirSync(experimentDir).filter((name) => name.endsWith('.seeds.json')),
      [`${summary.group}.seeds.json`],
    );
    summary.runIds.forEach((runId, index) => {
      const experiment = JSON.parse(readFileSync(join(experimentDir, runId, 'experiment.json'), 'utf8')) as {
        seed: number;
        seeds?: number[];
      };
      assert.equal(experiment.seed, [11, 12][index]);
      assert.equal(experiment.seeds, undefined, 'each run is a plain run of its seed');
      const metrics = metricsFileSchema.parse(
        JSON.parse(readFileSync(join(experimentDir, runId, 'metrics.json'), 'utf8')),
      );
      assert.deepEqual(metrics.seedGroup, { group: summary.group, seeds: [11, 12], index });
      assert.equal(metrics.seed, [11, 12][index]);
    });
  });

  it('reports mean ± sd (n − 1) that agree with each run’s metrics', () => {
    const experimentDir = join(folder, 'runs', 'repeated');
    const aucs = summary.runIds.map(
      (runId) =>
        metricsFileSchema.parse(JSON.parse(readFileSync(join(experimentDir, runId, 'metrics.json'), 'utf8'))).models[
          'fine-tuned'
        ]?.auc ?? Number.NaN,
    );
    const entry = summary.models['fine-tuned']?.auc;
    assert.ok(entry);
    const mean = ((aucs[0] as number) + (aucs[1] as number)) / 2;
    assert.ok(Math.abs(entry.mean - mean) < 1e-12);
    // Two values: sd (n − 1) = |a − b| / √2.
    assert.ok(
      Math.abs((entry.sd ?? Number.NaN) - Math.abs((aucs[0] as number) - (aucs[1] as number)) / Math.SQRT2) < 1e-12,
    );
    assert.deepEqual(summary.statuses, ['completed', 'completed']);
    assert.ok(summary.gain?.auc);
    assert.match(stdout, /Across 2 seeds \(11, 12\): mean ± sd/);
    assert.match(stdout, /ROC AUC\s+\d\.\d{3} ± \d\.\d{3}\s+\d\.\d{3} ± \d\.\d{3}\s+[+-]\d\.\d{3} ± \d\.\d{3}/);
  });
});
