// Bit for bit tfjs's Adam, momentum SGD and RMSProp: every operation rounds to float32 as one of
// tfjs's kernels does, in tfjs's order (tfjs-core's AdamOptimizer, MomentumOptimizer and
// RMSPropOptimizer). Fusing a multiply and an add into one FMA rounds once instead of twice, so this file is built with
// -ffp-contract=off (binding.gyp's medtransfer_optimizer), and -fno-math-errno so that sqrt
// vectorises (still IEEE's correctly rounded sqrt, as wasm's f32.sqrt).

#include "optimizer.h"


#include <algorithm>
#include <cmath>

#include "context.h"
#include "parallel.h"

namespace medtransfer {
namespace {

// Two threads from 4 Mi values, as the other memory-bound loops (activation.cc says why). Alone on
// warm caches (load 5, 2 cores) two threads took 2.4 M values in 0.8 ms against 1.4 ms on one; but
// resnet18's whole update (11.2 M values) took 37-47 ms a step with its three 2.4 M-value variables
// on two threads against 14-31 ms on one (medians; at load 2, 9.8 ms against 9.9), and at 2^18
// values waking the second thread cost 6 ms where one thread took 0.13 ms: on a busy machine the
// second core is rarely free.
constexpr size_t kParallelValues = size_t{1} << 22;

// Built for AVX2 too (chosen at run time), as the activation loops: see activation.cc.
__attribute__((target_clones("avx2", "default"))) void adamRange(const AdamStep s, const float* value,
                                                                  const float* m, const float* v,
                                                                  const float* g, float* newValue, float* newM,
                                                                  float* newV, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) {
    // newM = m·β1 + g·(1 − β1); newV = v·β2 + g²·(1 − β2)
    const float firstMoment = m[i] * s.beta1 + g[i] * s.oneMinusBeta1;
    const float secondMoment = v[i] * s.beta2 + (g[i] * g[i]) * s.oneMinusBeta2;
    // value + (m̂ / (√v̂ + ε))·(−rate), m̂ = newM / (1 − β1^t), v̂ = newV / (1 − β2^t)
    const float corrected1 = firstMoment / s.correction1;
    const float corrected2 = secondMoment / s.correction2;
    newValue[i] = (corrected1 / (std::sqrt(corrected2) + s.epsilon)) * s.negativeRate + value[i];
    newM[i] = firstMoment;
    newV[i] = secondMoment;
  }
}

// newAccumulation = m·accumulation + g; value + c·newAccumulation, or with Nesterov's momentum
// value + c·(g + newAccumulation·m), c = −rate (tfjs-core's MomentumOptimizer.applyGradients).
__attribute__((target_clones("avx2", "default"))) void momentumRange(const MomentumStep s, const float* value,
                                                                      const float* accumulation, const float* g,
                                                                      float* newValue, float* newAccumulation, long n) {
  if (s.nesterov) {
#pragma omp simd
    for (long i = 0; i < n; i++) {
      const float next = s.momentum * accumulation[i] + g[i];
      newValue[i] = s.negativeRate * (g[i] + next * s.momentum) + value[i];
      newAccumulation[i] = next;
    }
    return;
  }
#pragma omp simd
  for (long i = 0; i < n; i++) {
    const float next = s.momentum * accumulation[i] + g[i];
    newValue[i] = s.negativeRate * next + value[i];
    newAccumulation[i] = next;
  }
}

// newMeanSquare = ms·decay + g²·(1 − decay); newMoment = moment·momentum + (g·rate) / √(newMeanSquare + ε);
// value − newMoment (tfjs-core's RMSPropOptimizer.applyGradients, not centered).
__attribute__((target_clones("avx2", "default"))) void rmsPropRange(const RmsPropStep s, const float* value,
                                                                     const float* meanSquare, const float* moment,
                                                                     const float* g, float* newValue,
                                                                     float* newMeanSquare, float* newMoment, long n) {
#pragma omp simd
  for (long i = 0; i < n; i++) {
    const float square = meanSquare[i] * s.decay + (g[i] * g[i]) * s.oneMinusDecay;
    const float next = moment[i] * s.momentum + (g[i] * s.learningRate) / std::sqrt(square + s.epsilon);
    newValue[i] = value[i] - next;
    newMeanSquare[i] = square;
    newMoment[i] = next;
  }
}


}  // namespace

void adamUpdate(size_t count, const AdamStep& step, const AdamBuffers& b) {
  splitRange(count, count >= kParallelValues, [&](size_t begin, size_t end) {
    adamRange(step, b.value + begin, b.m + begin, b.v + begin, b.gradient + begin, b.newValue + begin, b.newM + begin,
              b.newV + begin, end - begin);
  });
}

void momentumUpdate(size_t count, const MomentumStep& step, const MomentumBuffers& b) {
  splitRange(count, count >= kParallelValues, [&](size_t begin, size_t end) {
    momentumRange(step, b.value + begin, b.accumulation + begin, b.gradient + begin, b.newValue + begin,
                  b.newAccumulation + begin, end - begin);
  });
}

void rmsPropUpdate(size_t count, const RmsPropStep& step, const RmsPropBuffers& b) {
  splitRange(count, count >= kParallelValues, [&](size_t begin, size_t end) {
    rmsPropRange(step, b.value + begin, b.meanSquare + begin, b.moment + begin, b.gradient + begin,
                 b.newValue + begin, b.newMeanSquare + begin, b.newMoment + begin, end - begin);
  });
}

}  // namespace medtransfer
