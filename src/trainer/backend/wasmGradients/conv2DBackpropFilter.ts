// Conv2DBackpropFilter for the wasm backend, which tfjs-backend-wasm 4.22 does not have.
//
// dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPadded[n, oh·s + kh, ow·s + kw, ci] · dy[n, oh, ow, co]
// is itself a forward convolution: batch and channels of x swap places (input [Ci, H, W, N]),
// dy becomes the filter ([OH, OW, N, Co]) dilated by the stride, and the output [Ci, KH, KW, Co]
// is dW up to a transpose. wasm's Conv2D is XNNPACK, so this runs near forward-pass speed
// (1.2–1.8× the forward conv on the seed CNN's layers), where im2col (strided slices
// concatenated, then one matMul) took 3–8× and per-tap matMuls more (scripts/bench-kernels.ts).
//
// A 1×1 filter is the exception: there the trick's "filter" (dy) is as large as the image and its
// output a single pixel, a shape XNNPACK handles badly (21 ms against 2 ms for MobileNet's
// [64, 16, 16, 32] → 64 pointwise conv). Its gradient is a plain product, xᵀ·dy, on
// the fast (untransposed) XNNPACK matMul path.
import { Conv2DBackpropFilter, conv2d, matMul, reshape, tidy, transpose } from '@tensorflow/tfjs-core';
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc, Tensor4D } from '@tensorflow/tfjs-core';
import { convGeometry } from './convGeometry';
import { inputTensor, kernelBackend } from './kernelTensors';
import { fitSpatial, isZeroPadding } from './spatialFit';
import { forwardWindowEdges, pointwiseWindows } from './windows';

export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = kernelBackend(Conv2DBackpropFilter, backend);
  // The attrs come from tfjs-core's conv2DBackpropFilter op, which fills every field.
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  return tidy(() => {
    const x = inputTensor(Conv2DBackpropFilter, inputs, 'x', wasm) as Tensor4D;
    const dy = inputTensor(Conv2DBackpropFilter, inputs, 'dy', wasm) as Tensor4D;
    const g = convGeometry(
      Conv2DBackpropFilter,
      x.shape,
      filterShape,
      { strides, pad, dataFormat, dimRoundingMode },
      false,
    );
    if (g.filterHeight === 1 && g.filterWidth === 1) {
      const [inChannels, outChannels] = [filterShape[2], filterShape[3]];
      const rows = g.batch * g.outHeight * g.outWidth;
      const windows = reshape(pointwiseWindows(x, g), [rows, inChannels]);
      const dy2d = reshape(dy, [rows, outChannels]);
      // Transpose whichever side has fewer channels: the transpose is the costly pass.
      const product =
        inChannels <= outChannels ? matMul(transpose(windows), dy2d) : transpose(matMul(transpose(dy2d), windows));
      return reshape(product, filterShape);
    }
    const fitted = fitSpatial(x, forwardWindowEdges(g));
    const channelsAsBatch = transpose(fitted.tensor, [3, 1, 2, 0]);
    const dyAsFilter = transpose(dy, [1, 2, 0, 3]);
    const perInputChannel = conv2d(
      channelsAsBatch,
      dyAsFilter,
      1,
      isZeroPadding(fitted.pad) ? 'valid' : fitted.pad,
      'NHWC',
      [g.strideHeight, g.strideWidth],
    );
    return transpose(perInputChannel, [1, 2, 0, 3]);
  });
};

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm,
};
