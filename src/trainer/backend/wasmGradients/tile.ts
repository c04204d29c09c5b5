// A faster Tile for the wasm backend. tfjs-core's batch-norm gradient tiles 1/√(variance+ε) to
// the full activation shape (gradients/FusedBatchNorm_grad.ts), and tfjs-backend-wasm 4.22's Tile
// computes an index per element: 44 ms for a [64, 16, 16, 64] output, 25× a plain copy, which
// made Tile half of a MobileNet training step (scripts/bench-kernels.ts --model mobilenet). Here
// the input is copied once and the copies are doubled up with copyWithin (memmove), so a tile
// costs about one pass over its output.
import { Tile } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo, TileAttrs } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from './wasmHeap';

type NumericArray = Float32Array | Int32Array | Uint8Array;

export function makeTileWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const { reps } = attrs as unknown as TileAttrs;
    const x = inputs['x'];
    if (x === undefined) throw new Error(`${Tile} (MedTransfer wasm kernel): needs x.`);
    if (!(x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool') || reps.length !== x.shape.length) {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(`${Tile} (MedTransfer wasm kernel): unsupported ${x.dtype} input or reps.`);
    }
    const heap = wasmHeapBackend(Tile, backend);
    const outShape = x.shape.map((size, axis) => size * (reps[axis] ?? 1));
    const out = heap.makeOutput(outShape, x.dtype);
    // Views after makeOutput: allocating may grow the heap, which detaches older views.
    tileInto(heap.typedArrayFromHeap(x) as NumericArray, x.shape, reps, heap.typedArrayFromHeap(out) as NumericArray);
    return out satisfies TensorInfo;
  };
}

/** Writes `src` (row-major, `shape`) tiled `reps` times along each axis into `dst`. */
export function tileInto<T extends NumericArray>(
  src: T,
  shape: readonly number[],
  reps: readonly number[],
  dst: T,
): void {
  const rank = shape.length;
  if (dst.length === 0) return;
  if (rank === 0) {
    dst[0] = src[0] as number;
    return;
  }
  const srcStrides = new Array<number>(rank).fill(1);
  const dstStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) {
    srcStrides[axis] = (srcStrides[axis + 1] as number) * (shape[axis + 1] as number);
    dstStrides[axis] = (dstStrides[axis + 1] as number) * (shape[axis + 1] as number) * (reps[axis + 1] as number);
  }
  const fill = (axis: number, srcOffset: number, dstOffset: number): void => {
    const size = shape[axis] as number;
    const times = reps[axis] as number;
    if (axis === rank - 1) {
      if (size === 1) {
        dst.fill(src[srcOffset] as number, dstOffset, dstOffset + times);
      } else {
        const row = src.subarray(srcOffset, srcOffset + size);
        for (let r = 0; r < times; r++) dst.set(row, dstOffset + r * size);
      }
      return;
    }
    for (let i = 0; i < size; i++)
      fill(axis + 1, srcOffset + i * (srcStrides[axis] as number), dstOffset + i * (dstStrides[axis] as number));
    // The first copy of this axis's block is written: double it up to `times` copies.
    const block = size * (dstStrides[axis] as number);
    for (let copied = 1; copied < times;) {
      const now = Math.min(copied, times - copied);
      dst.copyWithin(dstOffset + copied * block, dstOffset, dstOffset + now * block);
      copied += now;
    }
  };
  fill(0, 0, 0);
}

/** Replaces the built-in config, keeping its setupFunc for the fallback. */
export function tileConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: Tile,
    backendName: 'wasm',
    kernelFunc: makeTileWasm(builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
