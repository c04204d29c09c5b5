// BatchMatMul and _FusedMatMul (the dense layers' products forward, and their gradients: dx = dy·Wᵀ,
// dW = xᵀ·dy) as tfjs kernels for the wasm backend that run in the native addon (oneDNN's sgemm,
// both cores for products above 3·10⁷ FLOPs), on the wasm heap, transposes read in place. The
// batch is broadcast as tfjs's cpu backend does it (product i reads a[i mod batchA] and
// b[i mod batchB]). Anything else (other dtypes, PReLU, a bias that is not one value per column,
// a broadcast the cpu backend would not compute) goes to the kernel registered before ours.
import { BatchMatMul, _FusedMatMul, backend_util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeapBackend } from '../wasmGradients/wasmHeap';
import type { NativeAddon } from './nativeAddon';
import { ACTIVATION_CODES } from './nativeConvKernels';

export const MATMUL_SHAPE_FIELDS = 8;

interface MatMulPlan {
  fields: Int32Array;
  outShape: number[];
  a: TensorInfo;
  b: TensorInfo;
  bias?: TensorInfo;
  activation: number;
  alpha: number;
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, extent) => product * extent, 1);
}

function usable(info: TensorInfo | undefined): info is TensorInfo {
  return info !== undefined && info.dtype === 'float32' && info.shape.length >= 2 && sizeOf(info.shape) > 0;
}

function plan(inputs: NamedTensorInfoMap, attrs: NamedAttrMap): MatMulPlan | undefined {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = attrs as MatMulAttrs;
  const code = ACTIVATION_CODES[activation];
  if (!usable(a) || !usable(b) || code === undefined || preluActivationWeights !== undefined) return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const inner = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const m = (transposeA ? a.shape[ra - 1] : a.shape[ra - 2]) as number;
  const n = (transposeB ? b.shape[rb - 2] : b.shape[rb - 1]) as number;
  const k = (transposeB ? b.shape[rb - 1] : b.shape[rb - 2]) as number;
  if (inner !== k) return undefined;
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  const outer = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  if (sizeOf(outer) !== batch || batch % batchA !== 0 || batch % batchB !== 0) return undefined;
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) {
    return undefined;
  }
  return {
    fields: Int32Array.from([batchA, batchB, batch, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0]),
    outShape: [...outer, m, n],
    a,
    b,
    ...(bias === undefined ? {} : { bias }),
    activation: code,
    alpha: leakyreluAlpha,
  };
}

export const NATIVE_MATMUL_KERNEL_NAMES: readonly string[] = [BatchMatMul, _FusedMatMul];

function makeKernel(kernelName: string, addon: NativeAddon, builtIn: KernelConfig | undefined): KernelFunc {
  return (params) => {
    const planned = plan(params.inputs, params.attrs ?? {});
    if (planned === undefined) {
      if (builtIn === undefined) {
        throw new Error(
          `${kernelName} (MedTransfer native kernel): this case is not supported and wasm has no kernel.`,
        );
      }
      return builtIn.kernelFunc(params);
    }
    const wasm = wasmHeapBackend(kernelName, params.backend);
    const out = wasm.makeOutput(planned.outShape, 'float32');
    // Views only after makeOutput: a growing wasm heap replaces the buffer that older views see.
    const view = (info: TensorInfo): Float32Array => wasm.typedArrayFromHeap(info) as Float32Array;
    addon.matMul(
      planned.fields,
      view(planned.a),
      view(planned.b),
      view(out),
      planned.bias === undefined ? null : view(planned.bias),
      planned.activation,
      planned.alpha,
    );
    return out;
  };
}

/** Our config for `kernelName`, keeping the previous kernel's setup (it binds what the fallback calls). */
export function nativeMatMulKernelConfig(
  kernelName: string,
  addon: NativeAddon,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  if (!NATIVE_MATMUL_KERNEL_NAMES.includes(kernelName)) throw new Error(`${kernelName}: no MedTransfer native kernel.`);
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: makeKernel(kernelName, addon, builtIn),
    ...(builtIn?.setupFunc === undefined ? {} : { setupFunc: builtIn.setupFunc }),
    ...(builtIn?.disposeFunc === undefined ? {} : { disposeFunc: builtIn.disposeFunc }),
  };
}
