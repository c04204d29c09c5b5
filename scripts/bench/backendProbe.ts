// Would `auto` use this backend here? The bench times, by default, only the backends that auto
// would pick (the trainer's own activators, asked as auto asks them): WebGPU on a software
// adapter (Mesa's lavapipe) starts when named, but is a CPU rasteriser, far slower than wasm,
// and has crashed on mobilenet-small; it is timed only when --backends names it.
import { ready, setBackend } from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src/shared/run/events';
import type { ActivatorTable, BackendAttempt } from '../../src/trainer/backend/backendAttempt';
import { cpuActivator } from '../../src/trainer/backend/cpuBackend';
import { createModuleLoader, errorSummary } from '../../src/trainer/backend/moduleLoader';
import { loadNativeAddon } from '../../src/trainer/backend/native/nativeAddon';
import { nativeActivator } from '../../src/trainer/backend/native/nativeBackend';
import { tfjsNodeActivator } from '../../src/trainer/backend/tfjsNodeBackend';
import { wasmActivator } from '../../src/trainer/backend/wasmBackend';
import { webgpuActivator } from '../../src/trainer/backend/webgpuBackend';

/** selectBackend's table (not exported there). */
const ACTIVATORS: ActivatorTable = {
  'tensorflow-gpu': tfjsNodeActivator('tensorflow-gpu'),
  webgpu: webgpuActivator,
  tensorflow: tfjsNodeActivator('tensorflow'),
  native: nativeActivator,
  wasm: wasmActivator,
  cpu: cpuActivator,
};

export type ProbeResult =
  | { usable: true; notes: string[] }
  | { usable: false; reason: Exclude<BackendAttempt, { ok: true }>['reason']; note: string };

export async function probeBackend(name: BackendName): Promise<ProbeResult> {
  let attempt: BackendAttempt;
  try {
    attempt = await ACTIVATORS[name]({
      loadModule: createModuleLoader({ searchPaths: [] }),
      engine: { setBackend, ready },
      loadNativeAddon: () => loadNativeAddon(),
      log: () => undefined,
      explicit: false,
    });
  } catch (error) {
    attempt = { ok: false, reason: 'failed', note: `failed: ${errorSummary(error)}` };
  }
  if (attempt.ok) {
    attempt.release?.();
    return { usable: true, notes: attempt.notes };
  }
  return { usable: false, reason: attempt.reason, note: attempt.note };
}
