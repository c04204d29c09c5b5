// MaxPool, AvgPool and their gradients as tfjs kernels for the wasm backend that run in the native
// addon (plain C++ loops, channels innermost, the batch split between the cores where it is large),
// on the wasm heap. The results are the cpu backend's: see native/src/pooling.h for the ties and
// the average's divisor. Anything the addon does not cover (NCHW, other dtypes, a gradient whose dy
// does not fit the geometry) goes to the kernel registered before ours.
import { AvgPool, AvgPoolGrad, MaxPool, MaxPoolGrad } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './nativeAddon';
import { plannedKernelConfig } from './plannedKernel';
import type { CallPlanner } from './plannedKernel';
import { nativePoolShape } from './poolShape';
import type { PoolGeometryAttrs } from './poolShape';

/** The output's shape, and the addon's call given views of the heap (taken after the output exists). */
interface PoolPlan {
  outShape: number[];
  run: (addon: NativeAddon, view: (info: TensorInfo) => Float32Array, out: TensorInfo) => void;
}

type Planner = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => PoolPlan | undefined;

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

function isFloat(info: TensorInfo | undefined): info is TensorInfo {
  return info !== undefined && info.dtype === 'float32';
}

function forward(max: boolean): Planner {
  return (inputs, attrs) => {
    const { x } = inputs;
    if (!isFloat(x)) return undefined;
    const shape = nativePoolShape(x.shape, attrs as unknown as PoolGeometryAttrs);
    if (shape === undefined) return undefined;
    return {
      outShape: shape.outShape,
      run: (addon, view, y) => (max ? addon.maxPool : addon.avgPool).call(addon, shape.fields, view(x), view(y)),
    };
  };
}

const maxPoolGrad: Planner = (inputs, attrs) => {
  // tfjs also passes the forward output; the addon finds each window's maximum again in x.
  const { dy, input: x } = inputs;
  if (!isFloat(dy) || !isFloat(x)) return undefined;
  const shape = nativePoolShape(x.shape, attrs as unknown as PoolGeometryAttrs);
  if (shape === undefined || !sameShape(dy.shape, shape.outShape)) return undefined;
  return {
    outShape: [...x.shape],
    run: (addon, view, dx) => addon.maxPoolGrad(shape.fields, view(x), view(dy), view(dx)),
  };
};

const avgPoolGrad: Planner = (inputs, attrs) => {
  const { dy, input: x } = inputs;
  if (!isFloat(dy) || x === undefined) return undefined;
  // As the cpu backend: AvgPoolGrad has no rounding mode.
  const { filterSize, strides, pad } = attrs as unknown as PoolGeometryAttrs;
  const shape = nativePoolShape(x.shape, { filterSize, strides, pad });
  if (shape === undefined || !sameShape(dy.shape, shape.outShape)) return undefined;
  return {
    outShape: [...x.shape],
    run: (addon, view, dx) => addon.avgPoolGrad(shape.fields, view(dy), view(dx)),
  };
};

const PLANNERS: ReadonlyArray<{ kernelName: string; plan: Planner }> = [
  { kernelName: MaxPool, plan: forward(true) },
  { kernelName: MaxPoolGrad, plan: maxPoolGrad },
  { kernelName: AvgPool, plan: forward(false) },
  { kernelName: AvgPoolGrad, plan: avgPoolGrad },
];

export const NATIVE_POOL_KERNEL_NAMES: readonly string[] = PLANNERS.map(({ kernelName }) => kernelName);

/** Our config for `kernelName`, keeping the previous kernel's setup (it binds what the fallback calls). */
export function nativePoolKernelConfig(
  kernelName: string,
  addon: NativeAddon,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  const planner = PLANNERS.find((entry) => entry.kernelName === kernelName);
  if (planner === undefined) throw new Error(`${kernelName}: no MedTransfer native kernel.`);
  const plan: CallPlanner = (inputs, attrs) => {
    const planned = planner.plan(inputs, attrs);
    return planned && { outShape: planned.outShape, run: (view, out) => planned.run(addon, view, out) };
  };
  return plannedKernelConfig(kernelName, plan, builtIn);
}
