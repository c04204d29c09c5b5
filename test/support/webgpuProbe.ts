// Whether this machine has a WebGPU adapter for the `webgpu` package (Dawn), asked the way the
// trainer asks, so tests that need one can skip with the reason when it has none: the package
// not installed, no libvulkan.so.1, no Vulkan driver (see README "Backends" for lavapipe).
import { createModuleLoader, errorSummary } from '../../src/trainer/backend/moduleLoader';
import { describeAdapter } from '../../src/trainer/backend/webgpuAdapter';
import { asWebgpuPackage, installWebgpuGlobals } from '../../src/trainer/backend/webgpuGlobals';

export type WebgpuProbe = { available: true; label: string; hardware: boolean } | { available: false; reason: string };

let probed: Promise<WebgpuProbe> | undefined;

export function probeWebgpu(): Promise<WebgpuProbe> {
  probed ??= probe();
  return probed;
}

async function probe(): Promise<WebgpuProbe> {
  let webgpu: ReturnType<typeof asWebgpuPackage>;
  try {
    webgpu = asWebgpuPackage(await createModuleLoader()('webgpu'));
  } catch (error) {
    return { available: false, reason: `the webgpu package does not load: ${errorSummary(error)}` };
  }
  if (webgpu === undefined) return { available: false, reason: 'the webgpu package exports no create()/globals' };
  const installed = installWebgpuGlobals(webgpu);
  try {
    const gpu = installed.gpu as { requestAdapter: () => Promise<object | null> };
    const adapter = await gpu.requestAdapter();
    if (adapter === null)
      return {
        available: false,
        reason:
          'Dawn found no WebGPU adapter (no libvulkan.so.1 or no Vulkan driver, e.g. mesa-vulkan-drivers 25 from bookworm-backports)',
      };
    return { available: true, ...(await describeAdapter(adapter)) };
  } catch (error) {
    return { available: false, reason: `requesting a WebGPU adapter failed: ${errorSummary(error)}` };
  } finally {
    installed.uninstall();
  }
}
