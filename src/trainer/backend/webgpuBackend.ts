// WebGPU through @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` npm package). It has all
// the training kernels. It needs libvulkan.so.1 and a Vulkan driver; on a machine without a GPU
// Mesa's lavapipe works but is a CPU rasteriser, which `auto` passes over (webgpuAdapter.ts).
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { errorSummary, isModuleMissing } from './moduleLoader';
import { startBackend } from './startBackend';
import { searchAdapter } from './webgpuAdapterSearch';
import { patchWebgpuReadSync } from './webgpuReadSync';

export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

function softwareOnly(label: string): BackendAttempt {
  return {
    ok: false,
    reason: 'unsuitable',
    note: `only a software adapter (${label}), which auto does not choose; set backend: webgpu to use it anyway`,
  };
}

export const webgpuActivator: BackendActivator = async ({
  loadModule,
  engine,
  log,
  explicit,
  probeWebgpu,
}): Promise<BackendAttempt> => {
  // auto loads Dawn here only for a hardware adapter, so that a machine without one prints nothing.
  if (!explicit && probeWebgpu !== undefined) {
    const probed = await probeWebgpu();
    if (!probed.found) return { ok: false, reason: probed.reason, note: probed.note };
    if (!probed.hardware) return softwareOnly(probed.label);
  }
  const search = await searchAdapter(loadModule);
  if (!search.found) return { ok: false, reason: search.reason, note: search.note };
  const { label, hardware, installed } = search;
  const giveUp = (attempt: BackendAttempt): BackendAttempt => {
    installed.uninstall();
    return attempt;
  };
  if (!hardware && !explicit) return giveUp(softwareOnly(label));

  try {
    await loadModule(TFJS_WEBGPU_PACKAGE);
  } catch (error) {
    return giveUp(
      isModuleMissing(error, TFJS_WEBGPU_PACKAGE)
        ? { ok: false, reason: 'missing', note: `${TFJS_WEBGPU_PACKAGE} is not installed` }
        : { ok: false, reason: 'failed', note: `${TFJS_WEBGPU_PACKAGE} failed to load: ${errorSummary(error)}` },
    );
  }
  const started = await startBackend(engine, 'webgpu', log);
  if (!started.ok)
    return giveUp({ ok: false, reason: 'failed', note: `the webgpu backend did not start: ${started.reason}` });
  const notes = [`WebGPU on ${label}${hardware ? '' : ' (a software adapter: expect CPU speed at best)'}`];
  // Without it dataSync() fails in Node ("OffscreenCanvas is not defined"), and training with it.
  if (engine.findBackend !== undefined && !patchWebgpuReadSync(engine.findBackend('webgpu'), installed.events)) {
    notes.push(
      'synchronous reads keep tfjs-backend-webgpu’s own readSync ' +
        '(not a backend this version of MedTransfer knows): dataSync() may fail in Node',
    );
  }
  return {
    ok: true,
    notes,
    release: installed.uninstall,
  };
};
