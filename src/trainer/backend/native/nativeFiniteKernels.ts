// MedTransferFiniteFlags (training/finiteWeights.ts) on the wasm backend: the addon reads every
// input once on the wasm heap (native/src/finite.cc), on both threads above its size threshold.
import { util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { FINITE_FLAGS } from '../../training/finiteWeights';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_FINITE_KERNEL_NAMES: readonly string[] = [FINITE_FLAGS];

function finiteFlags(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend }) => {
    // Named '0', '1', …: integer keys come back in ascending order.
    const all = Object.values(inputs);
    if (!all.every((info): info is TensorInfo => info !== undefined && info.dtype === 'float32'))
      throw new Error(`${FINITE_FLAGS} (MedTransfer native kernel): float32 inputs only.`);
    const wasm = wasmHeapBackend(FINITE_FLAGS, backend);
    const flags = wasm.makeOutput([all.length], 'float32');
    // Views only once the output is made: making it may grow the heap and detach earlier views.
    const lengths = Int32Array.from(all, (info) => util.sizeFromShape(info.shape));
    const views = all.map((info, index) =>
      lengths[index] === 0 ? new Float32Array(0) : (wasm.typedArrayFromHeap(info) as Float32Array),
    );
    addon.finiteFlags(lengths, views, wasm.typedArrayFromHeap(flags) as Float32Array);
    return flags;
  };
}

export function nativeFiniteKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === FINITE_FLAGS) return { kernelName, backendName: 'wasm', kernelFunc: finiteFlags(addon) };
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
