// Identity without a copy for the wasm backend. tfjs-backend-wasm 4.22 copies the tensor's bytes;
// tfjs-layers and tfjs-core's gradients call it often (34 times a resnet-small training step,
// 4.5 ms on full-size activations) though tensors are immutable. As tfjs's cpu backend does, this
// one shares the data and takes a reference on it, the way wasm's own Reshape does.
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { kernelBackend } from './kernelTensors';

export function makeIdentityWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const x = params.inputs['x'];
    if (x === undefined) throw new Error(`${Identity} (MedTransfer wasm kernel): needs x.`);
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(`${Identity} (MedTransfer wasm kernel): unsupported ${x.dtype} input.`);
    }
    kernelBackend(Identity, params.backend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } satisfies TensorInfo;
  };
}

export function identityConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return { kernelName: Identity, backendName: 'wasm', kernelFunc: makeIdentityWasm(builtIn) };
}
