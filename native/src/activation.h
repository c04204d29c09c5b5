// ReLU clipped at a maximum (ReLU6; ReLU with an infinite maximum) and its gradient: element-wise
// loops on both cores, one pass each way where tfjs composes three to six kernels.
#pragma once

#include <cstddef>

namespace medtransfer {

/** y = min(max(x, 0), max) */
void clippedRelu(size_t count, float max, const float* x, float* y);

/** dx = dy where 0 < y < max, else 0: the gradient of clippedRelu from its output. */
void clippedReluGrad(size_t count, float max, const float* dy, const float* y, float* dx);

}  // namespace medtransfer
