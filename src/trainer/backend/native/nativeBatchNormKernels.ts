// Batch normalisation in training as two kernels on the wasm backend (the contract in
// models/batchNormKernels.ts) that run in the native addon (oneDNN, all cores), on the wasm heap:
// one pass forward that also returns the statistics, one pass back, where tfjs composes some 50
// element-wise and reduction kernels a layer, all on wasm's one thread.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '../../models/batchNormKernels';
import type { BatchNormAttrs } from '../../models/batchNormKernels';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_BATCH_NORM_KERNEL_NAMES: readonly string[] = [BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD];

export interface NormGeometry {
  rows: number;
  channels: number;
}

/** Rows × channels of a channels-last float tensor, checked against the per-channel inputs. */
export function geometry(kernelName: string, x: TensorInfo | undefined, perChannel: Array<TensorInfo | undefined>) {
  if (x === undefined || perChannel.some((info) => info === undefined)) {
    throw new Error(`${kernelName} (MedTransfer native kernel): an input is missing.`);
  }
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const size = x.shape.reduce((product, extent) => product * extent, 1);
  const fits = (info: TensorInfo | undefined) =>
    info !== undefined && info.dtype === 'float32' && info.shape.length === 1 && info.shape[0] === channels;
  if (x.dtype !== 'float32' || x.shape.length < 2 || size === 0 || !perChannel.every(fits)) {
    const shapes = [x, ...perChannel].map((info) => `${info?.dtype}[${info?.shape.join(',')}]`).join(', ');
    throw new Error(
      `${kernelName} (MedTransfer native kernel): needs float32 x of rank ≥ 2 and [C] vectors, got ${shapes}.`,
    );
  }
  const result: NormGeometry = { rows: size / channels, channels };
  return result;
}

export function epsilonOf(attrs: unknown): number {
  return (attrs as Partial<BatchNormAttrs> | undefined)?.epsilon ?? 1e-3;
}

function forward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { x, scale, offset } = inputs;
    const { rows, channels } = geometry(BATCH_NORM_TRAINING, x, [scale, offset]);
    const wasm = wasmHeapBackend(BATCH_NORM_TRAINING, backend);
    const y = wasm.makeOutput([...(x?.shape ?? [])], 'float32');
    const mean = wasm.makeOutput([channels], 'float32');
    const variance = wasm.makeOutput([channels], 'float32');
    // Views only after every makeOutput: a growing wasm heap replaces the buffer older views see.
    const view = (info: TensorInfo | undefined) => wasm.typedArrayFromHeap(info ?? y) as Float32Array;
    addon.batchNormForward(
      rows,
      channels,
      epsilonOf(attrs),
      view(x),
      view(scale),
      view(offset),
      view(y),
      view(mean),
      view(variance),
    );
    return [y, mean, variance];
  };
}

function backward(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, x, mean, variance, scale, offset } = inputs;
    const { rows, channels } = geometry(BATCH_NORM_TRAINING_GRAD, x, [mean, variance, scale, offset]);
    if (dy === undefined || dy.dtype !== 'float32' || dy.shape.join() !== x?.shape.join()) {
      throw new Error(`${BATCH_NORM_TRAINING_GRAD} (MedTransfer native kernel): dy must be float32 shaped like x.`);
    }
    const wasm = wasmHeapBackend(BATCH_NORM_TRAINING_GRAD, backend);
    const dx = wasm.makeOutput([...dy.shape], 'float32');
    const dscale = wasm.makeOutput([channels], 'float32');
    const doffset = wasm.makeOutput([channels], 'float32');
    const view = (info: TensorInfo | undefined) => wasm.typedArrayFromHeap(info ?? dx) as Float32Array;
    addon.batchNormBackward(
      rows,
      channels,
      epsilonOf(attrs),
      view(x),
      view(mean),
      view(variance),
      view(scale),
      view(offset),
      view(dy),
      view(dx),
      view(dscale),
      view(doffset),
    );
    return [dx, dscale, doffset];
  };
}

export function nativeBatchNormKernelConfig(kernelName: string, addon: NativeAddon): KernelConfig {
  if (kernelName === BATCH_NORM_TRAINING) return { kernelName, backendName: 'wasm', kernelFunc: forward(addon) };
  if (kernelName === BATCH_NORM_TRAINING_GRAD) return { kernelName, backendName: 'wasm', kernelFunc: backward(addon) };
  throw new Error(`${kernelName}: no MedTransfer native kernel.`);
}
