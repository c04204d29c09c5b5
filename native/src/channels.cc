#include "channels.h"

#include <omp.h>

#include <algorithm>
#include <vector>

#include "context.h"

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

// One thread below this many values, as the other memory-bound passes (activation.cc says why).
constexpr size_t kParallelValues = size_t{1} << 22;

__attribute__((target_clones("avx2", "default"))) void affineRows(const float* x, size_t rows, size_t channels,
                                                                   const float* scale, const float* offset,
                                                                   float* y) {
  for (size_t r = 0; r < rows; r++) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
#pragma omp simd
    for (size_t c = 0; c < channels; c++) out[c] = in[c] * scale[c] + offset[c];
  }
}

}  // namespace

void channelAffine(size_t rows, size_t channels, const float* x, const float* scale, const float* offset, float* y) {
  const int threads = rows * channels < kParallelValues ? 1 : availableThreads();
  if (threads == 1) {
    affineRows(x, rows, channels, scale, offset, y);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const size_t chunk = (rows + omp_get_num_threads() - 1) / omp_get_num_threads();
    const size_t begin = std::min(rows, chunk * omp_get_thread_num());
    const size_t end = std::min(rows, begin + chunk);
    affineRows(x + begin * channels, end - begin, channels, scale, offset, y + begin * channels);
  }
}

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
