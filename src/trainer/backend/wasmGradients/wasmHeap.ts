// The two BackendWasm methods a kernel needs to work on tensor data in place on the wasm heap
// (the pattern of tfjs-backend-wasm's own kernels): allocate an output, and view a tensor's bytes.
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type WasmHeapBackend = Pick<BackendWasm, 'makeOutput' | 'typedArrayFromHeap'>;

export function wasmHeapBackend(kernelName: string, backend: unknown): WasmHeapBackend {
  if (
    typeof backend === 'object' &&
    backend !== null &&
    'makeOutput' in backend &&
    typeof backend.makeOutput === 'function' &&
    'typedArrayFromHeap' in backend &&
    typeof backend.typedArrayFromHeap === 'function'
  ) {
    return backend as WasmHeapBackend;
  }
  throw new Error(`${kernelName} (MedTransfer wasm kernel): needs the wasm backend.`);
}
