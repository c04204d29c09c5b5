// WebGPU through @tensorflow/tfjs-backend-webgpu on Dawn (the `webgpu` npm package). It has all
// the training kernels. It needs libvulkan.so.1 and a Vulkan driver; on a machine without a GPU
// Mesa's lavapipe works but is a CPU rasteriser, which `auto` passes over (webgpuAdapter.ts).
import type { BackendActivator, BackendAttempt } from './backendAttempt';
import { errorSummary, isModuleMissing } from './moduleLoader';
import { startBackend } from './startBackend';
import { describeAdapter } from './webgpuAdapter';
import { asWebgpuPackage, installWebgpuGlobals } from './webgpuGlobals';
import { patchWebgpuReadSync } from './webgpuReadSync';

export const WEBGPU_PACKAGE = 'webgpu';
export const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

export const webgpuActivator: BackendActivator = async ({
  loadModule,
  engine,
  log,
  explicit,
}): Promise<BackendAttempt> => {
  let loaded: unknown;
  try {
    loaded = await loadModule(WEBGPU_PACKAGE);
  } catch (error) {
    return isModuleMissing(error, WEBGPU_PACKAGE)
      ? { ok: false, reason: 'missing', note: `the ${WEBGPU_PACKAGE} package (Dawn) is not installed` }
      : { ok: false, reason: 'failed', note: `the ${WEBGPU_PACKAGE} package failed to load: ${errorSummary(error)}` };
  }
  const webgpu = asWebgpuPackage(loaded);
  if (webgpu === undefined) {
    return { ok: false, reason: 'failed', note: `the ${WEBGPU_PACKAGE} package does not export create() and globals` };
  }

  let installed: ReturnType<typeof installWebgpuGlobals>;
  let adapter: unknown;
  try {
    installed = installWebgpuGlobals(webgpu);
  } catch (error) {
    return { ok: false, reason: 'failed', note: `WebGPU (Dawn) did not start: ${errorSummary(error)}` };
  }
  const giveUp = (attempt: BackendAttempt): BackendAttempt => {
    installed.uninstall();
    return attempt;
  };
  try {
    adapter = await requestAdapter(installed.gpu);
  } catch (error) {
    return giveUp({ ok: false, reason: 'failed', note: `no WebGPU adapter: ${errorSummary(error)}` });
  }
  if (typeof adapter !== 'object' || adapter === null) {
    return giveUp({
      ok: false,
      reason: 'failed',
      note: 'no WebGPU adapter (is libvulkan.so.1 and a Vulkan driver installed?)',
    });
  }
  const { label, hardware } = await describeAdapter(adapter);
  if (!hardware && !explicit) {
    return giveUp({
      ok: false,
      reason: 'unsuitable',
      note: `only a software adapter (${label}), which auto does not choose; set backend: webgpu to use it anyway`,
    });
  }

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

async function requestAdapter(gpu: unknown): Promise<unknown> {
  if (
    typeof gpu !== 'object' ||
    gpu === null ||
    !('requestAdapter' in gpu) ||
    typeof gpu.requestAdapter !== 'function'
  ) {
    throw new Error('navigator.gpu has no requestAdapter()');
  }
  return (gpu.requestAdapter as () => Promise<unknown>).call(gpu);
}
