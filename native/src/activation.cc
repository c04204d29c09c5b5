#include "activation.h"


#include <algorithm>

#include "context.h"
#include "parallel.h"

namespace medtransfer {
namespace {

// One thread below this many values (16 MB), as for batch normalisation (batchNorm.cc): the loops
// are bound by memory, and waking the second thread on a busy machine cost 8 ms a call (load 5 on
// 2 cores), where one thread takes 1.8 ms for 2 M values.
constexpr size_t kParallelValues = size_t{1} << 22;

// The loops are also built for AVX2 (chosen at run time where the CPU has it). The default build's
// SSE loop ran 7x slower inside a training step (15 ms for 1.4 M values) than on its own (2 ms),
// most likely because legacy SSE instructions after oneDNN's AVX-512 kernels pay for the upper
// halves of the vector registers; the AVX2 build took 2 ms in the step too.
__attribute__((target_clones("avx2", "default"))) void reluRange(const float* x, float* y, long n, float max) {
#pragma omp simd
  for (long i = 0; i < n; i++) y[i] = std::min(std::max(x[i], 0.f), max);
}

// dy times a 0/1 mask, as tfjs computes it: the same signed zeros, so results match bit for bit.
// Without branches: a branch on the sign of each value was mispredicted half the time.
__attribute__((target_clones("avx2", "default"))) void reluGradRange(const float* dy, const float* y, float* dx,
                                                                      long n, float max) {
#pragma omp simd
  for (long i = 0; i < n; i++) dx[i] = dy[i] * static_cast<float>((y[i] > 0.f) & (y[i] < max));
}

}  // namespace

void clippedRelu(size_t count, float max, const float* x, float* y) {
  splitRange(count, count >= kParallelValues,
             [&](size_t begin, size_t end) { reluRange(x + begin, y + begin, end - begin, max); });
}

void clippedReluGrad(size_t count, float max, const float* dy, const float* y, float* dx) {
  splitRange(count, count >= kParallelValues,
             [&](size_t begin, size_t end) { reluGradRange(dy + begin, y + begin, dx + begin, end - begin, max); });
}

}  // namespace medtransfer
