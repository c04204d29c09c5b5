#include "activation.h"

#include <algorithm>

#include "context.h"

namespace medtransfer {
namespace {

// One thread below this many values (16 MB), as for batch normalisation (batchNorm.cc): the loops
// are bound by memory, and waking the second thread on a busy machine cost 8 ms a call (load 5 on
// 2 cores), where one thread takes 1.8 ms for 2 M values.
constexpr size_t kParallelValues = 1 << 22;

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
