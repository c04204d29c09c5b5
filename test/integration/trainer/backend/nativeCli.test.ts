// The trainer CLI (dist/cli.js) on the native path, as users run it: `auto` takes native where
// the addon is built and trains a tiny experiment to the end, saying in run-started which kernels
// run where; with the addon hidden (as on a machine without a compiler or oneDNN) `auto` trains on
// wasm and run-started says why (the CI step scripts/ci/runWithoutNative.mjs, run here); `--backend wasm` stays plain wasm even with the addon there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { nativeAddonOrReason } from '../../../support/nativeTestSetup';
import { repoRoot } from '../../../support/paths';
import { skipIfMissing } from '../../../support/prerequisites';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';
import type { TrainerEvent } from '../../../../src/shared/run/events';

const TINY = tinyExperiment({
  name: 'tiny-native',
  seed: 12,
  source: { dataset: synthetic('source', 200), epochs: 2 },
  target: { dataset: synthetic('target', 80), labelsPerClass: 10 },
  fineTune: { headEpochs: 1, epochs: 1 },
});
const found = nativeAddonOrReason();

function trained(args: string[], env: NodeJS.ProcessEnv = process.env): TrainerEvent[] {
  const folder = temporaryFolder('native');
  const result = runCli(['run', writeExperiment(folder, 'tiny', TINY), '--no-progress', ...args], { env });
  assert.equal(result.status, 0, result.stderr);
  const events = readEvents(runDirFromOutput(result.stdout));
  for (const epoch of eventsOf(events, 'epoch-ended'))
    assert.ok(Number.isFinite(epoch.metrics.loss), `${epoch.phase} ${epoch.epoch}: loss ${epoch.metrics.loss}`);
  assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');
  return events;
}

describe('medtransfer run on the native kernels', () => {
  it(
    'auto picks native where the addon is built, trains to the end, and says what runs where',
    {
      skip: skipIfMissing('reason' in found ? found.reason : false),
    },
    () => {
      const [started] = eventsOf(trained([]), 'run-started');
      assert.equal(started?.backend, 'native');
      const notes = started?.backendNotes ?? [];
      assert.ok(notes.includes('native: chosen by auto'), notes.join('\n'));
      assert.ok(
        notes.some((note) =>
          /^native: oneDNN \d+\.\d+\.\d+ on \d+ threads? runs Conv2D, .*DepthwiseConv2dNative/.test(note),
        ),
        notes.join('\n'),
      );
      assert.ok(
        notes.some((note) => /^native: wasm for the rest: /.test(note)),
        notes.join('\n'),
      );
    },
  );

  it(
    'says Winograd runs the 3×3 convolutions, and that MEDTRANSFER_WINOGRAD=0 leaves the direct ones',
    {
      skip: skipIfMissing('reason' in found ? found.reason : false),
    },
    () => {
      const notesOf = (env: NodeJS.ProcessEnv) => eventsOf(trained([], env), 'run-started')[0]?.backendNotes ?? [];
      const allowed = notesOf({ ...process.env, MEDTRANSFER_WINOGRAD: undefined });
      assert.ok(
        allowed.includes(
          'native: 3×3 convolutions of 64 channels and more by Winograd (MEDTRANSFER_WINOGRAD=0: direct only)',
        ),
        allowed.join('\n'),
      );
      const direct = notesOf({ ...process.env, MEDTRANSFER_WINOGRAD: '0' });
      assert.ok(direct.includes('native: direct convolutions only (MEDTRANSFER_WINOGRAD=0)'), direct.join('\n'));
    },
  );

  it('with the addon hidden, auto trains on wasm and run-started says why (the CI step)', () => {
    // scripts/ci/runWithoutNative.mjs, which .ci/run runs: it fails unless the run completed on wasm with the note.
    const result = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'ci', 'runWithoutNative.mjs')], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^runWithoutNative: the run completed on wasm; run-started says: native: not built \(no medtransfer_native\.node in /,
    );
  });

  it(
    '--backend wasm stays plain wasm where the addon is built',
    {
      skip: skipIfMissing('reason' in found ? found.reason : false),
    },
    () => {
      const [started] = eventsOf(trained(['--backend', 'wasm']), 'run-started');
      assert.equal(started?.backend, 'wasm');
      const notes = started?.backendNotes ?? [];
      assert.ok(!notes.some((note) => /oneDNN|^native:/.test(note)), notes.join('\n'));
    },
  );
});
