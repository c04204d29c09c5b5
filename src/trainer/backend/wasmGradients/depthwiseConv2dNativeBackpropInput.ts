// DepthwiseConv2dNativeBackpropInput for the wasm backend, which tfjs-backend-wasm 4.22 lacks.
//
// The input gradient of a depthwise convolution is a transposed depthwise convolution: dy,
// spread out by the stride, correlated with the spatially flipped filter, and for a channel
// multiplier M > 1 summed over the M outputs that each input channel fed. That runs as one
// forward XNNPACK depthwise pass over [N, H, W, C·M] (see windows.ts for the padding).
import {
  DepthwiseConv2dNativeBackpropInput,
  depthwiseConv2d,
  reshape,
  reverse,
  sum,
  tidy,
} from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  Tensor4D,
} from '@tensorflow/tfjs-core';
import { convGeometry } from './convGeometry';
import { inputTensor, kernelBackend } from './kernelTensors';
import { fitSpatial, isZeroPadding } from './spatialFit';
import { inputGradientEdges, stretchByStrides } from './windows';

const NAME = DepthwiseConv2dNativeBackpropInput;

export const depthwiseConv2dNativeBackpropInputWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = kernelBackend(NAME, backend);
  // Filled by tfjs-core's depthwiseConv2dNativeBackpropInput op.
  const { strides, pad, dilations, dimRoundingMode, inputShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
  return tidy(() => {
    const dy = inputTensor(NAME, inputs, 'dy', wasm) as Tensor4D;
    const filter = inputTensor(NAME, inputs, 'filter', wasm) as Tensor4D;
    const g = convGeometry(NAME, inputShape, filter.shape, { strides, pad, dilations, dimRoundingMode }, true);
    const [filterHeight, filterWidth, channels, multiplier] = filter.shape;
    const stretched = stretchByStrides(dy, g.strideHeight, g.strideWidth);
    const fitted = fitSpatial(stretched, inputGradientEdges(g, stretched.shape[1], stretched.shape[2]));
    const flipped = reshape(reverse(filter, [0, 1]), [filterHeight, filterWidth, channels * multiplier, 1]) as Tensor4D;
    const perOutput = depthwiseConv2d(fitted.tensor, flipped, 1, isZeroPadding(fitted.pad) ? 'valid' : fitted.pad);
    if (multiplier === 1) return perOutput;
    return sum(reshape(perOutput, [g.batch, g.inHeight, g.inWidth, channels, multiplier]), 4);
  });
};

export const depthwiseConv2dNativeBackpropInputConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInputWasm,
};
