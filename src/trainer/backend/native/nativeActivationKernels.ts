// ReLU and ReLU6 (the clipped-ReLU kernels of models/clippedReluKernels.ts) on the wasm backend,
// run by the native addon's element-wise loops on all cores, on the wasm heap.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CLIPPED_RELU, CLIPPED_RELU_GRAD } from '../../models/clippedReluKernels';
import type { ClippedReluAttrs } from '../../models/clippedReluKernels';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_ACTIVATION_KERNEL_NAMES: readonly string[] = [CLIPPED_RELU, CLIPPED_RELU_GRAD];

function sizeOf(info: TensorInfo): number {
  return info.shape.reduce((product, extent) => product * extent, 1);
}

function maxOf(kernelName: string, attrs: unknown): number {
  const max = (attrs as Partial<ClippedReluAttrs> | undefined)?.max;
  if (typeof max !== 'number' || !(max > 0)) throw new Error(`${kernelName}: max must be a number above 0.`);
  return max;
}

function floatInputs(kernelName: string, infos: Array<TensorInfo | undefined>): TensorInfo[] {
  const [first] = infos;
  if (first === undefined || infos.some((info) => info === undefined || info.dtype !== 'float32')) {
    throw new Error(`${kernelName} (MedTransfer native kernel): needs float32 inputs.`);
  }
  const present = infos as TensorInfo[];
  if (present.some((info) => info.shape.join() !== first.shape.join())) {
    throw new Error(`${kernelName} (MedTransfer native kernel): the inputs' shapes differ.`);
  }
  return present;
}

function forward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [x] = floatInputs(CLIPPED_RELU, [inputs['x']]) as [TensorInfo];
    const max = maxOf(CLIPPED_RELU, attrs);
    const wasm = wasmHeapBackend(CLIPPED_RELU, backend);
    const y = wasm.makeOutput([...x.shape], 'float32');
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.clippedRelu(sizeOf(x), max, view(x), view(y));
    return y;
  };
}

function backward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [dy, y] = floatInputs(CLIPPED_RELU_GRAD, [inputs['dy'], inputs['y']]) as [TensorInfo, TensorInfo];
    const max = maxOf(CLIPPED_RELU_GRAD, attrs);
    const wasm = wasmHeapBackend(CLIPPED_RELU_GRAD, backend);
    const dx = wasm.makeOutput([...dy.shape], 'float32');
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.clippedReluGrad(sizeOf(dy), max, view(dy), view(y), view(dx));
    return dx;
  };
}

export function nativeActivationKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === CLIPPED_RELU) return { kernelName, backendName: 'wasm', kernelFunc: forward(addon) };
  if (kernelName === CLIPPED_RELU_GRAD) return { kernelName, backendName: 'wasm', kernelFunc: backward(addon) };
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
