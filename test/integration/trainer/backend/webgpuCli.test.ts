// The trainer CLI (dist/cli.js) on WebGPU end to end, where this machine has an adapter (on a
// CPU-only machine: Mesa's lavapipe): `--backend webgpu` trains a tiny synthetic experiment to
// the end, and `auto` does not pick a software adapter, saying why in run-started. Skipped, with
// the reason, where there is no adapter. And `auto`, which only probes (in a child process, found
// from dist/ and from the packaged extension), prints none of Dawn's Vulkan warnings or Mesa's
// XDG_RUNTIME_DIR error, with a software adapter or without a driver.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  eventsOf,
  readEvents,
  runCli,
  runDirFromOutput,
  temporaryFolder,
  writeExperiment,
} from '../../../support/cliHarness';
import { loadNativeAddon } from '../../../../src/trainer/backend/native/nativeAddon';
import { repoRoot } from '../../../support/paths';
import { hasWebgpuPackage, probeWebgpu } from '../../../support/webgpuProbe';
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
/** For `auto`, which only passes over webgpu here: a source task half the size. */
const QUICK = tinyExperiment({ ...TINY_OPTIONS, source: { dataset: synthetic('source', 120), epochs: 1 } });

// Mesa's Wayland driver writes "error: XDG_RUNTIME_DIR is invalid or not set" when a Wayland
// display is named without a runtime folder, as in a remote session; a missing Vulkan driver
// makes Dawn write warnings with a native stack frame.
const { XDG_RUNTIME_DIR: _unset, ...environment } = process.env;
const WAYLAND_WITHOUT_RUNTIME_DIR: NodeJS.ProcessEnv = { ...environment, WAYLAND_DISPLAY: 'wayland-0' };
/** Dawn's and Mesa's own lines; MedTransfer's log lines (on stderr with --no-progress) say why in words. */
const DAWN_OR_MESA = /XDG_RUNTIME_DIR|^Warning: |^error: |^\s+at |VulkanError\.cpp|artificially reduced/m;

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

  it('auto does not pick a software adapter, prints none of Dawn’s or Mesa’s messages, and run-started says why', (t) => {
    if (!probe.available) {
      skipMissing(t, `no WebGPU adapter here: ${probe.reason}`);
      return;
    }
    if (probe.hardware) {
      t.skip(`this machine's adapter is hardware (${probe.label}): auto may pick it`);
      return;
    }
    const folder = temporaryFolder('webgpu-auto');
    const result = runCli(['run', writeExperiment(folder, 'tiny', QUICK), '--no-progress'], {
      env: WAYLAND_WITHOUT_RUNTIME_DIR,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, DAWN_OR_MESA);
    const [started] = eventsOf(readEvents(runDirFromOutput(result.stdout)), 'run-started');
    if (started?.backend === 'tensorflow-gpu' || started?.backend === 'tensorflow') return; // tfjs-node installed on this machine
    // The next CPU backend: MedTransfer's native kernels where they are built, else wasm.
    assert.equal(started?.backend, loadNativeAddon().ok ? 'native' : 'wasm');
    assert.match(
      started?.backendNotes.find((note) => note.startsWith('webgpu: ')) ?? '',
      /^webgpu: only a software adapter \(.*\), which auto does not choose; set backend: webgpu to use it anyway$/,
    );
  });

  it('auto from the packaged extension’s files, without a Vulkan driver: quiet, with Dawn’s reason in run-started', (t) => {
    if (!hasWebgpuPackage()) {
      skipMissing(t, 'the webgpu package (an optional dependency) is not installed');
      return;
    }
    // The files the .vsix holds (vsce applies .vscodeignore), laid out as the extension is
    // installed: the trainer must find its probe child beside it there too.
    const extension = join(temporaryFolder('webgpu-packaged'), 'extension');
    const vsce = join(repoRoot, 'node_modules/@vscode/vsce/vsce');
    const listed = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    const files = listed.stdout.split('\n').filter((line) => line.trim() !== '');
    assert.ok(files.includes('dist/webgpuProbeChild.js'), files.join('\n'));
    for (const file of files) cpSync(join(repoRoot, file), join(extension, file));

    const folder = temporaryFolder('webgpu-no-driver');
    const file = writeExperiment(folder, 'tiny', QUICK);
    const env = { ...WAYLAND_WITHOUT_RUNTIME_DIR, VK_ICD_FILENAMES: join(folder, 'no-driver.json') };
    const backendPath = join(repoRoot, 'node_modules');
    const result = spawnSync(
      process.execPath,
      [join(extension, 'dist/cli.js'), 'run', file, '--no-progress', '--backend-path', backendPath],
      { cwd: folder, encoding: 'utf8', env, timeout: 240_000 },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.doesNotMatch(result.stderr, DAWN_OR_MESA);
    const [started] = eventsOf(readEvents(runDirFromOutput(result.stdout)), 'run-started');
    const note = started?.backendNotes.find((line) => line.startsWith('webgpu: ')) ?? '';
    assert.match(note, /^webgpu: no WebGPU adapter \(is libvulkan\.so\.1 and a Vulkan driver installed\?\)/);
    // Only the child keeps what Dawn said: a probe that did not start would say so instead.
    if (probe.available) assert.match(note, /; Dawn said: .*vkCreateInstance/);
  });
});
