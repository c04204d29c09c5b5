// Makes WebGPU visible to @tensorflow/tfjs-backend-webgpu in Node. The backend looks for
// navigator.gpu (when it is loaded and again when it starts) and uses the WebGPU constants
// (GPUBufferUsage, …) as globals, which the `webgpu` package (Dawn) exports as `globals`:
// https://github.com/dawn-gpu/node-webgpu#usage. Everything installed can be undone: a GPU that
// `auto` passes over leaves no trace for code that sniffs navigator.gpu, and a global reference
// to Dawn's GPU object keeps Node from exiting until it is dropped
// (https://issues.chromium.org/issues/387965810, from the package's README).
import { installDawnEventPump } from './dawnEventPump';
import type { DawnEventPump } from './dawnEventPump';

export interface WebgpuPackage {
  create: (options: string[]) => unknown;
  globals: Record<string, unknown>;
}

export function asWebgpuPackage(loaded: unknown): WebgpuPackage | undefined {
  if (typeof loaded !== 'object' || loaded === null) return undefined;
  const { create, globals } = loaded as { create?: unknown; globals?: unknown };
  if (typeof create !== 'function' || typeof globals !== 'object' || globals === null) return undefined;
  return { create: create as WebgpuPackage['create'], globals: globals as Record<string, unknown> };
}

export interface InstalledGpu {
  gpu: unknown;
  /** Runs Dawn's pending event processing now, for synchronous reads (webgpuReadSync.ts). */
  events: DawnEventPump;
  uninstall: () => void;
}

export function installWebgpuGlobals(webgpu: WebgpuPackage): InstalledGpu {
  const global = globalThis as Record<string, unknown>;
  const added = Object.keys(webgpu.globals).filter((key) => !(key in global));
  for (const key of added) global[key] = webgpu.globals[key];
  // Before create(): Dawn schedules its first tick with the first asynchronous call.
  const events = installDawnEventPump();
  let gpu: unknown;
  try {
    gpu = webgpu.create([]);
  } catch (error) {
    events.uninstall();
    for (const key of added) delete global[key];
    throw error;
  }
  // Node 21+ has a navigator of its own; from Node 20 down there is none.
  const existing: unknown = global['navigator'];
  let uninstallNavigator: () => void;
  if (typeof existing === 'object' && existing !== null && Object.isExtensible(existing)) {
    Object.defineProperty(existing, 'gpu', { value: gpu, configurable: true, writable: true });
    uninstallNavigator = () => {
      delete (existing as { gpu?: unknown }).gpu;
    };
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    uninstallNavigator = () => {
      if (existing === undefined) delete global['navigator'];
      else Object.defineProperty(globalThis, 'navigator', { value: existing, configurable: true, writable: true });
    };
  }
  return {
    gpu,
    events,
    uninstall: () => {
      uninstallNavigator();
      events.uninstall();
      for (const key of added) delete global[key];
    },
  };
}
