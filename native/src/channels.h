// Per-channel passes over a channels-last tensor seen as rows × channels: the sum over every axis but
// the last (the gradient of a bias added to each channel, which tfjs computes as Sum over axes
// [0, …, n-2]; tfjs-backend-wasm transposes the tensor first, a full copy), and a per-channel affine
// map (batch normalisation with fixed statistics, as in inference, where wasm's FusedBatchNorm runs
// one thread and took three quarters of a mobilenetv2 forward pass).
#pragma once

#include <cstddef>

namespace medtransfer {

/** out[c] = sum over r of x[r * channels + c], for rows × channels values, accumulated in double. */
void channelSum(size_t rows, size_t channels, const float* x, float* out);

/** y[r * channels + c] = x[r * channels + c] * scale[c] + offset[c]. */
void channelAffine(size_t rows, size_t channels, const float* x, const float* scale, const float* offset, float* y);

}  // namespace medtransfer
