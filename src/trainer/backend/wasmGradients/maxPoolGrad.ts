// A faster MaxPoolGrad for the wasm backend. tfjs-backend-wasm 4.22 has one, but it takes about
// 20× the forward pooling's time (30 ms for the seed CNN's first pooling at batch 64, a third of
// a training step; scripts/bench-kernels.ts). This one runs in JavaScript directly on the wasm
// heap, channels innermost so every read is sequential. Each window's gradient goes to the first
// position, in row-major order, that holds the window's maximum (the forward output), as in
// tfjs's cpu backend (maxPoolPositions) and TensorFlow; positions in the padding never get it.
// Anything but float32 NHWC goes to the built-in kernel.
import { MaxPoolGrad, backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, MaxPoolGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from './wasmHeap';

export function makeMaxPoolGradWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    // Filled by tfjs-core's maxPoolGrad op.
    const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
    const { dy, input: x, output: y } = inputs;
    if (dy === undefined || x === undefined || y === undefined) {
      throw new Error(`${MaxPoolGrad} (MedTransfer wasm kernel): needs dy, input and output.`);
    }
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      filterSize,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    if (x.dtype !== 'float32' || info.dataFormat !== 'channelsLast') {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(`${MaxPoolGrad} (MedTransfer wasm kernel): only float32 NHWC is supported.`);
    }
    const heap = wasmHeapBackend(MaxPoolGrad, backend);
    const out = heap.makeOutput(x.shape, 'float32');
    // Views after makeOutput: allocating may grow the heap, which detaches older views.
    accumulateMaxGradients(
      {
        x: heap.typedArrayFromHeap(x) as Float32Array,
        y: heap.typedArrayFromHeap(y) as Float32Array,
        dy: heap.typedArrayFromHeap(dy) as Float32Array,
        dx: heap.typedArrayFromHeap(out) as Float32Array,
      },
      info,
    );
    return out satisfies TensorInfo;
  };
}

export interface MaxPoolGradArrays {
  /** Forward input, NHWC. */
  x: Float32Array;
  /** Forward output: each window's maximum. */
  y: Float32Array;
  dy: Float32Array;
  /** Output; zeroed here. */
  dx: Float32Array;
}

/** dx gets each dy value at the first position of its window that holds the window's maximum. */
export function accumulateMaxGradients({ x, y, dy, dx }: MaxPoolGradArrays, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  dx.fill(0);
  const firstAt = new Int32Array(channels);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const hStart = Math.max(0, oh * strideHeight - padTop);
      const hEnd = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const wStart = Math.max(0, ow * strideWidth - padLeft);
        const wEnd = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        const yBase = ((n * outHeight + oh) * outWidth + ow) * channels;
        firstAt.fill(-1);
        // Backwards, so the last match seen is the first in row-major order. Branch-free: on
        // real activations a branch here mispredicts often, which made this loop 1.7× slower.
        for (let h = hEnd - 1; h >= hStart; h--) {
          for (let w = wEnd - 1; w >= wStart; w--) {
            const base = ((n * inHeight + h) * inWidth + w) * channels;
            for (let c = 0; c < channels; c++) {
              const isMax = Number((x[base + c] as number) === (y[yBase + c] as number));
              const at = firstAt[c] as number;
              firstAt[c] = at + isMax * (base + c - at);
            }
          }
        }
        for (let c = 0; c < channels; c++) {
          const at = firstAt[c] as number;
          if (at >= 0) dx[at] = (dx[at] as number) + (dy[yBase + c] as number);
        }
      }
    }
  }
}

/** Replaces the built-in config, keeping its setupFunc for the fallback. */
export function maxPoolGradConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: MaxPoolGrad,
    backendName: 'wasm',
    kernelFunc: makeMaxPoolGradWasm(builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
