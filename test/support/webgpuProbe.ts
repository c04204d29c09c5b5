// Whether this machine has a WebGPU adapter for the `webgpu` package (Dawn), asked the way the
// trainer's `auto` asks (in a child process, so Dawn's warnings stay out of the test output), so
// tests that need one can skip with the reason when it has none: the package not installed, no
// libvulkan.so.1, no Vulkan driver (see README "Backends" for lavapipe).
import { probeWebgpuInChild } from '../../src/trainer/backend/webgpuProbe';

export type WebgpuProbe = { available: true; label: string; hardware: boolean } | { available: false; reason: string };

let probed: Promise<WebgpuProbe> | undefined;

export function probeWebgpu(): Promise<WebgpuProbe> {
  probed ??= probeWebgpuInChild({ searchPaths: [] }).then((search) =>
    search.found
      ? { available: true, label: search.label, hardware: search.hardware }
      : { available: false, reason: search.note },
  );
  return probed;
}

/** Whether the `webgpu` package is installed here (an optional dependency), so Dawn can be asked at all. */
export function hasWebgpuPackage(): boolean {
  try {
    require.resolve('webgpu');
    return true;
  } catch {
    return false;
  }
}
