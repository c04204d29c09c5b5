// Looking for a WebGPU adapter through the `webgpu` package (Dawn): load the package, install its
// globals, ask for an adapter, describe it. Used in the trainer's own process when WebGPU is asked
// for by name, and in a child process when `auto` only probes (webgpuProbe.ts): Dawn writes its
// Vulkan warnings straight to file descriptor 2, where a probe must not print them.
import type { BackendAttempt } from './backendAttempt';
import { errorSummary, isModuleMissing } from './moduleLoader';
import type { ModuleLoader } from './moduleLoader';
import { describeAdapter } from './webgpuAdapter';
import { asWebgpuPackage, installWebgpuGlobals } from './webgpuGlobals';
import type { InstalledGpu } from './webgpuGlobals';

export const WEBGPU_PACKAGE = 'webgpu';

/** What the search found, as plain data (it crosses the probe's IPC channel). */
export type AdapterSearch =
  | { found: true; label: string; hardware: boolean }
  | { found: false; reason: Exclude<BackendAttempt, { ok: true }>['reason']; note: string };

/** A found adapter with the globals installed for it (in this process); uninstall() when it is not used. */
export type LiveAdapterSearch =
  (AdapterSearch & { found: false }) | (AdapterSearch & { found: true; installed: InstalledGpu });

export const NO_ADAPTER_NOTE = 'no WebGPU adapter (is libvulkan.so.1 and a Vulkan driver installed?)';

export async function searchAdapter(loadModule: ModuleLoader): Promise<LiveAdapterSearch> {
  let loaded: unknown;
  try {
    loaded = await loadModule(WEBGPU_PACKAGE);
  } catch (error) {
    return isModuleMissing(error, WEBGPU_PACKAGE)
      ? { found: false, reason: 'missing', note: `the ${WEBGPU_PACKAGE} package (Dawn) is not installed` }
      : {
          found: false,
          reason: 'failed',
          note: `the ${WEBGPU_PACKAGE} package failed to load: ${errorSummary(error)}`,
        };
  }
  const webgpu = asWebgpuPackage(loaded);
  if (webgpu === undefined)
    return {
      found: false,
      reason: 'failed',
      note: `the ${WEBGPU_PACKAGE} package does not export create() and globals`,
    };
  let installed: InstalledGpu;
  try {
    installed = installWebgpuGlobals(webgpu);
  } catch (error) {
    return { found: false, reason: 'failed', note: `WebGPU (Dawn) did not start: ${errorSummary(error)}` };
  }
  const giveUp = (note: string): LiveAdapterSearch => {
    installed.uninstall();
    return { found: false, reason: 'failed', note };
  };
  let adapter: unknown;
  try {
    adapter = await requestAdapter(installed.gpu);
  } catch (error) {
    return giveUp(`no WebGPU adapter: ${errorSummary(error)}`);
  }
  if (typeof adapter !== 'object' || adapter === null) return giveUp(NO_ADAPTER_NOTE);
  return { found: true, ...(await describeAdapter(adapter)), installed };
}

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
