// Counts in the words a person reads, through the real CLI: a run whose phases train one epoch of
// one batch says so in the singular (log, CLI, report's model card), and the phases that train no
// epochs (evaluation) just end, instead of "1 epochs", "1 batches" and "ended after 0 epochs".
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, runDirFromOutput, temporaryFolder, writeExperiment } from '../../../support/cliHarness';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

/** One epoch per phase; the head phase's 16 training images are one batch of 16. */
const ONE_EACH = tinyExperiment({
  name: 'one-each',
  source: { dataset: synthetic('source', 120), epochs: 1 },
  fineTune: { headEpochs: 1, epochs: 1 },
  baseline: { scratch: false },
  evaluation: { positiveClass: 'lesion', bootstrap: { resamples: 0 } },
});

const WRONG_PLURAL = /\b1 (epochs|batches|images|files|classes|labels|slices|frames|threads)\b|after 0 epochs/;

describe('counts in words, through the CLI', () => {
  let log = '';
  let report = '';

  before(() => {
    const folder = temporaryFolder('english');
    const result = runCli(['run', writeExperiment(folder, 'one-each', ONE_EACH), '--no-progress', '--run-id', 'r']);
    assert.equal(result.status, 0, result.stderr);
    const runDir = runDirFromOutput(result.stdout);
    log = readFileSync(join(runDir, 'log.txt'), 'utf8');
    const reported = runCli(['report', runDir]);
    assert.equal(reported.status, 0, reported.stderr);
    report = readFileSync(join(runDir, 'report.md'), 'utf8');
  });

  it('says "1 epoch × 1 batch" and "ended after 1 epoch" in the log', () => {
    assert.match(log, /phase head: train the new head, base frozen \(1 epoch × 1 batch, /);
    assert.match(log, /phase head ended after 1 epoch, /);
    assert.match(log, /saved source-model\/ \(pretrained on synthetic source \(120 images, 4 classes\) for 1 epoch\)/);
    assert.doesNotMatch(log, WRONG_PLURAL);
  });

  it('lets a phase that trains nothing end without a count of epochs', () => {
    assert.match(log, / phase evaluate ended, \d+\.\d s$/m);
  });

  it('writes the model card in the singular too', () => {
    assert.match(report, /Pretrained on the source task for 1 epoch\./);
    assert.match(report, /1 head epoch at [\d.]+, 1 fine-tuning epoch at /);
    assert.doesNotMatch(report, WRONG_PLURAL);
  });
});
