// A faster Slice for the wasm backend. tfjs-backend-wasm 4.22 copies rows for slices up to
// rank 4 but sends higher ranks through the cpu backend's element-by-element loop: 115 ms a step
// for the rank-6 stride pick of resnet-small's strided 1×1 shortcut gradient (windows.ts), against
// about 1 ms here. This one merges whole axes first (sliceCollapse.ts), then copies runs of the
// innermost axis straight on the wasm heap, whatever the rank. Strings go to the built-in kernel.
import { Slice, slice_util, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, SliceAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { collapseSlice } from './sliceCollapse';
import type { SliceSpec } from './sliceCollapse';
import { wasmHeapBackend } from './wasmHeap';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/** Runs shorter than this are copied by a loop: set(subarray()) costs more than it saves. */
const SHORT_RUN = 64;

export function makeSliceWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const x = inputs['x'];
    if (x === undefined) throw new Error(`${Slice} (MedTransfer wasm kernel): needs x.`);
    if (x.dtype === 'string' || x.dtype === 'complex64') {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(`${Slice} (MedTransfer wasm kernel): unsupported ${x.dtype} input.`);
    }
    const { begin, size } = attrs as unknown as SliceAttrs;
    const [fullBegin, fullSize] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]];
    const heap = wasmHeapBackend(Slice, backend);
    const out = heap.makeOutput(fullSize, x.dtype);
    if (util.sizeFromShape(fullSize) === 0) return out;
    // Views after makeOutput: allocating may grow the heap, which detaches older views.
    copySlice(
      heap.typedArrayFromHeap(x) as NumericArray,
      heap.typedArrayFromHeap(out) as NumericArray,
      collapseSlice({ shape: [...x.shape], begin: fullBegin, size: fullSize }),
    );
    return out satisfies TensorInfo;
  };
}

/** Copies the slice `spec` of `source` (row-major, spec.shape) into `target`, densely. */
export function copySlice<T extends NumericArray>(source: T, target: T, spec: SliceSpec): void {
  const { shape, begin, size } = spec;
  const rank = shape.length;
  if (rank === 0) {
    target[0] = source[0] as number;
    return;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--)
    strides[axis] = (strides[axis + 1] as number) * (shape[axis + 1] as number);
  const run = size[rank - 1] as number;
  const runs = target.length / run;
  let offset = 0;
  for (let axis = 0; axis < rank; axis++) offset += (begin[axis] as number) * (strides[axis] as number);
  // An odometer over the outer axes: index[axis] counts within size[axis].
  const index = new Array<number>(rank).fill(0);
  for (let r = 0, written = 0; r < runs; r++, written += run) {
    if (run >= SHORT_RUN) {
      target.set(source.subarray(offset, offset + run), written);
    } else {
      for (let i = 0; i < run; i++) target[written + i] = source[offset + i] as number;
    }
    for (let axis = rank - 2; axis >= 0; axis--) {
      offset += strides[axis] as number;
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (size[axis] as number)) break;
      offset -= (size[axis] as number) * (strides[axis] as number);
      index[axis] = 0;
    }
  }
}

/** Replaces the built-in config, keeping its setupFunc for the fallback. */
export function sliceConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Slice,
    backendName: 'wasm',
    kernelFunc: makeSliceWasm(builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
