// PadV2, Slice, Concat and SplitV on the wasm backend by the addon's copies (native/src/copy.cc): one
// memcpy a contiguous run. The torchvision architectures pad before every 'valid' convolution and
// pool (models/architectures/torchLayers.ts says why), so every step pads forward and slices
// backward; DenseNet concatenates channels in every layer and splits them again in the gradient
// (SplitV: 11% of a densenet121 step on wasm). Wasm pads on one thread and slices, concatenates and
// splits row by row in JavaScript: resnet18 at 128 px spent ~18 ms a step in PadV2 and ~10 ms in
// Slice. Float32 only; the cases tfjs answers without a copy (an empty input, one non-empty input
// to concatenate) and any we do not handle go to the kernel replaced.
import { Concat, PadV2, Slice, SplitV, backend_util, slice_util, util } from '@tensorflow/tfjs-core';
import type {
  ConcatAttrs,
  KernelConfig,
  KernelFunc,
  PadV2Attrs,
  SliceAttrs,
  SplitVAttrs,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';
import { replacingConfig } from './plannedKernel';

export const NATIVE_COPY_KERNEL_NAMES: readonly string[] = [PadV2, Slice, Concat, SplitV];

/** The addon's copies take up to this many axes (native/src/addon.cc). */
const MAX_RANK = 8;

function copiable(x: TensorInfo | undefined): x is TensorInfo {
  return x !== undefined && x.dtype === 'float32' && x.shape.length >= 1 && x.shape.length <= MAX_RANK;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

type Handled = (args: Parameters<KernelFunc>[0]) => TensorInfo | TensorInfo[] | null;

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

/** SplitV (Concat's gradient): one slice an output, along the axis. */
function splitKernel(addon: NativeAddon): Handled {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    const { numOrSizeSplits, axis: axisAttr } = (attrs ?? {}) as Partial<SplitVAttrs>;
    if (!copiable(x) || numOrSizeSplits === undefined || axisAttr === undefined) return null;
    const [axis] = util.parseAxisParam(axisAttr, x.shape);
    if (axis === undefined) return null;
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, axis);
    if (!sizes.every(isCount) || sizes.reduce((total, size) => total + size, 0) !== x.shape[axis]) return null;
    const wasm = wasmHeapBackend(SplitV, backend);
    const outputs = sizes.map((size) =>
      wasm.makeOutput(
        x.shape.map((extent, a) => (a === axis ? size : extent)),
        'float32',
      ),
    );
    // Views only once every output is made: making one may grow the heap and detach earlier views.
    const view = (info: TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
    const begin = new Int32Array(x.shape.length);
    const shape = Int32Array.from(x.shape);
    outputs.forEach((output, index) => {
      if (util.sizeFromShape(output.shape) > 0) {
        addon.slice(shape, begin, Int32Array.from(output.shape), view(x), view(output));
      }
      begin[axis] = (begin[axis] ?? 0) + (sizes[index] ?? 0);
    });
    return outputs;
  };
}

const HANDLERS: Record<string, (addon: NativeAddon) => Handled> = {
  [PadV2]: padKernel,
  [Slice]: sliceKernel,
  [Concat]: concatKernel,
  [SplitV]: splitKernel,
};

/** PadV2, Slice, Concat or SplitV on wasm: the addon's copy for float32 tensors, `builtIn` for the rest. */
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
  return replacingConfig(kernelName, kernelFunc, builtIn);
}
