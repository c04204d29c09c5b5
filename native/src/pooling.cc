#include "pooling.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <vector>

#include "context.h"

namespace medtransfer {
namespace {

// One thread below this many input values (16 MB), as for the other memory-bound loops
// (activation.cc, batchNorm.cc): waking the second thread on a busy machine costs more than a
// small pooling takes. Above it, the batch's images are split between the threads: each image's
// gradient is then written by one thread only, where overlapping windows add up.
constexpr long kParallelValues = 1 << 22;

struct Window {
  int h0, h1, w0, w1;
};

Window windowAt(const PoolShape& s, int oh, int ow) {
  const int top = oh * s.strideHeight - s.padTop;
  const int left = ow * s.strideWidth - s.padLeft;
  return Window{std::max(0, top), std::min(s.inHeight, top + s.filterHeight), std::max(0, left),
                std::min(s.inWidth, left + s.filterWidth)};
}

// The loops are also built for AVX2 (chosen at run time), for the reason activation.cc gives:
// SSE code right after oneDNN's AVX-512 kernels ran several times slower.
__attribute__((target_clones("avx2", "default"))) void maxPoolImage(const PoolShape& s, const float* x, float* y) {
  const int c = s.channels;
  for (int oh = 0; oh < s.outHeight; oh++) {
    for (int ow = 0; ow < s.outWidth; ow++) {
      const Window win = windowAt(s, oh, ow);
      float* out = y + (static_cast<long>(oh) * s.outWidth + ow) * c;
      for (int k = 0; k < c; k++) out[k] = -std::numeric_limits<float>::infinity();
      for (int h = win.h0; h < win.h1; h++) {
        for (int w = win.w0; w < win.w1; w++) {
          const float* in = x + (static_cast<long>(h) * s.inWidth + w) * c;
          // Strictly greater, as the cpu backend compares: NaN never wins, the first of equals stays.
#pragma omp simd
          for (int k = 0; k < c; k++) out[k] = in[k] > out[k] ? in[k] : out[k];
        }
      }
    }
  }
}

// best and at: one slot per channel, the running maximum and its offset in the image.
__attribute__((target_clones("avx2", "default"))) void maxPoolGradImage(const PoolShape& s, const float* x,
                                                                       const float* dy, float* dx, float* best,
                                                                       int* at) {
  const int c = s.channels;
  std::fill(dx, dx + static_cast<long>(s.inHeight) * s.inWidth * c, 0.f);
  for (int oh = 0; oh < s.outHeight; oh++) {
    for (int ow = 0; ow < s.outWidth; ow++) {
      const Window win = windowAt(s, oh, ow);
      for (int k = 0; k < c; k++) {
        best[k] = -std::numeric_limits<float>::infinity();
        at[k] = -1;
      }
      // Row-major order and a strict comparison: the first position holding the maximum gets
      // the gradient, as in the cpu backend's maxPoolPositions. Without branches: on real
      // activations a branch per value mispredicts often.
      for (int h = win.h0; h < win.h1; h++) {
        for (int w = win.w0; w < win.w1; w++) {
          const int offset = (h * s.inWidth + w) * c;
          const float* in = x + offset;
#pragma omp simd
          for (int k = 0; k < c; k++) {
            const bool greater = in[k] > best[k];
            best[k] = greater ? in[k] : best[k];
            at[k] = greater ? offset + k : at[k];
          }
        }
      }
      const float* g = dy + (static_cast<long>(oh) * s.outWidth + ow) * c;
      for (int k = 0; k < c; k++) {
        if (at[k] >= 0) dx[at[k]] += g[k];
      }
    }
  }
}

__attribute__((target_clones("avx2", "default"))) void avgPoolImage(const PoolShape& s, const float* x, float* y) {
  const int c = s.channels;
  for (int oh = 0; oh < s.outHeight; oh++) {
    for (int ow = 0; ow < s.outWidth; ow++) {
      const Window win = windowAt(s, oh, ow);
      float* out = y + (static_cast<long>(oh) * s.outWidth + ow) * c;
      std::fill(out, out + c, 0.f);
      for (int h = win.h0; h < win.h1; h++) {
        for (int w = win.w0; w < win.w1; w++) {
          const float* in = x + (static_cast<long>(h) * s.inWidth + w) * c;
#pragma omp simd
          for (int k = 0; k < c; k++) out[k] += in[k];
        }
      }
      // Divided by the positions inside the input (0/0 = NaN for a window wholly in the padding,
      // as on cpu).
      const float count = static_cast<float>(std::max(0, win.h1 - win.h0) * std::max(0, win.w1 - win.w0));
#pragma omp simd
      for (int k = 0; k < c; k++) out[k] /= count;
    }
  }
}

__attribute__((target_clones("avx2", "default"))) void avgPoolGradImage(const PoolShape& s, const float* dy,
                                                                       float* dx) {
  const int c = s.channels;
  // The whole window, padding included, as tfjs's cpu backend divides (TensorFlow divides by the
  // positions inside, as the forward pass does; the two agree wherever no window overhangs).
  const float scale = 1.f / static_cast<float>(s.filterHeight * s.filterWidth);
  std::fill(dx, dx + static_cast<long>(s.inHeight) * s.inWidth * c, 0.f);
  for (int oh = 0; oh < s.outHeight; oh++) {
    for (int ow = 0; ow < s.outWidth; ow++) {
      const Window win = windowAt(s, oh, ow);
      const float* g = dy + (static_cast<long>(oh) * s.outWidth + ow) * c;
      for (int h = win.h0; h < win.h1; h++) {
        for (int w = win.w0; w < win.w1; w++) {
          float* out = dx + (static_cast<long>(h) * s.inWidth + w) * c;
#pragma omp simd
          for (int k = 0; k < c; k++) out[k] += g[k] * scale;
        }
      }
    }
  }
}

void validate(const PoolShape& s) {
  const int positive[] = {s.batch,        s.inHeight,    s.inWidth,      s.channels,    s.outHeight,
                          s.outWidth,     s.filterHeight, s.filterWidth, s.strideHeight, s.strideWidth};
  for (int d : positive) {
    if (d < 1) throw std::runtime_error("pooling: every size and stride must be >= 1");
  }
  // Windows are clipped to the input, so any padding is safe (one wholly outside gives -infinity or NaN).
  if (s.padTop < 0 || s.padLeft < 0) throw std::runtime_error("pooling: the padding must be >= 0");
  // Offsets within one image are ints (maxPoolGrad's argmax).
  if (static_cast<long>(s.inHeight) * s.inWidth * s.channels > std::numeric_limits<int>::max()) {
    throw std::runtime_error("pooling: an image has more than 2^31 values");
  }
}

/** Runs `image(n)` for every image of the batch, on one thread or split between all. */
template <typename Image>
void eachImage(const PoolShape& s, Image image) {
  validate(s);
  const long values = static_cast<long>(s.batch) * s.inHeight * s.inWidth * s.channels;
  const int threads = values < kParallelValues || s.batch == 1 ? 1 : std::min(availableThreads(), s.batch);
  if (threads == 1) {
    for (int n = 0; n < s.batch; n++) image(n);
  } else {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int n = 0; n < s.batch; n++) image(n);
  }
  leaveVectorState();
}

long inImage(const PoolShape& s) { return static_cast<long>(s.inHeight) * s.inWidth * s.channels; }

long outImage(const PoolShape& s) { return static_cast<long>(s.outHeight) * s.outWidth * s.channels; }

}  // namespace

void maxPool(const PoolShape& s, const float* x, float* y) {
  eachImage(s, [&](int n) { maxPoolImage(s, x + n * inImage(s), y + n * outImage(s)); });
}

void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx) {
  eachImage(s, [&](int n) {
    thread_local std::vector<float> best;
    thread_local std::vector<int> at;
    best.resize(s.channels);
    at.resize(s.channels);
    maxPoolGradImage(s, x + n * inImage(s), dy + n * outImage(s), dx + n * inImage(s), best.data(), at.data());
  });
}

void avgPool(const PoolShape& s, const float* x, float* y) {
  eachImage(s, [&](int n) { avgPoolImage(s, x + n * inImage(s), y + n * outImage(s)); });
}

void avgPoolGrad(const PoolShape& s, const float* dy, float* dx) {
  eachImage(s, [&](int n) { avgPoolGradImage(s, dy + n * outImage(s), dx + n * inImage(s)); });
}

}  // namespace medtransfer
