// Batch normalisation in training with the ReLU after it, as two kernels on the wasm backend (the
// contract in models/batchNormReluKernels.ts) over oneDNN's fuse_norm_relu, on the wasm heap: the
// forward pass writes the ReLU's output and a bit a value of workspace where BN(x) > 0, the backward
// pass masks dy with it while it runs. Against the batch norm and ReLU kernels apart, one pass over
// the activations less each way, and the gradient keeps the workspace (1/32 of y) instead of y.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BATCH_NORM_RELU_TRAINING, BATCH_NORM_RELU_TRAINING_GRAD } from '../../models/batchNormReluKernels';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { WasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';
import { epsilonOf, geometry } from './nativeBatchNormKernels';

export const NATIVE_BATCH_NORM_RELU_KERNEL_NAMES: readonly string[] = [
  BATCH_NORM_RELU_TRAINING,
  BATCH_NORM_RELU_TRAINING_GRAD,
];

/** The workspace's bytes, in an int32 tensor (tfjs has no byte dtype) rounded up to whole words. */
function workspaceWords(bytes: number): number {
  return Math.ceil(bytes / 4);
}

function bytesOf(wasm: WasmHeapBackend, workspace: TensorInfo, bytes: number): Uint8Array {
  const words = wasm.typedArrayFromHeap(workspace) as Int32Array;
  return new Uint8Array(words.buffer, words.byteOffset, bytes);
}

function forward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, scale, offset } = inputs;
    const { rows, channels } = geometry(BATCH_NORM_RELU_TRAINING, x, [scale, offset]);
    const epsilon = epsilonOf(attrs);
    const { workspaceBytes } = addon.batchNormReluPlan(rows, channels, epsilon);
    const wasm = wasmHeapBackend(BATCH_NORM_RELU_TRAINING, backend);
    const y = wasm.makeOutput([...(x?.shape ?? [])], 'float32');
    const mean = wasm.makeOutput([channels], 'float32');
    const variance = wasm.makeOutput([channels], 'float32');
    const workspace = wasm.makeOutput([workspaceWords(workspaceBytes)], 'int32');
    // Views only after every makeOutput: a growing wasm heap replaces the buffer older views see.
    const view = (info: TensorInfo | undefined) => wasm.typedArrayFromHeap(info ?? y) as Float32Array;
    addon.batchNormReluForward(
      rows,
      channels,
      epsilon,
      view(x),
      view(scale),
      view(offset),
      view(y),
      view(mean),
      view(variance),
      bytesOf(wasm, workspace, workspaceBytes),
    );
    return [y, mean, variance, workspace];
  };
}

function backward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, x, mean, variance, scale, offset, workspace } = inputs;
    const kernel = `${BATCH_NORM_RELU_TRAINING_GRAD} (MedTransfer native kernel)`;
    const { rows, channels } = geometry(BATCH_NORM_RELU_TRAINING_GRAD, x, [mean, variance, scale, offset]);
    const epsilon = epsilonOf(attrs);
    const { workspaceBytes } = addon.batchNormReluPlan(rows, channels, epsilon);
    if (dy === undefined || dy.dtype !== 'float32' || dy.shape.join() !== x?.shape.join()) {
      throw new Error(`${kernel}: dy must be float32 shaped like x.`);
    }
    if (
      workspace === undefined ||
      workspace.dtype !== 'int32' ||
      workspace.shape.join() !== `${workspaceWords(workspaceBytes)}`
    ) {
      throw new Error(`${kernel}: the workspace is not the forward kernel's for this shape.`);
    }
    const wasm = wasmHeapBackend(BATCH_NORM_RELU_TRAINING_GRAD, backend);
    const dx = wasm.makeOutput([...dy.shape], 'float32');
    const dscale = wasm.makeOutput([channels], 'float32');
    const doffset = wasm.makeOutput([channels], 'float32');
    const view = (info: TensorInfo | undefined) => wasm.typedArrayFromHeap(info ?? dx) as Float32Array;
    addon.batchNormReluBackward(
      rows,
      channels,
      epsilon,
      view(x),
      view(mean),
      view(variance),
      view(scale),
      view(offset),
      bytesOf(wasm, workspace, workspaceBytes),
      view(dy),
      view(dx),
      view(dscale),
      view(doffset),
    );
    return [dx, dscale, doffset];
  };
}

export function nativeBatchNormReluKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === BATCH_NORM_RELU_TRAINING) return { kernelName, backendName: 'wasm', kernelFunc: forward(addon) };
  if (kernelName === BATCH_NORM_RELU_TRAINING_GRAD) {
    return { kernelName, backendName: 'wasm', kernelFunc: backward(addon) };
  }
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
