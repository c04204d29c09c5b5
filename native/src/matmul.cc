#include "matmul.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "context.h"
#include "oneapi/dnnl/dnnl.h"

namespace medtransfer {
namespace {

// One thread below this many floating-point operations, as for convolutions (convolution.cc): an
// OpenMP barrier on a busy machine can wait a whole time slice, longer than a small product takes.
constexpr double kParallelFlops = 3e7;

void validate(const MatMulShape& s) {
  const int positive[] = {s.batchA, s.batchB, s.batch, s.m, s.n, s.k};
  for (int d : positive) {
    if (d < 1) throw std::runtime_error("matMul: every size must be >= 1");
  }
  if (s.batch != std::max(s.batchA, s.batchB) || s.batch % s.batchA != 0 || s.batch % s.batchB != 0) {
    throw std::runtime_error("matMul: the batch must be the larger of a's and b's, and a multiple of both");
  }
}

// The same operations as tfjs's cpu kernels (Relu, Relu6, LeakyRelu, Elu, Sigmoid).
float activate(float x, Activation activation, float alpha) {
  switch (activation) {
    case Activation::linear:
      return x;
    case Activation::relu:
      return x < 0.f ? 0.f : x;
    case Activation::relu6:
      return std::min(std::max(x, 0.f), 6.f);
    case Activation::leakyRelu:
      return x < 0.f ? alpha * x : x;
    case Activation::elu:
      return x >= 0.f ? x : std::expm1(x);
    case Activation::sigmoid:
      return 1.f / (1.f + std::exp(-x));
  }
  throw std::runtime_error("matMul: unknown activation");
}

void epilogue(const MatMulShape& s, float* out, const float* bias, const ConvEpilogue& e) {
  if (bias == nullptr && e.activation == Activation::linear) return;
  const long rows = static_cast<long>(s.batch) * s.m;
  for (long row = 0; row < rows; row++) {
    float* values = out + row * s.n;
    if (bias != nullptr) {
      for (int j = 0; j < s.n; j++) values[j] += bias[j];
    }
    if (e.activation != Activation::linear) {
      for (int j = 0; j < s.n; j++) values[j] = activate(values[j], e.activation, e.alpha);
    }
  }
}

}  // namespace

void matMul(const MatMulShape& s, const float* a, const float* b, float* out, const float* bias,
            const ConvEpilogue& e) {
  validate(s);
  const double flops = 2.0 * s.batch * s.m * s.n * s.k;
  omp_set_num_threads(flops < kParallelFlops ? 1 : availableThreads());
  const long aSize = static_cast<long>(s.m) * s.k;
  const long bSize = static_cast<long>(s.k) * s.n;
  const long outSize = static_cast<long>(s.m) * s.n;
  // Row-major leading dimensions: the stored rows' lengths.
  const dnnl_dim_t lda = s.transposeA ? s.m : s.k;
  const dnnl_dim_t ldb = s.transposeB ? s.k : s.n;
  for (int i = 0; i < s.batch; i++) {
    const dnnl_status_t status =
        dnnl_sgemm(s.transposeA ? 'T' : 'N', s.transposeB ? 'T' : 'N', s.m, s.n, s.k, 1.f, a + (i % s.batchA) * aSize,
                   lda, b + (i % s.batchB) * bSize, ldb, 0.f, out + i * outSize, s.n);
    if (status != dnnl_success) throw std::runtime_error("oneDNN: sgemm failed (status " + std::to_string(status) + ")");
  }
  epilogue(s, out, bias, e);
  leaveVectorState();
}

}  // namespace medtransfer
