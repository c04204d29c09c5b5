#include "activation.h"

#include <algorithm>

#include "context.h"

namespace medtransfer {
namespace {

// One thread below this many values: an OpenMP region's wake-up and barrier cost more (see
// convolution.cc); the loops are bound by memory, not arithmetic.
constexpr size_t kParallelValues = 1 << 16;

int threadsFor(size_t count) { return count < kParallelValues ? 1 : availableThreads(); }

}  // namespace

void clippedRelu(size_t count, float max, const float* x, float* y) {
  const long n = static_cast<long>(count);
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(count))
  for (long i = 0; i < n; i++) y[i] = std::min(std::max(x[i], 0.f), max);
}

void clippedReluGrad(size_t count, float max, const float* dy, const float* y, float* dx) {
  const long n = static_cast<long>(count);
#pragma omp parallel for simd schedule(static) num_threads(threadsFor(count))
  // dy times a 0/1 mask, as tfjs computes it: the same signed zeros, so results match bit for bit.
  for (long i = 0; i < n; i++) dx[i] = dy[i] * (y[i] > 0.f && y[i] < max ? 1.f : 0.f);
}

}  // namespace medtransfer
