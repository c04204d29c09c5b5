// Batch normalisation in training mode (the batch's own statistics) over oneDNN, forward and
// backward, on caller-owned float buffers: activations with channels last, any rank.
#pragma once

#include <string>

namespace medtransfer {

struct NormShape {
  int rows;      // every value of a channel: the product of all axes but the last
  int channels;  // the last axis
};

struct NormForwardBuffers {
  const float* x;
  const float* scale;   // γ
  const float* offset;  // β
  float* y;
  float* mean;      // out: the batch's mean per channel
  float* variance;  // out: its biased variance (as tf.moments)
};

struct NormBackwardBuffers {
  const float* x;
  const float* mean;
  const float* variance;
  const float* scale;
  const float* offset;  // unused by the arithmetic, but oneDNN's backward pass takes it with use_shift
  const float* dy;
  float* dx;
  float* dscale;
  float* doffset;
};

/** y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch's; primitives cached per shape. Throws std::runtime_error. */
void batchNormForward(const NormShape& shape, float epsilon, const NormForwardBuffers& buffers);

/** The gradients of batchNormForward for x, γ and β, the statistics counted as functions of x. */
void batchNormBackward(const NormShape& shape, float epsilon, const NormBackwardBuffers& buffers);

/** oneDNN's implementation name for the forward (false) or backward (true) pass. */
std::string batchNormImplementation(const NormShape& shape, float epsilon, bool backward);

}  // namespace medtransfer
