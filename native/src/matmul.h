// Batched matrix products (tfjs's BatchMatMul and _FusedMatMul) over oneDNN's sgemm on
// caller-owned row-major float buffers, with tfjs's transposes, its batch broadcast and the fused
// bias and activation.
#pragma once

#include "convolution.h"

namespace medtransfer {

struct MatMulShape {
  // tfjs's broadcast over the flattened batch: product i reads a[i % batchA] and b[i % batchB].
  int batchA, batchB, batch;
  int m, n, k;  // a is m×k (k×m when transposeA), b k×n (n×k when transposeB), out m×n
  bool transposeA, transposeB;
};

/** out = activation(a·b + bias); bias (n values, added to every row) may be null. Throws std::runtime_error. */
void matMul(const MatMulShape& shape, const float* a, const float* b, float* out, const float* bias,
            const ConvEpilogue& epilogue);

}  // namespace medtransfer
