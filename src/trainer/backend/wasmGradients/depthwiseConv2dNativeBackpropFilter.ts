// DepthwiseConv2dNativeBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 lacks.
//
// dW[kh, kw, c, m] = Σ_{n, oh, ow} xPadded[n, oh·s + kh, ow·s + kw, c] · dy[n, oh, ow, c·M + m]
// is a forward depthwise convolution once the batch moves into the channels: input
// [1, H, W, N·C], dy as a [OH, OW, N·C, M] filter dilated by the stride, output
// [1, KH, KW, N·C·M], then a sum over N. One XNNPACK depthwise pass instead of KH·KW
// multiply-and-reduce passes (about 3–14× faster on the shapes in scripts/bench-kernels.ts).
import {
  DepthwiseConv2dNativeBackpropFilter,
  depthwiseConv2d,
  reshape,
  sum,
  tidy,
  transpose,
} from '@tensorflow/tfjs-core';
import type {
  DepthwiseConv2dNativeBackpropFilterAttrs,
  KernelConfig,
  KernelFunc,
  Tensor4D,
} from '@tensorflow/tfjs-core';
import { convGeometry } from './convGeometry';
import { inputTensor, kernelBackend } from './kernelTensors';
import { fitSpatial, isZeroPadding } from './spatialFit';
import { forwardWindowEdges } from './windows';

const NAME = DepthwiseConv2dNativeBackpropFilter;

export const depthwiseConv2dNativeBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = kernelBackend(NAME, backend);
  // Filled by tfjs-core's depthwiseConv2dNativeBackpropFilter op.
  const { strides, pad, dilations, dimRoundingMode, filterShape } =
    attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
  return tidy(() => {
    const x = inputTensor(NAME, inputs, 'x', wasm) as Tensor4D;
    const dy = inputTensor(NAME, inputs, 'dy', wasm) as Tensor4D;
    const g = convGeometry(NAME, x.shape, filterShape, { strides, pad, dilations, dimRoundingMode }, true);
    const [filterHeight, filterWidth, channels, multiplier] = filterShape;
    const fitted = fitSpatial(x, forwardWindowEdges(g));
    const [batch, height, width] = fitted.tensor.shape;
    const batchInChannels = reshape(transpose(fitted.tensor, [1, 2, 0, 3]), [
      1,
      height,
      width,
      batch * channels,
    ]) as Tensor4D;
    const dyAsFilter = reshape(transpose(dy, [1, 2, 0, 3]), [
      g.outHeight,
      g.outWidth,
      batch * channels,
      multiplier,
    ]) as Tensor4D;
    const perImage = depthwiseConv2d(
      batchInChannels,
      dyAsFilter,
      1,
      isZeroPadding(fitted.pad) ? 'valid' : fitted.pad,
      'NHWC',
      [g.strideHeight, g.strideWidth],
    );
    const summed =
      batch === 1 ? perImage : sum(reshape(perImage, [filterHeight, filterWidth, batch, channels * multiplier]), 2);
    return reshape(summed, filterShape);
  });
};

export const depthwiseConv2dNativeBackpropFilterConfig: KernelConfig = {
  kernelName: NAME,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropFilterWasm,
};
