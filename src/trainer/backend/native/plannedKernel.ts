// What every native kernel that replaces one of wasm's does: plan the addon call from the kernel's
// inputs and attributes (undefined: a case the addon does not cover, which goes to the kernel it
// replaced), make the output on the wasm heap, and run the addon on views of the heap made after
// that (a growing wasm heap replaces the buffer that older views see).
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';

export interface PlannedCall {
  outShape: number[];
  run: (view: (info: TensorInfo) => Float32Array, out: TensorInfo) => void;
}

export type CallPlanner = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => PlannedCall | undefined;

/** Our config for `kernelName`, keeping the replaced kernel's setup (it binds what the fallback calls). */
export function plannedKernelConfig(
  kernelName: string,
  plan: CallPlanner,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  const kernelFunc: KernelFunc = (params) => {
    const planned = plan(params.inputs, params.attrs ?? {});
    if (planned === undefined) {
      if (builtIn === undefined)
        throw new Error(
          `${kernelName} (MedTransfer native kernel): this case is not supported and wasm has no kernel.`,
        );
      return builtIn.kernelFunc(params);
    }
    const wasm = wasmHeapBackend(kernelName, params.backend);
    const out = wasm.makeOutput(planned.outShape, 'float32');
    planned.run((info) => wasm.typedArrayFromHeap(info) as Float32Array, out);
    return out;
  };
  return replacingConfig(kernelName, kernelFunc, builtIn);
}

/**
 * A wasm kernel config of ours in place of `builtIn`, whose setup and dispose stay: wasm's kernels
 * bind their C++ function in setup, and the built-in is our fallback.
 */
export function replacingConfig(
  kernelName: string,
  kernelFunc: KernelFunc,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc,
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
