// The sum over every axis but the last of a channels-last tensor: the gradient of a bias added to
// each channel (a convolution's or a dense layer's), which tfjs computes as Sum over axes [0, …, n-2].
// tfjs-backend-wasm transposes the tensor first so that the reduced axes come last, a full copy.
#pragma once

#include <cstddef>

namespace medtransfer {

/** out[c] = sum over r of x[r * channels + c], for rows × channels values, accumulated in double. */
void channelSum(size_t rows, size_t channels, const float* x, float* out);

}  // namespace medtransfer
