// 2-D max and average pooling and their gradients on NHWC float buffers, as tfjs's cpu backend
// computes them: windows clipped to the input (padding never wins a max, nor counts in an
// average), the first maximum in row-major order takes a window's gradient, and the average's
// gradient divides by the whole window (filterHeight × filterWidth) even where it overhangs.
#pragma once

namespace medtransfer {

struct PoolShape {
  int batch, inHeight, inWidth, channels;
  int outHeight, outWidth;
  int filterHeight, filterWidth;
  int strideHeight, strideWidth;
  int padTop, padLeft;
};

/** y = each window's maximum (-infinity for a window wholly in the padding). */
void maxPool(const PoolShape& shape, const float* x, float* y);

/** dx = dy at the first position of each window that holds its maximum, summed where windows overlap. */
void maxPoolGrad(const PoolShape& shape, const float* x, const float* dy, float* dx);

/** y = the mean of each window's positions inside the input. */
void avgPool(const PoolShape& shape, const float* x, float* y);

/** dx = the sum of dy over the windows that hold a position, over filterHeight × filterWidth. */
void avgPoolGrad(const PoolShape& shape, const float* dy, float* dx);

}  // namespace medtransfer
