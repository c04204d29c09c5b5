// Conv2D, depthwise conv and their fused forms and gradients as tfjs kernels for the wasm backend
// that run in the native addon (oneDNN, all cores). Tensors stay on the wasm heap: the addon gets
// Float32Array views of it (typedArrayFromHeap), never copies. Anything the addon does not cover
// (NCHW, other dtypes, PReLU, a geometry oneDNN cannot express) goes to the kernel registered
// before ours (wasm's own, or MedTransfer's wasm gradient kernel).
import {
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  DepthwiseConv2dNative,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  FusedConv2D,
  FusedDepthwiseConv2D,
} from '@tensorflow/tfjs-core';
import type { DataId, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvGeometryAttrs } from '../wasmGradients/convGeometry';
import { nativeConvShape } from './convShape';
import type { NativeConvShape } from './convShape';
import type { NativeAddon } from './nativeAddon';
import { plannedKernelConfig } from './plannedKernel';
import type { CallPlanner } from './plannedKernel';

const enum Pass {
  forward = 0,
  inputGradient = 1,
  filterGradient = 2,
}

/** tfjs's fusable activations that oneDNN runs as a post-op (native/src/convolution.h). PReLU is not one. */
const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
  elu: 4,
  sigmoid: 5,
};

/** What one call of the addon needs; undefined: leave it to the previous kernel. */
interface ConvPlan {
  pass: Pass;
  shape: NativeConvShape;
  /** Shape of the output tensor. */
  outShape: number[];
  /** The inputs in the addon's roles; the output fills the role the pass writes. */
  src?: TensorInfo;
  weights?: TensorInfo;
  dst?: TensorInfo;
  bias?: TensorInfo;
  activation: number;
  alpha: number;
}

type Planner = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => ConvPlan | undefined;

function allFloat(...infos: Array<TensorInfo | undefined>): boolean {
  return infos.every((info) => info === undefined || info.dtype === 'float32');
}

function nonEmpty(shape: readonly number[]): boolean {
  return shape.every((size) => size > 0);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, axis) => size === b[axis]);
}

function geometry(attrs: NamedAttrMap): ConvGeometryAttrs & { dataFormat?: string } {
  return attrs as unknown as ConvGeometryAttrs & { dataFormat?: string };
}

/** Forward (plain or fused): x and filter in, y out. */
function forwardPlanner(depthwise: boolean): Planner {
  return (inputs, attrs) => {
    const { x, filter, bias, preluActivationWeights } = inputs;
    const a = geometry(attrs);
    const activationName = (attrs as { activation?: string }).activation ?? 'linear';
    const activation = ACTIVATION_CODES[activationName];
    if (x === undefined || filter === undefined || activation === undefined || preluActivationWeights !== undefined)
      return undefined;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || !allFloat(x, filter, bias)) return undefined;
    if (x.shape.length !== 4 || filter.shape.length !== 4 || !nonEmpty(x.shape) || !nonEmpty(filter.shape))
      return undefined;
    const shape = nativeConvShape(x.shape, filter.shape, a, depthwise);
    if (shape === undefined || !nonEmpty(shape.outShape)) return undefined;
    if (bias !== undefined && !sameShape(bias.shape, [shape.outShape[3]])) return undefined;
    const alpha = (attrs as { leakyreluAlpha?: number }).leakyreluAlpha ?? 0.2;
    return {
      pass: Pass.forward,
      shape,
      outShape: shape.outShape,
      src: x,
      weights: filter,
      ...(bias === undefined ? {} : { bias }),
      activation,
      alpha,
    };
  };
}

/** Input gradient: dy and filter in, dx (the forward input's shape) out. */
function inputGradientPlanner(depthwise: boolean): Planner {
  return (inputs, attrs) => {
    const { dy, filter } = inputs;
    const a = geometry(attrs);
    const inputShape = (attrs as { inputShape?: number[] }).inputShape;
    if (dy === undefined || filter === undefined || inputShape === undefined) return undefined;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || !allFloat(dy, filter) || !nonEmpty(inputShape)) return undefined;
    if (!nonEmpty(dy.shape) || !nonEmpty(filter.shape)) return undefined;
    const shape = nativeConvShape(inputShape, filter.shape, a, depthwise);
    if (shape === undefined || !sameShape(dy.shape, shape.outShape)) return undefined;
    return {
      pass: Pass.inputGradient,
      shape,
      outShape: [...inputShape],
      weights: filter,
      dst: dy,
      activation: 0,
      alpha: 0,
    };
  };
}

