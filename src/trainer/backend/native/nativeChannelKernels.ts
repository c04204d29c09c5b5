// The per-channel kernels (native/src/channels.cc) on the wasm backend. `Sum` where it reduces
// every axis but the last of a float32 tensor (a bias's gradient: the seed CNN's convolutions and
// every dense layer), by the addon's one-pass channel sum; every other reduction goes to the kernel
// it replaced. tfjs-backend-wasm transposes the reduced axes last first (a copy of the whole
// tensor): 3 ms of a seed-cnn step for its first layer's bias. And the channel-affine kernel of
// batch normalisation with fixed statistics (models/channelAffineKernels.ts).
import { Sum } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { CHANNEL_AFFINE } from '../../models/channelAffineKernels';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

interface SumAttrs {
  axis?: number | number[];
  keepDims?: boolean;
}

/** The reduced axes, each in [0, rank), sorted; null where they are not all but the last. */
function leadingAxes(rank: number, axis: number | number[] | undefined): number[] | null {
  if (axis === undefined) return null;
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  const leading = axes.length === rank - 1 && rank >= 2 && axes.every((a, index) => a === index);
  return leading ? axes : null;
}

export const NATIVE_SUM_KERNEL_NAMES: readonly string[] = [Sum];

function sumKernel(addon: NativeAddon, builtIn: KernelConfig | undefined): KernelFunc {
  return (args) => {
    const x = args.inputs['x'] as TensorInfo | undefined;
    const attrs = args.attrs as SumAttrs | undefined;
    if (x === undefined || x.dtype !== 'float32' || leadingAxes(x.shape.length, attrs?.axis) === null) {
      if (builtIn === undefined)
        throw new Error(`${Sum} (MedTransfer native kernel): only bias sums, and no wasm kernel.`);
      return builtIn.kernelFunc(args);
    }
    const channels = x.shape[x.shape.length - 1] ?? 1;
    const rows = x.shape.slice(0, -1).reduce((product, extent) => product * extent, 1);
    const wasm = wasmHeapBackend(Sum, args.backend);
    const shape = attrs?.keepDims === true ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
    const out = wasm.makeOutput(shape, 'float32');
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.channelSum(rows, channels, view(x), view(out));
    return out;
  };
}

/** Sum on wasm: the addon's channel sum for bias gradients, `builtIn` for the rest. */
export function nativeSumKernelConfig(
  kernelName: string,
  addon: NativeAddon,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  if (kernelName !== Sum) throw new Error(`${kernelName}: no MedTransfer native kernel.`);
  return { kernelName, backendName: 'wasm', kernelFunc: sumKernel(addon, builtIn) };
}

function affineKernel(addon: NativeAddon): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, scale, offset } = inputs as { x?: TensorInfo; scale?: TensorInfo; offset?: TensorInfo };
    const channels = x?.shape[x.shape.length - 1] ?? 0;
    const perChannel = (info: TensorInfo | undefined) =>
      info !== undefined && info.dtype === 'float32' && info.shape.length === 1 && info.shape[0] === channels;
    if (x === undefined || x.dtype !== 'float32' || x.shape.length < 2 || !perChannel(scale) || !perChannel(offset))
      throw new Error(
        `${CHANNEL_AFFINE} (MedTransfer native kernel): needs float32 x and one scale and offset a channel.`,
      );
    const wasm = wasmHeapBackend(CHANNEL_AFFINE, backend);
    const y = wasm.makeOutput([...x.shape], 'float32');
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    const rows = x.shape.slice(0, -1).reduce((product, extent) => product * extent, 1);
    addon.channelAffine(rows, channels, view(x), view(scale as TensorInfo), view(offset as TensorInfo), view(y));
    return y;
  };
}

/** Batch normalisation with fixed statistics, one pass (models/channelAffineKernels.ts). */
export function nativeChannelAffineKernelConfig(addon: NativeAddon): KernelConfig {
  return { kernelName: CHANNEL_AFFINE, backendName: 'wasm', kernelFunc: affineKernel(addon) };
}
