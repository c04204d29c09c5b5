// The three ways a model's kernels run here, for tests that check a model-level rewrite on each:
// cpu (tfjs's reference kernels), plain wasm, and wasm with the native (oneDNN) kernels where the
// addon is built (otherwise the reason, for skipIfMissing).
import * as tf from '@tensorflow/tfjs-core';
import { unregisterNativeKernels } from '../../src/trainer/backend/native/registerNativeKernels';
import { nativeAddonOrReason, useNativeKernels } from './nativeTestSetup';
import { useWasm } from './wasmTestSetup';

export type KernelBackend = 'cpu' | 'wasm' | 'native';

export const KERNEL_BACKENDS: readonly KernelBackend[] = ['cpu', 'wasm', 'native'];

const found = nativeAddonOrReason();

/** Why `backend` cannot run here, or false. */
export function missingKernelBackend(backend: KernelBackend): string | false {
  return backend === 'native' && 'reason' in found ? found.reason : false;
}

/** Makes `backend` the current one. */
export async function useKernelBackend(backend: KernelBackend): Promise<void> {
  if (backend === 'cpu') {
    await tf.setBackend('cpu');
    return;
  }
  await useWasm();
  if (backend === 'native' && 'addon' in found) await useNativeKernels(found.addon);
  else unregisterNativeKernels();
  await tf.setBackend('wasm');
}
