// The copies tfjs makes around convolutions: constant padding (PadV2, before every 'valid'
// convolution and pool of the torchvision architectures), its gradient Slice, and Concat (DenseNet's
// every layer). On the wasm backend they run on one thread, row by row in JavaScript or wasm; here
// each contiguous run is one memcpy, on all cores only above 16 M values (copy.cc says why).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace medtransfer {

/**
 * y = x padded with `value`: before[d] values before and after[d] after x along each axis d, row-major
 * (tfjs PadV2 with non-negative paddings). y holds prod(before[d] + shape[d] + after[d]) values.
 */
void pad(const std::vector<int64_t>& shape, const std::vector<int64_t>& before, const std::vector<int64_t>& after,
         float value, const float* x, float* y);

/** y = x[begin[d] : begin[d] + size[d]] along each axis d, row-major (tfjs Slice). */
void slice(const std::vector<int64_t>& shape, const std::vector<int64_t>& begin, const std::vector<int64_t>& size,
           const float* x, float* y);

/**
 * Concatenation of `inputs` seen as rows × inner[i] values each, row by row: y's row r is every
 * input's row r in turn (tfjs Concat along any axis: rows is the product of the axes before it).
 */
void concat(size_t rows, const std::vector<size_t>& inner, const std::vector<const float*>& inputs, float* y);

}  // namespace medtransfer