/** Filter gradient: x and dy in, dfilter out. */
function filterGradientPlanner(depthwise: boolean): Planner {
  return (inputs, attrs) => {
    const { x, dy } = inputs;
    const a = geometry(attrs);
    const filterShape = (attrs as { filterShape?: number[] }).filterShape;
    if (x === undefined || dy === undefined || filterShape === undefined) return undefined;
    if ((a.dataFormat ?? 'NHWC') !== 'NHWC' || !allFloat(x, dy) || !nonEmpty(filterShape)) return undefined;
    if (x.shape.length !== 4 || !nonEmpty(x.shape) || !nonEmpty(dy.shape)) return undefined;
    const shape = nativeConvShape(x.shape, filterShape, a, depthwise);
    if (shape === undefined || !sameShape(dy.shape, shape.outShape)) return undefined;
    return { pass: Pass.filterGradient, shape, outShape: [...filterShape], src: x, dst: dy, activation: 0, alpha: 0 };
  };
}

const PLANNERS: ReadonlyArray<{ kernelName: string; plan: Planner }> = [
  { kernelName: Conv2D, plan: forwardPlanner(false) },
  { kernelName: FusedConv2D, plan: forwardPlanner(false) },
  { kernelName: Conv2DBackpropInput, plan: inputGradientPlanner(false) },
  { kernelName: Conv2DBackpropFilter, plan: filterGradientPlanner(false) },
  { kernelName: DepthwiseConv2dNative, plan: forwardPlanner(true) },
  { kernelName: FusedDepthwiseConv2D, plan: forwardPlanner(true) },
  { kernelName: DepthwiseConv2dNativeBackpropInput, plan: inputGradientPlanner(true) },
  { kernelName: DepthwiseConv2dNativeBackpropFilter, plan: filterGradientPlanner(true) },
];

export const NATIVE_CONV_KERNEL_NAMES: readonly string[] = PLANNERS.map(({ kernelName }) => kernelName);

/**
 * One number a filter tensor, never reused: tfjs tensors are immutable (a variable's update makes a
 * new one), so a filter's key says its contents are those the addon saw with that key. Inference
 * runs the same filters batch after batch; the addon then skips their reorder into oneDNN's
 * layout (6% of resnet18's inference convolutions).
 */
const filterKeys = new WeakMap<DataId, number>();
let lastFilterKey = 0;

function filterKey(filter: TensorInfo): number {
  let key = filterKeys.get(filter.dataId);
  if (key === undefined) {
    key = ++lastFilterKey;
    filterKeys.set(filter.dataId, key);
  }
  return key;
}

/** Our config for `kernelName`, keeping the previous kernel's setup (it binds what the fallback calls). */
export function nativeConvKernelConfig(
  kernelName: string,
  addon: NativeAddon,
  builtIn: KernelConfig | undefined,
): KernelConfig {
  const planner = PLANNERS.find((entry) => entry.kernelName === kernelName);
  if (planner === undefined) throw new Error(`${kernelName}: no MedTransfer native kernel.`);
  const plan: CallPlanner = (inputs, attrs) => {
    const planned = planner.plan(inputs, attrs);
    if (planned === undefined) return undefined;
    return {
      outShape: planned.outShape,
      run: (view, out) => {
        // The pass's output is one of src, weights and dst: the one the plan leaves undefined.
        const role = (info: TensorInfo | undefined): Float32Array => view(info ?? out);
        addon.convolution(
          planned.pass,
          planned.shape.fields,
          role(planned.src),
          role(planned.weights),
          role(planned.dst),
          planned.bias === undefined ? null : view(planned.bias),
          planned.activation,
          planned.alpha,
          planned.weights === undefined ? null : filterKey(planned.weights),
        );
      },
    };
  };
  return plannedKernelConfig(kernelName, plan, builtIn);
}
