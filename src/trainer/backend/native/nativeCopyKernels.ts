// PadV2, Slice and Concat on the wasm backend by the addon's copies (native/src/copy.cc): one memcpy
// a contiguous run, on all cores above the threshold. The torchvision architectures pad before every
// 'valid' convolution and pool (models/architectures/torchLayers.ts says why), so every step pads
// forward and slices backward; DenseNet concatenates channels in every layer. Wasm pads on one thread
// and slices and concatenates row by row in JavaScript: resnet18 at 128 px spent ~18 ms a step in
// PadV2 and ~10 ms in Slice. Float32 only, and the cases tfjs answers without a copy (an empty input,
// one non-empty input to concatenate) or that we do not handle go to the kernel replaced.
import { Concat, PadV2, Slice, backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type { ConcatAttrs, KernelConfig, KernelFunc, PadV2Attrs, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';

export const NATIVE_COPY_KERNEL_NAMES: readonly string[] = [PadV2, Slice, Concat];

/** The addon's copies take up to this many axes (native/src/addon.cc). */
const MAX_RANK = 8;

function copiable(x: TensorInfo | undefined): x is TensorInfo {
  return x !== undefined && x.dtype === 'float32' && x.shape.length >= 1 && x.shape.length <= MAX_RANK;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

type Handled = (args: Parameters<KernelFunc>[0]) => TensorInfo | null;

function padKernel(addon: NativeAddon): Handled {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    const { paddings, constantValue } = (attrs ?? {}) as Partial<PadV2Attrs>;
    if (!copiable(x) || util.sizeFromShape(x.shape) === 0 || typeof constantValue !== 'number') return null;
    if (!Array.isArray(paddings) || paddings.length !== x.shape.length) return null;
    if (!paddings.every((pair) => Array.isArray(pair) && isCount(pair[0]) && isCount(pair[1]))) return null;
    const wasm = wasmHeapBackend(PadV2, backend);
    const y = wasm.makeOutput(
      x.shape.map((extent, axis) => (paddings[axis]?.[0] ?? 0) + extent + (paddings[axis]?.[1] ?? 0)),
      'float32',
    );
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.pad(
      Int32Array.from(x.shape),
      Int32Array.from(paddings, (pair) => pair[0]),
      Int32Array.from(paddings, (pair) => pair[1]),
      constantValue,
      view(x),
      view(y),
    );
    return y;
  };
}

function sliceKernel(addon: NativeAddon): Handled {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    const { begin, size } = (attrs ?? {}) as Partial<SliceAttrs>;
    if (!copiable(x) || begin === undefined) return null;
    const [from, extent] = slice_util.parseSliceParams(x, begin, size);
    if (from === undefined || extent === undefined) return null;
    const fits = (axis: number) => {
      const start = from[axis];
      const count = extent[axis];
      return isCount(start) && isCount(count) && start + count <= (x.shape[axis] ?? 0);
    };
    if (from.length !== x.shape.length || extent.length !== x.shape.length || !x.shape.every((_, axis) => fits(axis)))
      return null;
    const wasm = wasmHeapBackend(Slice, backend);
    const y = wasm.makeOutput(extent, 'float32');
    if (util.sizeFromShape(extent) === 0) return y;
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.slice(Int32Array.from(x.shape), Int32Array.from(from), Int32Array.from(extent), view(x), view(y));
    return y;
  };
}

function concatKernel(addon: NativeAddon): Handled {
  return ({ inputs, backend, attrs }) => {
    const all = Object.values(inputs);
    if (!all.every(copiable)) return null;
    const [first] = all;
    if (first === undefined) return null;
    const axisAttr = (attrs as Partial<ConcatAttrs> | undefined)?.axis;
    if (axisAttr === undefined) return null;
    const [axis] = util.parseAxisParam(axisAttr, first.shape);
    if (axis === undefined) return null;
    const shapes = all.map((info) => info.shape);
    backend_util.assertParamsConsistent(shapes, axis);
    // tfjs leaves out empty inputs, and returns a lone non-empty one itself (no copy): the kernel replaced.
    const filled = all.filter((info) => util.sizeFromShape(info.shape) > 0);
    if (filled.length < 2) return null;
    const wasm = wasmHeapBackend(Concat, backend);
    const y = wasm.makeOutput(backend_util.computeOutShape(shapes, axis), 'float32');
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    const rows = util.sizeFromShape(filled[0]?.shape.slice(0, axis) ?? []);
    const inner = Int32Array.from(filled, (info) => util.sizeFromShape(info.shape.slice(axis)));
    addon.concat(rows, inner, filled.map(view), view(y));
    return y;
  };
}

const HANDLERS: Record<string, (addon: NativeAddon) => Handled> = {
  [PadV2]: padKernel,
  [Slice]: sliceKernel,
  [Concat]: concatKernel,
};

/** PadV2, Slice or Concat on wasm: the addon's copy for float32 tensors, `builtIn` for the rest. */
export function nativeCopyKernelConfig(
  kernelName: string,
  addon: NativeAddon,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  const make = HANDLERS[kernelName];
  if (make === undefined) throw new Error(`${kernelName}: no MedTransfer native kernel.`);
  const handled = make(addon);
  const kernelFunc: KernelFunc = (args) => {
    const result = handled(args);
    if (result !== null) return result;
    if (builtIn === undefined)
      throw new Error(`${kernelName} (MedTransfer native kernel): only float32, and no wasm kernel.`);
    return builtIn.kernelFunc(args);
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}
