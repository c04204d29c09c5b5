// BatchMatMul for the wasm backend with transposed operands made fast. tfjs-backend-wasm 4.22
// sends only transposeA = transposeB = false to XNNPACK; with either flag set it runs a plain loop
// about 10× slower (27 ms against 2.5 ms for [27, 57600] × [57600, 32]). Backpropagation through
// a dense layer sets them (dW = xᵀ·dy, dx = dy·Wᵀ), so here the flagged operand is transposed
// first (one cheap pass over it) and the built-in kernel does the product on its fast path.
import { BatchMatMul, transpose } from '@tensorflow/tfjs-core';
import type { BatchMatMulAttrs, KernelConfig, KernelFunc, Tensor } from '@tensorflow/tfjs-core';
import { inputTensor, kernelBackend } from './kernelTensors';

export function makeBatchMatMulWasm(builtIn: KernelConfig): KernelFunc {
  return (params) => {
    const { inputs, backend, attrs } = params;
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    if (!transposeA && !transposeB) return builtIn.kernelFunc(params);
    const wasm = kernelBackend(BatchMatMul, backend);
    const a = inputTensor(BatchMatMul, inputs, 'a', wasm);
    const b = inputTensor(BatchMatMul, inputs, 'b', wasm);
    const left = transposeA ? swapLastTwo(a) : a;
    const right = transposeB ? swapLastTwo(b) : b;
    try {
      // The built-in's output is a fresh TensorInfo; the engine wraps it as this kernel's output.
      return builtIn.kernelFunc({
        inputs: { a: left, b: right },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
    } finally {
      // Free what this kernel made: the transposes, and any wrappers inputTensor created.
      for (const [made, given] of [
        [left, inputs['a']],
        [right, inputs['b']],
        [a, inputs['a']],
        [b, inputs['b']],
      ] as const) {
        if (made !== given && !made.isDisposed) made.dispose();
      }
    }
  };
}

function swapLastTwo(t: Tensor): Tensor {
  const perm = t.shape.map((_, axis) => axis);
  const last = perm.length - 1;
  perm[last] = last - 1;
  perm[last - 1] = last;
  return transpose(t, perm);
}

/** Wraps the built-in config (keeping its setupFunc, which binds the C++ function it calls). */
export function batchMatMulConfig(builtIn: KernelConfig | undefined): KernelConfig {
  if (builtIn === undefined) throw new Error(`${BatchMatMul}: wasm has no built-in kernel to wrap.`);
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    kernelFunc: makeBatchMatMulWasm(builtIn),
    ...(builtIn.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
