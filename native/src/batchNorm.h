// Batch normalisation in training mode (the batch's own statistics) over oneDNN, forward and
// backward, on caller-owned float buffers: activations with channels last, any rank. With a
// workspace, a ReLU after it in the same pass each way (oneDNN's fuse_norm_relu): y = max(BN(x), 0),
// the workspace recording where BN(x) > 0, which the backward pass reads to mask dy.
#pragma once

#include <cstddef>
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
  // Null: no ReLU. Else out: batchNormReluWorkspaceBytes bytes, for batchNormBackward.
  unsigned char* workspace = nullptr;
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
  // Null: no ReLU. Else the forward pass's workspace; dy is taken where BN(x) > 0 only.
  const unsigned char* workspace = nullptr;
};

/** y = γ·(x − μ)/√(σ² + ε) + β with μ, σ² the batch's; primitives cached per shape. Throws std::runtime_error. */
void batchNormForward(const NormShape& shape, float epsilon, const NormForwardBuffers& buffers);

/** The gradients of batchNormForward for x, γ and β, the statistics counted as functions of x. */
void batchNormBackward(const NormShape& shape, float epsilon, const NormBackwardBuffers& buffers);

/** The bytes of a fused ReLU's workspace for a shape (a bit or a byte a value, as oneDNN's kernel keeps it). */
size_t batchNormReluWorkspaceBytes(const NormShape& shape, float epsilon);

/** oneDNN's implementation name for the forward (false) or backward (true) pass. */
std::string batchNormImplementation(const NormShape& shape, float epsilon, bool backward, bool relu = false);

}  // namespace medtransfer
