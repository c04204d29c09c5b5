// Faster Minimum, Maximum and comparisons for the wasm backend. tfjs-backend-wasm 4.22 runs them
// through a generic broadcasting loop that computes indices per element: 13 ms a step each for
// MobileNet's relu6 (tfjs-layers' relu6 is minimum(6, relu(x)); its gradient compares with
// greater(6, x)), 13–40× a Multiply of the same shape. Here a JavaScript loop runs straight on the
// wasm heap for the broadcasts training uses: same shapes, one side a single value, or one side a
// trailing block (a [1,1,1,C] per-channel operand). Other broadcasts, and dtypes other than
// float32 and int32, go to the built-in kernel. Minimum/Maximum follow Math.min/Math.max (NaN
// wins), as tfjs's cpu backend does.
import { Greater, GreaterEqual, Less, LessEqual, Maximum, Minimum, backend_util, util } from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from './wasmHeap';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/**
 * How an operand's values line up with the output's: one per output element, a single value, or
 * a block of `period` values repeated along the output (its shape is the output's trailing axes).
 */
export type OperandLayout = { kind: 'full' } | { kind: 'single' } | { kind: 'period'; period: number };

export function operandLayout(shape: number[], outShape: number[]): OperandLayout | null {
  const size = util.sizeFromShape(shape);
  if (size === 1) return { kind: 'single' };
  if (size === util.sizeFromShape(outShape)) return { kind: 'full' };
  let first = 0;
  while (first < shape.length && shape[first] === 1) first++;
  const kept = shape.slice(first);
  const tail = outShape.slice(outShape.length - kept.length);
  return kept.every((dim, axis) => dim === tail[axis]) ? { kind: 'period', period: size } : null;
}

/**
 * out[i] = op(a[i·aStep], b[i·bStep]), a step 0 for a single value. One literal loop per
 * operation: V8 inlines nothing through a shared loop that calls a different `op` each time
 * (17 ns an element measured, worse than the built-in), where these run at about 1 ns.
 */
type Elementwise = (a: NumericArray, aStep: number, b: NumericArray, bStep: number, out: NumericArray) => void;

const OPERATIONS: Record<string, { loop: Elementwise; output: 'bool' | 'input' }> = {
  [Minimum]: {
    output: 'input',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = Math.min(a[i * aStep] as number, b[i * bStep] as number);
    },
  },
  [Maximum]: {
    output: 'input',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = Math.max(a[i * aStep] as number, b[i * bStep] as number);
    },
  },
  [Greater]: {
    output: 'bool',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = (a[i * aStep] as number) > (b[i * bStep] as number) ? 1 : 0;
    },
  },
  [GreaterEqual]: {
    output: 'bool',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = (a[i * aStep] as number) >= (b[i * bStep] as number) ? 1 : 0;
    },
  },
  [Less]: {
    output: 'bool',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = (a[i * aStep] as number) < (b[i * bStep] as number) ? 1 : 0;
    },
  },
  [LessEqual]: {
    output: 'bool',
    loop: (a, aStep, b, bStep, out) => {
      for (let i = 0; i < out.length; i++) out[i] = (a[i * aStep] as number) <= (b[i * bStep] as number) ? 1 : 0;
    },
  },
};

/** An operand as the loop reads it: a repeated block is written out to full length first. */
function loopOperand(
  values: NumericArray,
  layout: OperandLayout,
  length: number,
): { values: NumericArray; step: number } {
  if (layout.kind === 'single') return { values, step: 0 };
  if (layout.kind === 'full') return { values, step: 1 };
  const full = new (values.constructor as new (length: number) => NumericArray)(length);
  full.set(values);
  for (let copied = values.length; copied < length; copied *= 2)
    full.copyWithin(copied, 0, Math.min(copied, length - copied));
  return { values: full, step: 1 };
}

export const COMPARE_KERNEL_NAMES: readonly string[] = Object.keys(OPERATIONS);

export function makeCompareWasm(kernelName: string, builtIn: KernelConfig | undefined): KernelFunc {
  const operation = OPERATIONS[kernelName];
  if (operation === undefined) throw new Error(`${kernelName}: not a MedTransfer compare kernel.`);
  return (params) => {
    const { inputs, backend } = params;
    const { a, b } = inputs;
    if (a === undefined || b === undefined) throw new Error(`${kernelName} (MedTransfer wasm kernel): needs a and b.`);
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const aLayout = operandLayout(a.shape, outShape);
    const bLayout = operandLayout(b.shape, outShape);
    const numeric = (dtype: DataType) => dtype === 'float32' || dtype === 'int32';
    if (aLayout === null || bLayout === null || !numeric(a.dtype) || a.dtype !== b.dtype) {
      if (builtIn !== undefined) return builtIn.kernelFunc(params);
      throw new Error(
        `${kernelName} (MedTransfer wasm kernel): ` +
          `unsupported ${a.dtype}/${b.dtype} inputs [${a.shape.join(',')}], [${b.shape.join(',')}].`,
      );
    }
    const heap = wasmHeapBackend(kernelName, backend);
    const out = heap.makeOutput(outShape, operation.output === 'bool' ? 'bool' : a.dtype);
    if (util.sizeFromShape(outShape) === 0) return out;
    // Views after makeOutput: allocating may grow the heap, which detaches older views.
    const length = util.sizeFromShape(outShape);
    const left = loopOperand(heap.typedArrayFromHeap(a) as NumericArray, aLayout, length);
    const right = loopOperand(heap.typedArrayFromHeap(b) as NumericArray, bLayout, length);
    operation.loop(left.values, left.step, right.values, right.step, heap.typedArrayFromHeap(out) as NumericArray);
    return out satisfies TensorInfo;
  };
}

/** Replaces the built-in config, keeping its setupFunc (which binds the C++ function) for the fallback. */
export function compareConfig(kernelName: string): (builtIn: KernelConfig | undefined) => KernelConfig {
  return (builtIn) => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: makeCompareWasm(kernelName, builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  });
}
