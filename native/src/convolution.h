// Convolutions (plain and grouped/depthwise) over oneDNN on caller-owned float buffers: NHWC
// activations and TensorFlow's filter layouts (HWIO, or H×W×C×multiplier for depthwise).
#pragma once

#include <string>

namespace medtransfer {

enum class ConvPass { forward = 0, backwardData = 1, backwardWeights = 2 };

enum class Activation { linear = 0, relu = 1, relu6 = 2, leakyRelu = 3, elu = 4, sigmoid = 5 };

struct ConvShape {
  int batch, inHeight, inWidth, inChannels;
  int filterHeight, filterWidth, outChannels;
  int outHeight, outWidth;
  int strideHeight, strideWidth;
  int dilationHeight, dilationWidth;  // 1 = dense, as tfjs counts
  int padTop, padLeft, padBottom, padRight;
  int groups;  // 1, or inChannels for depthwise (filter H×W×C×multiplier)
};

struct ConvBuffers {
  float* src;      // N×H×W×Ci (the output of backwardData)
  float* weights;  // filter (the output of backwardWeights)
  float* dst;      // N×OH×OW×Co (the output of forward)
  const float* bias;  // forward only, may be null
  // Names the filter's contents where the caller knows them unchanged since a call with the same
  // key (tfjs tensors are immutable: one key a tensor, never reused); 0 where it does not. The
  // forward and input-gradient passes then reuse their reordered filter instead of reordering it again.
  double weightsKey = 0;
};

struct ConvEpilogue {
  Activation activation = Activation::linear;
  float alpha = 0;  // leakyRelu's slope
};

/** Runs one pass; primitives are built once per shape and pass and cached. Throws std::runtime_error. */
void runConvolution(ConvPass pass, const ConvShape& shape, const ConvBuffers& buffers, const ConvEpilogue& epilogue);

/** oneDNN's implementation name for a pass and shape (builds and caches the primitive). */
std::string convolutionImplementation(ConvPass pass, const ConvShape& shape, bool hasBias, const ConvEpilogue& epilogue);

/** Threads the larger convolutions run on (OpenMP: OMP_NUM_THREADS, else all cores); small ones run on one. */
int parallelThreads();

/**
 * Convolutions whose output row (input row, for the input gradient) has at most this many pixels run
 * on oneDNN's blocked activation layout (4 unless set; 0: never). A negative width only reads it.
 * Returns the width before the call. For tests and A/B measurements.
 */
int narrowConvolutionWidth(int width);

/**
 * Whether 3×3 stride-1 convolutions of at least 64 channels run oneDNN's Winograd kernels (true
 * unless set). enabled: 1 or 0 sets it, negative only reads. Returns the setting before the call.
 */
bool winogradConvolutions(int enabled);

/** Cached primitives, for tests of the cache. */
size_t cachedConvolutions();

}  // namespace medtransfer
