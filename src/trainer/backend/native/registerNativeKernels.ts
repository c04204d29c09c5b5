// Puts the native kernels (convolutions, pooling, bias gradients' sums) in place of the wasm backend's (or MedTransfer's
// wasm gradient kernels), adds the batch normalisation and clipped-ReLU kernels wasm has no
// counterpart of, and takes them out again, so that `backend: wasm` in the same process is plain
// wasm. Call after registerWasmGradientKernels: those become the fallback of ours.
import { registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { findWasmKernel } from '../wasmGradients/registerWasmGradientKernels';
import { registerBatchNormGradient } from '../../models/batchNormKernels';
import { CHANNEL_AFFINE, registerChannelAffineGradient } from '../../models/channelAffineKernels';
import { registerClippedReluGradient } from '../../models/clippedReluKernels';
import { NATIVE_ACTIVATION_KERNEL_NAMES, nativeActivationKernelConfig } from './nativeActivationKernels';
import type { NativeAddon } from './nativeAddon';
import { NATIVE_BATCH_NORM_KERNEL_NAMES, nativeBatchNormKernelConfig } from './nativeBatchNormKernels';
import { registerBatchNormReluGradient } from '../../models/batchNormReluKernels';
import { NATIVE_BATCH_NORM_RELU_KERNEL_NAMES, nativeBatchNormReluKernelConfig } from './nativeBatchNormReluKernels';
import { NATIVE_CONV_KERNEL_NAMES, nativeConvKernelConfig } from './nativeConvKernels';
import { NATIVE_COPY_KERNEL_NAMES, nativeCopyKernelConfig } from './nativeCopyKernels';
import {
  NATIVE_SUM_KERNEL_NAMES,
  nativeChannelAffineKernelConfig,
  nativeSumKernelConfig,
} from './nativeChannelKernels';
import { NATIVE_POOL_KERNEL_NAMES, nativePoolKernelConfig } from './nativePoolKernels';
import { NATIVE_OPTIMIZER_KERNEL_NAMES, nativeOptimizerKernelConfig } from './nativeOptimizerKernels';
import { NATIVE_FINITE_KERNEL_NAMES, nativeFiniteKernelConfig } from './nativeFiniteKernels';

/** The kernels ours replaced (undefined: there was none), while ours are in place. */
let replaced: Map<string, KernelConfig | undefined> | undefined;

/** Registers the native kernels (once; a second call changes nothing) and returns their names. */
export function registerNativeKernels(addon: NativeAddon): string[] {
  if (replaced !== undefined) return [...replaced.keys()];
  const previous = new Map<string, KernelConfig | undefined>();
  const replacing = [
    ...NATIVE_CONV_KERNEL_NAMES.map((kernelName) => ({ kernelName, config: nativeConvKernelConfig })),
    ...NATIVE_POOL_KERNEL_NAMES.map((kernelName) => ({ kernelName, config: nativePoolKernelConfig })),
    ...NATIVE_SUM_KERNEL_NAMES.map((kernelName) => ({ kernelName, config: nativeSumKernelConfig })),
    ...NATIVE_COPY_KERNEL_NAMES.map((kernelName) => ({ kernelName, config: nativeCopyKernelConfig })),
  ];
  for (const { kernelName, config } of replacing) {
    const builtIn = findWasmKernel(kernelName);
    previous.set(kernelName, builtIn);
    // Unregister first: registering over a kernel logs a warning.
    if (builtIn !== undefined) unregisterKernel(kernelName, 'wasm');
    registerKernel(config(kernelName, addon, builtIn));
  }
  // Kernels of our own (models/batchNormKernels.ts, clippedReluKernels.ts): nothing to replace, and gone again on unregister.
  registerBatchNormGradient();
  registerClippedReluGradient();
  registerChannelAffineGradient();
  previous.set(CHANNEL_AFFINE, undefined);
  registerKernel(nativeChannelAffineKernelConfig(addon));
  for (const kernelName of NATIVE_BATCH_NORM_KERNEL_NAMES) {
    previous.set(kernelName, undefined);
    registerKernel(nativeBatchNormKernelConfig(kernelName, addon));
  }
  for (const kernelName of NATIVE_ACTIVATION_KERNEL_NAMES) {
    previous.set(kernelName, undefined);
    registerKernel(nativeActivationKernelConfig(kernelName, addon));
  }
  // Batch normalisation with its ReLU (models/batchNormReluChains.ts): kernels of our own too.
  registerBatchNormReluGradient();
  for (const kernelName of NATIVE_BATCH_NORM_RELU_KERNEL_NAMES) {
    previous.set(kernelName, undefined);
    registerKernel(nativeBatchNormReluKernelConfig(kernelName, addon));
  }
  // Optimizer steps (training/fusedAdam.ts): kernels of our own too.
  for (const kernelName of NATIVE_OPTIMIZER_KERNEL_NAMES) {
    previous.set(kernelName, undefined);
    registerKernel(nativeOptimizerKernelConfig(kernelName, addon));
  }
  // The gradients' finiteness check (training/finiteWeights.ts): a kernel of our own.
  for (const kernelName of NATIVE_FINITE_KERNEL_NAMES) {
    previous.set(kernelName, undefined);
    registerKernel(nativeFiniteKernelConfig(kernelName, addon));
  }
  replaced = previous;
  return [...previous.keys()];
}

/** Puts back what registerNativeKernels replaced; nothing when ours are not in place. */
export function unregisterNativeKernels(): void {
  if (replaced === undefined) return;
  for (const [kernelName, builtIn] of replaced) {
    unregisterKernel(kernelName, 'wasm');
    if (builtIn !== undefined) registerKernel(builtIn);
  }
  replaced = undefined;
}

/**
 * The wasm kernel ours replaced under `kernelName` while ours are in place (to time a step without
 * ours: scripts/bench/profileModel.ts --ab); undefined where ours added a kernel or are not in place.
 */
export function replacedWasmKernel(kernelName: string): KernelConfig | undefined {
  return replaced?.get(kernelName);
}

export function nativeKernelsRegistered(): boolean {
  return replaced !== undefined;
}
