// A faster DepthToSpace for the wasm backend. tfjs-backend-wasm 4.22 computes indices per
// element: 90 ms for a [64,16,16,64] input, more than the convolution in front of it, where the
// strided input gradient interleaves its phases with it (phaseInputGradient.ts). In NHWC each
// input pixel's channels for one block row (bh) are contiguous in the output too, runs of
// blockSize·depth values, so this copies runs on the wasm heap. NCHW goes to the built-in kernel.
import { DepthToSpace } from '@tensorflow/tfjs-core';
import type { DepthToSpaceAttrs, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from './wasmHeap';

type NumericArray = Float32Array | Int32Array | Uint8Array;

export function makeDepthToSpaceWasm(builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const { blockSize, dataFormat } = attrs as unknown as DepthToSpaceAttrs;
    const x = inputs['x'];
    if (x === undefined) throw new Error(`${DepthToSpace} (MedTransfer wasm kernel): needs x.`);
    if (dataFormat !== 'NHWC' || x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length !== 4) {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(`${DepthToSpace} (MedTransfer wasm kernel): only NHWC numeric input is supported.`);
    }
    const [batch, height, width, depth] = x.shape as [number, number, number, number];
    const outDepth = depth / (blockSize * blockSize);
    const heap = wasmHeapBackend(DepthToSpace, backend);
    // float32, as the built-in kernel's output.
    const out = heap.makeOutput([batch, height * blockSize, width * blockSize, outDepth], 'float32');
    // Views after makeOutput: allocating may grow the heap, which detaches older views.
    interleaveBlocks(
      heap.typedArrayFromHeap(x) as NumericArray,
      heap.typedArrayFromHeap(out) as NumericArray,
      [batch, height, width, depth],
      blockSize,
    );
    return out satisfies TensorInfo;
  };
}

/** out[n, h·b + bh, w·b + bw, c] = x[n, h, w, (bh·b + bw)·depth/b² + c], by runs of b·depth/b². */
export function interleaveBlocks(
  x: NumericArray,
  out: NumericArray,
  [batch, height, width, depth]: [number, number, number, number],
  blockSize: number,
): void {
  const run = depth / blockSize;
  const outRow = width * blockSize * (depth / (blockSize * blockSize));
  let source = 0;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < height; h++) {
      const rowStart = (n * height + h) * blockSize * outRow;
      for (let w = 0; w < width; w++, source += depth) {
        for (let bh = 0; bh < blockSize; bh++) {
          const from = source + bh * run;
          const to = rowStart + bh * outRow + w * run;
          if (run >= 64) {
            out.set(x.subarray(from, from + run), to);
          } else {
            for (let i = 0; i < run; i++) out[to + i] = x[from + i] as number;
          }
        }
      }
    }
  }
}

/** Replaces the built-in config, keeping its setupFunc (the C++ function the NCHW fallback calls). */
export function depthToSpaceConfig(builtIn: KernelConfig | undefined): KernelConfig {
  return {
    kernelName: DepthToSpace,
    backendName: 'wasm',
    kernelFunc: makeDepthToSpaceWasm(builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
