// Adam's, momentum SGD's and RMSProp's update of one variable in one pass (tfjs's optimizers compose
// two to ten element-wise kernels per variable on wasm's one thread), computed with exactly tfjs's float32
// operations in tfjs's order so that the result is bit for bit tfjs's.
#pragma once

#include <cstddef>

namespace medtransfer {

/** Adam's constants for one step, each the float32 value tfjs's kernels compute with. */
struct AdamStep {
  float beta1;
  float beta2;
  /** 1 - beta1 and 1 - beta2, as tfjs rounds the JS numbers (not 1 - the float betas). */
  float oneMinusBeta1;
  float oneMinusBeta2;
  float epsilon;
  /** -learningRate */
  float negativeRate;
  /** The bias corrections 1 - beta1^t and 1 - beta2^t (tfjs's running float32 powers). */
  float correction1;
  float correction2;
};

struct AdamBuffers {
  const float* value;
  const float* m;
  const float* v;
  const float* gradient;
  float* newValue;
  float* newM;
  float* newV;
};

void adamUpdate(size_t count, const AdamStep& step, const AdamBuffers& buffers);

/** Momentum SGD's constants, as tfjs's float32 scalars `m` and `c` hold them. */
struct MomentumStep {
  float momentum;
  /** -learningRate */
  float negativeRate;
  bool nesterov;
};

struct MomentumBuffers {
  const float* value;
  const float* accumulation;
  const float* gradient;
  float* newValue;
  float* newAccumulation;
};

void momentumUpdate(size_t count, const MomentumStep& step, const MomentumBuffers& buffers);

/** RMSProp's constants (not centered), each the float32 value tfjs's kernels compute with. */
struct RmsPropStep {
  float decay;
  /** 1 - decay, as tfjs rounds the JS number. */
  float oneMinusDecay;
  float momentum;
  float learningRate;
  float epsilon;
};

struct RmsPropBuffers {
  const float* value;
  const float* meanSquare;
  const float* moment;
  const float* gradient;
  float* newValue;
  float* newMeanSquare;
  float* newMoment;
};

void rmsPropUpdate(size_t count, const RmsPropStep& step, const RmsPropBuffers& buffers);

}  // namespace medtransfer
