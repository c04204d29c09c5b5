// Adds the kernels that training needs and tfjs-backend-wasm 4.22 lacks (found by running
// tf.grads of every layer type we train on wasm: Conv2DBackpropFilter,
// DepthwiseConv2dNativeBackpropFilter/Input, UnsortedSegmentSum), and swaps built-in kernels
// that made backpropagation slow (Conv2DBackpropInput, MaxPoolGrad, BatchMatMul with transposed
// operands, Tile, Slice above rank 4, Identity's copy, DepthToSpace, Minimum/Maximum/comparisons)
// for faster ones.
import '@tensorflow/tfjs-backend-wasm';
import {
  BatchMatMul,
  Conv2DBackpropInput,
  DepthToSpace,
  Identity,
  MaxPoolGrad,
  Slice,
  Tile,
  getKernel,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batchMatMul';
import { COMPARE_KERNEL_NAMES, compareConfig } from './compareOps';
import { conv2DBackpropFilterConfig } from './conv2DBackpropFilter';
import { conv2DBackpropInputConfig } from './conv2DBackpropInput';
import { depthToSpaceConfig } from './depthToSpace';
import { depthwiseConv2dNativeBackpropFilterConfig } from './depthwiseConv2dNativeBackpropFilter';
import { depthwiseConv2dNativeBackpropInputConfig } from './depthwiseConv2dNativeBackpropInput';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './maxPoolGrad';
import { sliceConfig } from './slice';
import { tileConfig } from './tile';
import { unsortedSegmentSumConfig } from './unsortedSegmentSum';

const BACKEND = 'wasm';

/** Kernels wasm does not have: added only where still missing, so a native one always wins. */
const MISSING_KERNELS: readonly KernelConfig[] = [
  conv2DBackpropFilterConfig,
  depthwiseConv2dNativeBackpropFilterConfig,
  depthwiseConv2dNativeBackpropInputConfig,
  unsortedSegmentSumConfig,
];

/** Built-in kernels we replace; each replacement keeps the built-in for what it does not cover. */
const REPLACEMENTS: ReadonlyArray<{ kernelName: string; make: (builtIn: KernelConfig | undefined) => KernelConfig }> = [
  { kernelName: Conv2DBackpropInput, make: conv2DBackpropInputConfig },
  { kernelName: MaxPoolGrad, make: maxPoolGradConfig },
  { kernelName: BatchMatMul, make: batchMatMulConfig },
  { kernelName: Tile, make: tileConfig },
  { kernelName: Slice, make: sliceConfig },
  { kernelName: Identity, make: identityConfig },
  { kernelName: DepthToSpace, make: depthToSpaceConfig },
  ...COMPARE_KERNEL_NAMES.map((kernelName) => ({ kernelName, make: compareConfig(kernelName) })),
];

/** Our replacement kernel functions, to recognise them on a second call. */
const ours = new WeakSet<KernelFunc>();

export interface WasmGradientKernelsOptions {
  /** Replace wasm's slow built-ins listed in REPLACEMENTS (default true). */
  replaceSlowBuiltIns?: boolean;
}

export interface RegisteredWasmKernels {
  /** Kernels this call added. */
  added: string[];
  /** Built-in kernels this call replaced. */
  replaced: string[];
}

/**
 * Registers the wasm gradient kernels. Idempotent: a second call (or a kernel that the installed
 * tfjs-backend-wasm already has) changes nothing and reports nothing. Works before or after
 * tf.setBackend('wasm'): the registry is read each time a kernel runs.
 */
export function registerWasmGradientKernels(options: WasmGradientKernelsOptions = {}): RegisteredWasmKernels {
  const result: RegisteredWasmKernels = { added: [], replaced: [] };
  for (const config of MISSING_KERNELS) {
    if (findWasmKernel(config.kernelName) !== undefined) continue;
    registerKernel(config);
    result.added.push(config.kernelName);
  }
  if (options.replaceSlowBuiltIns ?? true) {
    for (const { kernelName, make } of REPLACEMENTS) {
      const builtIn = findWasmKernel(kernelName);
      if (builtIn !== undefined && ours.has(builtIn.kernelFunc)) continue;
      const replacement = make(builtIn);
      ours.add(replacement.kernelFunc);
      // Unregister first: registering over a kernel logs a warning.
      if (builtIn !== undefined) unregisterKernel(kernelName, BACKEND);
      registerKernel(replacement);
      (builtIn === undefined ? result.added : result.replaced).push(kernelName);
    }
  }
  return result;
}

/** The kernel registered for wasm, if any (getKernel's type hides that it may be undefined). */
export function findWasmKernel(kernelName: string): KernelConfig | undefined {
  const config: KernelConfig | undefined = getKernel(kernelName, BACKEND);
  return config;
}
