#include "reduction.h"

#include <algorithm>
#include <vector>

namespace medtransfer {
namespace {

// Rows are added in float into one block of partial sums, then each block into double: the float
// additions stay short (at most kBlockRows terms), so the result keeps about 1e-7 relative error
// where one long float sum over 43,000 rows would lose several digits.
constexpr size_t kBlockRows = 256;

// Built for AVX2 too (chosen at run time), as the activation loops: see activation.cc.
__attribute__((target_clones("avx2", "default"))) void addRows(const float* x, size_t rows, size_t channels,
                                                                float* partial) {
  for (size_t r = 0; r < rows; r++) {
    const float* row = x + r * channels;
#pragma omp simd
    for (size_t c = 0; c < channels; c++) partial[c] += row[c];
  }
}

}  // namespace

void channelSum(size_t rows, size_t channels, const float* x, float* out) {
  // One thread: the pass reads each value once (memory-bound), and the tensors it sees (bias
  // gradients of a step) take well under a millisecond on one core.
  std::vector<double> total(channels, 0.0);
  std::vector<float> partial(channels);
  for (size_t start = 0; start < rows; start += kBlockRows) {
    std::fill(partial.begin(), partial.end(), 0.f);
    addRows(x + start * channels, std::min(kBlockRows, rows - start), channels, partial.data());
    for (size_t c = 0; c < channels; c++) total[c] += partial[c];
  }
  for (size_t c = 0; c < channels; c++) out[c] = static_cast<float>(total[c]);
}

}  // namespace medtransfer
