// Shared by the native kernel tests: the wasm backend with MedTransfer's native (oneDNN) kernels
// in place, when the addon is built here (skipped, or failed under MEDTRANSFER_REQUIRE_ALL_TESTS=1,
// where it is not).
import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon } from '../../src/trainer/backend/native/nativeAddon';
import type { NativeAddon } from '../../src/trainer/backend/native/nativeAddon';
import { registerNativeKernels, unregisterNativeKernels } from '../../src/trainer/backend/native/registerNativeKernels';
import { useWasm } from './wasmTestSetup';

/** The addon, or why it is not here (for skipIfMissing). */
export function nativeAddonOrReason(): { addon: NativeAddon } | { reason: string } {
  const load = loadNativeAddon({ env: {} });
  return load.ok ? { addon: load.addon } : { reason: `native kernels: ${load.note}` };
}

/** Wasm as the current backend, with the native kernels registered (or not: `native` false). */
export async function useNativeKernels(addon: NativeAddon, native = true): Promise<void> {
  await useWasm();
  if (native) registerNativeKernels(addon);
  else unregisterNativeKernels();
  await tf.setBackend('wasm');
}
