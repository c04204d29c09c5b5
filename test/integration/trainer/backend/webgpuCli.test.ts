// The trainer CLI (dist/cli.js) on WebGPU end to end, where this machine has an adapter (on a
// CPU-only machine: Mesa's lavapipe): `--backend webgpu` trains a tiny synthetic experiment to
// the end, and `auto` does not pick a software adapter, saying why in run-started. Skipped, with
// the reason, where there is no adapter.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { probeWebgpu } from '../../../support/webgpuProbe';
import type { WebgpuProbe } from '../../../support/webgpuProbe';
import { skipMissing } from '../../../support/prerequisites';
import { synthetic, tinyExperiment } from '../../../support/tinyExperiment';

const TINY_OPTIONS = {
  name: 'tiny-webgpu',
  seed: 11,
  source: { dataset: synthetic('source', 400), epochs: 2 },
  target: { dataset: synthetic('target', 160), labelsPerClass: 10 },
  fineTune: { headEpochs: 1, epochs: 2 },
};
const TINY = tinyExperiment(TINY_OPTIONS);

let probe: WebgpuProbe = { available: false, reason: 'not probed' };
before(async () => {
  probe = await probeWebgpu();
});

describe('medtransfer run on WebGPU', () => {
  it('--backend webgpu trains a tiny experiment to the end', (t) => {
    if (!probe.available) {
      skipMissing(t, `no WebGPU adapter here: ${probe.reason}`);
      return;
    }
    const folder = temporaryFolder('webgpu');
    const result = runCli(['run', writeExperiment(folder, 'tiny', TINY), '--backend', 'webgpu', '--no-progress']);
    assert.equal(result.status, 0, result.stderr);
    const events = readEvents(runDirFromOutput(result.stdout));
    const [started] = eventsOf(events, 'run-started');
    assert.equal(started?.backend, 'webgpu');
    assert.ok(started?.backendNotes.includes('webgpu: as asked'), started?.backendNotes.join('\n'));
    if (!probe.hardware)
      assert.ok(
        started?.backendNotes.some((note) => /^webgpu: WebGPU on .*software adapter/.test(note)),
        started?.backendNotes.join('\n'),
      );
    const epochs = eventsOf(events, 'epoch-ended');
    assert.ok(epochs.length >= 5);
    for (const epoch of epochs)
      assert.ok(Number.isFinite(epoch.metrics.loss), `${epoch.phase} ${epoch.epoch}: loss ${epoch.metrics.loss}`);
    const source = epochs.filter((epoch) => epoch.phase === 'source');
    assert.ok((source.at(-1)?.metrics.loss ?? Infinity) < (source[0]?.metrics.loss ?? 0), 'the source loss falls');
    assert.equal(eventsOf(events, 'evaluation').length, 2);
    assert.equal(eventsOf(events, 'run-ended')[0]?.status, 'completed');
  });

  it('auto does not pick a software adapter: wasm trains, and run-started says why webgpu was passed over', (t) => {
    if (!probe.available) {
      skipMissing(t, `no WebGPU adapter here: ${probe.reason}`);
      return;
    }
    if (probe.hardware) {
      t.skip(`this machine's adapter is hardware (${probe.label}): auto may pick it`);
      return;
    }
    const folder = temporaryFolder('webgpu-auto');
    const result = runCli([
      'run',
      writeExperiment(
        folder,
        'tiny',
        tinyExperiment({ ...TINY_OPTIONS, source: { dataset: synthetic('source', 120), epochs: 1 } }),
      ),
      '--no-progress',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const [started] = eventsOf(readEvents(runDirFromOutput(result.stdout)), 'run-started');
    if (started?.backend === 'tensorflow-gpu' || started?.backend === 'tensorflow') return; // tfjs-node installed on this machine
    assert.equal(started?.backend, 'wasm');
    assert.match(
      started?.backendNotes.find((note) => note.startsWith('webgpu: ')) ?? '',
      /^webgpu: only a software adapter \(.*\), which auto does not choose; set backend: webgpu to use it anyway$/,
    );
  });
});
