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

/** How often a kernel pair of the addon was called (through countingAddon). */
export interface KernelCalls {
  forward: number;
  backward: number;
}

/** `addon` with its `forward` and `backward` functions counted into `calls`, to show the kernels ran. */
export function countingAddon(
  addon: NativeAddon,
  names: { forward: keyof NativeAddon; backward: keyof NativeAddon },
  calls: KernelCalls,
): NativeAddon {
  const counted = (name: keyof NativeAddon, key: keyof KernelCalls) => {
    const original = addon[name] as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      calls[key]++;
      return original.apply(addon, args);
    };
  };
  return {
    ...addon,
    [names.forward]: counted(names.forward, 'forward'),
    [names.backward]: counted(names.backward, 'backward'),
  };
}
