// A tiny real run whose second class name is hostile HTML, for the saliency, explain and report
// tests: the name must come out as text everywhere, never as markup.
import assert from 'node:assert/strict';
import { runCli, runDirFromOutput, temporaryFolder, writeExperiment } from './cliHarness';
import { synthetic, tinyExperiment } from './tinyExperiment';

export const HOSTILE_CLASS = '<img src=x onerror="window.__pwned=1">';

export const EXPLAINED_EXPERIMENT = tinyExperiment({
  name: 'explained',
  model: { inputShape: [24, 24, 1] },
  source: { dataset: synthetic('source', 1200), epochs: 3 },
  target: { dataset: synthetic('target', 300), classes: ['normal', HOSTILE_CLASS], labelsPerClass: 12 },
  fineTune: { headEpochs: 2, epochs: 2 },
  evaluation: { positiveClass: 1, saliency: { samplesPerClass: 2 } },
});

/** Trains the experiment through the CLI; returns the run folder. */
export function trainExplainedRun(prefix: string): string {
  const folder = temporaryFolder(prefix);
  const result = runCli(['run', writeExperiment(folder, 'explained', EXPLAINED_EXPERIMENT), '--quiet']);
  assert.equal(result.status, 0, result.stderr);
  return runDirFromOutput(result.stdout);
}
