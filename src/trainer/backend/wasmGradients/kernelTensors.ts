// Lets a kernelFunc be written with ordinary tfjs ops. The engine runs a kernel with its tape
// off (kernelDepth > 0), so ops called here record no gradients, and a kernelFunc may return a
// Tensor instead of a bare TensorInfo: the engine passes anything with a `rank` through as the
// output (tfjs-core src/engine.ts, runKernelFunc). Intermediates are freed by the kernel's tf.tidy.
import { engine, Tensor } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The backend a kernelFunc receives (typed `{}` by tfjs), checked for what asTensor needs. */
export function kernelBackend(kernelName: string, backend: unknown): KernelBackend {
  if (typeof backend === 'object' && backend !== null && 'incRef' in backend && typeof backend.incRef === 'function') {
    return backend as KernelBackend;
  }
  throw new Error(`${kernelName} (MedTransfer wasm kernel): called without a tfjs backend.`);
}

/** The named input of a kernel as a Tensor that ops accept, without copying its data. */
export function inputTensor(
  kernelName: string,
  inputs: NamedTensorInfoMap,
  name: string,
  backend: KernelBackend,
): Tensor {
  const info = inputs[name];
  if (info === undefined) throw new Error(`${kernelName} (MedTransfer wasm kernel): missing input '${name}'.`);
  return asTensor(info, backend);
}

/**
 * The engine hands kernels the op's Tensors; a backend-internal caller could hand a bare
 * TensorInfo. Wrap that in a Tensor over the same data and take a reference on the data, so
 * disposing the wrapper (tf.tidy does) drops only our reference and never frees the caller's data.
 * `instanceof Tensor` is tfjs's duck-typed check, so it holds across copies of tfjs-core.
 */
export function asTensor(info: TensorInfo, backend: KernelBackend): Tensor {
  if (info instanceof Tensor) return info;
  const wrapper = engine().makeTensorFromTensorInfo(info, backend);
  backend.incRef(info.dataId);
  return wrapper;
}
